import { describeDuration } from '../src/domain/lifetime.ts';
import type { DriftItem } from '../src/domain/plan.ts';
import { isSecretKey, secrets } from '../src/domain/redaction.ts';
import type { Approval, ChangeRequest, Plan, ResourceChange, ResourceOperation } from '../src/domain/types.ts';
import { dependentsOf } from '../src/planning/risk.ts';
import { formatUsd, formatValue, formatWhen, truncate } from './format.ts';
import type { Card, CardAction, CardBlock, ChangeRow, Tone } from './model.ts';

// Plan and preview cards: what will change, what it costs, how risky it is, who may approve.

const STATUS_TEXT: Record<ChangeRequest['status'], string> = {
  planned: 'planned',
  awaiting_approval: 'awaiting approval',
  approved: 'approved',
  queued: 'queued',
  applying: 'applying',
  succeeded: 'applied',
  failed: 'failed',
  cancelled: 'cancelled',
  rejected: 'rejected',
  expired: 'expired',
  superseded: 'superseded',
};

const STATUS_TONE: Partial<Record<ChangeRequest['status'], Tone>> = {
  succeeded: 'success',
  failed: 'danger',
  rejected: 'danger',
  expired: 'warning',
  superseded: 'neutral',
};

const UNKNOWN = '(known after apply)';

function changeDetail(change: ResourceChange): string {
  // Values only known after apply say nothing to a reviewer; show what is decided now.
  const entries = Object.entries(change.inputs).filter(([, v]) => v !== null && v !== undefined && v !== UNKNOWN);
  return truncate(entries.map(([k, v]) => `${k}=${formatValue(v)}`).join(', '), 160);
}

export function changesBlock(changes: ResourceChange[]): CardBlock {
  const counts: Partial<Record<ResourceOperation, number>> = {};
  const rows: ChangeRow[] = [];
  for (const change of changes) {
    counts[change.operation] = (counts[change.operation] ?? 0) + 1;
    if (change.operation === 'no-op') continue;
    rows.push({
      operation: change.operation,
      address: change.address,
      type: change.type,
      detail: changeDetail(change),
    });
  }
  return { type: 'changes', rows, counts };
}

export function costBlock(plan: Plan): CardBlock {
  const { cost } = plan;
  if (cost.monthlyUsd === null) {
    return { type: 'cost', summary: 'Monthly cost: not estimated', lines: [], assumptions: cost.assumptions };
  }
  // "$0.00 (no change)" on a plan that creates or destroys things reads as "nothing happens":
  // say that what it touches is free instead.
  const createsOrDestroys = plan.changes.some((c) => ['create', 'delete', 'replace'].includes(c.operation));
  const delta =
    cost.deltaUsd === null
      ? ''
      : cost.deltaUsd === 0
        ? createsOrDestroys && cost.monthlyUsd === 0
          ? ' a month (these resources are free)'
          : createsOrDestroys
            ? ' a month (the resources it adds or removes are free)'
            : ' a month (no change)'
        : ` a month (${cost.deltaUsd > 0 ? '+' : '−'}${formatUsd(Math.abs(cost.deltaUsd))} vs today)`;
  // Lines worth reading: those that cost something or could not be priced.
  const lines = cost.breakdown.filter((l) => l.monthlyUsd !== 0);
  return {
    type: 'cost',
    summary: `Monthly cost: ${formatUsd(cost.monthlyUsd)}${delta}`,
    lines: lines.map((l) => ({
      label: l.note ? `${l.address} — ${l.note}` : l.address,
      value: l.monthlyUsd === null ? 'not priced' : formatUsd(l.monthlyUsd),
    })),
    assumptions: cost.assumptions,
  };
}

const DRIFT_FOUND: Record<DriftItem['kind'], string> = {
  changed: 'changed',
  missing: 'missing',
  extra: 'not in config',
};

function driftWhat(d: DriftItem): string {
  if (d.kind === 'missing') return d.source === 'refresh' ? 'deleted outside Greenlight' : 'not in the state: the plan creates it';
  if (d.kind === 'extra') return 'in the state but not in the config: the plan deletes it';
  const attrs = d.attributes.map((a) => `${a.path}: ${formatValue(a.expected)} → ${formatValue(a.actual)}`).join('; ');
  return truncate(
    `${d.source === 'refresh' ? 'changed in the real resource' : 'state differs from config'}${attrs ? ` (${attrs})` : ''}`,
    300,
  );
}

