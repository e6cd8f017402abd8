import { describe, expect, it } from 'vitest';
import { openFirewallPort } from '../../capabilities/open-firewall-port/index.ts';
import { openFirewallPortParams } from '../../capabilities/open-firewall-port/schema.ts';
import { provisionStorage } from '../../capabilities/provision-storage/index.ts';
import { provisionStorageParams } from '../../capabilities/provision-storage/schema.ts';
import type { ResourceChange } from '../../src/domain/types.ts';
import { estimateCost } from '../../src/planning/cost.ts';
import { evaluatePolicies, policiesSchema } from '../../src/planning/policies.ts';
import { analyseProgram } from '../../src/planning/program-analysis.ts';
import { publicExposure } from '../../src/planning/risk.ts';

// The storage and firewall programs under pulumi.runtime.setMocks: what they register, with
// which inputs. No CLI, no cloud.

const services = {} as never;
const byType = (changes: ResourceChange[], type: string) => changes.find((c) => c.type === type)?.inputs as Record<string, any>;

describe('provision_storage program', () => {
  const resources = async (raw: Record<string, unknown>) => {
    const draft = await provisionStorage.plan(provisionStorageParams.parse(raw), { user: 'teams:aad-alice', services });
    if (!draft.program) throw new Error('provision_storage must build a program');
    return { draft, changes: await analyseProgram(draft.program) };
  };

  it('builds a private, versioned, encrypted account with a container and a lifecycle rule, tagged', async () => {
    const { draft, changes } = await resources({ team: 'web', environment: 'dev', region: 'eastus' });
    expect(draft.stack).toBe('storage-web-data/dev');
    expect(changes.map((c) => c.type).sort()).toEqual([
      'azure-native:resources:ResourceGroup',
      'azure-native:storage:BlobContainer',
      'azure-native:storage:BlobServiceProperties',
      'azure-native:storage:ManagementPolicy',
      'azure-native:storage:StorageAccount',
    ]);
    expect(byType(changes, 'azure-native:storage:StorageAccount')).toMatchObject({
      accountName: 'stwebdevdata',
      sku: { name: 'Standard_LRS' },
      allowBlobPublicAccess: false,
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      tags: { team: 'web', environment: 'dev', owner: 'teams:aad-alice', 'managed-by': 'greenlight' },
    });
    expect(byType(changes, 'azure-native:storage:BlobServiceProperties')).toMatchObject({ isVersioningEnabled: true });
    expect(byType(changes, 'azure-native:storage:BlobContainer')).toMatchObject({ containerName: 'data', publicAccess: 'None' });
    const rule = byType(changes, 'azure-native:storage:ManagementPolicy').policy.rules[0];
    expect(rule.definition.actions.baseBlob).toEqual({
      tierToCool: { daysAfterModificationGreaterThan: 30 },
      delete: { daysAfterModificationGreaterThan: 365 },
    });
  });

  it('uses zone-redundant storage in prod and opens the container only when asked', async () => {
    const { changes } = await resources({ team: 'web', environment: 'prod', region: 'eastus', public: 'true', name: 'assets' });
    expect(byType(changes, 'azure-native:storage:StorageAccount')).toMatchObject({
      sku: { name: 'Standard_ZRS' },
      allowBlobPublicAccess: true,
    });
    expect(byType(changes, 'azure-native:storage:BlobContainer')).toMatchObject({ containerName: 'assets', publicAccess: 'Blob' });
  });

  it('S3: bucket owner-enforced, versioned, SSE, all public access blocked, lifecycle; priced per GB', async () => {
    const { draft, changes } = await resources({ cloud: 'aws', team: 'web', environment: 'prod', region: 'us-east-1', name: 'assets' });
    expect(draft.stack).toBe('s3-web-assets/prod');
    expect(changes.map((c) => c.type).sort()).toEqual([
      'aws:s3/bucket:Bucket',
      'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
      'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
      'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
      'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
      'aws:s3/bucketVersioning:BucketVersioning',
    ]);
    expect(byType(changes, 'aws:s3/bucket:Bucket')).toMatchObject({
      bucket: 'gl-web-prod-assets',
      region: 'us-east-1',
      tags: { team: 'web' },
    });
    expect(byType(changes, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock')).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(byType(changes, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').rules[0]).toMatchObject({
      transitions: [{ days: 30, storageClass: 'STANDARD_IA' }],
      expiration: { days: 365 },
    });
    const cost = estimateCost(changes, draft.costHints);
    expect(cost.monthlyUsd).toBe(2.3); // 100 GB × $0.023
    expect(cost.breakdown.every((l) => l.monthlyUsd !== null)).toBe(true);
  });

  it('a public S3 bucket or GCS bucket in prod is blocked by GL-STO-001', async () => {
    const policies = policiesSchema.parse({});
    for (const cloud of [
      { cloud: 'aws', region: 'us-east-1' },
      { cloud: 'gcp', region: 'us-central1' },
    ]) {
      const { changes } = await resources({ ...cloud, team: 'web', environment: 'prod', public: 'yes' });
      const findings = evaluatePolicies(policies, {
        environment: 'prod',
        operation: 'apply',
        changes,
        cost: estimateCost(changes),
        spend: { environment: 0, team: 0 },
      });
      expect(
        findings.find((f) => f.ruleId === 'GL-STO-001'),
        cloud.cloud,
      ).toMatchObject({ severity: 'block' });
    }
  });

  it('a public bucket earns public-exposure risk points on every cloud (GCS: the allUsers grant too); a private one none', async () => {
    for (const cloud of [
      { cloud: 'aws', region: 'us-east-1' },
      { cloud: 'gcp', region: 'us-central1' },
      { cloud: 'azure', region: 'eastus' },
    ]) {
      const exposedIn = async (isPublic: string) => {
        const { changes } = await resources({ ...cloud, team: 'web', environment: 'dev', public: isPublic });
        return changes.filter((c) => publicExposure(c.inputs) !== null).map((c) => c.type);
      };
      expect((await exposedIn('yes')).length, cloud.cloud).toBeGreaterThan(0);
      expect(await exposedIn('no'), cloud.cloud).toEqual([]);
    }
    const { changes } = await resources({ cloud: 'gcp', region: 'us-central1', team: 'web', environment: 'dev', public: 'yes' });
    expect(changes.find((c) => c.type === 'gcp:storage/bucketIAMMember:BucketIAMMember')?.inputs).toMatchObject({ member: 'allUsers' });
  });

  it('GCS: uniform access, public access prevention, versioning, Nearline then delete; priced per GB', async () => {
    const { draft, changes } = await resources({
      cloud: 'gcp',
      team: 'ml',
      environment: 'dev',
      region: 'us-central1',
      name: 'datasets',
      size_gb: 500,
    });
    expect(draft.stack).toBe('gcs-ml-datasets/dev');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.inputs).toMatchObject({
      name: 'gl-ml-dev-datasets',
      location: 'US-CENTRAL1',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      labels: { team: 'ml', environment: 'dev', 'managed-by': 'greenlight' },
    });
    expect(estimateCost(changes, draft.costHints).monthlyUsd).toBe(10); // 500 GB × $0.020
  });

  it("refuses a region of another cloud with that cloud's list, and bad values with what to fix", () => {
    const aws = provisionStorageParams.safeParse({ cloud: 'aws', team: 'web', environment: 'dev', region: 'eastus' });
    expect(aws.success).toBe(false);
    expect(aws.error?.issues[0]?.message).toContain('region must be a aws region code such as us-east-1');
    const days = provisionStorageParams.safeParse({ team: 'web', environment: 'dev', region: 'eastus', cool_after_days: 400 });
    expect(days.error?.issues[0]?.message).toContain('shorter than retention_days');
  });
});

