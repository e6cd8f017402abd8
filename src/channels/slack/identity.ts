import { z } from 'zod';
import { OPERATIONS } from '../../../cards/model.ts';
import { GreenlightError } from '../../domain/errors.ts';
import { clarificationIdSchema, planHashSchema, requestIdSchema, revisionSchema } from '../../domain/ids.ts';

/** Slack users are `slack:<team>:<user>` everywhere else in Greenlight (approver lists, audit). */
export function slackPrincipal(team: string | undefined, user: string): string {
  return `slack:${team ?? 'unknown'}:${user}`;
}

const buttonValue = z.union([
  z.object({ r: requestIdSchema, v: revisionSchema, h: planHashSchema.optional() }),
  z.object({ c: clarificationIdSchema, i: z.string() }),
  z.object({ o: z.enum(OPERATIONS), t: z.string().min(1).max(200), x: z.string().max(300).optional() }),
]);

/** A button's value, checked: it arrives from the network. */
export function parseButtonValue(raw: unknown): z.output<typeof buttonValue> {
  let json: unknown;
  try {
    json = JSON.parse(String(raw));
  } catch {
    throw new GreenlightError('bad_request', 'This button carries no request; it may be from an older version of Greenlight.');
  }
  const parsed = buttonValue.safeParse(json);
  if (!parsed.success)
    throw new GreenlightError('bad_request', 'This button carries no request; it may be from an older version of Greenlight.');
  return parsed.data;
}

/** Text of a mention without the mention itself. */
export function withoutMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '').trim();
}

const modifyMetadata = z.object({ requestId: requestIdSchema, revision: revisionSchema });
const formMetadata = z.object({ formId: clarificationIdSchema });

/** A modal's `private_metadata`, checked: Slack returns what the bot set, but it arrives from the network. */
function parseMetadata<S extends z.ZodType>(schema: S, raw: string | undefined): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw || '{}');
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new GreenlightError('bad_request', 'This form carries no request; open it again from the card.');
  return parsed.data;
}

export const parseModifyMetadata = (raw: string | undefined) => parseMetadata(modifyMetadata, raw);
export const parseFormMetadata = (raw: string | undefined) => parseMetadata(formMetadata, raw);

/** The "Fill in" button of a clarification form carries the form's id. */
export function parseFormButton(raw: unknown) {
  const parsed = clarificationIdSchema.safeParse(raw);
  if (!parsed.success) throw new GreenlightError('bad_request', 'This button carries no form; ask again to get a new one.');
  return parsed.data;
}
