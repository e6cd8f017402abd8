import { tableCard } from '../../cards/info-cards.ts';
import type { QueryCapability } from '../types.ts';
import { listStacksParams } from './schema.ts';

export const listStacks: QueryCapability<typeof listStacksParams> = {
  id: 'list_stacks',
  kind: 'query',
  title: 'List stacks',
  summary: 'List the configured stacks, their environment, engine and whether a change is running',
  usage: 'stacks',
  params: listStacksParams,
  examples: ['stacks', 'list stacks'],
  async run(_params, ctx) {
    const rows = await Promise.all(
      ctx.services.stacks().map(async (s) => {
        const running = await ctx.services.runningOn(s.name);
        return [s.name, s.environment, s.engine, running ? `applying ${running}` : 'idle', s.description];
      }),
    );
    for (const p of await ctx.services.provisionedStacks()) {
      const running = await ctx.services.runningOn(p.name);
      rows.push([
        p.name,
        p.environment,
        'pulumi',
        running ? `applying ${running}` : p.status.replace('_', ' '),
        `built by ${p.capability}`,
      ]);
    }
    return tableCard(
      'info',
      'Stacks',
      ['Stack', 'Environment', 'Engine', 'Now', 'Description'],
      rows,
      'No stacks are configured. Add one under `stacks:` in greenlight.yaml.',
    );
  },
};
