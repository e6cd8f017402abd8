import type { HomeView, KnownBlock } from '@slack/types';
import type { Interactions } from '../../workflow/index.ts';
import { mrkdwnEscape } from './block-kit.ts';

// The App Home tab: requests this user may approve now, and their own recent requests.

export async function homeView(interactions: Interactions, user: string): Promise<HomeView> {
  const approvable = await interactions.waitingFor(user, 20);
  const mine = await interactions.recentOf(user, 10);
  const line = (r: (typeof mine)[number]) =>
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