/** The drift a scan found, as the top of its remediation plan. */
export function driftBlocks(drift: DriftItem[]): CardBlock[] {
  return [
    {
      type: 'text',
      text: `${drift.length} resource(s) drifted from what Greenlight applied (expected → actual). Approving the plan below puts them back; to keep the real values instead, set them in the stack's config and deploy.`,
    },
    {
      type: 'table',
      columns: ['Resource', 'Found', 'What differs'],
      rows: drift.map((d) => [d.address, DRIFT_FOUND[d.kind], driftWhat(d)]),
    },
  ];
}

/** A drift scan that found nothing: no request, nothing to approve. */
export function noDriftCard(plan: Plan): Card {
  const resources = plan.changes.filter((c) => c.operation === 'no-op').length;
  return {
    kind: 'info',
    title: `No drift on ${plan.stack}`,
    tone: 'success',
    blocks: [
      {
        type: 'text',
        text: `The engine read ${resources} resource(s) and the recorded state matches both them and the stack's config. Nothing to put back.`,
      },
    ],
    actions: [],
    context: [`Scanned at ${plan.createdAt}`],
  };
}

/** A drift scan of a stack whose state holds nothing: never deployed (or destroyed). */
export function notDeployedCard(plan: Plan): Card {
  return {
    kind: 'info',
    title: `${plan.stack} is not deployed`,
    tone: 'neutral',
    blocks: [
      {
        type: 'text',
        text: `${plan.stack} has no resources in its state: it has not been deployed yet (or was destroyed), so nothing can have drifted. Deploying it would create ${plan.changes.length} resource(s). Say \`deploy ${plan.stack}\` to plan that.`,
      },
    ],
    actions: [],
    context: [`Scanned at ${plan.createdAt}`],
  };
}

/** What exists and what the change does to it: "changes 1 of 6 existing resources, creates 2". */
function blastRadius(plan: Plan): string {
  const existing = plan.changes.filter((c) => c.operation !== 'create' && c.operation !== 'read');
  const touched = existing.filter((c) => c.operation !== 'no-op').length;
  const created = plan.changes.filter((c) => c.operation === 'create').length;
  if (existing.length === 0) return created ? `new: creates ${created} resource(s), touches nothing that exists` : 'nothing';
  const others = dependentsOf(plan.changes).length;
  return `changes ${touched} of ${existing.length} existing resource(s)${others ? `; ${others} other(s) depend on them` : ''}${created ? `, creates ${created}` : ''}`;
}

function planBlocks(plan: Plan, extraFacts: { label: string; value: string }[]): CardBlock[] {
  const blocks: CardBlock[] = [
    ...(plan.drift ? driftBlocks(plan.drift) : []),
    {
      type: 'facts',
      facts: [
        { label: 'Stack', value: plan.stack },
        { label: 'Environment', value: plan.environment },
        { label: 'Operation', value: plan.operation === 'destroy' ? 'destroy every resource' : 'apply' },
        { label: 'Blast radius', value: blastRadius(plan) },
        ...extraFacts,
      ],
    },
    changesBlock(plan.changes),
    costBlock(plan),
    {
      type: 'risk',
      level: plan.risk.level,
      score: plan.risk.score,
      // Why, in one sentence, then every factor with the points it added.
      reasons: [...(plan.risk.summary ? [plan.risk.summary] : []), ...plan.risk.factors.map((f) => `${f.label} (+${f.points})`)],
    },
  ];
  if (plan.findings.length > 0) blocks.push({ type: 'findings', findings: plan.findings });
  return blocks;
}

export interface PlanCardContext {
  approvals: Approval[];
  required: number;
  /** Plain-language "who may approve", from the approval policy. */
  approverText: string;
  /** Absolute link to the full plan, for renderers that must truncate. */
  planUrl?: string;
  /** How a program's or an agent's request came in (API token, HTTP API or MCP). */
  origin?: string;
  /** The cost gate's extra approval: how many from whom, and why, with the figures. */
  costApproval?: string;
}

