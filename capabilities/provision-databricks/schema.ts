import { z } from 'zod';
import { environment, flag, team } from '../shared-params.ts';

// Parameters of provision_databricks. The `.describe()` texts feed help, forms and the router.

/** Azure region codes where Azure Databricks is offered (the common ones). */
export const AZURE_REGIONS = [
  'eastus',
  'eastus2',
  'centralus',
  'northcentralus',
  'southcentralus',
  'westcentralus',
  'westus',
  'westus2',
  'westus3',
  'canadacentral',
  'canadaeast',
  'brazilsouth',
  'northeurope',
  'westeurope',
  'uksouth',
  'ukwest',
  'francecentral',
  'germanywestcentral',
  'switzerlandnorth',
  'norwayeast',
  'swedencentral',
  'uaenorth',
  'southafricanorth',
  'centralindia',
  'southindia',
  'japaneast',
  'japanwest',
  'koreacentral',
  'australiaeast',
  'australiasoutheast',
  'southeastasia',
  'eastasia',
] as const;

/** Node types per size: general purpose (DSv2) or, with gpu=true, one NVIDIA T4 per node. */
export const NODE_TYPES = {
  small: { cpu: 'Standard_DS3_v2', gpu: 'Standard_NC4as_T4_v3' },
  medium: { cpu: 'Standard_DS4_v2', gpu: 'Standard_NC8as_T4_v3' },
  large: { cpu: 'Standard_DS5_v2', gpu: 'Standard_NC16as_T4_v3' },
} as const;

export const STANDARD_RETIRED =
  'Microsoft stopped creating new Standard-tier Azure Databricks workspaces in April 2026; use sku=premium (the default)';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const provisionDatabricksParams = z
  .object({
    team: team('the workspace'),
    environment,
    region: z
      .enum(AZURE_REGIONS, { message: 'region must be an Azure region code such as eastus or westeurope' })
      .describe('Azure region code'),
    workspace_name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'workspace_name: 3–64 letters, digits, - or _')
      .optional()
      .describe('Workspace name (default dbw-<team>-<environment>)'),
    sku: z
      .enum(['premium', 'standard'])
      .default('premium')
      .refine((v) => v !== 'standard', STANDARD_RETIRED)
      .describe('Workspace pricing tier (premium)'),
    size: z.enum(['small', 'medium', 'large']).default('medium').describe('Node size: small (4 vCPU), medium (8 vCPU), large (16 vCPU)'),
    gpu: flag.default(false).describe('Use GPU nodes (one NVIDIA T4 each)'),
    min_workers: count(0, 100).default(1).describe('Fewest workers when autoscaling'),
    max_workers: count(1, 100).default(4).describe('Most workers when autoscaling'),
    autotermination_minutes: count(10, 10_000).default(30).describe('Stop the cluster after this many idle minutes'),
    hours_per_month: count(1, 744)
      .optional()
      .describe('Hours the cluster runs a month, for the estimate (default 220 in dev/staging, 730 in prod)'),
  })
  .strict()
  .refine((p) => p.min_workers <= p.max_workers, { message: 'min_workers must not be larger than max_workers', path: ['min_workers'] });

export type ProvisionDatabricksParams = z.infer<typeof provisionDatabricksParams>;

export function namesFor(p: Pick<ProvisionDatabricksParams, 'team' | 'environment' | 'workspace_name'>) {
  const workspace = p.workspace_name ?? `dbw-${p.team}-${p.environment}`;
  return {
    resourceGroup: `rg-${p.team}-databricks-${p.environment}`,
    workspace,
    managedResourceGroup: `rg-${workspace}-managed`,
    cluster: `${p.team}-${p.environment}-shared`,
  };
}
