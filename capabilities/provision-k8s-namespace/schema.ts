import { z } from 'zod';
import { environment, team } from '../shared-params.ts';

// Parameters of provision_k8s_namespace. Quota defaults grow with the environment; a request can
// ask for more within the cluster-size policy's spirit (the quota is what the team may use).

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CPU = /^\d+(\.\d+)?$|^\d+m$/;
const MEMORY = /^\d+(Mi|Gi)$/;

export const QUOTA_DEFAULTS = {
  dev: { cpu: '4', memory: '8Gi', pods: 20 },
  staging: { cpu: '8', memory: '16Gi', pods: 40 },
  prod: { cpu: '16', memory: '32Gi', pods: 100 },
} as const;

export const provisionK8sNamespaceParams = z
  .object({
    team: team('the namespace'),
    environment,
    namespace: z
      .string()
      .regex(DNS_LABEL, 'namespace is a DNS label: lower-case letters, digits and -, at most 63')
      .optional()
      .describe('Namespace name (default <team>-<environment>)'),
    group: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("The team's group in the cluster's identity provider, bound to the edit role (default team-<team>)"),
    cpu: z.string().regex(CPU, 'cpu is cores (4, 0.5) or millicores (500m)').optional().describe('CPU the namespace may request in total'),
    memory: z.string().regex(MEMORY, 'memory is like 8Gi or 512Mi').optional().describe('Memory the namespace may request in total'),
    pods: z.coerce.number().int().min(1).max(1000).optional().describe('Most pods at once'),
    context: z.string().min(1).max(200).optional().describe('kubeconfig context of the cluster (default: the current context)'),
  })
  .strict();

export type ProvisionK8sNamespaceParams = z.infer<typeof provisionK8sNamespaceParams>;

export function settingsFor(p: ProvisionK8sNamespaceParams) {
  const defaults = QUOTA_DEFAULTS[p.environment];
  return {
    namespace: p.namespace ?? `${p.team}-${p.environment}`,
    group: p.group ?? `team-${p.team}`,
    cpu: p.cpu ?? defaults.cpu,
    memory: p.memory ?? defaults.memory,
    pods: p.pods ?? defaults.pods,
  };
}
