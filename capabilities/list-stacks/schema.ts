import { z } from 'zod';

export const listStacksParams = z.object({});
export type ListStacksParams = z.infer<typeof listStacksParams>;
