import { z } from 'zod';
import { environment } from '../shared-params.ts';

export const deploymentHistoryParams = z.object({
  stack: z.string().optional().describe('Only this stack'),
  since: z
    .string()
    .regex(/^\d+d$/, 'since is a number of days such as 7d')
    .optional()
    .describe('How far back, in days (e.g. 7d)'),
  user: z.string().optional().describe('Only requests by this user'),
  environment: environment.optional().describe('Only this environment'),
});
export type DeploymentHistoryParams = z.infer<typeof deploymentHistoryParams>;
