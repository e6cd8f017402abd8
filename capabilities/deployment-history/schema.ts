import { z } from 'zod';

export const deploymentHistoryParams = z.object({
  stack: z.string().optional().describe('Only this stack'),
});
export type DeploymentHistoryParams = z.infer<typeof deploymentHistoryParams>;
