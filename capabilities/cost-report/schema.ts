import { z } from 'zod';
import { environment } from '../shared-params.ts';

export const costReportParams = z.object({
  environment: environment.optional(),
  team: z.string().min(1).optional().describe('Only this team'),
  by: z.enum(['team', 'environment', 'stack']).default('team').describe('Group the report by team, environment or stack'),
});
export type CostReportParams = z.infer<typeof costReportParams>;
