import { z } from 'zod';

export const stackStatusParams = z.object({
  target: z.string().min(1).describe('A stack name (sandbox/dev) or a request id (cr-…)'),
});
export type StackStatusParams = z.infer<typeof stackStatusParams>;
