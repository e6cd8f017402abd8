import { z } from 'zod';
import { AZURE_REGIONS } from '../provision-databricks/schema.ts';
import { environment, flag, team } from '../shared-params.ts';

// Parameters of provision_storage. Only Azure is built here: the AWS and GCP provider SDKs are
// not installed, and a request for them is refused with that reason rather than half-planned.

export const NOT_YET =
  'cloud=aws (S3) and cloud=gcp (GCS) are not available yet: this Greenlight has no AWS or GCP provider installed; use cloud=azure';

export const provisionStorageParams = z
  .object({
    cloud: z
      .enum(['azure', 'aws', 'gcp'])
      .default('azure')
      .refine((c) => c === 'azure', NOT_YET)
      .describe('Cloud: azure (Storage account + container)'),
    team: team('the storage'),
    environment,
    region: z.enum(AZURE_REGIONS, { message: 'region must be an Azure region code such as eastus' }).describe('Azure region code'),
    name: z
      .string()
      .regex(/^[a-z0-9-]{3,40}$/, 'name: 3–40 lower-case letters, digits or -')
      .optional()
      .describe('What the storage is for (default: data); names the container'),
    public: flag.default(false).describe('Allow anonymous read of the container (blocked unless asked)'),
    versioning: flag.default(true).describe('Keep earlier versions of overwritten blobs'),
    retention_days: z.coerce.number().int().min(1).max(3650).default(365).describe('Delete blobs this many days after their last change'),
    cool_after_days: z.coerce.number().int().min(1).max(3650).default(30).describe('Move blobs to the Cool tier after this many days'),
    size_gb: z.coerce.number().int().min(1).max(5_000_000).default(100).describe('Expected stored data in GB, for the estimate'),
  })
  .strict()
  .refine((p) => p.cool_after_days < p.retention_days, {
    message: 'cool_after_days must be shorter than retention_days',
    path: ['cool_after_days'],
  });

export type ProvisionStorageParams = z.infer<typeof provisionStorageParams>;

/** Storage account names: 3–24 lower-case letters and digits, globally unique. */
export function namesFor(p: Pick<ProvisionStorageParams, 'team' | 'environment' | 'name'>) {
  const purpose = p.name ?? 'data';
  const account = `st${p.team}${p.environment}${purpose}`.replace(/[^a-z0-9]/g, '').slice(0, 24);
  return { resourceGroup: `rg-${p.team}-storage-${p.environment}`, account, container: purpose };
}

/** Redundancy: zone-redundant in prod, locally redundant elsewhere. */
export const skuFor = (environment: ProvisionStorageParams['environment']) => (environment === 'prod' ? 'Standard_ZRS' : 'Standard_LRS');
