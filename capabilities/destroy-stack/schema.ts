import { z } from 'zod';

export const destroyStackParams = z.object({
  stack: z.string().min(1).describe('Configured stack name, e.g. sandbox/dev'),
});
export type DestroyStackParams = z.infer<typeof destroyStackParams>;
