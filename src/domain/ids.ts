import { z } from 'zod';

// Ids that arrive from the network (button values, form metadata, API bodies) are parsed into
// these branded types before the workflow's inbound API takes them: a channel cannot hand it an
// unchecked string.

export const requestIdSchema = z
  .string()
  .regex(/^cr-[0-9a-f]{10}$/, 'request ids look like cr-0123456789')
  .brand<'RequestId'>();
export type RequestId = z.output<typeof requestIdSchema>;

export const clarificationIdSchema = z
  .string()
  .regex(/^cl-[0-9a-f]{10}$/, 'question and form ids look like cl-0123456789')
  .brand<'ClarificationId'>();
export type ClarificationId = z.output<typeof clarificationIdSchema>;

export const planHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'plan hashes are 64 hex digits');
export const revisionSchema = z.number().int().positive();
