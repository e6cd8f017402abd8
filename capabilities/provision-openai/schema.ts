import { z } from 'zod';
import { AZURE_REGIONS } from '../provision-databricks/schema.ts';
import { environment, team } from '../shared-params.ts';

// Parameters of provision_openai: an Azure OpenAI account and one model deployment. The model
// version is pinned per model so a plan says exactly what is deployed.

export const MODEL_VERSIONS = {
  'gpt-4o': '2024-11-20',
  'gpt-4o-mini': '2024-07-18',
  'gpt-4.1': '2025-04-14',
  'gpt-4.1-mini': '2025-04-14',
  'text-embedding-3-small': '1',
  'text-embedding-3-large': '1',
} as const;
type Model = keyof typeof MODEL_VERSIONS;
const MODELS = Object.keys(MODEL_VERSIONS) as [Model, ...Model[]];

export const DEPLOYMENT_SKUS = {
  'global-standard': 'GlobalStandard',
  standard: 'Standard',
  provisioned: 'GlobalProvisionedManaged',
} as const;
/** Smallest provisioned deployment Azure accepts (PTUs). */
export const MIN_PTU = 15;

const CIDR = /^(\d{1,3}\.){3}\d{1,3}(\/(\d|[12]\d|3[0-2]))?$/;

export const provisionOpenAiParams = z
  .object({
    team: team('the OpenAI account'),
    environment,
    region: z
      .enum(AZURE_REGIONS, { message: 'region must be an Azure region code such as eastus or swedencentral' })
      .describe('Azure region code'),
    model: z
      .enum(MODELS, { message: `model must be one of ${MODELS.join(', ')}` })
      .default('gpt-4o-mini')
      .describe('Model to deploy'),
    deployment_type: z
      .enum(['global-standard', 'standard', 'provisioned'])
      .default('global-standard')
      .describe('global-standard / standard: pay per token; provisioned: reserved PTUs billed hourly'),
    capacity: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(10)
      .describe('Thousands of tokens per minute (pay per token) or PTUs (provisioned)'),
    monthly_million_tokens: z.coerce.number().min(0).max(1_000_000).default(10).describe('Expected use, for the estimate'),
    allowed_cidrs: z
      .union([z.array(z.string()), z.string().transform((s) => s.split(',').map((x) => x.trim()))])
      .pipe(z.array(z.string().regex(CIDR, 'allowed_cidrs are IPs or CIDRs such as 203.0.113.0/24')))
      .optional()
      .describe('Networks allowed to call the endpoint (default: any network, Entra ID sign-in required)'),
  })
  .strict()
  .refine((p) => p.deployment_type !== 'provisioned' || p.capacity >= MIN_PTU, {
    message: `a provisioned deployment needs at least ${MIN_PTU} PTUs (capacity=${MIN_PTU})`,
    path: ['capacity'],
  });

export type ProvisionOpenAiParams = z.infer<typeof provisionOpenAiParams>;

export function namesFor(p: Pick<ProvisionOpenAiParams, 'team' | 'environment' | 'model'>) {
  const account = `oai-${p.team}-${p.environment}`;
  return { resourceGroup: `rg-${p.team}-ai-${p.environment}`, account, subdomain: `${account}-gl`, deployment: p.model };
}
