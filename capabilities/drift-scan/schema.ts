import { z } from 'zod';

export const driftScanParams = z.object({
  stack: z.string().min(1).describe('Configured stack name, e.g. sandbox/prod'),
});
export type DriftScanParams = z.infer<typeof driftScanParams>;
