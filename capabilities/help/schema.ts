import { z } from 'zod';

export const helpParams = z.object({
  topic: z.string().optional().describe('What the person asked about, if anything'),
});
export type HelpParams = z.infer<typeof helpParams>;
