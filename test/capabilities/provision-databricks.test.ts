import { describe, expect, it } from 'vitest';
import { provisionDatabricks } from '../../capabilities/provision-databricks/index.ts';
import { SPARK_VERSION } from '../../capabilities/provision-databricks/program.ts';
import { provisionDatabricksParams } from '../../capabilities/provision-databricks/schema.ts';
import type { ResourceChange } from '../../src/domain/types.ts';
import { analyseProgram } from '../../src/planning/program-analysis.ts';

// The Databricks program under pulumi.runtime.setMocks: every resource it registers, with type,
// name, tags and inputs, for each sku / size / gpu choice. No CLI, no cloud.

const services = {} as never;
async function resourcesFor(raw: Record<string, unknown>, user = 'console:alice'): Promise<ResourceChange[]> {
  const params = provisionDatabricksParams.parse(raw);
  const draft = await provisionDatabricks.plan(params, { user, services });
  if (!draft.program) throw new Error('provision_databricks must build a program');
  return analyseProgram(draft.program);
}
const byType = (changes: ResourceChange[], type: string) => changes.find((c) => c.type === type)?.inputs as Record<string, any>;

describe('provision_databricks program', () => {
  it('registers a resource group, a premium workspace and an autoscaling cluster, all tagged', async () => {
    const changes = await resourcesFor({ team: 'data', environment: 'dev', region: 'eastus' });
    expect(changes.map((c) => [c.type, c.name])).toEqual([
      ['azure-native:resources:ResourceGroup', 'rg-data-databricks-dev'],
      ['azure-native:databricks:Workspace', 'dbw-data-dev'],
      ['databricks:index/cluster:Cluster', 'data-dev-shared'],
    ]);
    const tags = { team: 'data', environment: 'dev', owner: 'console:alice', 'managed-by': 'greenlight' };
    expect(byType(changes, 'azure-native:resources:ResourceGroup')).toMatchObject({
      resourceGroupName: 'rg-data-databricks-dev',
      location: 'eastus',
      tags,
    });
    expect(byType(changes, 'azure-native:databricks:Workspace')).toMatchObject({
      workspaceName: 'dbw-data-dev',
      resourceGroupName: 'rg-data-databricks-dev',
      location: 'eastus',
      sku: { name: 'premium' },
      managedResourceGroupId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dbw-data-dev-managed',
      tags,
    });
    expect(byType(changes, 'databricks:index/cluster:Cluster')).toMatchObject({
      clusterName: 'data-dev-shared',
      sparkVersion: SPARK_VERSION.cpu,
      nodeTypeId: 'Standard_DS4_v2',
      driverNodeTypeId: 'Standard_DS4_v2',
      autoscale: { minWorkers: 1, maxWorkers: 4 },
      autoterminationMinutes: 30,
      customTags: tags,
    });
    expect(changes.every((c) => c.operation === 'create')).toBe(true);
  });

  it.each([
    ['small', false, 'Standard_DS3_v2', SPARK_VERSION.cpu],
    ['medium', false, 'Standard_DS4_v2', SPARK_VERSION.cpu],
    ['large', false, 'Standard_DS5_v2', SPARK_VERSION.cpu],
    ['small', true, 'Standard_NC4as_T4_v3', SPARK_VERSION.gpu],
    ['medium', true, 'Standard_NC8as_T4_v3', SPARK_VERSION.gpu],
    ['large', true, 'Standard_NC16as_T4_v3', SPARK_VERSION.gpu],
  ])('size %s gpu=%s → %s', async (size, gpu, nodeType, sparkVersion) => {
    const changes = await resourcesFor({
      team: 'ml',
      environment: 'prod',
      region: 'westeurope',
      size,
      gpu: String(gpu),
      min_workers: '2',
      max_workers: '8',
    });
    expect(byType(changes, 'databricks:index/cluster:Cluster')).toMatchObject({
      nodeTypeId: nodeType,
      sparkVersion,
      autoscale: { minWorkers: 2, maxWorkers: 8 },
    });
    expect(byType(changes, 'azure-native:databricks:Workspace')).toMatchObject({ location: 'westeurope', tags: { environment: 'prod' } });
  });

  it('uses the requested workspace name', async () => {
    const changes = await resourcesFor({ team: 'data', environment: 'staging', region: 'eastus2', workspace_name: 'analytics-ws' });
    expect(byType(changes, 'azure-native:databricks:Workspace').workspaceName).toBe('analytics-ws');
  });

  it('refuses standard with the reason, and other bad parameters with what to fix', () => {
    const standard = provisionDatabricksParams.safeParse({ team: 'data', environment: 'dev', region: 'eastus', sku: 'standard' });
    expect(standard.success).toBe(false);
    expect(standard.error?.issues[0]?.message).toContain('stopped creating new Standard-tier');
    const cases: [Record<string, unknown>, string][] = [
      [{ team: 'Data Team', environment: 'dev', region: 'eastus' }, 'lower-case slug'],
      [{ team: 'data', environment: 'qa', region: 'eastus' }, 'environment'],
      [{ team: 'data', environment: 'dev', region: 'East US' }, 'Azure region code'],
      [{ team: 'data', environment: 'dev', region: 'eastus', min_workers: '5', max_workers: '2' }, 'min_workers must not be larger'],
      [{ team: 'data', environment: 'dev', region: 'eastus', colour: 'blue' }, 'colour'],
    ];
    for (const [raw, message] of cases) {
      const result = provisionDatabricksParams.safeParse(raw);
      expect(result.success, JSON.stringify(raw)).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toContain(message);
    }
  });

  it('names the stack databricks-<team>/<env> and passes the hours assumption to the estimator', async () => {
    const dev = await provisionDatabricks.plan(provisionDatabricksParams.parse({ team: 'data', environment: 'dev', region: 'eastus' }), {
      user: 'u',
      services,
    });
    expect(dev).toMatchObject({ stack: 'databricks-data/dev', environment: 'dev', costHints: { hoursPerMonth: 220 } });
    const prod = await provisionDatabricks.plan(provisionDatabricksParams.parse({ team: 'data', environment: 'prod', region: 'eastus' }), {
      user: 'u',
      services,
    });
    expect(prod.costHints?.hoursPerMonth).toBe(730);
  });
});
