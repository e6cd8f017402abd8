import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Db } from './database.ts';

// Signed checkpoints of the audit chain's head, written outside the database (a directory the
// operator can put on another disk or a synced bucket mount). `audit verify` checks the log
// against the newest one: rows it vouches for must still be there, unchanged.

const checkpointSchema = z.object({ seq: z.number().int().min(0), hash: z.string(), at: z.string(), mac: z.string() });
export type Checkpoint = z.infer<typeof checkpointSchema>;

function sign(key: Buffer, c: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key).update(`greenlight-audit-checkpoint\n${c.seq}\n${c.hash}\n${c.at}`).digest('hex');
}

/** Writes a checkpoint of the current head; returns its path. */
export async function writeCheckpoint(db: Db, key: Buffer, dir: string, at: string): Promise<{ path: string; seq: number }> {
  const last = await db.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const body = { seq: last?.seq ?? 0, hash: last?.hash ?? '', at };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `checkpoint-${String(body.seq).padStart(12, '0')}-${Date.parse(at)}.json`);
  writeFileSync(path, `${JSON.stringify({ ...body, mac: sign(key, body) })}\n`, { mode: 0o600 });
  return { path, seq: body.seq };
}

/** The newest checkpoint (highest seq), verified; `{ error }` when one was tampered with. */
export function latestCheckpoint(dir: string, key: Buffer): Checkpoint | { error: string } | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^checkpoint-\d+-\d+\.json$/.test(f));
  } catch {
    return undefined;
  }
  let best: Checkpoint | undefined;
  for (const file of files) {
    const parsed = checkpointSchema.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) return { error: `checkpoint ${file} is not a checkpoint` };
    const expected = Buffer.from(sign(key, parsed.data));
    const given = Buffer.from(parsed.data.mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { error: `checkpoint ${file} has a bad signature` };
    if (!best || parsed.data.seq > best.seq) best = parsed.data;
  }
  return best;
}
