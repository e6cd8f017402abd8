import { z } from 'zod';

export const rollbackStackParams = z.object({
  stack: z.string().min(1).describe('Stack name, e.g. sandbox/prod'),
  to: z
    .string()
    .regex(/^(cr-[0-9a-f]{10}|[1-9]\d{0,2})$/, 'to is a request id (cr-0123456789) or how many versions back (1, 2, …)')
    .default('1')
    .describe('The version to go back to: a request id from `history`, or how many applied versions back (default 1)'),
});
export type RollbackStackParams = z.infer<typeof rollbackStackParams>;
