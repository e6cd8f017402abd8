import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { secrets } from '../domain/redaction.ts';
import type { ThreadRef } from '../domain/types.ts';
import type { Db } from './database.ts';

// A question the bot asked back: a form for missing parameters, or "did you mean …?". The
// answer (form submission, button) finds the original request here.

export interface Clarification {
  id: string;
  kind: 'form' | 'choice';
  user: string;
  thread: ThreadRef;
  text: string;
  intent: string | null;
  params: Record<string, unknown>;
  createdAt: string;
  resolvedAt: string | null;
}

const paramsSchema = z.record(z.string(), z.unknown());

export async function saveClarification(db: Db, c: Omit<Clarification, 'id' | 'resolvedAt'>): Promise<Clarification> {
  const id = `cl-${randomBytes(5).toString('hex')}`;
  await db
    .insertInto('clarifications')
    .values({
      id,
      kind: c.kind,
      user: c.user,
      thread_channel: c.thread.channel,
      thread_id: c.thread.id,
      // The form's parameters are needed to finish the request; the text is only shown.
      text: secrets.text(c.text),
      intent: c.intent,
      params: JSON.stringify(c.params),
      created_at: c.createdAt,
      resolved_at: null,
    })
    .execute();
  return { ...c, id, resolvedAt: null };
}

export async function findClarification(db: Db, id: string): Promise<Clarification | undefined> {
  const row = await db.selectFrom('clarifications').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    user: row.user,
    thread: { channel: row.thread_channel, id: row.thread_id },
    text: row.text,
    intent: row.intent,
    params: paramsSchema.parse(JSON.parse(row.params)),
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

/** Marks it answered; false if it already was (a double submit does nothing twice). */
export async function resolveClarification(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('clarifications')
    .set({ resolved_at: at })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
