import type { Environment, PlanOperation, ResourceChange, RiskLevel } from '../../src/domain/types.ts';

// Labelled change scenarios for calibrating risk (issue 15). Written, with their levels, before
// the weights were changed (commit "risk scenarios: labelled before tuning"); the levels are a
// platform engineer's judgement of what a reviewer should feel, not the model's output.
//
// `changes` are either listed here (stack operations on existing resources, with Terraform or
// Pulumi types) or `provision`: the real capability program, analysed under mocks, priced by the
// catalog (what a plan card of that request would hold).

export type Op = ResourceChange['operation'];
export type ChangeSpec = [type: string, operation: Op, inputs?: Record<string, unknown>, previous?: Record<string, unknown>];

export interface Scenario {
  name: string;
  environment: Environment;
  operation?: PlanOperation;
  firstDeploy?: boolean;
  changes?: ChangeSpec[];
  provision?: { capability: string; params: Record<string, unknown> };
  /** Monthly cost and its rise, when listed by hand (provisioned ones are priced). */
  cost?: [monthly: number, delta: number];
  expected: RiskLevel;
}

const APP = 'terraform_data'; // the sandbox's stand-in for a running app
const DB = 'aws_db_instance';
const BUCKET = 'aws_s3_bucket';
const LB_LISTENER = 'aws_lb_listener';
const SERVICE = 'aws_ecs_service';
const ROLE_POLICY = 'aws_iam_role_policy';
const SG_RULE = 'aws_security_group_rule';
const NETPOL = 'kubernetes:networking.k8s.io/v1:NetworkPolicy';

const noop = (n: number): ChangeSpec[] => Array.from({ length: n }, () => [APP, 'no-op'] as ChangeSpec);

