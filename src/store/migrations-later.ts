import type { Kysely, Migration } from 'kysely';

// Migrations 0008 on: programs as requesters, saved plans in the store, several replicas on one
// PostgreSQL, and what happens between requests. Registered in order in migrations.ts.

/**
 * Programs and agents as requesters: API tokens (only a hash of the secret is kept), the
 * deployment ids programs give their requests (one request per id), and engine output of a
 * failed plan, kept for the `logs_ref` an API answer points at.
 */
export const apiTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('webhook_url', 'text')
      .addColumn('webhook_secret', 'text', (c) => c.notNull())
      .addColumn('post_to', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema
      .createTable('program_requests')
      .addColumn('deployment_id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().unique())
      .addColumn('principal', 'text', (c) => c.notNull())
      .addColumn('via', 'text', (c) => c.notNull())
      .addColumn('input_hash', 'text', (c) => c.notNull())
      .addColumn('webhook_url', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('engine_logs')
      .addColumn('ref', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('stack', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Saved engine plans, encrypted, so any replica can apply a plan another one made. */
export const planArtifacts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('plan_artifacts')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * More than one replica: a stack lock is a lease (owner, expiry renewed by heartbeat); singletons
 * (the expiry sweeper, the lease reaper) hold named leases; inbound deliveries (Slack events and
 * their retries, Teams activities, request signatures) are recognised across replicas.
 */
export const cluster: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('stack_locks').addColumn('owner', 'text').execute();
    await db.schema.alterTable('stack_locks').addColumn('expires_at', 'text').execute();
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('inbound_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/** Calls to each Teams conversation, so every replica keeps to Teams' limits together. */
export const teamsSends: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('teams_sends')
      .addColumn('conversation_id', 'text', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('teams_sends_conversation').on('teams_sends').columns(['conversation_id', 'at_ms']).execute();
  },
};

/**
 * Between requests: an interrupted apply marked resolved, temporary environments (TTL) and their
 * reminders, drift findings snoozed, and when each scheduled job last ran.
 */
export const lifecycle: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('deployments').addColumn('resolved_by', 'text').execute();
    await db.schema.alterTable('deployments').addColumn('resolved_at', 'text').execute();
    await db.schema.alterTable('deployments').addColumn('resolution', 'text').execute();
    await db.schema
      .createTable('stack_ttls')
      .addColumn('stack', 'text', (c) => c.primaryKey())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('requester', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('thread_channel', 'text', (c) => c.notNull())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('reminded_at', 'text')
      .addColumn('destroy_request_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('drift_snoozes')
      .addColumn('stack', 'text', (c) => c.primaryKey())
      .addColumn('until', 'text', (c) => c.notNull())
      .addColumn('snoozed_by', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('schedule_runs')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_at', 'text', (c) => c.notNull())
      .execute();
  },
};

/** The state serial an apply started from (its saved plan's), so an interrupted apply can say whether state was written. */
export const deploymentStateSerial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('deployments').addColumn('state_serial_before', 'integer').execute();
  },
};
