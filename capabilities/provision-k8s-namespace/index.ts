import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { provisionK8sNamespaceParams, settingsFor } from './schema.ts';

export const provisionK8sNamespace: PlanningCapability<typeof provisionK8sNamespaceParams, 'provision_k8s_namespace'> = {
  id: 'provision_k8s_namespace',
  extract,
  kind: 'provision',
  title: 'Kubernetes namespace',
  summary: "A team namespace: quota, container defaults, the team's group bound to edit, default-deny ingress",
  usage: 'provision namespace team=<team> env=<dev|staging|prod> [namespace=<name>] [group=<idp group>] [cpu=4] [memory=8Gi] [pods=20]',
  aliases: ['namespace', 'k8s', 'kubernetes', 'provision_k8s_namespace'],
  paramAliases: { env: 'environment', ns: 'namespace' },
  params: provisionK8sNamespaceParams,
  examples: ['provision namespace team=search env=dev', 'provision namespace team=payments env=prod cpu=32 memory=64Gi group=payments-eng'],
  async plan(params, ctx) {
    const { namespaceProgram } = await import('./program.ts');
    const { namespace } = settingsFor(params);
    return {
      stack: `k8s-${namespace}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: { projectName: 'greenlight-k8s', stackName: namespace, run: namespaceProgram(params, ctx.user) },
    };
  },
};
