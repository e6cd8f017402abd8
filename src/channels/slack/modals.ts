import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { truncate } from '../../../cards/format.ts';
import type { FormField } from '../../../cards/model.ts';

// Forms (Modify, clarification) as Slack modals: one input block per field, block_id = the field
// name, action_id "value". `private_metadata` carries which request or question it answers.

const option = (v: string): PlainTextOption => ({ text: { type: 'plain_text', text: truncate(v, 75) }, value: v.slice(0, 150) });

function input(f: FormField): InputBlock {
  const label = { type: 'plain_text' as const, text: truncate(f.label, 2000) };
  const hint = f.help ? { hint: { type: 'plain_text' as const, text: truncate(f.help, 2000) } } : {};
  const base = { type: 'input' as const, block_id: f.name, label, optional: !f.required, ...hint };
  if (f.kind === 'select' && f.options?.length) {
    return {
      ...base,
      element: {
        type: 'static_select',
        action_id: 'value',
        options: f.options.slice(0, 100).map(option),
        ...(f.value ? { initial_option: option(f.value) } : {}),
      },
    };
  }
  if (f.kind === 'checkbox') {
    const yes = option('true');
    return {
      ...base,
      optional: true,
      element: { type: 'checkboxes', action_id: 'value', options: [yes], ...(f.value === 'true' ? { initial_options: [yes] } : {}) },
    };
  }
  if (f.kind === 'number') {
    return {
      ...base,
      element: { type: 'number_input', action_id: 'value', is_decimal_allowed: false, ...(f.value ? { initial_value: f.value } : {}) },
    };
  }
  return { ...base, element: { type: 'plain_text_input', action_id: 'value', ...(f.value ? { initial_value: f.value } : {}) } };
}

export function formModal(
  callbackId: string,
  title: string,
  fields: FormField[],
  metadata: Record<string, unknown>,
  intro?: string,
): ModalView {
  const blocks: KnownBlock[] = [
    ...(intro ? [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: truncate(intro, 3000) } }] : []),
    ...fields.slice(0, 99).map(input),
  ];
  return {
    type: 'modal',
    callback_id: callbackId,
    title: { type: 'plain_text', text: truncate(title, 24) },
    submit: { type: 'plain_text', text: 'Plan it' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

type StateValue = { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] };

/** The submitted values, as strings keyed by field name. */
export function modalValues(state: Record<string, Record<string, StateValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, actions] of Object.entries(state)) {
    const v = actions.value;
    if (!v) continue;
    if (v.selected_options) out[name] = String(v.selected_options.some((o) => o.value === 'true'));
    else if (v.selected_option !== undefined) out[name] = v.selected_option?.value ?? '';
    else out[name] = v.value ?? '';
  }
  return out;
}
