import { z } from 'zod';

// Bodies of the console's JSON API. Everything from the network is `unknown` until parsed here.

const userName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'user names use letters, digits and . _ @ - only');

export const chatBody = z
  .object({
    user: userName,
    text: z.string().trim().min(1, 'text is empty').max(4000, 'text is longer than 4000 characters'),
    thread: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/, 'thread ids look like the one /api/chat returned')
      .optional(),
  })
  .strict();

export const actionBody = z
  .object({
    user: userName,
    requestId: z.string().regex(/^cr-[0-9a-f]{10}$/, 'request ids look like cr-0123456789'),
    action: z.enum(['approve', 'reject', 'replan']),
    revision: z.number().int().positive().optional(),
    planHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .strict();

export const idParam = z.object({ id: z.string().min(1).max(100) });

/** Console users are `console:<name>` everywhere else in Greenlight (approver lists, audit). */
export function consolePrincipal(user: string): string {
  return `console:${user}`;
}
