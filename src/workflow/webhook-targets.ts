import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Agent } from 'undici';
import { GreenlightError } from '../domain/errors.ts';

// Where a program may have Greenlight call it back. A webhook URL comes from whoever holds an API
// token, and Greenlight calls it from inside the network: without a check a token would make it
// POST to the cloud's metadata service (169.254.169.254), a database's admin port or anything on
// localhost. With `api.webhookAllow` (URL prefixes) only URLs under one of them are called; without
// it, only hosts whose every address is public unicast (ipaddr.js's "unicast" range). Checked when
// the URL is given, and again at each delivery, whose connection is pinned to the address checked:
// a second DNS answer (rebinding) cannot send it elsewhere.

export class WebhookTargets {
  constructor(
    private readonly allow: readonly string[],
    private readonly resolve: (host: string) => Promise<string[]> = async (host) =>
      (await lookup(host, { all: true, verbatim: true })).map((a) => a.address),
  ) {}

  /**
   * Resolves when `url` may be called, with the public address checked for its host (undefined
   * when api.webhookAllow let it through); otherwise a bad_request saying why and what to do.
   */
  async check(url: string): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new GreenlightError('bad_request', `The webhook URL ${url} is not a URL.`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new GreenlightError('bad_request', `The webhook URL must be http(s), not ${parsed.protocol}`);
    if (parsed.username || parsed.password)
      throw new GreenlightError('bad_request', 'The webhook URL must not carry credentials: it is signed with the token’s webhook secret.');
    if (this.allow.length > 0) {
      // Same origin (scheme, host, port) and a path under the prefix's: "https://ci.example.com"
      // must not let "https://ci.example.com.attacker.net" through.
      const under = (prefix: URL) => parsed.origin === prefix.origin && parsed.pathname.startsWith(prefix.pathname);
      if (this.allow.some((prefix) => under(new URL(prefix)))) return undefined;
      throw new GreenlightError(
        'bad_request',
        `The webhook URL ${parsed.origin} is not under an allowed prefix (api.webhookAllow: ${this.allow.join(', ')}).`,
      );
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const addresses = ipaddr.isValid(host)
      ? [host]
      : await this.resolve(host).catch(() => {
          throw new GreenlightError('bad_request', `The webhook host ${host} does not resolve here.`);
        });
    const inner = addresses.find((a) => ipaddr.process(a).range() !== 'unicast');
    if (inner !== undefined)
      throw new GreenlightError(
        'bad_request',
        `The webhook host ${host} is ${ipaddr.process(inner).range()} (${inner}): Greenlight calls only public addresses unless api.webhookAllow lists the URL's prefix.`,
      );
    return addresses[0];
  }
}

/** An HTTP agent whose connections go to `address` whatever the URL's host resolves to now (undici's Agent, passed in: loaded lazily). */
export function pinnedAgent(AgentClass: typeof Agent, address: string): Agent {
  const family = ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4;
  const pinned = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    options.all ? callback(null, [{ address, family }]) : callback(null, address, family)) as LookupFunction;
  return new AgentClass({ connect: { lookup: pinned } });
}
