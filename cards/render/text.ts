import type { Card, CardBlock } from '../model.ts';

// Card → plain text, for the CLI and logs.

function block(b: CardBlock): string[] {
  switch (b.type) {
    case 'text':
      return [b.text];
    case 'facts':
      return b.facts.map((f) => `${f.label}: ${f.value}`);
    case 'changes':
      return b.rows.length === 0 ? ['No changes.'] : b.rows.map((r) => `  ${r.operation.padEnd(8)} ${r.address}`);
    case 'risk':
      return [`Risk: ${b.level} (${b.score})${b.reasons.length ? ` — ${b.reasons.join('; ')}` : ''}`];
    case 'cost':
      return [
        b.summary,
        ...b.lines.map((l) => `  ${l.label}: ${l.value}`),
        ...(b.assumptions.length ? [`  Assumptions: ${b.assumptions.join('; ')}`] : []),
      ];
    case 'findings':
      return b.findings.map((f) => `[${f.severity}] ${f.ruleId}: ${f.message}`);
    case 'progress':
      return b.items.map((i) => `  [${i.status}] ${i.address}`);
    case 'outputs':
      return b.outputs.map((o) => `  ${o.name} = ${o.value}`);
    case 'table':
      return [b.columns.join(' | '), ...b.rows.map((r) => r.join(' | '))];
    case 'error':
      return [`Error (${b.code}): ${b.message}`, `Next: ${b.next}`];
    case 'form':
      return b.fields.map((f) => `  ${f.name}${f.required ? '*' : ''}: ${f.value ?? ''}${f.options ? ` (${f.options.join(' | ')})` : ''}`);
  }
}

export function renderText(card: Card): string {
  const head = `${card.title}${card.status ? ` [${card.status}]` : ''}`;
  const actions = card.actions.length
    ? [`Actions: ${card.actions.map((a) => (a.typeToConfirm ? `${a.label} (type ${a.typeToConfirm} to confirm)` : a.label)).join(' / ')}`]
    : [];
  return [head, ...card.blocks.flatMap(block), ...actions, ...card.context].join('\n');
}
