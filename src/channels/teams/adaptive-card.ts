import type {
  CardElement,
  IAdaptiveCard,
  IColumnSet,
  IContainer,
  IExecuteAction,
  IFactSet,
  IOpenUrlAction,
  ITextBlock,
} from '@microsoft/teams.cards';
import { formatDuration, truncate } from '../../../cards/format.ts';
import type { Card, CardAction, CardBlock, FormField } from '../../../cards/model.ts';
import { renderText } from '../../../cards/render/text.ts';

// Card → Adaptive Card 1.5 (the highest Teams renders), buttons as Universal Actions
// (Action.Execute). Teams refuses a message over ~28 KB, so long lists are cut with a link to the
// full plan. The card's JSON types come from @microsoft/teams.cards (types only, no runtime).

const AC_VERSION = '1.5';
/** Teams' message limit is ~28 KB; leave room for the activity around the card. */
export const MAX_CARD_BYTES = 24_000;
const MAX_LIST_ROWS = 40;

/** Every verb the bot's cards send; the invoke handler switches on these. */
export const VERBS = {
  approve: 'approve',
  reject: 'reject',
  modify: 'modify',
  replan: 'replan',
  choose: 'choose',
  refresh: 'refresh',
  modifySubmit: 'modifySubmit',
  form: 'form',
  operate: 'operate',
} as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];

/** What an Action.Execute carries: ids only; everything else is read again on the click. */
export type ActionData =
  | { requestId: string; revision: number; planHash?: string }
  | { clarificationId: string; choice: string }
  | { formId: string }
  | { operation: string; target: string; option?: string };

const RISK_COLOR = { low: 'Good', medium: 'Warning', high: 'Attention', critical: 'Attention' } as const;
const TONE_STYLE = {
  neutral: 'default',
  info: 'accent',
  success: 'good',
  warning: 'warning',
  danger: 'attention',
} as const;
const PROGRESS_MARK = { pending: '○', running: '⏳', done: '✅', failed: '❌' } as const;

/**
 * Adaptive Card markdown (bold, italic, lists, links): escape what would turn plain text into
 * formatting or a link. An underscore inside a word (terraform_data) formats nothing: left alone.
 */
export function acEscape(text: string): string {
  return text.replace(/([\\*[\]])/g, '\\$1').replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace('_', '\\_'));
}

function text(value: string, options: Partial<ITextBlock> = {}): ITextBlock {
  return { type: 'TextBlock', text: value || ' ', wrap: true, ...options };
}

function facts(list: { label: string; value: string }[]): IFactSet {
  return { type: 'FactSet', facts: list.map((f) => ({ title: truncate(f.label, 100), value: truncate(f.value, 500) })) };
}

function capped(lines: string[], more: (left: number) => string): string {
  if (lines.length <= MAX_LIST_ROWS) return lines.join('\n\n');
  return [...lines.slice(0, MAX_LIST_ROWS), more(lines.length - MAX_LIST_ROWS)].join('\n\n');
}

function input(field: FormField): CardElement {
  const common = {
    id: field.name,
    label: field.label,
    isRequired: field.required,
    ...(field.required ? { errorMessage: `${field.label} is required` } : {}),
  };
  switch (field.kind) {
    case 'select':
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        choices: (field.options ?? []).map((o) => ({ title: o, value: o })),
        ...(field.value !== undefined ? { value: field.value } : {}),
      };
    case 'number':
      return { type: 'Input.Number', ...common, ...(field.value !== undefined ? { value: Number(field.value) } : {}) };
    case 'checkbox':
      return {
        type: 'Input.Toggle',
        ...common,
        title: field.label,
        value: field.value === 'true' ? 'true' : 'false',
        valueOn: 'true',
        valueOff: 'false',
      };
    default:
      return {
        type: 'Input.Text',
        ...common,
        ...(field.value !== undefined ? { value: field.value } : {}),
        ...(field.help ? { placeholder: field.help } : {}),
      };
  }
}

