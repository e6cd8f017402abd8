import { z } from 'zod';

export const updateStackConfigParams = z.object({
  stack: z.string().min(1).describe('Configured stack name, e.g. sandbox/dev'),
  values: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'config keys are identifiers like replicas or fail_apply'), z.string())
    .refine((v) => Object.keys(v).length > 0, 'name at least one key=value')
    .describe('Config values to set, e.g. replicas=3'),
});
export type UpdateStackConfigParams = z.infer<typeof updateStackConfigParams>;
