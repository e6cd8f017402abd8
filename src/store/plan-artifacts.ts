import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Transaction } from 'kysely';
import { sha256 } from '../domain/hash.ts';
import type { Plan } from '../domain/types.ts';
import type { Db } from './database.ts';
import type { Database } from './tables.ts';

// Saved engine plans (Terraform plan files, Pulumi update plans) kept in the database with the
// request that will apply them, so that any replica can apply a plan another one made. A plan
// file holds the stack's config values, secrets included: it is stored encrypted (AES-256-GCM,
// key derived from the audit key, which the database does not hold) and verified by its digest
// before an apply writes it back to the local disk. A local path is never assumed to be shared.

let artifactKey: Buffer | undefined;

/** Called by openDatabase with the audit key; without it artifacts stay on the local disk only. */
export function useArtifactKey(auditKey: Buffer): void {
  artifactKey = createHmac('sha256', auditKey).update('greenlight-plan-artifacts').digest();
}

type Executor = Db | Transaction<Database>;

function seal(key: Buffer, bytes: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

function unseal(key: Buffer, sealed: string): Buffer | undefined {
  const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64'));
  if (!iv || !tag || !body) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** Keeps a request's saved plan in the database, in the transaction that stores the request. */
export async function storeArtifact(trx: Executor, plan: Pick<Plan, 'artifact'>, at: string): Promise<void> {
  if (!plan.artifact || !artifactKey || !existsSync(plan.artifact.path)) return;
  await trx
    .insertInto('plan_artifacts')
    .values({
      name: basename(plan.artifact.path),
      sha256: plan.artifact.sha256,
      content: seal(artifactKey, readFileSync(plan.artifact.path)),
      created_at: at,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/** Forgets a decided request's saved plan (it is never applied again). */
export async function dropArtifact(trx: Executor, plan: Pick<Plan, 'artifact'>): Promise<void> {
  if (plan.artifact) await trx.deleteFrom('plan_artifacts').where('name', '=', basename(plan.artifact.path)).execute();
}

/**
 * Before an apply on this replica: when the saved plan is not on the local disk (another replica
 * made it), it is written back from the database — only if it decrypts and has the approved digest.
 * A local file that is present is left as it is: the apply's own digest check judges it.
 */
export async function ensureLocalArtifact(db: Db, plan: Pick<Plan, 'artifact'>): Promise<void> {
  if (!plan.artifact || existsSync(plan.artifact.path) || !artifactKey) return;
  const row = await db.selectFrom('plan_artifacts').selectAll().where('name', '=', basename(plan.artifact.path)).executeTakeFirst();
  const bytes = row && row.sha256 === plan.artifact.sha256 ? unseal(artifactKey, row.content) : undefined;
  if (!bytes || sha256(bytes) !== plan.artifact.sha256) return;
  mkdirSync(dirname(plan.artifact.path), { recursive: true, mode: 0o700 });
  writeFileSync(plan.artifact.path, bytes, { mode: 0o600 });
  chmodSync(plan.artifact.path, 0o600);
}
