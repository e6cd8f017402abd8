import { randomUUID } from 'node:crypto';
import type { ThreadRef } from '../domain/types.ts';

// Where Greenlight posts what nobody asked for in a thread (a program's request, a scheduled drift
// finding): `console` (a new console thread each time), `slack:<channel>` (a new thread there) or
// `teams:<conversation>`.

export function threadFor(postTo: string): ThreadRef {
  if (postTo.startsWith('slack:')) return { channel: 'slack', id: `${postTo.slice('slack:'.length)}/new-${randomUUID()}` };
  if (postTo.startsWith('teams:')) return { channel: 'teams', id: postTo.slice('teams:'.length) };
  return { channel: 'console', id: randomUUID() };
}
