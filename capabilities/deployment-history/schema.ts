import { z } from 'zod';

export const deploymentHistoryParams = z.object({
  stack: z.string().optional().describe('Only this stack'),
  since: z
    .string()
    .regex(/^\d+d$/, 'since is a number of days such as 7d')
    .optional()
    .describe('How far back, in days (e.g. 7d)'),
  user: z.string().optional().describe('Only requests by this user'),
});
export type DeploymentHistoryParams = z.infer<typeof deploymentHistoryParams>;
