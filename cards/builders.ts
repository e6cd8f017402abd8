import type { Card, CardAction, FormField, Tone } from './model.ts';

// Builders for the small cards the workflow and the channels post: a note, a form asking for
// parameters, a "did you mean …?" choice. Plan, run and answer cards have their own modules.

/** A few words in a card: a greeting, an acknowledgement, something someone said. */
export function noteCard(title: string, text: string, options: { tone?: Tone; context?: string[] } = {}): Card {
  return {
    kind: 'info',
    title,
    tone: options.tone ?? 'neutral',
    blocks: [{ type: 'text', text }],
    actions: [],
    context: options.context ?? [],
  };
}

/** Asks for what a request still lacks: the fields of a capability's schema, pre-filled. */
export function formCard(form: {
  id: string;
  title: string;
  intro: string;
  fields: FormField[];
  submitLabel: string;
  context: string[];
}): Card {
  return {
    kind: 'info',
    title: form.title,
    tone: 'info',
    status: 'needs input',
    blocks: [
      { type: 'text', text: form.intro },
      { type: 'form', id: form.id, fields: form.fields, submitLabel: form.submitLabel },
    ],
    actions: [],
    context: form.context,
  };
}

/** "Did you mean …?": one button per likely capability, the likeliest first. */
export function choiceCard(question: { id: string; text: string; choices: { intent: string; label: string }[]; context: string[] }): Card {
  return {
    kind: 'info',
    title: 'Did you mean …?',
    tone: 'info',
    blocks: [{ type: 'text', text: question.text }],
    actions: question.choices.map(
      (c, i): CardAction => ({
        id: 'choose',
        label: c.label,
        style: i === 0 ? 'primary' : 'default',
        value: { clarificationId: question.id, choice: c.intent },
      }),
    ),
    context: question.context,
  };
}
