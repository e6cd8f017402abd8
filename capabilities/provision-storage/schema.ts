import { z } from 'zod';
import { AZURE_REGIONS } from '../provision-databricks/schema.ts';
import { AWS_REGIONS, GCP_REGIONS } from '../regions.ts';
import { environment, flag, team } from '../shared-params.ts';

// Parameters of provision_storage: one private, versioned, encrypted store with a lifecycle rule,
// on the cloud asked for. The region is checked against that cloud's list.

const REGIONS = { azure: AZURE_REGIONS, aws: AWS_REGIONS, gcp: GCP_REGIONS } as const;
const EXAMPLE_REGION = { azure: 'eastus', aws: 'us-east-1', gcp: 'us-central1' } as const;

export const provisionStorageParams = z
  .object({
    cloud: z
      .enum(['azure', 'aws', 'gcp'], { message: 'cloud is azure (Storage account), aws (S3) or gcp (GCS)' })
      .default('azure')
      .describe('Cloud: azure (Storage account + container), aws (S3 bucket) or gcp (GCS bucket)'),
    team: team('the storage'),
    environment,
    region: z.string().min(1).describe('Region code of that cloud (eastus, us-east-1, us-central1)'),
    name: z
      .string()
      .regex(/^[a-z0-9-]{3,40}$/, 'name: 3–40 lower-case letters, digits or -')
      .optional()
      .describe('What the storage is for (default: data); names the container or bucket'),
    public: flag.default(false).describe('Allow anonymous read (blocked unless asked)'),
    versioning: flag.default(true).describe('Keep earlier versions of overwritten objects'),
    retention_days: z.coerce.number().int().min(1).max(3650).default(365).describe('Delete objects this many days after their last change'),
    cool_after_days: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .describe('Move objects to the cool / infrequent-access class after this many days'),
    size_gb: z.coerce.number().int().min(1).max(5_000_000).default(100).describe('Expected stored data in GB, for the estimate'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const regions: readonly string[] = REGIONS[p.cloud];
    if (!regions.includes(p.region))
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: `region must be a ${p.cloud} region code such as ${EXAMPLE_REGION[p.cloud]} (${regions.join(', ')})`,
      });
    // S3 counts from creation and moves objects to Standard-IA no sooner than 30 days.
    const minCool = p.cloud === 'aws' ? 30 : 1;
    if (p.cool_after_days < minCool)
      ctx.addIssue({ code: 'custom', path: ['cool_after_days'], message: `cool_after_days must be at least ${minCool} on ${p.cloud}` });
    if (p.cool_after_days >= p.retention_days)
      ctx.addIssue({ code: 'custom', path: ['cool_after_days'], message: 'cool_after_days must be shorter than retention_days' });
  });

export type ProvisionStorageParams = z.infer<typeof provisionStorageParams>;

/**
 * Names: Azure accounts are 3–24 lower-case letters and digits; S3 and GCS bucket names are
 * global, so they carry team, environment and purpose.
 */
export function namesFor(p: Pick<ProvisionStorageParams, 'team' | 'environment' | 'name'>) {
  const purpose = p.name ?? 'data';
  const account = `st${p.team}${p.environment}${purpose}`.replace(/[^a-z0-9]/g, '').slice(0, 24);
  return {
    resourceGroup: `rg-${p.team}-storage-${p.environment}`,
    account,
    container: purpose,
    bucket: `gl-${p.team}-${p.environment}-${purpose}`.slice(0, 63),
  };
}

/** Redundancy: zone-redundant in prod, locally redundant elsewhere. */
export const skuFor = (environment: ProvisionStorageParams['environment']) => (environment === 'prod' ? 'Standard_ZRS' : 'Standard_LRS');