/** A stack's config as `key=value` text; a secret-keyed value shows as its fingerprint (src/domain/redaction.ts). */
export function configText(config: Record<string, string>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${isSecretKey(k) ? secrets.fingerprint(v) : v}`)
    .join(', ');
}

/** What a card made without an engine says first: it can be read, not applied. */
export const REVIEW_ONLY =
  '⚠️ Review only: this plan cannot be applied here. The Pulumi CLI is not installed on this machine, so the resources were listed by analysing the program, not by an engine preview. Install the Pulumi CLI (https://www.pulumi.com/docs/install/) and ask again to get a plan that can be approved.';

export function planCard(request: ChangeRequest, ctx: PlanCardContext): Card {
  const { plan } = request;
  const approvals = ctx.approvals.filter((a) => a.decision === 'approve' && a.revision === request.revision);
  const config = configText(plan.config);
  const blocks = planBlocks(plan, [
    { label: 'Requested by', value: ctx.origin ? `${request.requester} (${ctx.origin})` : request.requester },
    // Whoever changed the request is a requester of this revision too, and cannot approve it.
    ...(request.editors.length ? [{ label: 'Changed by', value: request.editors.join(', ') }] : []),
    ...(config ? [{ label: 'Config', value: config }] : []),
    ...(plan.lifetimeMs
      ? [
          {
            label: 'Lifetime',
            value: `temporary: destroyed ${describeDuration(plan.lifetimeMs)} after the apply (about ${formatWhen(Date.parse(plan.createdAt) + plan.lifetimeMs)}) unless extended`,
          },
        ]
      : []),
    { label: 'Approvals', value: `${approvals.length} of ${ctx.required}` },
    ...(ctx.costApproval ? [{ label: 'Cost approval', value: ctx.costApproval }] : []),
  ]);
  const blocked = plan.findings.some((f) => f.severity === 'block');
  const destroy = plan.operation === 'destroy';
  // Made by program analysis (no engine here): a plan to review, never one to approve.
  const reviewOnly = plan.madeBy === 'program analysis';
  if (reviewOnly && request.status === 'awaiting_approval') blocks.unshift({ type: 'text', text: REVIEW_ONLY });
  const actions: CardAction[] = [];
  if (request.status === 'awaiting_approval') {
    const value = { requestId: request.id, revision: request.revision, planHash: plan.hash };
    if (!blocked && !reviewOnly) {
      actions.push({
        id: 'approve',
        label: 'Approve',
        style: 'primary',
        value,
        confirm: {
          title: `${destroy ? 'Destroy' : 'Apply to'} ${plan.stack}?`,
          text: destroy
            ? `This destroys every resource of ${plan.stack} in ${plan.environment} (plan ${plan.hash.slice(0, 12)}).`
            : `This applies the plan shown (hash ${plan.hash.slice(0, 12)}) to ${plan.environment}.`,
          confirm: 'Approve',
          deny: 'Cancel',
        },
        // A destroy cannot be undone: the approver types the stack's name, so a stray click or
        // the wrong card in a busy channel cannot delete a stack.
        ...(destroy ? { typeToConfirm: plan.stack } : {}),
      });
    }
    actions.push({ id: 'reject', label: 'Reject', style: 'danger', value });
    actions.push({ id: 'modify', label: 'Modify', style: 'default', value });
  }
  if (request.status === 'expired') {
    actions.push({
      id: 'replan',
      label: 'Plan again',
      style: 'default',
      value: { requestId: request.id, revision: request.revision },
    });
  }
  const decided = ctx.approvals
    .filter((a) => a.revision === request.revision)
    .map((a) => `${a.decision === 'approve' ? 'Approved' : 'Rejected'} by ${a.approver} at ${a.at}`);
  return {
    kind: 'plan',
    title: plan.drift
      ? `Drift on ${plan.stack} — remediation plan r${request.revision}`
      : `${plan.operation === 'destroy' ? 'Destroy' : 'Change'} ${plan.stack} — plan r${request.revision}`,
    tone: STATUS_TONE[request.status] ?? (plan.risk.level === 'high' || plan.risk.level === 'critical' ? 'warning' : 'info'),
    status: STATUS_TEXT[request.status],
    blocks,
    actions,
    context: [
      ...decided,
      request.status === 'awaiting_approval' ? `Who may approve: ${ctx.approverText}` : '',
      ...plan.notes,
      `Request ${request.id} · plan ${plan.hash.slice(0, 12)} · made by ${plan.madeBy} · expires ${plan.expiresAt}`,
      ctx.planUrl ? `Full plan: ${ctx.planUrl}` : '',
    ].filter(Boolean),
    requestId: request.id,
    revision: request.revision,
    ...(ctx.planUrl ? { url: ctx.planUrl } : {}),
  };
}

/** `preview <stack>` and `greenlight plan`: the same plan, for information only, with no buttons. */
export function previewCard(plan: Plan, hint = `Say \`deploy ${plan.stack}\` to request this change.`): Card {
  return {
    kind: 'preview',
    title: `Preview of ${plan.stack}`,
    tone: 'neutral',
    status: 'preview only',
    blocks: planBlocks(plan, []),
    actions: [],
    context: [`Nothing was changed. ${hint}`, ...plan.notes, `Made by ${plan.madeBy}`],
  };
}
