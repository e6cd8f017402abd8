import { z } from 'zod';

export const deployStackParams = z.object({
  stack: z.string().min(1).describe('Configured stack name, e.g. sandbox/dev'),
});
export type DeployStackParams = z.infer<typeof deployStackParams>;
