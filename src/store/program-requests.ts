import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { ProgramRequestsTable } from './tables.ts';

// What programs and agents asked for: the deployment id they chose for each request (one request
// per id, retries included), how they came (HTTP API or MCP), and the engine output of plans that
// failed, which an API error points at as its `logs_ref`.

export type ProgramVia = 'api' | 'mcp';

export interface ProgramRequest {
  deploymentId: string;
  requestId: string;
  principal: string;
  via: ProgramVia;
  inputHash: string;
  webhookUrl: string | null;
  createdAt: string;
}

const toProgramRequest = (row: Selectable<ProgramRequestsTable>): ProgramRequest => ({
  deploymentId: row.deployment_id,
  requestId: row.request_id,
  principal: row.principal,
  via: row.via === 'mcp' ? 'mcp' : 'api',
  inputHash: row.input_hash,
  webhookUrl: row.webhook_url,
  createdAt: row.created_at,
});

/** Records a program's request; false when the deployment id is taken already (a concurrent retry). */
export async function insertProgramRequest(db: Db, r: ProgramRequest): Promise<boolean> {
  const result = await db
    .insertInto('program_requests')
    .values({
      deployment_id: r.deploymentId,
      request_id: r.requestId,
      principal: r.principal,
      via: r.via,
      input_hash: r.inputHash,
      webhook_url: r.webhookUrl,
      created_at: r.createdAt,
    })
    .onConflict((oc) => oc.column('deployment_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** By deployment id or by request id (`cr-…`). */
export async function findProgramRequest(db: Db, id: string): Promise<ProgramRequest | undefined> {
  const row = await db
    .selectFrom('program_requests')
    .selectAll()
    .where((eb) => eb.or([eb('deployment_id', '=', id), eb('request_id', '=', id)]))
    .executeTakeFirst();
  return row ? toProgramRequest(row) : undefined;
}

/** Keeps an engine's output (already masked) and returns the reference an answer gives for it. */
export async function saveEngineLog(db: Db, entry: { actor: string; stack: string | null; text: string; at: string }): Promise<string> {
  const ref = `lg-${randomBytes(5).toString('hex')}`;
  await db.insertInto('engine_logs').values({ ref, at: entry.at, actor: entry.actor, stack: entry.stack, text: entry.text }).execute();
  return ref;
}

export async function findEngineLog(db: Db, ref: string) {
  return db.selectFrom('engine_logs').selectAll().where('ref', '=', ref).executeTakeFirst();
}
