import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSecretKey, Redactor } from '../../src/domain/redaction.ts';

describe('secret redaction', () => {
  const fp = /••••\(sha256:[0-9a-f]{4}\)/;

  it('judges keys by their words', () => {
    for (const k of [
      'db_password',
      'apiKey',
      'SLACK_BOT_TOKEN',
      'connectionString',
      'client_secret',
      'AccountKey',
      'PGPASSWORD',
      'private-key',
    ])
      expect(isSecretKey(k), k).toBe(true);
    for (const k of ['monthlyTokens', 'passEnv', 'tokenCount', 'replicas', 'scaleKey', 'release', 'approvers', 'planHash'])
      expect(isSecretKey(k), k).toBe(false);
  });

  it('masks learned values, key=value pairs, token formats, URL passwords and random strings; leaves hashes and ids', () => {
    const r = new Redactor();
    r.learn('hunter2-yaml');
    const hash = `${'a'.repeat(8) + '0123456789abcdef'.repeat(3)}deadbeef`;
    const text = [
      'config: release=v1, db_password=typed-in-chat-1, replicas=3',
      'the yaml one is hunter2-yaml',
      'bot xoxb-1234567890-abcdefghij and sk-proj-ABCDEFGHIJKLMNOPQRSTUV12',
      'postgres://app:S3cr3tPw@db:5432/app',
      'random Zk3L9qPzX2mVb7RtYw4NcJ8dHs5F',
      `plan ${hash} request cr-0123456789 uuid 6f1c2b8e-3d4a-4f7e-9a2b-1c3d4e5f6a7b`,
    ].join('\n');
    const out = r.text(text);
    for (const secret of ['typed-in-chat-1', 'hunter2-yaml', 'xoxb-1234567890', 'sk-proj-ABC', 'S3cr3tPw', 'Zk3L9qPzX2mVb7RtYw4NcJ8dHs5F'])
      expect(out, secret).not.toContain(secret);
    expect(out).toContain(hash);
    expect(out).toContain('cr-0123456789');
    expect(out).toContain('6f1c2b8e-3d4a-4f7e-9a2b-1c3d4e5f6a7b');
    expect(out).toContain('release=v1');
    expect(out).toMatch(fp);
  });

  it('masks values under secret keys at any depth, and the fingerprint is stable per key', () => {
    const r = new Redactor();
    r.useKey(randomBytes(32));
    const out = r.value({
      plan: { config: { db_password: 'pw-123456', replicas: '3' }, params: { values: { apiKey: 99887766 } } },
      list: ['ok'],
    });
    expect(out.plan.config.db_password).toBe(r.fingerprint('pw-123456'));
    expect(out.plan.config.replicas).toBe('3');
    expect(out.plan.params.values.apiKey).toMatch(fp);
    expect(r.value(out)).toEqual(out); // idempotent
    const other = new Redactor();
    other.useKey(randomBytes(32));
    expect(other.fingerprint('pw-123456')).not.toBe(r.fingerprint('pw-123456'));
  });

  it('learns secrets from maps and from key=value text', () => {
    const r = new Redactor();
    r.learnSecretsIn({ stacks: { a: { config: { admin_password: 'learned-from-map' } } } });
    r.learnSecretsIn('set app/dev api_token=learned-from-text release=v2');
    expect(r.text('later: learned-from-map and learned-from-text appear bare')).not.toMatch(/learned-from/);
  });
});
