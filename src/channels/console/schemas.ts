import { z } from 'zod';
import { OPERATIONS } from '../../../cards/model.ts';
import { clarificationIdSchema, planHashSchema, requestIdSchema, revisionSchema } from '../../domain/ids.ts';

// Bodies of the console's JSON API. Everything from the network is `unknown` until parsed here.

const userName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'user names use letters, digits and . _ @ - only');

export const chatBody = z
  .object({
    user: userName.optional(),
    text: z.string().trim().min(1, 'text is empty').max(4000, 'text is longer than 4000 characters'),
    thread: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/, 'thread ids look like the one /api/chat returned')
      .optional(),
  })
  .strict();

const requestAction = z
  .object({
    user: userName.optional(),
    requestId: requestIdSchema,
    action: z.enum(['approve', 'reject', 'replan']),
    revision: revisionSchema.optional(),
    planHash: planHashSchema.optional(),
    /** The stack name typed to confirm a destroy. */
    confirmation: z.string().max(200).optional(),
  })
  .strict();

const chooseAction = z
  .object({
    user: userName.optional(),
    action: z.literal('choose'),
    clarificationId: clarificationIdSchema,
    choice: z.string().regex(/^[a-z_]{2,40}$/),
  })
  .strict();

const operateAction = z
  .object({
    user: userName.optional(),
    action: z.literal('operate'),
    operation: z.enum(OPERATIONS),
    target: z.string().min(1).max(200),
    option: z.string().max(300).optional(),
    /** A stack name typed to confirm (breaking a lock, destroying now). */
    confirmation: z.string().max(200).optional(),
    /** The thread the button was pressed in: the outcome is posted there. */
    thread: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/)
      .optional(),
  })
  .strict();

export const actionBody = z.discriminatedUnion('action', [
  requestAction.extend({ action: z.literal('approve') }),
  requestAction.extend({ action: z.literal('reject') }),
  requestAction.extend({ action: z.literal('replan') }),
  chooseAction,
  operateAction,
]);

export const formBody = z
  .object({
    user: userName.optional(),
    formId: clarificationIdSchema,
    values: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.string().max(2000)),
  })
  .strict();

export const idParam = z.object({ id: z.string().min(1).max(100) });

/** Who is looking, on GET routes in local mode (signed in, the session says). */
export const viewerQuery = z.object({ user: z.string().min(1).max(200).optional() }).strict();

/** Console users are `console:<name>` everywhere else in Greenlight (approver lists, audit). */
export function consolePrincipal(user: string): string {
  return `console:${user}`;
}
