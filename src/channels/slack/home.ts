import type { HomeView, KnownBlock } from '@slack/types';
import type { Db } from '../../store/database.ts';
import { listRequests } from '../../store/requests.ts';
import type { ApprovalPolicy } from '../../workflow/approval-policy.ts';
import { mrkdwnEscape } from './block-kit.ts';

// The App Home tab: requests this user may approve now, and their own recent requests.

export async function homeView(db: Db, policy: ApprovalPolicy, user: string): Promise<HomeView> {
  const waiting = await listRequests(db, { statuses: ['awaiting_approval'], limit: 200 });
  const mine = await listRequests(db, { requester: user, limit: 10 });
  const approvable = waiting.filter((r) => policy.canApprove(r, user).allowed).slice(0, 20);
  const line = (r: (typeof waiting)[number]) =>
    `• *${mrkdwnEscape(r.stack)}* — ${mrkdwnEscape(r.text)} · ${r.status.replace('_', ' ')} · risk ${r.plan.risk.level} · \`${r.id}\` r${r.revision}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Greenlight' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Waiting for your approval* (${approvable.length})\n${approvable.map(line).join('\n') || '_Nothing right now._'}`.slice(
          0,
          3000,
        ),
      },
    },
    { type: 'divider' },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Your recent requests*\n${mine.map(line).join('\n') || '_None yet: try `/greenlight help`._'}`.slice(0, 3000),
      },
    },
  ];
  return { type: 'home', blocks };
}
