import { z } from 'zod';

export const previewStackParams = z.object({
  stack: z.string().min(1).describe('Configured stack name, e.g. sandbox/dev'),
});
export type PreviewStackParams = z.infer<typeof previewStackParams>;
