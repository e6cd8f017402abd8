import { tableCard } from '../../cards/info-cards.ts';
import type { QueryCapability } from '../types.ts';
import { deployedCard } from './deployed-card.ts';
import { extract } from './extract.ts';
import { listStacksParams } from './schema.ts';

export const listStacks: QueryCapability<typeof listStacksParams, 'list_stacks'> = {
  id: 'list_stacks',
  extract,
  kind: 'query',
  title: 'List stacks',
  summary: 'List the stacks, their environment, engine and whether a change is running; with an environment, also what runs there',
  usage: 'stacks [dev|staging|prod]',
  params: listStacksParams,
  examples: ['stacks', 'list stacks', 'stacks prod'],
  async run(params, ctx) {
    const inEnvironment = (s: { environment: string }) => !params.environment || s.environment === params.environment;
    const rows = await Promise.all(
      ctx.services
        .stacks()
        .filter(inEnvironment)
        .map(async (s) => {
          const running = await ctx.services.runningOn(s.name);
          return [s.name, s.environment, s.engine, running ? `applying ${running}` : 'idle', s.description];
        }),
    );
    // Stacks a capability only planned (never applied) are not stacks yet: named apart, below.
    const provisioned = (await ctx.services.provisionedStacks()).filter(inEnvironment);
    const plannedOnly = provisioned.filter((p) => !p.applied).map((p) => `${p.name} (${p.status.replace('_', ' ')})`);
    for (const p of provisioned.filter((p) => p.applied)) {
      const running = await ctx.services.runningOn(p.name);
      rows.push([
        p.name,
        p.environment,
        'pulumi',
        running ? `applying ${running}` : p.status.replace('_', ' '),
        `built by ${p.capability}`,
      ]);
    }
    const stacks = tableCard(
      'info',
      params.environment ? `Stacks in ${params.environment}` : 'Stacks',
      ['Stack', 'Environment', 'Engine', 'Now', 'Description'],
      rows,
      params.environment ? `No stacks in ${params.environment}.` : 'No stacks are configured. Add one under `stacks:` in greenlight.yaml.',
      plannedOnly.length ? [`Planned, never applied (${plannedOnly.length}): ${plannedOnly.join(', ')}`] : [],
    );
    if (!params.environment) return stacks;
    // "What's running in prod?": the stacks, then what Greenlight has deployed there.
    const running = deployedCard(await ctx.services.deployedStacks(params.environment), params.environment);
    return { ...running, blocks: [...running.blocks, { type: 'text', text: stacks.title }, ...stacks.blocks] };
  },
};
