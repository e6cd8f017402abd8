import { describe, expect, it } from 'vitest';
import { openFirewallPort } from '../../capabilities/open-firewall-port/index.ts';
import { openFirewallPortParams } from '../../capabilities/open-firewall-port/schema.ts';
import { provisionStorage } from '../../capabilities/provision-storage/index.ts';
import { NOT_YET, provisionStorageParams } from '../../capabilities/provision-storage/schema.ts';
import type { ResourceChange } from '../../src/domain/types.ts';
import { analyseProgram } from '../../src/planning/program-analysis.ts';

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

  it('refuses S3 and GCS with the reason, and bad values with what to fix', () => {
    const aws = provisionStorageParams.safeParse({ cloud: 'aws', team: 'web', environment: 'dev', region: 'eastus' });
    expect(aws.success).toBe(false);
    expect(aws.error?.issues[0]?.message).toBe(NOT_YET);
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

  it('turns a bare IP into a /32 and refuses what is not a CIDR', () => {
    expect(openFirewallPortParams.parse({ team: 'a1', environment: 'dev', port: 22, source: '198.51.100.7' }).source).toBe(
      '198.51.100.7/32',
    );
    const bad = openFirewallPortParams.safeParse({ team: 'a1', environment: 'dev', port: 22, source: 'the office' });
    expect(bad.error?.issues[0]?.message).toContain('source must be a CIDR');
    expect(openFirewallPortParams.safeParse({ team: 'a1', environment: 'dev', port: 70000, source: '10.0.0.0/8' }).success).toBe(false);
  });
});
