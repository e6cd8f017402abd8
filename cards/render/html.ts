import { formatDuration } from '../format.ts';
import type { Card, CardAction, CardBlock, FormField } from '../model.ts';

// Card → HTML fragment for the console. Every piece of text goes through `esc`: card text holds
// user input and engine output.

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const PROGRESS_ICON = { pending: '○', running: '◐', done: '●', failed: '✕' } as const;

function block(b: CardBlock): string {
  switch (b.type) {
    case 'text':
      return `<p class="gl-text">${esc(b.text)}</p>`;
    case 'facts':
      return `<dl class="gl-facts">${b.facts.map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`).join('')}</dl>`;
    case 'changes': {
      const counts = Object.entries(b.counts)
        .filter(([op]) => op !== 'no-op')
        .map(([op, n]) => `<span class="gl-op gl-op-${esc(op)}">${n} to ${esc(op)}</span>`)
        .join(' ');
      const unchanged = b.counts['no-op'] ? ` <span class="gl-muted">${b.counts['no-op']} unchanged</span>` : '';
      if (b.rows.length === 0) return `<p class="gl-changes-none">No changes. ${unchanged}</p>`;
      const rows = b.rows
        .map(
          (r) =>
            `<tr><td><span class="gl-op gl-op-${esc(r.operation)}">${esc(r.operation)}</span></td><td><code>${esc(r.address)}</code></td><td class="gl-muted">${esc(r.detail)}</td></tr>`,
        )
        .join('');
      return `<div class="gl-changes"><p>${counts}${unchanged}</p><table><thead><tr><th>Action</th><th>Resource</th><th>Inputs</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    }
    case 'risk':
      return `<div class="gl-risk gl-risk-${esc(b.level)}"><span class="gl-badge">Risk: ${esc(b.level)} (${b.score})</span>${
        b.reasons.length
          ? `<ul>${b.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`
          : ' <span class="gl-muted">no risk factors</span>'
      }</div>`;
    case 'cost': {
      const lines = b.lines.length ? `<ul>${b.lines.map((l) => `<li>${esc(l.label)}: ${esc(l.value)}</li>`).join('')}</ul>` : '';
      const assumptions = b.assumptions.length ? `<p class="gl-muted">Assumptions: ${esc(b.assumptions.join('; '))}</p>` : '';
      return `<div class="gl-cost"><strong>${esc(b.summary)}</strong>${lines}${assumptions}</div>`;
    }
    case 'findings':
      return `<ul class="gl-findings">${b.findings
        .map(
          (f) => `<li class="gl-finding-${esc(f.severity)}"><strong>${esc(f.ruleId)}</strong> (${esc(f.severity)}): ${esc(f.message)}</li>`,
        )
        .join('')}</ul>`;
    case 'progress':
      return `<ul class="gl-progress">${b.items
        .map(
          (i) =>
            `<li class="gl-progress-${i.status}" data-status="${i.status}"><span>${PROGRESS_ICON[i.status]}</span> <code>${esc(i.address)}</code>${
              i.elapsedSeconds !== null ? ` <span class="gl-muted">${formatDuration(i.elapsedSeconds)}</span>` : ''
            }</li>`,
        )
        .join('')}</ul>${b.log.length ? `<pre class="gl-log">${esc(b.log.join('\n'))}</pre>` : ''}`;
    case 'outputs':
      return `<dl class="gl-outputs">${b.outputs.map((o) => `<dt>${esc(o.name)}</dt><dd><code>${esc(o.value)}</code></dd>`).join('')}</dl>`;
    case 'table':
      return `<table class="gl-table"><thead><tr>${b.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'error':
      return `<div class="gl-error"><p><strong>${esc(b.code)}</strong>: ${esc(b.message)}</p><p>Next: ${esc(b.next)}</p></div>`;
    case 'form':
      return `<form class="gl-form" data-form="${esc(b.id)}">${b.fields.map(field).join('')}<button type="submit" class="gl-btn gl-btn-primary">${esc(b.submitLabel)}</button></form>`;
  }
}

function field(f: FormField): string {
  const id = `f-${esc(f.name)}`;
  const required = f.required ? ' required' : '';
  const help = f.help ? `<small>${esc(f.help)}</small>` : '';
  let input: string;
  if (f.kind === 'select') {
    const options = ['', ...(f.options ?? [])]
      .map((o) => `<option value="${esc(o)}"${o === (f.value ?? '') ? ' selected' : ''}>${esc(o || '—')}</option>`)
      .join('');
    input = `<select id="${id}" name="${esc(f.name)}"${required}>${options}</select>`;
  } else if (f.kind === 'checkbox') {
    input = `<input id="${id}" type="checkbox" name="${esc(f.name)}" value="true"${f.value === 'true' ? ' checked' : ''}>`;
  } else {
    input = `<input id="${id}" type="${f.kind === 'number' ? 'number' : 'text'}" name="${esc(f.name)}" value="${esc(f.value ?? '')}"${required}>`;
  }
  return `<label for="${id}">${esc(f.label)}${f.required ? ' *' : ''}</label>${input}${help}`;
}

function action(a: CardAction): string {
  const target =
    'requestId' in a.value
      ? `data-request="${esc(a.value.requestId)}" data-revision="${a.value.revision}"${a.value.planHash ? ` data-plan-hash="${esc(a.value.planHash)}"` : ''}`
      : 'operation' in a.value
        ? `data-operation="${esc(a.value.operation)}" data-target="${esc(a.value.target)}"${a.value.option ? ` data-option="${esc(a.value.option)}"` : ''}`
        : `data-clarification="${esc(a.value.clarificationId)}" data-choice="${esc(a.value.choice)}"`;
  const confirm = a.confirm ? ` data-confirm="${esc(a.confirm.text)}"` : '';
  const typed = a.typeToConfirm
    ? `<input class="gl-type-confirm" name="confirmation" autocomplete="off" placeholder="type ${esc(a.typeToConfirm)} to confirm" aria-label="Type ${esc(a.typeToConfirm)} to confirm">`
    : '';
  return `${typed}<button class="gl-btn gl-btn-${a.style}" data-action="${a.id}" ${target}${confirm}>${esc(a.label)}</button>`;
}

export function renderHtml(card: Card): string {
  const actions = card.actions.length ? `<div class="gl-actions">${card.actions.map(action).join('')}</div>` : '';
  const status = card.status ? `<span class="gl-status">${esc(card.status)}</span>` : '';
  // The full plan is a page of its own: a link, not an address to copy.
  const lines = card.context.map((c) =>
    card.url && c === `Full plan: ${card.url}`
      ? `<div><a class="gl-full-plan" href="${esc(card.url)}">Full plan →</a></div>`
      : `<div>${esc(c)}</div>`,
  );
  const context = lines.length ? `<footer>${lines.join('')}</footer>` : '';
  return `<article class="gl-card gl-card-${card.kind} gl-tone-${card.tone}" data-kind="${card.kind}"${
    card.requestId ? ` data-request="${esc(card.requestId)}"` : ''
  }><header><h3>${esc(card.title)}</h3>${status}</header>${card.blocks.map(block).join('')}${actions}${context}</article>`;
}