export function execute(title: string, verb: Verb, data: ActionData, style?: 'positive' | 'destructive'): IExecuteAction {
  return { type: 'Action.Execute', title: truncate(title, 60), verb, data: { ...data }, ...(style ? { style } : {}) };
}

/** A form's inputs and its submit button (inputs travel with the Action.Execute's data). */
export function formElements(fields: FormField[], submit: IExecuteAction, extra: IExecuteAction[] = []): CardElement[] {
  return [...fields.map(input), { type: 'ActionSet', actions: [submit, ...extra] }];
}

function elementsFor(b: CardBlock, card: Card): CardElement[] {
  const link = (n: number) => (card.url ? `…and ${n} more: [full plan](${card.url})` : `…and ${n} more`);
  switch (b.type) {
    case 'text':
      return [text(acEscape(b.text))];
    case 'facts':
      return [facts(b.facts)];
    case 'changes': {
      if (b.rows.length === 0) return [text('**No changes.**')];
      const counts = Object.entries(b.counts)
        .filter(([op]) => op !== 'no-op')
        .map(([op, n]) => `${n} to ${op}`)
        .join(', ');
      const unchanged = b.counts['no-op'] ? `, ${b.counts['no-op']} unchanged` : '';
      const lines = b.rows.map(
        (r) => `**${r.operation}** ${acEscape(r.address)}${r.detail ? ` — ${acEscape(truncate(r.detail, 120))}` : ''}`,
      );
      return [text(`**Changes:** ${counts}${unchanged}`, { weight: 'Bolder' }), text(capped(lines, link), { spacing: 'Small' })];
    }
    case 'risk':
      return [
        text(`Risk: ${b.level} (${b.score})`, { weight: 'Bolder', color: RISK_COLOR[b.level] }),
        ...(b.reasons.length ? [text(b.reasons.map((r) => `- ${acEscape(r)}`).join('\n'), { spacing: 'Small' })] : []),
      ];
    case 'cost':
      return [
        text(acEscape(b.summary), { weight: 'Bolder' }),
        ...(b.lines.length ? [facts(b.lines.slice(0, MAX_LIST_ROWS))] : []),
        ...(b.assumptions.length ? [text(`Assumptions: ${acEscape(b.assumptions.join('; '))}`, { isSubtle: true, size: 'Small' })] : []),
      ];
    case 'findings':
      return b.findings.map((f) =>
        text(`${f.severity === 'block' ? '⛔' : '⚠️'} **${acEscape(f.ruleId)}** ${acEscape(f.message)}`, {
          color: f.severity === 'block' ? 'Attention' : 'Warning',
        }),
      );
    case 'progress': {
      const lines = b.items.map(
        (i) =>
          `${PROGRESS_MARK[i.status]} ${acEscape(i.address)}${i.elapsedSeconds !== null ? ` ${formatDuration(i.elapsedSeconds)}` : ''}`,
      );
      return [
        text(capped(lines, (n) => `…and ${n} more resources`)),
        ...(b.log.length
          ? [text(acEscape(truncate(b.log.join(' | '), 280)), { isSubtle: true, size: 'Small', fontType: 'Monospace' })]
          : []),
      ];
    }
    case 'outputs':
      return b.outputs.length
        ? [facts(b.outputs.slice(0, MAX_LIST_ROWS).map((o) => ({ label: o.name, value: truncate(o.value, 300) })))]
        : [];
    case 'table': {
      const header: IColumnSet = {
        type: 'ColumnSet',
        columns: b.columns.map((c) => ({ type: 'Column', items: [text(`**${acEscape(c)}**`)] })),
      };
      const rows: IColumnSet[] = b.rows.slice(0, MAX_LIST_ROWS).map((row) => ({
        type: 'ColumnSet',
        spacing: 'Small',
        columns: row.map((cell) => ({ type: 'Column', items: [text(acEscape(cell), { spacing: 'None' })] })),
      }));
      const more = b.rows.length > MAX_LIST_ROWS ? [text(`…and ${b.rows.length - MAX_LIST_ROWS} more rows`, { isSubtle: true })] : [];
      return [header, ...rows, ...more];
    }
    case 'error':
      return [
        text(`❌ **${acEscape(b.code)}**: ${acEscape(b.message)}`, { color: 'Attention' }),
        text(`**Next:** ${acEscape(b.next)}`, { spacing: 'Small' }),
      ];
    case 'form':
      return formElements(b.fields, execute(b.submitLabel, VERBS.form, { formId: b.id }, 'positive'));
  }
}

