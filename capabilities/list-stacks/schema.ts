import { z } from 'zod';
import { environment } from '../shared-params.ts';

export const listStacksParams = z.object({
  environment: environment.optional().describe('Only this environment, and what Greenlight has deployed there'),
});
export type ListStacksParams = z.infer<typeof listStacksParams>;
