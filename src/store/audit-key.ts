import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GreenlightError } from '../domain/errors.ts';

// The key of the audit chain's HMACs. It never enters the database: whoever can write the
// database cannot recompute the chain. From GREENLIGHT_AUDIT_KEY (base64 or hex, ≥ 32 bytes), else
// from the key file (`audit.keyFile`), generated with 0600 on first start.

function decode(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]+$/i.test(trimmed) && trimmed.length % 2 === 0 ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
}

export function loadAuditKey(keyFile: string, envKey: string | undefined, options: { create: boolean }): Buffer {
  if (envKey !== undefined) {
    const key = decode(envKey);
    if (key.length < 32) throw new GreenlightError('config_invalid', 'GREENLIGHT_AUDIT_KEY must hold at least 32 bytes (base64 or hex).');
    return key;
  }
  if (!existsSync(keyFile)) {
    if (!options.create) {
      throw new GreenlightError(
        'config_invalid',
        `The audit key ${keyFile} does not exist. Start Greenlight once to create it, or set GREENLIGHT_AUDIT_KEY.`,
      );
    }
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = decode(readFileSync(keyFile, 'utf8'));
  if (key.length < 32) throw new GreenlightError('config_invalid', `The audit key in ${keyFile} is shorter than 32 bytes.`);
  return key;
}
