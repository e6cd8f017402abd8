import { createHmac, randomBytes } from 'node:crypto';

// Layered secret redaction. Before anything leaves the process or is stored for other people to
// read (cards, API answers, SSE, logs, audit entries, memory, stored messages), every string and
// every value under a secret-looking key passes through here, and a secret is replaced by a stable
// fingerprint `••••(sha256:1a2b)`. The layers, from most to least certain:
//   1. values the engine marked sensitive never get here (Terraform `sensitive`, Pulumi secrets
//      are masked where the engine's output is parsed);
//   2. values Greenlight knows to be secret: its own tokens, values the operator lists, values
//      met under a secret-looking key (config, chat `key=value`, stored stack config);
//   3. values under a key that looks secret (password, token, secret, api key, connection string…);
//   4. values that look like credentials: known token formats and long high-entropy strings.
// The real value is kept only where an engine needs it (the stored plan, the stack config).

const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'apikey', 'credential', 'credentials']);
const SECRET_PAIRS = new Set([
  'api key',
  'access key',
  'private key',
  'account key',
  'signing key',
  'connection string',
  'conn str',
  'sas token',
]);

/**
 * Keys whose values are secrets wherever they appear (config keys, JSON keys, `key=value` text),
 * judged by their words: `db_password`, `apiKey`, `SLACK_BOT_TOKEN`, `connectionString` are;
 * `monthlyTokens`, `passEnv`, `tokenCount` are not.
 */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.some((w) => SECRET_WORDS.has(w) || /password|passwd|passphrase|secret|credential/.test(w))) return !words.includes('count');
  return words.some((w, i) => SECRET_PAIRS.has(`${w} ${words[i + 1] ?? ''}`));
}

/** Known credential formats (Slack, GitHub, AWS, OpenAI, Google, JWT, PEM keys, URLs with a password). */
const TOKEN_FORMATS: RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g,
  /\bxapp-[A-Za-z0-9-]{8,}/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
];
/** `scheme://user:password@host`: only the password part is secret. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;
/** `password=…`, `"api_key": "…"`, `token: …` inside free text. */
const KEY_VALUE = /(\b[A-Za-z_][\w.-]*\b)(\s*["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"'}]+)/g;
/**
 * Candidate high-entropy strings: long runs of base64url / token characters. `/` is left out so
 * that file paths and URLs are judged segment by segment (a base64 secret with a `/` is still
 * caught when it was learned or sits under a secret key).
 */
const CANDIDATE = /[A-Za-z0-9+_=-]{24,}/g;

const MIN_KNOWN_LENGTH = 6;
const FINGERPRINT = /••••\(sha256:[0-9a-f]{4}\)/;

function entropyBitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/**
 * Random-looking: long, high entropy, and mixing upper case, lower case and digits. Hex digests
 * (plan hashes, ids) and UUIDs never mix cases, so they stay readable.
 */
function looksRandom(candidate: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(candidate)).length;
  return classes === 3 && entropyBitsPerChar(candidate) >= 4.2;
}

export class Redactor {
  private readonly known = new Set<string>();
  private sortedKnown: string[] = [];
  private key: Buffer = randomBytes(32);

  /** A stable key makes fingerprints stable across restarts (derived from the audit key). */
  useKey(key: Buffer): void {
    this.key = createHmac('sha256', key).update('greenlight-redaction').digest();
  }

  fingerprint(value: string): string {
    return `••••(sha256:${createHmac('sha256', this.key).update(value).digest('hex').slice(0, 4)})`;
  }

  isFingerprint(value: string): boolean {
    return FINGERPRINT.test(value) && value.replace(FINGERPRINT, '').trim() === '';
  }

  /** Remembers a value as secret, so it is masked wherever it shows up later. */
  learn(value: unknown): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const text = String(value);
    if (text.length < MIN_KNOWN_LENGTH || this.known.has(text) || this.isFingerprint(text)) return;
    this.known.add(text);
    this.sortedKnown = [...this.known].sort((a, b) => b.length - a.length);
  }

  /** Learns every value under a secret-looking key, at any depth (config maps, chat parameters). */
  learnSecretsIn(value: unknown): void {
    if (Array.isArray(value)) for (const v of value) this.learnSecretsIn(v);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        if (isSecretKey(k) && (typeof v === 'string' || typeof v === 'number')) this.learn(v);
        else this.learnSecretsIn(v);
      }
    else if (typeof value === 'string')
      for (const match of value.matchAll(KEY_VALUE)) if (isSecretKey(match[1] ?? '')) this.learn(unquote(match[3] ?? ''));
  }

  text(input: string): string {
    if (input.length < MIN_KNOWN_LENGTH) return input;
    let out = input;
    for (const secret of this.sortedKnown) if (out.includes(secret)) out = out.split(secret).join(this.fingerprint(secret));
    for (const format of TOKEN_FORMATS) out = out.replace(format, (m) => this.fingerprint(m));
    out = out.replace(URL_PASSWORD, (_m, head: string, password: string, at: string) => `${head}${this.fingerprint(password)}${at}`);
    out = out.replace(KEY_VALUE, (m, key: string, sep: string, value: string) =>
      isSecretKey(key) && !this.isFingerprint(unquote(value)) ? `${key}${sep}${this.fingerprint(unquote(value))}` : m,
    );
    return out.replace(CANDIDATE, (m) => (looksRandom(m) ? this.fingerprint(m) : m));
  }

  /** A copy of any JSON-like value with every secret replaced; values under secret keys always. */
  value<T>(input: T): T {
    return this.walk(input, undefined) as T;
  }

  private walk(input: unknown, key: string | undefined): unknown {
    if (typeof input === 'string') {
      if (key && isSecretKey(key) && input !== '' && !this.isFingerprint(input)) return this.fingerprint(input);
      return this.text(input);
    }
    if (typeof input === 'number' && key && isSecretKey(key)) return this.fingerprint(String(input));
    if (Array.isArray(input)) return input.map((v) => this.walk(v, key));
    if (input && typeof input === 'object') {
      if (input instanceof Date || Buffer.isBuffer(input)) return input;
      if (input instanceof Error) {
        // Message and stack are not enumerable: carry them over, masked, as a log would show them.
        const own = this.walk({ ...input }, key) as Record<string, unknown>;
        return { type: input.name, message: this.text(input.message), stack: this.text(input.stack ?? ''), ...own };
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = this.walk(v, k);
      return out;
    }
    return input;
  }
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}

/**
 * The process's redactor. One per process on purpose: the logger, the store and every channel
 * must mask the same values, and a value learned anywhere is masked everywhere.
 */
export const secrets = new Redactor();
