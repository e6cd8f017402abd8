import { type Kysely, type Migration, type MigrationProvider, PostgresAdapter, sql } from 'kysely';
import { apiTokens, cluster, deploymentStateSerial, lifecycle, planArtifacts, teamsSends } from './migrations-later.ts';

// Schema migrations, applied in order at start, on SQLite and PostgreSQL. Column types are the
// common subset (text, integer); JSON is stored as text so both dialects read it the same way.

/** Migrations run on SQLite and PostgreSQL alike; the few statements that differ ask which. */
const isPostgresDb = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    const postgres = isPostgresDb(db);
    await db.schema
      .createTable('change_requests')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('requester', 'text', (c) => c.notNull())
      .addColumn('capability', 'text', (c) => c.notNull())
      .addColumn('stack', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('thread_channel', 'text', (c) => c.notNull())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('plan_message_id', 'text')
      .addColumn('plan', 'text', (c) => c.notNull())
      .addColumn('plan_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('change_requests_pk', ['id', 'revision'])
      .execute();
    await db.schema.createIndex('change_requests_stack').on('change_requests').columns(['stack', 'created_at']).execute();
    await db.schema.createIndex('change_requests_status').on('change_requests').column('status').execute();

    await db.schema
      .createTable('approvals')
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('approver', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('plan_hash', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      // One vote per person per revision: a second click cannot count twice.
      .addPrimaryKeyConstraint('approvals_pk', ['request_id', 'revision', 'approver'])
      .execute();

    await db.schema
      .createTable('deployments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('stack', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('outputs', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('error', 'text')
      .addColumn('progress_message_id', 'text')
      .execute();
    // A request revision is applied at most once, whatever races happen above.
    await db.schema.createIndex('deployments_request').on('deployments').columns(['request_id', 'revision']).unique().execute();
    await db.schema.createIndex('deployments_queue').on('deployments').columns(['stack', 'status', 'queued_at']).execute();

    await db.schema
      .createTable('deployment_events')
      .addColumn('deployment_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('address', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('deployment_events_pk', ['deployment_id', 'seq'])
      .execute();

    await db.schema
      .createTable('stack_locks')
      .addColumn('stack', 'text', (c) => c.primaryKey())
      .addColumn('deployment_id', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('stack_config')
      .addColumn('stack', 'text', (c) => c.primaryKey())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('threads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('card', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('messages_thread').on('messages').columns(['thread_id', 'seq']).unique().execute();

    await db.schema
      .createTable('audit_log')
      // Every append names its seq (the next after the chain's head): no sequence needed.
      .addColumn('seq', 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('revision', 'integer')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    // Append-only at the database level too: edits need someone to drop these triggers first,
    // and `greenlight audit verify` still catches them through the hash chain.
    if (postgres) {
      await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`.execute(
        db,
      );
      await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(
        db,
      );
    } else {
      await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
        db,
      );
      await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
        db,
      );
    }

    await db.schema
      .createTable('kv')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

/** The error code of a failed deployment, so its card says engine_not_found rather than a guess. */
const deploymentErrorCode: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('deployments').addColumn('error_code', 'text').execute();
  },
};

/** Questions the bot asked back (a form for missing parameters, "did you mean …?"). */
const clarifications: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('clarifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('user', 'text', (c) => c.notNull())
      .addColumn('thread_channel', 'text', (c) => c.notNull())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('intent', 'text')
      .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('resolved_at', 'text')
      .execute();
  },
};

/** A thread that did not exist yet when the workflow named it (a Slack slash command's plan card is its root). */
const threadAliases: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('thread_aliases')
      .addColumn('alias', 'text', (c) => c.primaryKey())
      .addColumn('thread', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Teams: where to post later (the conversation reference of each conversation the bot is in) and
 * who is who (a user's Teams id, needed for a card's refresh list, from their Entra object id).
 */
const teams: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams_conversations')
      .addColumn('conversation_id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('teams_users')
      .addColumn('aad_object_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Who changed a request into each revision: separation of duties reads it on every approval. */
const requestEditors: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('change_requests')
      .addColumn('editors', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};

/** The engine process of an apply, so a restart can find it after a crash. */
const deploymentEnginePid: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('deployments').addColumn('engine_pid', 'integer').execute();
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return {
      '0001_initial': initial,
      '0002_deployment_error_code': deploymentErrorCode,
      '0003_clarifications': clarifications,
      '0004_thread_aliases': threadAliases,
      '0005_teams': teams,
      '0006_request_editors': requestEditors,
      '0007_deployment_engine_pid': deploymentEnginePid,
      '0008_api_tokens': apiTokens,
      '0009_plan_artifacts': planArtifacts,
      '0010_cluster': cluster,
      '0011_teams_sends': teamsSends,
      '0012_lifecycle': lifecycle,
      '0013_deployment_state_serial': deploymentStateSerial,
    };
  },
};
