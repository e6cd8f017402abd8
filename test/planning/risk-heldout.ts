import type { Scenario } from './risk-scenarios.ts';

// Held-out risk scenarios: written after the weights were frozen (commit "Risk scored on what the
// change does to what exists"), labelled the same way, never tuned on. Measured once; the figure
// is in the README.

export const HELD_OUT: Scenario[] = [
  {
    name: 'new GCS private bucket, staging',
    environment: 'staging',
    provision: { capability: 'provision_storage', params: { cloud: 'gcp', team: 'ml', environment: 'staging', region: 'us-central1' } },
    expected: 'low',
  },
  {
    name: 'new ECS service, 1 task, staging',
    environment: 'staging',
    provision: {
      capability: 'provision_ecs_service',
      params: { service: 'jobs', environment: 'staging', region: 'eu-west-1', image: 'ghcr.io/acme/jobs:3' },
    },
    expected: 'medium',
  },
  {
    name: 'new OpenAI account, staging',
    environment: 'staging',
    provision: { capability: 'provision_openai', params: { team: 'support', environment: 'staging', region: 'swedencentral' } },
    expected: 'low',
  },
  {
    name: 'firewall: rdp from anywhere, staging',
    environment: 'staging',
    provision: { capability: 'open_firewall_port', params: { team: 'ops', environment: 'staging', port: 3389, source: '0.0.0.0/0' } },
    expected: 'high',
  },
  {
    name: 'firewall: http from a partner CIDR, prod',
    environment: 'prod',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'prod', port: 80, source: '203.0.113.0/24' } },
    expected: 'medium',
  },
  {
    name: 'new namespace, prod, second team',
    environment: 'prod',
    provision: { capability: 'provision_k8s_namespace', params: { team: 'search', environment: 'prod' } },
    expected: 'medium',
  },
  {
    name: 'a Redis cluster replaced, prod',
    environment: 'prod',
    changes: [
      ['aws_elasticache_replication_group', 'replace', { node_type: 'cache.r7g.large' }, { node_type: 'cache.r6g.large' }],
      ['aws_instance', 'no-op'],
      ['aws_instance', 'no-op'],
    ],
    expected: 'critical',
  },
  {
    name: 'a Cosmos DB account deleted, dev',
    environment: 'dev',
    changes: [
      ['azure-native:documentdb:DatabaseAccount', 'delete'],
      ['t', 'no-op'],
    ],
    expected: 'medium',
  },
  {
    name: 'a DNS record changed, prod',
    environment: 'prod',
    changes: [
      ['aws_route53_record', 'update', { records: ['10.0.0.2'] }, { records: ['10.0.0.1'] }],
      ['t', 'no-op'],
    ],
    expected: 'high',
  },
  {
    name: 'a Kubernetes deployment image bumped, staging',
    environment: 'staging',
    changes: [
      ['kubernetes:apps/v1:Deployment', 'update', { image: 'api:2' }, { image: 'api:1' }],
      ['t', 'no-op'],
    ],
    expected: 'medium',
  },
  {
    name: 'a Kubernetes deployment image bumped, dev',
    environment: 'dev',
    changes: [
      ['kubernetes:apps/v1:Deployment', 'update', { image: 'api:2' }, { image: 'api:1' }],
      ['t', 'no-op'],
    ],
    expected: 'low',
  },
  {
    name: 'a role binding widened, staging',
    environment: 'staging',
    changes: [
      ['kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'update', { roleRef: { name: 'admin' } }, { roleRef: { name: 'view' } }],
      ['t', 'no-op'],
    ],
    expected: 'medium',
  },
  {
    name: 'a role binding widened, prod',
    environment: 'prod',
    changes: [
      ['kubernetes:rbac.authorization.k8s.io/v1:RoleBinding', 'update', { roleRef: { name: 'admin' } }, { roleRef: { name: 'view' } }],
      ['t', 'no-op'],
    ],
    expected: 'high',
  },
  {
    name: 'log retention changed, prod',
    environment: 'prod',
    changes: [
      ['aws_cloudwatch_log_group', 'update', { retention_in_days: 30 }, { retention_in_days: 90 }],
      ['t', 'no-op'],
    ],
    expected: 'medium',
  },
  {
    name: 'twelve stateless resources replaced, staging',
    environment: 'staging',
    changes: Array.from({ length: 12 }, () => ['t', 'replace'] as ['t', 'replace']),
    expected: 'medium',
  },
  {
    name: 'destroy an ECS stack (no data), staging',
    environment: 'staging',
    operation: 'destroy',
    changes: [
      ['aws_ecs_service', 'delete'],
      ['aws_lb', 'delete'],
      ['aws_lb_listener', 'delete'],
      ['aws_iam_role', 'delete'],
    ],
    expected: 'high',
  },
  {
    name: 'destroy a bucket stack, dev',
    environment: 'dev',
    operation: 'destroy',
    changes: [
      ['aws_s3_bucket', 'delete'],
      ['aws_s3_bucket_versioning', 'delete'],
    ],
    expected: 'high',
  },
  {
    name: 'new instances costing 15% of the staging budget',
    environment: 'staging',
    firstDeploy: true,
    changes: [['aws_instance', 'create']],
    cost: [1_500, 1_500],
    expected: 'medium',
  },
  {
    name: 'new instances costing 70% of the prod budget',
    environment: 'prod',
    firstDeploy: true,
    changes: [['aws_instance', 'create']],
    cost: [35_000, 35_000],
    expected: 'critical',
  },
  {
    name: 'a security group rule narrowed from anywhere to a CIDR, prod',
    environment: 'prod',
    changes: [
      [
        'aws_security_group_rule',
        'replace',
        { cidr_blocks: ['10.0.0.0/8'], from_port: 443 },
        { cidr_blocks: ['0.0.0.0/0'], from_port: 443 },
      ],
      ['t', 'no-op'],
    ],
    expected: 'medium',
  },
];
