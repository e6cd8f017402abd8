import * as k8s from '@pulumi/kubernetes';
import { greenlightTags } from '../shared-params.ts';
import { type ProvisionK8sNamespaceParams, settingsFor } from './schema.ts';

// The Pulumi program: a namespace labelled for the team, a ResourceQuota (requests and limits,
// pods, load balancers), a LimitRange giving containers sane defaults so the quota can be met, a
// RoleBinding of the team's group to the built-in `edit` ClusterRole, and NetworkPolicies that
// deny all ingress except from pods in the same namespace.

export function namespaceProgram(p: ProvisionK8sNamespaceParams, owner: string) {
  return async () => {
    const s = settingsFor(p);
    const provider = p.context ? new k8s.Provider(`cluster-${p.context}`, { context: p.context }) : undefined;
    const opts = provider ? { provider } : {};
    const labels = greenlightTags(p, owner, true);
    const ns = new k8s.core.v1.Namespace(s.namespace, { metadata: { name: s.namespace, labels } }, opts);
    const inNs = { namespace: ns.metadata.name, labels };
    new k8s.core.v1.ResourceQuota(
      `${s.namespace}-quota`,
      {
        metadata: { ...inNs, name: 'team-quota' },
        spec: {
          hard: {
            'requests.cpu': s.cpu,
            'requests.memory': s.memory,
            'limits.cpu': s.cpu,
            'limits.memory': s.memory,
            pods: String(s.pods),
            'services.loadbalancers': p.environment === 'prod' ? '2' : '0',
          },
        },
      },
      opts,
    );
    new k8s.core.v1.LimitRange(
      `${s.namespace}-limits`,
      {
        metadata: { ...inNs, name: 'container-defaults' },
        spec: {
          limits: [
            {
              type: 'Container',
              defaultRequest: { cpu: '100m', memory: '128Mi' },
              default: { cpu: '500m', memory: '512Mi' },
              max: { cpu: s.cpu, memory: s.memory },
            },
          ],
        },
      },
      opts,
    );
    new k8s.rbac.v1.RoleBinding(
      `${s.namespace}-edit`,
      {
        metadata: { ...inNs, name: `${p.team}-edit` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: s.group }],
      },
      opts,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${s.namespace}-default-deny`,
      { metadata: { ...inNs, name: 'default-deny-ingress' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      opts,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${s.namespace}-same-namespace`,
      {
        metadata: { ...inNs, name: 'allow-same-namespace' },
        spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
      },
      opts,
    );
    return { namespace: ns.metadata.name, group: s.group };
  };
}
