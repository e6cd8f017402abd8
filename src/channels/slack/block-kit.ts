import type { ActionsBlock, Button, ContextBlock, InputBlock, KnownBlock, SectionBlock } from '@slack/types';
import { formatDuration, truncate } from '../../../cards/format.ts';
import type { Card, CardAction, CardBlock } from '../../../cards/model.ts';
import { renderText } from '../../../cards/render/text.ts';

// Card → Slack Block Kit, inside Slack's limits: ≤ 50 blocks, section text ≤ 3,000 characters,
// ≤ 10 fields of ≤ 2,000, header ≤ 150, button text ≤ 75 and value ≤ 2,000, unique block_ids.
// What does not fit is cut with a link to the full plan.

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  header: 150,
  buttonText: 75,
  buttonValue: 2000,
  contextElements: 10,
} as const;

/** Slack mrkdwn treats &, < and > as control characters. */
export function mrkdwnEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Constant action ids: handlers match on them; the value says which request. */
export const SLACK_ACTION_IDS = {
  approve: 'gl_approve',
  reject: 'gl_reject',
  modify: 'gl_modify',
  replan: 'gl_replan',
  choose: 'gl_choose',
  form: 'gl_form',
  /** An operation's buttons: `gl_op_<operation>` (action ids are unique within a message). */
  operate: 'gl_op',
} as const;

/** The input a destroy's approver types the stack name into; Slack sends its value with the click. */
export const SLACK_CONFIRM_INPUT = { block_id: 'gl-type-confirm', action_id: 'gl_confirmation' } as const;

export type ButtonValue = { r: string; v: number; h?: string } | { c: string; i: string } | { o: string; t: string; x?: string };

const RISK_EMOJI = {
  low: ':large_green_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
} as const;
const PROGRESS_EMOJI = {
  pending: ':white_circle:',
  running: ':hourglass_flowing_sand:',
  done: ':white_check_mark:',
  failed: ':x:',
} as const;
const TONE_EMOJI = {
  neutral: '',
  info: ':large_blue_circle: ',
  success: ':white_check_mark: ',
  warning: ':warning: ',
  danger: ':x: ',
} as const;

function section(text: string, more?: string): SectionBlock {
  const limit = LIMITS.sectionText - (more ? more.length + 2 : 0);
  const body = text.length > limit ? `${truncate(text, limit)}${more ? `\n${more}` : ''}` : text;
  return { type: 'section', text: { type: 'mrkdwn', text: body || ' ' } };
}

function linesSection(lines: string[], more: (left: number) => string): SectionBlock {
  const out: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const tail = more(lines.length - i);
    if (used + line.length + 1 > LIMITS.sectionText - tail.length - 2) {
      out.push(tail);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return { type: 'section', text: { type: 'mrkdwn', text: out.join('\n') || ' ' } };
}

function blocksFor(b: CardBlock, card: Card): KnownBlock[] {
  const link = (n: number) => (card.url ? `…and ${n} more: <${card.url}|full plan>` : `…and ${n} more`);
  switch (b.type) {
    case 'text':
      return [section(mrkdwnEscape(b.text))];
    case 'facts': {
      const out: SectionBlock[] = [];
      for (let i = 0; i < b.facts.length; i += LIMITS.fields) {
        out.push({
          type: 'section',
          fields: b.facts.slice(i, i + LIMITS.fields).map((f) => ({
            type: 'mrkdwn' as const,
            text: truncate(`*${mrkdwnEscape(f.label)}*\n${mrkdwnEscape(f.value)}`, LIMITS.fieldText),
          })),
        });
      }
      return out;
    }
    case 'changes': {
      const counts = Object.entries(b.counts)
        .filter(([op]) => op !== 'no-op')
        .map(([op, n]) => `${n} to ${op}`)
        .join(', ');
      if (b.rows.length === 0) return [section('*No changes.*')];
      const lines = b.rows.map(
        (r) => `\`${r.operation}\` ${mrkdwnEscape(r.address)}${r.detail ? ` — ${mrkdwnEscape(truncate(r.detail, 120))}` : ''}`,
      );
      return [section(`*Changes:* ${counts}${b.counts['no-op'] ? `, ${b.counts['no-op']} unchanged` : ''}`), linesSection(lines, link)];
    }
    case 'risk':
      return [
        section(
          `${RISK_EMOJI[b.level]} *Risk: ${b.level}* (${b.score})${b.reasons.length ? `\n${b.reasons.map((r) => `• ${mrkdwnEscape(r)}`).join('\n')}` : ''}`,
        ),
      ];
    case 'cost':
      return [
        linesSection([`*${mrkdwnEscape(b.summary)}*`, ...b.lines.map((l) => `• ${mrkdwnEscape(l.label)}: ${l.value}`)], link),
        ...(b.assumptions.length ? [context([`Assumptions: ${b.assumptions.join('; ')}`])] : []),
      ];
    case 'findings':
      return [
        section(
          b.findings
            .map((f) => `${f.severity === 'block' ? ':no_entry:' : ':warning:'} *${mrkdwnEscape(f.ruleId)}* ${mrkdwnEscape(f.message)}`)
            .join('\n'),
        ),
      ];
    case 'progress':
      return [
        linesSection(
          b.items.map(
            (i) =>
              `${PROGRESS_EMOJI[i.status]} \`${mrkdwnEscape(i.address)}\`${i.elapsedSeconds !== null ? ` ${formatDuration(i.elapsedSeconds)}` : ''}`,
          ),
          (n) => `…and ${n} more resources`,
        ),
        ...(b.log.length ? [context([`\`${truncate(b.log.join(' | '), 280)}\``])] : []),
      ];
    case 'outputs':
      return b.outputs.length
        ? [
            linesSection(
              b.outputs.map((o) => `*${mrkdwnEscape(o.name)}*: \`${mrkdwnEscape(truncate(o.value, 300))}\``),
              (n) => `…and ${n} more outputs`,
            ),
          ]
        : [];
    case 'table':
      return [
        linesSection([`*${b.columns.join(' · ')}*`, ...b.rows.map((r) => r.map(mrkdwnEscape).join(' · '))], (n) => `…and ${n} more rows`),
      ];
    case 'error':
      return [section(`:x: *${mrkdwnEscape(b.code)}*: ${mrkdwnEscape(b.message)}\n*Next:* ${mrkdwnEscape(b.next)}`)];
    case 'form':
      return [
        {
          type: 'actions',
          elements: [button({ text: 'Fill in the details', action_id: SLACK_ACTION_IDS.form, value: b.id, style: 'primary' })],
        },
      ];
  }
}

function context(texts: string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts
      .slice(0, LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn' as const, text: truncate(mrkdwnEscape(t), LIMITS.sectionText) })),
  };
}

function button(b: {
  text: string;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: CardAction['confirm'];
}): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(b.text, LIMITS.buttonText) },
    action_id: b.action_id,
    value: b.value.slice(0, LIMITS.buttonValue),
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text' as const, text: truncate(b.confirm.title, 100) },
            text: { type: 'mrkdwn' as const, text: mrkdwnEscape(b.confirm.text) },
            confirm: { type: 'plain_text' as const, text: b.confirm.confirm },
            deny: { type: 'plain_text' as const, text: b.confirm.deny },
            ...(b.style === 'danger' ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  };
}

