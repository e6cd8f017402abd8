import { randomBytes } from 'node:crypto';
import type {
  AppliedVersion,
  Budgets,
  ConfiguredStackFacts,
  DeployedStack,
  HistoryFilter,
  ProvisionedStack,
  ProvisionedStackFacts,
  QueryServices,
  RequestFacts,
  RequestSummary,
} from '../../capabilities/ports.ts';
import type { HelpEntry } from '../../cards/info-cards.ts';
import { GreenlightError } from '../domain/errors.ts';
import type { People } from '../domain/people.ts';
import type { ChangeRequest, Environment, Plan } from '../domain/types.ts';
import type { Policies } from '../planning/policies.ts';
import type { Db } from '../store/database.ts';
import { findDeployment, listDeployments, lockHolder, queuedOn } from '../store/deployments.ts';
import { deployedStacks } from '../store/registry.ts';
import { findRequest, listApprovals, listRequests } from '../store/requests.ts';
import type { Planner } from './planner.ts';
import type { Stack, StackRegistry } from './stacks.ts';

// The workflow's side of the capabilities' read port (capabilities/ports.ts): facts from the
// store and the engines. The query capabilities build their own answers from them.

export type { AppliedVersion, HistoryFilter, QueryServices } from '../../capabilities/ports.ts';

const summary = (r: ChangeRequest): RequestSummary => ({
  id: r.id,
  revision: r.revision,
  stack: r.stack,
  environment: r.environment,
  text: r.text,
  requester: r.requester,
  status: r.status,
  createdAt: r.createdAt,
});

export class StackQueries implements QueryServices {
  constructor(
    private readonly db: Db,
    private readonly stackRegistry: StackRegistry,
    private readonly planner: Planner,
    readonly helpEntries: () => HelpEntry[],
    private readonly policies?: Policies,
    private readonly people?: People,
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

  deployedStacks(environment?: Environment, asOf?: string): Promise<DeployedStack[]> {
    return deployedStacks(this.db, { ...(environment ? { environment } : {}), ...(asOf ? { asOf } : {}) });
  }

  budgets(): Budgets {
    return { environments: this.policies?.budgets ?? {}, teams: this.policies?.teamBudgets ?? {} };
  }

  stacks(): Stack[] {
    return this.stackRegistry.list();
  }

  async provisionedStacks(): Promise<ProvisionedStack[]> {
    const configured = new Set(this.stackRegistry.list().map((s) => s.name));
    const latest = new Map<string, ProvisionedStack>();
    const requests = await listRequests(this.db, { limit: 500 });
    const applied = new Set(requests.filter((r) => r.status === 'succeeded').map((r) => r.stack));
    for (const r of requests) {
      // A rollback or drift scan of such a stack is its latest request too; builtBy names the builder.
      const builder = r.plan.builtBy?.capability ?? (r.capability.startsWith('provision_') ? r.capability : undefined);
      if (configured.has(r.stack) || latest.has(r.stack) || !builder) continue;
      latest.set(r.stack, {
        name: r.stack,
        environment: r.environment,
        capability: builder,
        status: r.status,
        applied: applied.has(r.stack),
      });
    }
    return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name));
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

  async stackFacts(name: string): Promise<ConfiguredStackFacts | ProvisionedStackFacts> {
    if (!this.stackRegistry.list().some((s) => s.name === name)) {
      const provisioned = await this.provisionedFacts(name);
      if (provisioned) return provisioned;
    }
    const stack = this.stackRegistry.get(name); // unknown_stack with the closest names
    const config = await this.stackRegistry.effectiveConfig(stack);
    const [last] = await listDeployments(this.db, { stack: name, limit: 1 });
    const lastRequest = last ? await findRequest(this.db, last.requestId, last.revision) : undefined;
    const approvers = last
      ? (await listApprovals(this.db, last.requestId))
          .filter((a) => a.revision === last.revision && a.decision === 'approve')
          .map((a) => a.approver)
      : [];
    let outputs: Record<string, unknown> = {};
    let outputsNote: string | undefined;
    try {
      outputs = await this.stackRegistry.engine(stack).outputs(this.stackRegistry.target(stack, config));
    } catch (error) {
      outputsNote = error instanceof GreenlightError ? error.message : String(error);
    }
    return {
      kind: 'configured',
      name,
      environment: stack.environment,
      engine: stack.engine,
      config,
      last: last && {
        status: last.status,
        when: last.finishedAt ?? last.startedAt ?? 'queued',
        requestId: last.requestId,
        requester: lastRequest?.requester,
        approvers,
      },
      running: await this.runningOn(name),
      queued: (await queuedOn(this.db, name)).map((q) => q.requestId),
      outputs,
      outputsNote,
    };
  }

  private async provisionedFacts(name: string): Promise<ProvisionedStackFacts | undefined> {
    const [request] = await listRequests(this.db, { stack: name, limit: 1 });
    if (!request) return undefined;
    const deployments = await listDeployments(this.db, { stack: name, limit: 20 });
    const [latest] = deployments;
    return {
      kind: 'provisioned',
      name,
      environment: request.environment,
      builtBy: request.plan.builtBy ?? { capability: request.capability, params: request.plan.params },
      latest: { id: request.id, revision: request.revision, status: request.status, requester: request.requester },
      lastDeployment: latest && { status: latest.status, when: latest.finishedAt ?? latest.startedAt ?? 'queued' },
      outputs: deployments.find((d) => d.status === 'succeeded')?.outputs ?? {},
    };
  }

  async requestFacts(id: string): Promise<RequestFacts> {
    const request = await findRequest(this.db, id);
    if (!request) throw new GreenlightError('not_found', `There is no request ${id}.`);
    const approvals = (await listApprovals(this.db, id)).filter((a) => a.revision === request.revision);
    const deployment = await findDeployment(this.db, { requestId: id, revision: request.revision }, false);
    return {
      ...summary(request),
      approvals: approvals.map((a) => ({ decision: a.decision, approver: a.approver })),
      deployment: deployment && { status: deployment.status, error: deployment.error ?? undefined, outputs: deployment.outputs },
    };
  }

  async requests(filter: HistoryFilter & { stack?: string | undefined }): Promise<RequestSummary[]> {
    const { stack } = filter;
    if (stack && !this.stackRegistry.list().some((s) => s.name === stack) && !(await listRequests(this.db, { stack, limit: 1 })).length)
      this.stackRegistry.get(stack); // throws unknown_stack with a hint
    const since = filter.sinceDays ? new Date(Date.now() - filter.sinceDays * 86_400_000).toISOString() : undefined;
    const requests = await listRequests(this.db, {
      limit: 20,
      ...(stack ? { stack } : {}),
      ...(filter.user ? { requesters: this.identitiesOf(filter.user) } : {}),
      ...(filter.environment ? { environment: filter.environment } : {}),
      ...(since ? { since } : {}),
    });
    return requests.map(summary);
  }

  /** `console:alice` → alice's linked identities; a bare `alice` → the person alice, or alice on any channel. */
  private identitiesOf(user: string): { identities: string[]; name?: string } {
    if (user.includes(':')) return { identities: this.people?.aliases(user) ?? [user] };
    const person = this.people?.aliases(`person:${user}`) ?? [];
    return { identities: person, name: user };
  }
}