export const SCENARIOS: Scenario[] = [
  // --- provisioning: new things (first deploy) ---------------------------------------------------
  {
    name: 'new k8s namespace, dev',
    environment: 'dev',
    provision: { capability: 'provision_k8s_namespace', params: { team: 'web', environment: 'dev' } },
    expected: 'low',
  },
  {
    name: 'new k8s namespace, staging',
    environment: 'staging',
    provision: { capability: 'provision_k8s_namespace', params: { team: 'web', environment: 'staging' } },
    expected: 'low',
  },
  {
    name: 'new k8s namespace, prod',
    environment: 'prod',
    provision: { capability: 'provision_k8s_namespace', params: { team: 'web', environment: 'prod' } },
    expected: 'medium',
  },
  {
    name: 'new ECS service behind a public ALB, dev',
    environment: 'dev',
    provision: {
      capability: 'provision_ecs_service',
      params: { service: 'api', environment: 'dev', region: 'us-east-1', image: 'ghcr.io/acme/api:1' },
    },
    expected: 'medium',
  },
  {
    name: 'new ECS service behind a public ALB, staging',
    environment: 'staging',
    provision: {
      capability: 'provision_ecs_service',
      params: { service: 'api', environment: 'staging', region: 'us-east-1', image: 'ghcr.io/acme/api:1' },
    },
    expected: 'medium',
  },
  {
    name: 'new ECS service behind a public ALB, prod',
    environment: 'prod',
    provision: {
      capability: 'provision_ecs_service',
      params: { service: 'api', environment: 'prod', region: 'us-east-1', image: 'ghcr.io/acme/api:1', desired_count: 3 },
    },
    expected: 'high',
  },
  {
    name: 'new Databricks workspace (~$988/month), dev',
    environment: 'dev',
    provision: { capability: 'provision_databricks', params: { team: 'data', environment: 'dev', region: 'eastus' } },
    expected: 'medium',
  },
  {
    name: 'new large Databricks workspace, dev',
    environment: 'dev',
    provision: { capability: 'provision_databricks', params: { team: 'data', environment: 'dev', region: 'eastus', size: 'large' } },
    expected: 'medium',
  },
  {
    name: 'new Databricks workspace, prod',
    environment: 'prod',
    provision: { capability: 'provision_databricks', params: { team: 'data', environment: 'prod', region: 'eastus' } },
    expected: 'high',
  },
  {
    name: 'new Azure OpenAI account (Entra ID only), dev',
    environment: 'dev',
    provision: { capability: 'provision_openai', params: { team: 'ml', environment: 'dev', region: 'eastus' } },
    expected: 'low',
  },
  {
    name: 'new Azure OpenAI account, prod',
    environment: 'prod',
    provision: { capability: 'provision_openai', params: { team: 'ml', environment: 'prod', region: 'eastus' } },
    expected: 'medium',
  },
  {
    name: 'new private Azure storage, dev',
    environment: 'dev',
    provision: { capability: 'provision_storage', params: { team: 'web', environment: 'dev', region: 'eastus' } },
    expected: 'low',
  },
  {
    name: 'new private S3 bucket, dev',
    environment: 'dev',
    provision: { capability: 'provision_storage', params: { cloud: 'aws', team: 'web', environment: 'dev', region: 'us-east-1' } },
    expected: 'low',
  },
  {
    name: 'new private S3 bucket, prod',
    environment: 'prod',
    provision: { capability: 'provision_storage', params: { cloud: 'aws', team: 'web', environment: 'prod', region: 'us-east-1' } },
    expected: 'medium',
  },
  {
    name: 'new public S3 bucket, dev',
    environment: 'dev',
    provision: {
      capability: 'provision_storage',
      params: { cloud: 'aws', team: 'web', environment: 'dev', region: 'us-east-1', public: 'true' },
    },
    expected: 'medium',
  },
  {
    name: 'new public GCS bucket, dev',
    environment: 'dev',
    provision: {
      capability: 'provision_storage',
      params: { cloud: 'gcp', team: 'web', environment: 'dev', region: 'us-central1', public: 'true' },
    },
    expected: 'medium',
  },
  {
    name: 'new public GCS bucket, prod',
    environment: 'prod',
    provision: {
      capability: 'provision_storage',
      params: { cloud: 'gcp', team: 'web', environment: 'prod', region: 'us-central1', public: 'true' },
    },
    expected: 'high',
  },
  {
    name: 'new public Azure container, prod',
    environment: 'prod',
    provision: { capability: 'provision_storage', params: { team: 'web', environment: 'prod', region: 'eastus', public: 'true' } },
    expected: 'high',
  },
  {
    name: 'firewall: ssh from the office CIDR, dev',
    environment: 'dev',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'dev', port: 22, source: '10.0.0.0/8' } },
    expected: 'low',
  },
  {
    name: 'firewall: ssh from the office CIDR, prod',
    environment: 'prod',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'prod', port: 22, source: '10.0.0.0/8' } },
    expected: 'medium',
  },
  {
    name: 'firewall: ssh from anywhere, dev',
    environment: 'dev',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'dev', port: 22, source: '0.0.0.0/0' } },
    expected: 'medium',
  },
  {
    name: 'firewall: ssh from anywhere, prod',
    environment: 'prod',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'prod', port: 22, source: '0.0.0.0/0' } },
    expected: 'critical',
  },
  {
    name: 'firewall: https from anywhere, prod',
    environment: 'prod',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'prod', port: 443, source: '0.0.0.0/0' } },
    expected: 'high',
  },
  {
    name: 'firewall: https from anywhere, staging',
    environment: 'staging',
    provision: { capability: 'open_firewall_port', params: { team: 'web', environment: 'staging', port: 443, source: '0.0.0.0/0' } },
    expected: 'medium',
  },
  {
    name: 'firewall (AWS SG): postgres from a private CIDR, staging',
    environment: 'staging',
    provision: {
      capability: 'open_firewall_port',
      params: {
        cloud: 'aws',
        security_group: 'sg-0123456789abcdef0',
        region: 'us-east-1',
        team: 'db',
        environment: 'staging',
        port: 5432,
        source: '10.1.0.0/16',
      },
    },
    expected: 'low',
  },
  {
    name: 'firewall (AWS SG): postgres from anywhere, staging',
    environment: 'staging',
    provision: {
      capability: 'open_firewall_port',
      params: {
        cloud: 'aws',
        security_group: 'sg-0123456789abcdef0',
        region: 'us-east-1',
        team: 'db',
        environment: 'staging',
        port: 5432,
        source: '0.0.0.0/0',
      },
    },
    expected: 'high',
  },

  // --- first deploys of a configured stack ------------------------------------------------------
  {
    name: 'first deploy of the sandbox, dev',
    environment: 'dev',
    firstDeploy: true,
    changes: [
      [APP, 'create'],
      [APP, 'create'],
      [APP, 'create'],
      [APP, 'create'],
      [APP, 'create'],
    ],
    expected: 'low',
  },
  {
    name: 'first deploy of the sandbox, staging',
    environment: 'staging',
    firstDeploy: true,
    changes: [
      [APP, 'create'],
      [APP, 'create'],
      [APP, 'create'],
    ],
    expected: 'low',
  },
  {
    name: 'first deploy of the sandbox, prod',
    environment: 'prod',
    firstDeploy: true,
    changes: [
      [APP, 'create'],
      [APP, 'create'],
      [APP, 'create'],
    ],
    expected: 'medium',
  },

  // --- in-place changes to what runs ---------------------------------------------------------
  { name: 'no-op plan, prod', environment: 'prod', changes: noop(6), expected: 'low' },
  { name: 'no-op plan, dev', environment: 'dev', changes: noop(6), expected: 'low' },
  {
    name: 'scale replicas 2→3 (in-place), dev',
    environment: 'dev',
    changes: [[APP, 'update', { replicas: 3 }, { replicas: 2 }], ...noop(4)],
    expected: 'low',
  },
  {
    name: 'scale replicas 2→3 (in-place), staging',
    environment: 'staging',
    changes: [[APP, 'update', { replicas: 3 }, { replicas: 2 }], ...noop(4)],
    expected: 'low',
  },
  {
    name: 'scale replicas 3→5 (in-place), prod',
    environment: 'prod',
    changes: [[APP, 'update', { replicas: 5 }, { replicas: 3 }], ...noop(4)],
    expected: 'medium',
  },
  {
    name: 'new release of a serving ECS service (in-place), prod',
    environment: 'prod',
    changes: [[SERVICE, 'update', { task_definition: 'api:8' }, { task_definition: 'api:7' }], ...noop(10)],
    expected: 'high',
  },
  {
    name: 'new release of a serving ECS service (in-place), staging',
    environment: 'staging',
    changes: [[SERVICE, 'update', { task_definition: 'api:8' }, { task_definition: 'api:7' }], ...noop(10)],
    expected: 'medium',
  },
  {
    name: 'new release of a serving ECS service (in-place), dev',
    environment: 'dev',
    changes: [[SERVICE, 'update', { task_definition: 'api:8' }, { task_definition: 'api:7' }], ...noop(10)],
    expected: 'low',
  },
  {
    name: 'load balancer listener changed in place, prod',
    environment: 'prod',
    changes: [[LB_LISTENER, 'update', { port: 443 }, { port: 80 }], ...noop(5)],
    expected: 'high',
  },
  {
    name: 'scale a serving service to zero, prod',
    environment: 'prod',
    changes: [[SERVICE, 'update', { desired_count: 0 }, { desired_count: 4 }], ...noop(5)],
    expected: 'high',
  },
  {
    name: 'database parameter changed in place, prod',
    environment: 'prod',
    changes: [[DB, 'update', { allocated_storage: 200 }, { allocated_storage: 100 }], ...noop(3)],
    expected: 'high',
  },
  {
    name: 'database parameter changed in place, dev',
    environment: 'dev',
    changes: [[DB, 'update', { allocated_storage: 200 }, { allocated_storage: 100 }], ...noop(3)],
    expected: 'low',
  },
  {
    name: 'tags changed on three resources, prod',
    environment: 'prod',
    changes: [
      [APP, 'update', { tags: { a: '1' } }, { tags: {} }],
      [APP, 'update', { tags: { a: '1' } }, { tags: {} }],
      [APP, 'update', { tags: { a: '1' } }, { tags: {} }],
    ],
    expected: 'medium',
  },

  // --- permissions and exposure on what exists ----------------------------------------------------
  {
    name: 'IAM policy on an existing role widened, prod',
    environment: 'prod',
    changes: [[ROLE_POLICY, 'update', { policy: '{"Action":"s3:*"}' }, { policy: '{"Action":"s3:GetObject"}' }], ...noop(3)],
    expected: 'high',
  },
  {
    name: 'IAM policy on an existing role widened, dev',
    environment: 'dev',
    changes: [[ROLE_POLICY, 'update', { policy: '{"Action":"s3:*"}' }, { policy: '{"Action":"s3:GetObject"}' }], ...noop(3)],
    expected: 'medium',
  },
  {
    name: 'new IAM role for a new function, dev',
    environment: 'dev',
    firstDeploy: true,
    changes: [
      ['aws_iam_role', 'create'],
      [ROLE_POLICY, 'create'],
      ['aws_lambda_function', 'create'],
    ],
    expected: 'low',
  },
  {
    name: 'existing bucket made public, prod',
    environment: 'prod',
    changes: [
      [
        'aws_s3_bucket_public_access_block',
        'update',
        { block_public_acls: false, restrict_public_buckets: false },
        { block_public_acls: true, restrict_public_buckets: true },
      ],
      ...noop(3),
    ],
    expected: 'critical',
  },
  {
    name: 'ingress opened to 0.0.0.0/0 on an existing group, prod',
    environment: 'prod',
    changes: [[SG_RULE, 'create', { type: 'ingress', cidr_blocks: ['0.0.0.0/0'], from_port: 8080 }], ...noop(5)],
    expected: 'critical',
  },
  {
    name: 'ingress from a private CIDR added, prod',
    environment: 'prod',
    changes: [[SG_RULE, 'create', { type: 'ingress', cidr_blocks: ['10.2.0.0/16'], from_port: 8080 }], ...noop(5)],
    expected: 'medium',
  },
  {
    name: 'default-deny network policy added to an existing namespace, prod',
    environment: 'prod',
    changes: [[NETPOL, 'create', { spec: { podSelector: {}, policyTypes: ['Ingress'] } }], ...noop(4)],
    expected: 'medium',
  },
  {
    name: 'default-deny network policy added to an existing namespace, dev',
    environment: 'dev',
    changes: [[NETPOL, 'create', { spec: { podSelector: {}, policyTypes: ['Ingress'] } }], ...noop(4)],
    expected: 'low',
  },
  {
    name: 'encryption turned on for an existing bucket, prod',
    environment: 'prod',
    changes: [
      [
        'aws_s3_bucket_server_side_encryption_configuration',
        'create',
        { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] },
      ],
      ...noop(3),
    ],
    expected: 'medium',
  },

  // --- deletes and replacements -----------------------------------------------------------------
  { name: 'one stateless resource deleted, dev', environment: 'dev', changes: [[APP, 'delete'], ...noop(4)], expected: 'low' },
  { name: 'one stateless resource deleted, prod', environment: 'prod', changes: [[APP, 'delete'], ...noop(4)], expected: 'medium' },
  {
    name: 'one stateless resource replaced, prod',
    environment: 'prod',
    changes: [[APP, 'replace', { v: 2 }, { v: 1 }], ...noop(4)],
    expected: 'medium',
  },
  {
    name: 'a database replaced (data loss), prod',
    environment: 'prod',
    changes: [[DB, 'replace', { engine_version: '16' }, { engine_version: '15' }], ...noop(3)],
    expected: 'critical',
  },
  {
    name: 'a database replaced, staging',
    environment: 'staging',
    changes: [[DB, 'replace', { engine_version: '16' }, { engine_version: '15' }], ...noop(3)],
    expected: 'high',
  },
  {
    name: 'a database replaced, dev',
    environment: 'dev',
    changes: [[DB, 'replace', { engine_version: '16' }, { engine_version: '15' }], ...noop(3)],
    expected: 'medium',
  },
  { name: 'a bucket with data deleted, prod', environment: 'prod', changes: [[BUCKET, 'delete'], ...noop(3)], expected: 'critical' },
  {
    name: 'a persistent volume deleted, staging',
    environment: 'staging',
    changes: [['kubernetes:core/v1:PersistentVolumeClaim', 'delete'], ...noop(3)],
    expected: 'high',
  },

  // --- destroys of whole stacks ----------------------------------------------------------------
  {
    name: 'destroy the sandbox (stateless), dev',
    environment: 'dev',
    operation: 'destroy',
    changes: [
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
    ],
    expected: 'medium',
  },
  {
    name: 'destroy the sandbox (stateless), staging',
    environment: 'staging',
    operation: 'destroy',
    changes: [
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
    ],
    expected: 'high',
  },
  {
    name: 'destroy the sandbox (stateless), prod',
    environment: 'prod',
    operation: 'destroy',
    changes: [
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
      [APP, 'delete'],
    ],
    expected: 'high',
  },
  {
    name: 'destroy a stack with a database, prod',
    environment: 'prod',
    operation: 'destroy',
    changes: [
      [DB, 'delete'],
      [SERVICE, 'delete'],
      [LB_LISTENER, 'delete'],
    ],
    expected: 'critical',
  },
  {
    name: 'destroy a stack with a database, dev',
    environment: 'dev',
    operation: 'destroy',
    changes: [
      [DB, 'delete'],
      [SERVICE, 'delete'],
    ],
    expected: 'high',
  },
  {
    name: 'destroy a storage stack (Azure account), prod',
    environment: 'prod',
    operation: 'destroy',
    changes: [
      ['azure-native:storage:StorageAccount', 'delete'],
      ['azure-native:storage:BlobContainer', 'delete'],
      ['azure-native:resources:ResourceGroup', 'delete'],
    ],
    expected: 'critical',
  },
  {
    name: 'destroy a namespace stack, staging',
    environment: 'staging',
    operation: 'destroy',
    changes: [
      ['kubernetes:core/v1:Namespace', 'delete'],
      ['kubernetes:core/v1:ResourceQuota', 'delete'],
      [NETPOL, 'delete'],
    ],
    expected: 'high',
  },

  // --- cost in proportion to the environment's budget (dev 5,000, staging 10,000, prod 50,000) --
  {
    name: 'new resources costing 60% of the dev budget',
    environment: 'dev',
    firstDeploy: true,
    changes: [
      ['aws_instance', 'create'],
      ['aws_instance', 'create'],
    ],
    cost: [3_000, 3_000],
    expected: 'high',
  },
  {
    name: 'new resources costing 4% of the dev budget',
    environment: 'dev',
    firstDeploy: true,
    changes: [['aws_instance', 'create']],
    cost: [200, 200],
    expected: 'low',
  },
  {
    name: 'a change raising prod cost by 30% of its budget',
    environment: 'prod',
    changes: [['aws_instance', 'update', { instance_type: 'm7i.24xlarge' }, { instance_type: 'm7i.large' }], ...noop(3)],
    cost: [16_000, 15_000],
    expected: 'critical',
  },
  {
    name: 'a change raising staging cost by 2% of its budget',
    environment: 'staging',
    changes: [['aws_instance', 'update', { instance_type: 'm7i.xlarge' }, { instance_type: 'm7i.large' }], ...noop(3)],
    cost: [300, 200],
    expected: 'medium',
  },
];
