import type { ChannelAccount } from 'botbuilder';

// Teams users are `teams:<aadObjectId>` everywhere else in Greenlight (approver lists, groups,
// audit): the Entra object id is stable across chats and tenants' apps, unlike the Teams user id.

export const TEAMS_PREFIX = 'teams:';

export function teamsPrincipal(from: ChannelAccount | undefined): string {
  // The Emulator and some test harnesses send no aadObjectId; the Teams id still names the user.
  return `${TEAMS_PREFIX}${from?.aadObjectId ?? from?.id ?? 'unknown'}`;
}

/** The Entra object ids among these principals (`teams:<id>` only). */
export function aadObjectIds(principals: string[]): string[] {
  return principals.filter((p) => p.startsWith(TEAMS_PREFIX)).map((p) => p.slice(TEAMS_PREFIX.length));
}