describe('open_firewall_port program', () => {
  it("adds one inbound allow rule to the team's NSG, with a stable priority and who asked", async () => {
    const params = openFirewallPortParams.parse({
      team: 'data',
      environment: 'dev',
      port: '5432',
      source: '10.20.0.0/16',
      reason: 'reporting',
    });
    const draft = await openFirewallPort.plan(params, { user: 'slack:T1:UBOB', services });
    if (!draft.program) throw new Error('open_firewall_port must build a program');
    const changes = await analyseProgram(draft.program);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.inputs).toMatchObject({
      resourceGroupName: 'rg-data-network-dev',
      networkSecurityGroupName: 'nsg-data-dev',
      securityRuleName: 'allow-tcp-5432',
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourceAddressPrefix: '10.20.0.0/16',
      destinationPortRange: '5432',
      priority: 1000 + ((5432 * 2) % 3000),
      description: 'Opened by Greenlight for slack:T1:UBOB: reporting',
    });
  });

  it('AWS: one ingress rule in the named security group, in its region, tagged; 0.0.0.0/0 on 22 in prod is blocked', async () => {
    const params = openFirewallPortParams.parse({
      cloud: 'aws',
      team: 'web',
      environment: 'prod',
      port: 22,
      source: '0.0.0.0/0',
      security_group: 'sg-0123456789abcdef0',
      region: 'eu-west-1',
    });
    const draft = await openFirewallPort.plan(params, { user: 'console:alice', services });
    const changes = await analyseProgram(draft.program!);
    expect(changes.map((c) => c.type)).toEqual(['aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule']);
    expect(changes[0]?.inputs).toMatchObject({
      securityGroupId: 'sg-0123456789abcdef0',
      region: 'eu-west-1',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    });
    const findings = evaluatePolicies(policiesSchema.parse({}), {
      environment: 'prod',
      operation: 'apply',
      changes,
      cost: estimateCost(changes),
      spend: { environment: 0, team: 0 },
    });
    expect(findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['GL-NET-001:block']);
    const missing = openFirewallPortParams.safeParse({ cloud: 'aws', team: 'web', environment: 'dev', port: 443, source: '10.0.0.0/8' });
    expect(missing.error?.issues.map((i) => i.message)).toEqual([
      'cloud=aws needs security_group=sg-… (the group that gets the rule)',
      'cloud=aws needs region=<aws region> (e.g. us-east-1)',
    ]);
  });

  it('turns a bare IP into a /32 and refuses what is not a CIDR', () => {
    expect(openFirewallPortParams.parse({ team: 'a1', environment: 'dev', port: 22, source: '198.51.100.7' }).source).toBe(
      '198.51.100.7/32',
    );
    const bad = openFirewallPortParams.safeParse({ team: 'a1', environment: 'dev', port: 22, source: 'the office' });
    expect(bad.error?.issues[0]?.message).toContain('source must be a CIDR');
    expect(openFirewallPortParams.safeParse({ team: 'a1', environment: 'dev', port: 70000, source: '10.0.0.0/8' }).success).toBe(false);
  });
});
