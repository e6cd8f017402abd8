import * as authorization from '@pulumi/azure-native/authorization/index.js';
import * as azureDatabricks from '@pulumi/azure-native/databricks/index.js';
import * as resources from '@pulumi/azure-native/resources/index.js';
import * as databricks from '@pulumi/databricks';
import * as pulumi from '@pulumi/pulumi';
import { greenlightTags } from '../shared-params.ts';
import { NODE_TYPES, namesFor, type ProvisionDatabricksParams } from './schema.ts';

// The Pulumi program: resource group → Azure Databricks workspace → Databricks provider bound to
// that workspace → an autoscaling, auto-terminating cluster. Every resource carries the team,
// environment, owner and managed-by tags.

/** Databricks Runtime LTS versions the cluster uses (CPU and GPU ML images). */
export const SPARK_VERSION = { cpu: '15.4.x-scala2.12', gpu: '15.4.x-gpu-ml-scala2.12' } as const;

export function databricksProgram(p: ProvisionDatabricksParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const tags = greenlightTags(p, owner);
    const group = new resources.ResourceGroup(names.resourceGroup, { resourceGroupName: names.resourceGroup, location: p.region, tags });
    const client = authorization.getClientConfigOutput();
    const workspace = new azureDatabricks.Workspace(names.workspace, {
      workspaceName: names.workspace,
      resourceGroupName: group.name,
      location: p.region,
      sku: { name: p.sku },
      // Azure's default, said out loud so the plan card counts it as public exposure.
      publicNetworkAccess: 'Enabled',
      managedResourceGroupId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/${names.managedResourceGroup}`,
      tags,
    });
    const provider = new databricks.Provider(`${names.workspace}-provider`, {
      host: pulumi.interpolate`https://${workspace.workspaceUrl}`,
      azureWorkspaceResourceId: workspace.id,
    });
    const nodeType = NODE_TYPES[p.size][p.gpu ? 'gpu' : 'cpu'];
    const cluster = new databricks.Cluster(
      names.cluster,
      {
        clusterName: names.cluster,
        sparkVersion: SPARK_VERSION[p.gpu ? 'gpu' : 'cpu'],
        nodeTypeId: nodeType,
        driverNodeTypeId: nodeType,
        autoscale: { minWorkers: p.min_workers, maxWorkers: p.max_workers },
        autoterminationMinutes: p.autotermination_minutes,
        customTags: tags,
      },
      { provider },
    );
    // Returning every resource's output makes program analysis wait for all registrations.
    return {
      workspaceUrl: pulumi.interpolate`https://${workspace.workspaceUrl}`,
      workspaceId: workspace.workspaceId,
      resourceGroup: group.name,
      clusterId: cluster.id,
    };
  };
}
