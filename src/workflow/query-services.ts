import { randomBytes } from 'node:crypto';
import type { AppliedVersion, CostReportFilter, HistoryFilter, QueryServices } from '../../capabilities/ports.ts';
import { formatValue } from '../../cards/format.ts';
import type { HelpEntry } from '../../cards/info-cards.ts';
import { factsCard, tableCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import { configText } from '../../cards/plan-card.ts';
import { GreenlightError } from '../domain/errors.ts';
import type { Environment, Plan } from '../domain/types.ts';
import type { Policies } from '../planning/policies.ts';
import type { Db } from '../store/database.ts';
import { findDeployment, listDeployments, lockHolder, queuedOn } from '../store/deployments.ts';
import { deployedStacks } from '../store/registry.ts';
import { findRequest, listApprovals, listRequests } from '../store/requests.ts';
import type { Planner } from './planner.ts';
import { costReportCard, deployedCard } from './registry-answers.ts';
import type { Stack, StackRegistry } from './stacks.ts';

// Read-only answers the query capabilities are built from: the workflow's side of the
// capabilities' read port (capabilities/ports.ts).

export type { AppliedVersion, HistoryFilter, QueryServices } from '../../capabilities/ports.ts';

export class StackQueries implements QueryServices {
  constructor(
    private readonly db: Db,
    private readonly stackRegistry: StackRegistry,
    private readonly planner: Planner,
    readonly helpEntries: () => HelpEntry[],
    private readonly policies?: Policies,
  ) {}

  async appliedVersion(stack: string, to: string): Promise<AppliedVersion> {
    const configured = this.stackRegistry.list().find((s) => s.name === stack);
    const succeeded = (await listRequests(this.db, { stack, statuses: ['succeeded'], limit: 500 })).sort((a, b) =>
      b.updatedAt.localeCompare(a.updatedAt),
    );
    if (!configured && succeeded.length === 0) this.stackRegistry.get(stack); // throws unknown_stack with a hint
    // Versions are applies that left resources behind; after a destroy, "1 back" is the last of them.
    const destroyed = succeeded[0]?.plan.operation === 'destroy';
    const versions = succeeded.filter((r) => r.plan.operation !== 'destroy');
    const list = versions.map((r) => `${r.id} (${r.updatedAt})`).join(', ') || 'none';
    let version: (typeof versions)[number] | undefined;
    if (to.startsWith('cr-')) {
      version = versions.find((r) => r.id === to);
      if (!version)
        throw new GreenlightError('not_found', `${to} is not an applied version of ${stack}. Applied versions, newest first: ${list}.`);
    } else {
      if (destroyed && to === '0') throw new GreenlightError('bad_request', `${stack} was destroyed: nothing of it is running.`);
      const back = Number(to) - (destroyed ? 1 : 0);
      version = versions[back];
      if (!version)
        throw new GreenlightError(
          'bad_request',
          `${stack} has ${versions.length} applied version(s) (${list}); there is nothing ${to} version(s) back to roll back to.`,
        );
    }
    return {
      requestId: version.id,
      revision: version.revision,
      appliedAt: version.updatedAt,
      requester: version.requester,
      text: version.text,
      capability: version.capability,
      builtBy: version.plan.builtBy,
      config: version.plan.config,
      engine: configured?.engine ?? 'pulumi',
    };
  }

  async deployed(environment?: Environment): Promise<Card> {
    return deployedCard(await deployedStacks(this.db, environment ? { environment } : {}), environment);
  }

  async costReport(filter: CostReportFilter): Promise<Card> {
    const stacks = (await deployedStacks(this.db, filter.environment ? { environment: filter.environment } : {})).filter(
      (s) => !filter.team || s.team === filter.team,
    );
    return costReportCard(stacks, this.policies, filter);
  }

  stacks(): Stack[] {
    return this.stackRegistry.list();
  }

  async provisionedStacks(): Promise<{ name: string; environment: string; capability: string; status: string }[]> {
    const configured = new Set(this.stackRegistry.list().map((s) => s.name));
    const latest = new Map<string, { name: string; environment: string; capability: string; status: string }>();
    for (const r of await listRequests(this.db, { limit: 500 })) {
      // A rollback or drift scan of such a stack is its latest request too; builtBy names the builder.
      const builder = r.plan.builtBy?.capability ?? (r.capability.startsWith('provision_') ? r.capability : undefined);
      if (configured.has(r.stack) || latest.has(r.stack) || !builder) continue;
      latest.set(r.stack, { name: r.stack, environment: r.environment, capability: builder, status: r.status });
    }
    return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Status of a stack a capability built: what the store knows, without asking an engine. */
  private async provisionedStatus(name: string): Promise<Card | undefined> {
    const [request] = await listRequests(this.db, { stack: name, limit: 1 });
    if (!request) return undefined;
    const deployments = await listDeployments(this.db, { stack: name, limit: 20 });
    const applied = deployments.find((d) => d.status === 'succeeded');
    const outputs = Object.entries(applied?.outputs ?? {}).map(([k, v]) => ({ name: k, value: formatValue(v) }));
    return factsCard(
      'status',
      `Status of ${name}`,
      [
        { label: 'Environment', value: request.environment },
        {
          label: 'Built by',
          value: `${request.plan.builtBy?.capability ?? request.capability} (${Object.entries(
            request.plan.builtBy?.params ?? request.plan.params,
          )
            .map(([k, v]) => `${k}=${formatValue(v)}`)
            .join(', ')})`,
        },
        { label: 'Latest request', value: `${request.id} r${request.revision} · ${request.status} · ${request.requester}` },
        {
          label: 'Last deployment',
          value: deployments[0]
            ? `${deployments[0].status} · ${deployments[0].finishedAt ?? deployments[0].startedAt ?? 'queued'}`
            : 'none yet',
        },
      ],
      outputs.length ? [{ type: 'outputs', outputs }] : [{ type: 'text', text: 'No outputs recorded yet.' }],
    );
  }

  async runningOn(stack: string): Promise<string | undefined> {
    const holder = await lockHolder(this.db, stack);
    return holder ? (await findDeployment(this.db, { id: holder }, false))?.requestId : undefined;
  }

  async preview(stack: string): Promise<Plan> {
    return this.planner.planToShow({
      capability: 'preview_stack',
      params: { stack },
      draft: { stack, operation: 'apply', overrides: {} },
      artifactName: `preview-${randomBytes(4).toString('hex')}`,
    });
  }

  async status(target: string): Promise<Card> {
    if (/^cr-[0-9a-f]+$/.test(target)) return this.requestStatus(target);
    return this.stackStatus(target);
  }

  private async stackStatus(name: string): Promise<Card> {
    if (!this.stackRegistry.list().some((s) => s.name === name)) {
      const provisioned = await this.provisionedStatus(name);
      if (provisioned) return provisioned;
    }
    const stack = this.stackRegistry.get(name);
    const config = await this.stackRegistry.effectiveConfig(stack);
    const [last] = await listDeployments(this.db, { stack: name, limit: 1 });
    const running = await this.runningOn(name);
    const queued = await queuedOn(this.db, name);
    const lastBy = last ? await this.whoChanged(last.requestId, last.revision) : '';
    let outputs: Record<string, unknown> = {};
    let outputsNote = '';
    try {
      outputs = await this.stackRegistry.engine(stack).outputs(this.stackRegistry.target(stack, config));
    } catch (error) {
      outputsNote = error instanceof GreenlightError ? error.message : String(error);
    }
    const outputRows = Object.entries(outputs).map(([k, v]) => ({ name: k, value: formatValue(v) }));
    return factsCard(
      'status',
      `Status of ${name}`,
      [
        { label: 'Environment', value: stack.environment },
        { label: 'Engine', value: stack.engine },
        { label: 'Config', value: configText(config) || '(none)' },
        {
          label: 'Last deployment',
          value: last
            ? `${last.status} · ${last.finishedAt ?? last.startedAt ?? 'queued'} · ${last.requestId}${lastBy}`
            : 'never deployed through Greenlight',
        },
        { label: 'Applying now', value: running ?? 'nothing' },
        { label: 'Queued', value: queued.length ? queued.map((q) => q.requestId).join(', ') : 'nothing' },
      ],
      outputRows.length
        ? [{ type: 'outputs', outputs: outputRows }]
        : [{ type: 'text', text: outputsNote ? `No outputs: ${outputsNote}` : 'No outputs yet.' }],
    );
  }

  /** " (asked by …, approved by …)" for a deployment's request. */
  private async whoChanged(requestId: string, revision: number): Promise<string> {
    const request = await findRequest(this.db, requestId, revision);
    if (!request) return '';
    const approvers = (await listApprovals(this.db, requestId))
      .filter((a) => a.revision === revision && a.decision === 'approve')
      .map((a) => a.approver);
    return ` (asked by ${request.requester}${approvers.length ? `, approved by ${approvers.join(', ')}` : ''})`;
  }

  private async requestStatus(id: string): Promise<Card> {
    const request = await findRequest(this.db, id);
    if (!request) throw new GreenlightError('not_found', `There is no request ${id}.`);
    const approvals = (await listApprovals(this.db, id)).filter((a) => a.revision === request.revision);
    const deployment = await findDeployment(this.db, { requestId: id, revision: request.revision }, false);
    const card = factsCard('status', `Request ${id} r${request.revision}`, [
      { label: 'Status', value: request.status },
      { label: 'Stack', value: request.stack },
      { label: 'Requested by', value: `${request.requester} at ${request.createdAt}` },
      { label: 'Asked', value: request.text },
      {
        label: 'Approvals',
        value: approvals.map((a) => `${a.decision} by ${a.approver}`).join(', ') || 'none yet',
      },
      {
        label: 'Deployment',
        value: deployment ? `${deployment.status}${deployment.error ? ` — ${deployment.error}` : ''}` : 'not started',
      },
    ]);
    if (deployment && Object.keys(deployment.outputs).length) {
      card.blocks.push({
        type: 'outputs',
        outputs: Object.entries(deployment.outputs).map(([k, v]) => ({ name: k, value: formatValue(v) })),
      });
    }
    return card;
  }

  async history(stack?: string, filter: HistoryFilter = {}): Promise<Card> {
    if (stack && !this.stackRegistry.list().some((s) => s.name === stack) && !(await listRequests(this.db, { stack, limit: 1 })).length)
      this.stackRegistry.get(stack); // throws unknown_stack with a hint
    const since = filter.sinceDays ? new Date(Date.now() - filter.sinceDays * 86_400_000).toISOString() : undefined;
    const requests = await listRequests(this.db, {
      limit: 20,
      ...(stack ? { stack } : {}),
      ...(filter.user ? { requester: filter.user } : {}),
      ...(filter.environment ? { environment: filter.environment } : {}),
      ...(since ? { since } : {}),
    });
    const scope = [
      stack,
      filter.environment ? `in ${filter.environment}` : '',
      filter.user ? `by ${filter.user}` : '',
      filter.sinceDays ? `in the last ${filter.sinceDays} day(s)` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return tableCard(
      'info',
      scope ? `Requests ${scope}` : 'Recent requests',
      ['Request', 'Stack', 'What', 'By', 'Status', 'When'],
      requests.map((r) => [`${r.id} r${r.revision}`, r.stack, r.text, r.requester, r.status, r.createdAt]),
      scope ? `No requests ${scope}.` : 'No requests yet. Try `deploy sandbox/dev`.',
    );
  }
}