function actionData(action: CardAction): ActionData {
  const v = action.value;
  if ('requestId' in v) return { requestId: v.requestId, revision: v.revision, ...(v.planHash ? { planHash: v.planHash } : {}) };
  if ('operation' in v) return { operation: v.operation, target: v.target, ...(v.option ? { option: v.option } : {}) };
  return { clarificationId: v.clarificationId, choice: v.choice };
}

function actionFor(action: CardAction): IExecuteAction {
  const style = action.style === 'primary' ? 'positive' : action.style === 'danger' ? 'destructive' : undefined;
  return execute(action.label, action.id, actionData(action), style);
}

export interface RenderOptions {
  /** The card's buttons; defaults to all of the card's actions. */
  actions?: CardAction[];
  /** Extra Action.Execute buttons (Teams-only: "Show my options", "Cancel"). */
  extraActions?: (IExecuteAction | IOpenUrlAction)[];
  /** Users whose Teams clients fetch their own view of this card (≤ 60 Teams user ids). */
  refresh?: { userIds: string[]; data: ActionData };
  /** Elements added after the card's body (a note, a Modify form). */
  append?: CardElement[];
}

function header(card: Card): IContainer {
  return {
    type: 'Container',
    style: TONE_STYLE[card.tone],
    bleed: true,
    items: [
      text(acEscape(card.title), { size: 'Large', weight: 'Bolder' }),
      ...(card.status ? [text(acEscape(card.status), { isSubtle: true, spacing: 'None' })] : []),
    ],
  };
}

/** The box a destroy's approver types the stack name into; Action.Execute sends it as `confirmation`. */
function typeToConfirmInput(text: string): CardElement {
  return { type: 'Input.Text', id: 'confirmation', label: `Type ${text} to confirm`, placeholder: text, maxLength: 200 } as CardElement;
}

function assemble(card: Card, body: CardElement[], options: RenderOptions): IAdaptiveCard {
  const shown = options.actions ?? card.actions;
  const actions = [...shown.map(actionFor), ...(options.extraActions ?? [])];
  const typed = shown.flatMap((a) => (a.typeToConfirm ? [typeToConfirmInput(a.typeToConfirm)] : []));
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: AC_VERSION,
    fallbackText: truncate(renderText(card), 2000),
    msteams: { width: 'full' },
    body: [
      ...(card.title ? [header(card)] : []),
      ...body,
      ...(options.append ?? []),
      ...typed,
      ...(card.context.length ? [text(acEscape(card.context.join(' · ')), { isSubtle: true, size: 'Small' })] : []),
    ],
    ...(actions.length ? { actions } : {}),
    ...(options.refresh
      ? {
          refresh: {
            action: { type: 'Action.Execute', title: 'Refresh', verb: VERBS.refresh, data: { ...options.refresh.data } },
            userIds: options.refresh.userIds.slice(0, 60),
          },
        }
      : {}),
  } as IAdaptiveCard;
}

export function renderAdaptiveCard(card: Card, options: RenderOptions = {}): IAdaptiveCard {
  const body = card.blocks.flatMap((b) => elementsFor(b, card));
  let rendered = assemble(card, body, options);
  // Still too big for Teams (a plan with very long details): keep the head and link the rest.
  for (let keep = body.length - 1; keep > 0 && JSON.stringify(rendered).length > MAX_CARD_BYTES; keep--) {
    const cut = text(card.url ? `…the rest is in the [full plan](${card.url}).` : '…cut to fit Teams.', { isSubtle: true });
    rendered = assemble(card, [...body.slice(0, keep), cut], options);
  }
  return rendered;
}
