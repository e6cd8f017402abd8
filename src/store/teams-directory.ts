import type { Db } from './database.ts';

// What the Teams channel remembers between turns: each conversation's reference (to post and edit
// cards later, from outside any turn) and each user's Teams id by Entra object id (a card's
// refresh list names Teams ids; approver lists name `teams:<aadObjectId>`). Stored as the
// platform sent it: the channel folder alone knows the shapes.

export async function saveConversationReference(db: Db, conversationId: string, reference: unknown, at: string): Promise<void> {
  const json = JSON.stringify(reference);
  await db
    .insertInto('teams_conversations')
    .values({ conversation_id: conversationId, reference: json, updated_at: at })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ reference: json, updated_at: at }))
    .execute();
}

export async function findConversationReference(db: Db, conversationId: string): Promise<unknown> {
  const row = await db
    .selectFrom('teams_conversations')
    .select('reference')
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return row ? JSON.parse(row.reference) : undefined;
}

export async function rememberTeamsUser(db: Db, user: { aadObjectId: string; userId: string; name?: string | undefined }, at: string) {
  await db
    .insertInto('teams_users')
    .values({ aad_object_id: user.aadObjectId, user_id: user.userId, name: user.name ?? null, updated_at: at })
    .onConflict((oc) => oc.column('aad_object_id').doUpdateSet({ user_id: user.userId, name: user.name ?? null, updated_at: at }))
    .execute();
}

/** Teams ids of the users with these Entra object ids, for those the bot has met. */
export async function teamsUserIds(db: Db, aadObjectIds: string[]): Promise<Map<string, string>> {
  if (aadObjectIds.length === 0) return new Map();
  const rows = await db.selectFrom('teams_users').select(['aad_object_id', 'user_id']).where('aad_object_id', 'in', aadObjectIds).execute();
  return new Map(rows.map((r) => [r.aad_object_id, r.user_id]));
}
