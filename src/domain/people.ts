import type { PrincipalId } from './types.ts';

// People, not channel ids. One person may reach Greenlight as `console:bob`, `slack:T1:UBOB`,
// `teams:<aad id>` and `oidc:<issuer>:<sub>`; `people` in the config links them, so approvals
// count people, a requester is the same person on every channel, and an approver list may name
// any of a person's identities. An identity no entry links is a person of its own.

export interface PeopleConfig {
  people: Record<string, string[]>;
}

/** Identities whose name the client chose itself: the console's local mode. */
export function isSelfDeclared(principal: PrincipalId): boolean {
  return principal.startsWith('console:');
}

/** Programs and agents authenticate with API tokens and act as `api:<token name>`. */
export function programPrincipal(tokenName: string): PrincipalId {
  return `api:${tokenName}`;
}

/**
 * Greenlight itself: the actor of what it does on its own (an apply, a lifetime's end). No channel
 * produces this principal (theirs carry a prefix: `console:`, `slack:`, `teams:`, `oidc:`, `api:`).
 */
export const SYSTEM_PRINCIPAL = 'greenlight';

/** A program or an agent (an API token): it may request and read, never approve. */
export function isProgram(principal: PrincipalId): boolean {
  return principal.startsWith('api:');
}

export class People {
  private readonly personByIdentity = new Map<PrincipalId, string>();
  private readonly identitiesByPerson = new Map<string, PrincipalId[]>();
  /** Group claims from verified sign-ins (OIDC ID tokens), by identity. */
  private readonly claimedGroups = new Map<PrincipalId, readonly string[]>();

  constructor(config: PeopleConfig = { people: {} }) {
    for (const [name, identities] of Object.entries(config.people)) {
      const person = `person:${name}`;
      this.identitiesByPerson.set(person, identities);
      for (const identity of identities) this.personByIdentity.set(identity, person);
    }
  }

  /** `person:<name>` for a linked identity, else the identity itself. */
  personOf(principal: PrincipalId): string {
    return this.personByIdentity.get(principal) ?? principal;
  }

  same(a: PrincipalId, b: PrincipalId): boolean {
    return this.personOf(a) === this.personOf(b);
  }

  /** Every identity of the person behind `principal` (itself first), plus the person id. */
  aliases(principal: PrincipalId): PrincipalId[] {
    const person = this.personOf(principal);
    const linked = this.identitiesByPerson.get(person) ?? [];
    return [...new Set([principal, ...linked, person])];
  }

  rememberGroups(principal: PrincipalId, groups: readonly string[]): void {
    this.claimedGroups.set(principal, groups);
  }

  /** Groups the identity's sign-in claimed (ID token `groups`), for `group:<name>` approver entries. */
  groupsClaimedBy(principal: PrincipalId): readonly string[] {
    return this.aliases(principal).flatMap((alias) => this.claimedGroups.get(alias) ?? []);
  }
}