export function buttonValue(action: CardAction): string {
  const value: ButtonValue =
    'requestId' in action.value
      ? { r: action.value.requestId, v: action.value.revision, ...(action.value.planHash ? { h: action.value.planHash } : {}) }
      : 'operation' in action.value
        ? { o: action.value.operation, t: action.value.target, ...(action.value.option ? { x: action.value.option } : {}) }
        : { c: action.value.clarificationId, i: action.value.choice };
  return JSON.stringify(value);
}

/** Unique within a message: a choice and an operation carry their name in the id. */
function slackActionId(a: CardAction): string {
  if (a.id === 'choose') return `${SLACK_ACTION_IDS.choose}_${'choice' in a.value ? a.value.choice : ''}`;
  if ('operation' in a.value) return `${SLACK_ACTION_IDS.operate}_${a.value.operation}`;
  return SLACK_ACTION_IDS[a.id];
}

function actionsBlock(actions: CardAction[]): ActionsBlock {
  return {
    type: 'actions',
    elements: actions.slice(0, 25).map((a) =>
      button({
        text: a.label,
        action_id: slackActionId(a),
        value: buttonValue(a),
        ...(a.style === 'primary' || a.style === 'danger' ? { style: a.style } : {}),
        ...(a.confirm ? { confirm: a.confirm } : {}),
      }),
    ),
  };
}

function typeToConfirmBlock(text: string): InputBlock {
  return {
    type: 'input',
    block_id: SLACK_CONFIRM_INPUT.block_id,
    optional: true,
    label: { type: 'plain_text', text: truncate(`Type ${text} to confirm`, 2000) },
    element: {
      type: 'plain_text_input',
      action_id: SLACK_CONFIRM_INPUT.action_id,
      placeholder: { type: 'plain_text', text: truncate(text, 150) },
    },
  };
}

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function renderBlockKit(card: Card): SlackMessage {
  const header: KnownBlock[] = card.title
    ? [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: truncate(`${TONE_EMOJI[card.tone]}${card.title}${card.status ? ` — ${card.status}` : ''}`, LIMITS.header),
            emoji: true,
          },
        },
      ]
    : [];
  const body = card.blocks.flatMap((b) => blocksFor(b, card));
  const tail: KnownBlock[] = [
    ...card.actions.flatMap((a) => (a.typeToConfirm ? [typeToConfirmBlock(a.typeToConfirm)] : [])),
    ...(card.actions.length ? [actionsBlock(card.actions)] : []),
    ...(card.context.length ? [context(card.context)] : []),
  ];
  let blocks = [...header, ...body, ...tail];
  if (blocks.length > LIMITS.blocks) {
    const room = LIMITS.blocks - header.length - tail.length - 1;
    blocks = [
      ...header,
      ...body.slice(0, room),
      section(card.url ? `…the rest is in the <${card.url}|full plan>.` : '…cut to fit Slack.'),
      ...tail,
    ];
  }
  blocks.forEach((b, i) => {
    b.block_id ??= `gl-${card.kind}-${i}`;
  });
  return { text: truncate(renderText(card), 3000), blocks };
}
