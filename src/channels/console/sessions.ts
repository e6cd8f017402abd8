import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// Signed cookies: the console's sign-in session and the short-lived OpenID Connect login state
// (PKCE verifier, state, nonce). The value is base64url JSON plus an HMAC over it; nothing is
// trusted until the MAC checks and the expiry has not passed.

const sealedSchema = z.object({ exp: z.number() }).passthrough();

export class CookieSealer {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = createHmac('sha256', secret).update('greenlight-console-cookies').digest();
  }

  private mac(body: string, purpose: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\n${body}`).digest('base64url');
  }

  seal(purpose: string, value: Record<string, unknown>, ttlSeconds: number, nowMs = Date.now()): string {
    const body = Buffer.from(JSON.stringify({ ...value, exp: Math.floor(nowMs / 1000) + ttlSeconds })).toString('base64url');
    return `${body}.${this.mac(body, purpose)}`;
  }

  open<T extends z.ZodType>(purpose: string, sealed: string | undefined, schema: T, nowMs = Date.now()): z.output<T> | undefined {
    if (!sealed) return undefined;
    const [body, mac] = sealed.split('.');
    if (!body || !mac) return undefined;
    const expected = Buffer.from(this.mac(body, purpose));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const raw = sealedSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      if (raw.exp < Math.floor(nowMs / 1000)) return undefined;
      const parsed = schema.safeParse(raw);
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export const sessionSchema = z.object({ principal: z.string(), name: z.string(), groups: z.array(z.string()) });
export type ConsoleSession = z.infer<typeof sessionSchema>;
