import { formatValue } from '../../cards/format.ts';
import { factsCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import { configText } from '../../cards/plan-card.ts';
import type { ConfiguredStackFacts, ProvisionedStackFacts, RequestFacts } from '../ports.ts';

// The answers to `status <stack>` and `status <request-id>`, from the facts the read port gives.

const outputRows = (outputs: Record<string, unknown>) => Object.entries(outputs).map(([name, v]) => ({ name, value: formatValue(v) }));

export function stackCard(s: ConfiguredStackFacts): Card {
  const rows = outputRows(s.outputs);
  const by = s.last?.requester
    ? ` (asked by ${s.last.requester}${s.last.approvers.length ? `, approved by ${s.last.approvers.join(', ')}` : ''})`
    : '';
  return factsCard(
    'status',
    `Status of ${s.name}`,
    [
      { label: 'Environment', value: s.environment },
      { label: 'Engine', value: s.engine },
      { label: 'Config', value: configText(s.config) || '(none)' },
      {
        label: 'Last deployment',
        value: s.last ? `${s.last.status} · ${s.last.when} · ${s.last.requestId}${by}` : 'never deployed through Greenlight',
      },
      { label: 'Applying now', value: s.running ?? 'nothing' },
      { label: 'Queued', value: s.queued.length ? s.queued.join(', ') : 'nothing' },
    ],
    rows.length
      ? [{ type: 'outputs', outputs: rows }]
      : [{ type: 'text', text: s.outputsNote ? `No outputs: ${s.outputsNote}` : 'No outputs yet.' }],
  );
}

export function provisionedCard(s: ProvisionedStackFacts): Card {
  const rows = outputRows(s.outputs);
  const params = Object.entries(s.builtBy.params)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(', ');
  return factsCard(
    'status',
    `Status of ${s.name}`,
    [
      { label: 'Environment', value: s.environment },
      { label: 'Built by', value: `${s.builtBy.capability} (${params})` },
      { label: 'Latest request', value: `${s.latest.id} r${s.latest.revision} · ${s.latest.status} · ${s.latest.requester}` },
      { label: 'Last deployment', value: s.lastDeployment ? `${s.lastDeployment.status} · ${s.lastDeployment.when}` : 'none yet' },
    ],
    rows.length ? [{ type: 'outputs', outputs: rows }] : [{ type: 'text', text: 'No outputs recorded yet.' }],
  );
}

export function requestCard(r: RequestFacts): Card {
  const card = factsCard('status', `Request ${r.id} r${r.revision}`, [
    { label: 'Status', value: r.status },
    { label: 'Stack', value: r.stack },
    { label: 'Requested by', value: `${r.requester} at ${r.createdAt}` },
    { label: 'Asked', value: r.text },
    { label: 'Approvals', value: r.approvals.map((a) => `${a.decision} by ${a.approver}`).join(', ') || 'none yet' },
    {
      label: 'Deployment',
      value: r.deployment ? `${r.deployment.status}${r.deployment.error ? ` — ${r.deployment.error}` : ''}` : 'not started',
    },
  ]);
  const rows = outputRows(r.deployment?.outputs ?? {});
  if (rows.length) card.blocks.push({ type: 'outputs', outputs: rows });
  return card;
}
