import type { Approval, ChangeRequest } from '../../src/domain/types.ts';
import { formatUsd, formatValue } from '../format.ts';
import { esc } from './html.ts';

// The full plan as a page (`/plans/<request id>`), linked from every plan card in the console,
// Slack and Teams: every resource grouped by type and action with its inputs, the whole cost
// breakdown, the risk factors with their points and the policy findings. Everything escaped.

const ORDER = ['delete', 'replace', 'update', 'create', 'read', 'no-op'];

function table(columns: string[], rows: string[][]): string {
  const head = columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function planPageHtml(request: ChangeRequest, approvals: Approval[]): string {
  const { plan } = request;
  const byType = new Map<string, typeof plan.changes>();
  for (const c of plan.changes) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
  const groups = [...byType.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([type, changes]) => {
      const rows = [...changes]
        .sort((a, b) => ORDER.indexOf(a.operation) - ORDER.indexOf(b.operation) || a.address.localeCompare(b.address))
        .map((c) => [
          `<span class="gl-op gl-op-${esc(c.operation)}">${esc(c.operation)}</span>`,
          `<code>${esc(c.address)}</code>`,
          `<dl class="gl-inputs">${Object.entries(c.inputs)
            .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(formatValue(v))}</dd>`)
            .join('')}</dl>`,
        ]);
      const counts = ORDER.map((op) => [op, changes.filter((c) => c.operation === op).length] as const)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${n} ${op}`)
        .join(', ');
      return `<section class="gl-group"><h3><code>${esc(type)}</code> <span class="gl-muted">${esc(counts)}</span></h3>${table(['Action', 'Resource', 'Inputs'], rows)}</section>`;
    })
    .join('');
  const cost = plan.cost;
  const costRows = cost.breakdown.map((l) => [
    `<code>${esc(l.address)}</code>${l.note ? ` <span class="gl-muted">${esc(l.note)}</span>` : ''}`,
    l.monthlyUsd === null ? 'not priced' : esc(formatUsd(l.monthlyUsd)),
  ]);
  const decided = approvals
    .filter((a) => a.revision === request.revision)
    .map((a) => `<li>${esc(a.decision === 'approve' ? 'Approved' : 'Rejected')} by ${esc(a.approver)} at ${esc(a.at)}</li>`)
    .join('');
  const facts: [string, string][] = [
    ['Status', request.status.replace('_', ' ')],
    ['Stack', plan.stack],
    ['Environment', plan.environment],
    ['Operation', plan.operation],
    ['Requested by', request.requester],
    ['Asked', request.text],
    ['Plan', `${plan.hash} · made by ${plan.madeBy} · expires ${plan.expiresAt}`],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plan ${esc(request.id)} r${request.revision} — Greenlight</title><link rel="stylesheet" href="/app.css"></head>
<body class="gl-plan-page"><main class="gl-page">
<p><a href="/?thread=${encodeURIComponent(request.thread.id)}">← back to the thread</a></p>
<h1>${esc(plan.operation === 'destroy' ? 'Destroy' : 'Change')} ${esc(plan.stack)} — plan r${request.revision}</h1>
<dl class="gl-facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<h2>Changes (${plan.changes.length} resource${plan.changes.length === 1 ? '' : 's'})</h2>${groups || '<p>No resource changes.</p>'}
<h2>Monthly cost: ${cost.monthlyUsd === null ? 'not estimated' : esc(formatUsd(cost.monthlyUsd))}${
    cost.deltaUsd === null || cost.deltaUsd === 0
      ? ''
      : ` <span class="gl-muted">(${cost.deltaUsd > 0 ? '+' : '−'}${esc(formatUsd(Math.abs(cost.deltaUsd)))} vs today)</span>`
  }</h2>
${costRows.length ? table(['Resource', 'Monthly'], costRows) : ''}
<ul class="gl-muted">${cost.assumptions.map((a) => `<li>${esc(a)}</li>`).join('')}</ul>
<h2>Risk: ${esc(plan.risk.level)} (${plan.risk.score})</h2>
${table(
  ['Factor', 'Points'],
  plan.risk.factors.map((f) => [esc(f.label), String(f.points)]),
)}
<h2>Policy findings</h2>
${
  plan.findings.length
    ? `<ul class="gl-findings">${plan.findings.map((f) => `<li class="gl-finding-${esc(f.severity)}"><strong>${esc(f.ruleId)}</strong> (${esc(f.severity)}): ${esc(f.message)}</li>`).join('')}</ul>`
    : '<p>None.</p>'
}
${plan.notes.length ? `<h2>Notes</h2><ul>${plan.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
${decided ? `<h2>Decisions</h2><ul>${decided}</ul>` : ''}
</main></body></html>`;
}
