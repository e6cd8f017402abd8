import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTerraform } from '../helpers/test-app.ts';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'bin/greenlight.js');
const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-cli-plan-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'plan', ...args], {
      env: { ...process.env, GREENLIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PULUMI_BINARY: '/nonexistent/bin/pulumi' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('greenlight plan', () => {
  it('prints capability, params, changes, cost with breakdown, risk with factors and how it was made', async () => {
    const { code, stdout } = await plan('provision databricks team=data env=dev region=eastus', '--user', 'alice');
    expect(code).toBe(0);
    expect(stdout).toContain('Capability: provision_databricks (team=data environment=dev region=eastus');
    expect(stdout).toContain('create   azure-native:databricks:Workspace::dbw-data-dev');
    expect(stdout).toContain('Monthly cost: $987.91');
    expect(stdout).toContain('driver, 1 × Standard_DS4_v2: $282.26');
    expect(stdout).toContain(
      'Risk: medium (25) — Medium mainly because it raises the monthly cost by $988: 20% of the dev budget ($5000), in dev.',
    );
    expect(stdout).toContain('public exposure: dbw-data-dev (publicNetworkAccess=Enabled) (+5)');
    expect(stdout).toContain('Made by program analysis');
  });

  it.each([
    [
      'provision ecs service=checkout team=shop env=prod region=us-east-1 image=ghcr.io/acme/checkout:1.4 desired_count=3',
      'create   aws:ecs/service:Service::checkout-prod',
      'Monthly cost: $122.30',
      '3 task(s) × 0.25 vCPU × 730 h × $0.04048: $22.16',
    ],
    [
      'run the checkout service on fargate in dev team=shop region=us-east-1 image=ghcr.io/acme/checkout:1.4',
      'aws:ec2/natGateway:NatGateway',
      'Monthly cost: $76.79',
      'NatGateway::checkout-dev-nat-us-east-1a: $32.85',
    ],
    [
      'provision namespace team=payments env=prod',
      'create   kubernetes:core/v1:ResourceQuota::payments-prod-quota',
      'Monthly cost: $0.00',
      // New, isolated, default-deny: only the environment weighs.
      'Risk: medium (25)',
    ],
    [
      'provision openai team=search env=prod region=eastus2 model=gpt-4o monthly_million_tokens=400',
      'create   azure-native:cognitiveservices:Deployment::oai-search-prod-gpt-4o',
      'Monthly cost: $1,750.00',
      '100M output tokens × $10/M: $1,000.00',
    ],
    [
      'provision storage cloud=gcp team=ml env=dev region=us-central1 size_gb=500',
      'create   gcp:storage/bucket:Bucket::gl-ml-dev-data',
      'Monthly cost: $10.00',
      'Risk: low',
    ],
  ])('a realistic request to every new capability: %s', async (request, resource, cost, detail) => {
    const { code, stdout } = await plan(request);
    expect(code, stdout).toBe(0);
    for (const text of [resource, cost, detail, 'Risk: ', 'Made by program analysis']) expect(stdout).toContain(text);
  });

  it('requests that start like a command but are free text are planned, not refused by the grammar', async () => {
    // Each was refused outright last round ("`deploy` takes exactly one stack", "I cannot provision …").
    const cases: [string, string, RegExp][] = [
      [
        'deploy a fargate service called checkout in staging us-east-2 with 3 tasks running ghcr.io/acme/checkout:1.2',
        'provision_ecs_service',
        /service=checkout environment=staging region=us-east-2 image=ghcr.io\/acme\/checkout:1.2 desired_count=3/,
      ],
      [
        'provision azure openai with a gpt-4o deployment for team support in dev eastus',
        'provision_openai',
        /team=support environment=dev region=eastus model=gpt-4o/,
      ],
      [
        'provision a premium databricks workspace with a gpu cluster for team vision in prod westus2',
        'provision_databricks',
        /team=vision environment=prod region=westus2 sku=premium .*gpu=true/,
      ],
    ];
    for (const [request, capability, params] of cases) {
      const { code, stdout } = await plan(request);
      expect(code, stdout).toBe(0);
      expect(stdout).toContain(`Capability: ${capability}`);
      expect(stdout).toMatch(params);
      expect(stdout).toMatch(/Monthly cost: \$[\d,]+\.\d\d/);
      expect(stdout).toMatch(/Risk: (low|medium|high|critical) \(\d+\)/);
    }
  });

  it('guardrails: port 22 open to the internet in prod is blocked with its rule id', async () => {
    const { code, stdout } = await plan('open port 22 to 0.0.0.0/0 in prod team=web');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Capability: open_firewall_port (cloud=azure team=web environment=prod port=22 protocol=tcp source=0.0.0.0/0)',
    );
    expect(stdout).toContain('create   azure-native:network:SecurityRule::allow-tcp-22');
    expect(stdout).toContain('Monthly cost: $0.00');
    expect(stdout).toMatch(/Risk: critical \(\d+\)/);
    expect(stdout).toContain('[block] GL-NET-001: azure-native:network:SecurityRule::allow-tcp-22 opens port 22 to the whole internet');
    const https = await plan('open port 443 to 0.0.0.0/0 in prod team=web');
    expect(https.stdout).not.toContain('GL-NET-001');
  });

  it('guardrails: a public storage account in prod is blocked; a budget breach is blocked with the figures', async () => {
    const storage = await plan('create a public azure storage account for team=web in prod eastus');
    expect(storage.stdout).toContain('create   azure-native:storage:StorageAccount::stwebproddata');
    expect(storage.stdout).toContain('100 GB Hot Standard_ZRS × $0.023/GB-month: $2.30');
    expect(storage.stdout).toContain('[block] GL-STO-001: azure-native:storage:StorageAccount::stwebproddata would be publicly readable');
    const budget = await plan('provision databricks team=ml env=dev region=eastus size=large gpu=true max_workers=8 hours=600');
    expect(budget.stdout).toMatch(
      /\[block\] GL-COST-001: dev would cost \$7,603 a month \(\$0 running \+ \$7,603 for this stack\), over its \$5,000 budget by \$2,603/,
    );
  });

  it('--json gives the plan as data', async () => {
    const { code, stdout } = await plan('provision dbx team=ml env=prod region=westeurope size=small', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      capability: 'provision_databricks',
      stack: 'databricks-ml/prod',
      madeBy: 'program analysis',
      risk: { summary: expect.stringContaining('in prod') },
    });
    expect(json.changes).toHaveLength(3);
    expect(json.cost.monthlyUsd).toBeGreaterThan(0);
  });

  it('bad input: exit 2 with the reason', async () => {
    const standard = await plan('provision databricks team=data env=dev region=eastus sku=standard');
    expect(standard.code).toBe(2);
    expect(standard.stdout).toContain('stopped creating new Standard-tier');
    const unknown = await plan('provision kafka team=data');
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('I cannot provision "kafka"');
    // Free text naming a stack nobody configured: understood, and answered with the closest ones.
    const billing = await plan('destroy the old billing stack in staging');
    expect(billing.code).toBe(2);
    expect(billing.stdout).toContain('I don\'t know the stack "billing/staging". Did you mean');
    // A whole-environment drift scan is chat's job; the CLI says so and lists the stacks to scan.
    const sweep = await plan('check for drift in prod');
    expect(sweep.code).toBe(2);
    expect(sweep.stdout).toContain('`greenlight plan "drift sandbox/prod"`');
  });

  it.skipIf(!hasTerraform)('works for the Terraform stacks too', async () => {
    const { code, stdout } = await plan('preview sandbox/dev');
    expect(code).toBe(0);
    expect(stdout).toContain('create   terraform_data.network');
    expect(stdout).toContain('Made by engine preview');
  });
});
