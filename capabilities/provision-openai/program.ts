import * as cognitiveservices from '@pulumi/azure-native/cognitiveservices/index.js';
import * as resources from '@pulumi/azure-native/resources/index.js';
import * as pulumi from '@pulumi/pulumi';
import { greenlightTags } from '../shared-params.ts';
import { DEPLOYMENT_SKUS, MODEL_VERSIONS, namesFor, type ProvisionOpenAiParams } from './schema.ts';

// The Pulumi program: resource group → Azure OpenAI account (S0, its own subdomain, local keys
// off so callers sign in with Entra ID, network limited to `allowed_cidrs` when given) → one
// model deployment at a pinned version with the default content filter.

export function openAiProgram(p: ProvisionOpenAiParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const tags = greenlightTags(p, owner);
    const group = new resources.ResourceGroup(names.resourceGroup, { resourceGroupName: names.resourceGroup, location: p.region, tags });
    const account = new cognitiveservices.Account(names.account, {
      accountName: names.account,
      resourceGroupName: group.name,
      location: p.region,
      kind: 'OpenAI',
      sku: { name: 'S0' },
      identity: { type: 'SystemAssigned' },
      properties: {
        customSubDomainName: names.subdomain,
        disableLocalAuth: true,
        publicNetworkAccess: 'Enabled',
        ...(p.allowed_cidrs?.length
          ? { networkAcls: { defaultAction: 'Deny', ipRules: p.allowed_cidrs.map((value) => ({ value })) } }
          : {}),
      },
      tags,
    });
    const deployment = new cognitiveservices.Deployment(`${names.account}-${names.deployment}`, {
      accountName: account.name,
      resourceGroupName: group.name,
      deploymentName: names.deployment,
      sku: { name: DEPLOYMENT_SKUS[p.deployment_type], capacity: p.capacity },
      properties: {
        model: { format: 'OpenAI', name: p.model, version: MODEL_VERSIONS[p.model] },
        versionUpgradeOption: 'NoAutoUpgrade',
        raiPolicyName: 'Microsoft.DefaultV2',
      },
    });
    // The endpoint follows from the custom subdomain; no need to wait for the account to report it.
    return {
      endpoint: pulumi.interpolate`https://${account.properties.customSubDomainName}.openai.azure.com/`,
      deployment: deployment.name,
    };
  };
}
