import * as resources from '@pulumi/azure-native/resources/index.js';
import * as storage from '@pulumi/azure-native/storage/index.js';
import { greenlightTags } from '../shared-params.ts';
import { namesFor, type ProvisionStorageParams, skuFor } from './schema.ts';

// The Pulumi program: resource group → StorageV2 account (HTTPS only, TLS 1.2, encrypted with
// Microsoft-managed keys, anonymous access off unless `public`) → blob service (versioning,
// soft delete) → container → lifecycle rule (to Cool, then delete). Tagged team / environment /
// owner / managed-by.

export function storageProgram(p: ProvisionStorageParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const tags = greenlightTags(p, owner);
    const group = new resources.ResourceGroup(names.resourceGroup, { resourceGroupName: names.resourceGroup, location: p.region, tags });
    const account = new storage.StorageAccount(names.account, {
      accountName: names.account,
      resourceGroupName: group.name,
      location: p.region,
      kind: 'StorageV2',
      sku: { name: skuFor(p.environment) },
      accessTier: 'Hot',
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: p.public,
      allowSharedKeyAccess: false,
      encryption: {
        keySource: 'Microsoft.Storage',
        services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } },
      },
      tags,
    });
    const blobService = new storage.BlobServiceProperties(`${names.account}-blob`, {
      accountName: account.name,
      resourceGroupName: group.name,
      blobServicesName: 'default',
      isVersioningEnabled: p.versioning,
      deleteRetentionPolicy: { enabled: true, days: 7 },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
    });
    const container = new storage.BlobContainer(
      `${names.account}-${names.container}`,
      {
        accountName: account.name,
        resourceGroupName: group.name,
        containerName: names.container,
        publicAccess: p.public ? 'Blob' : 'None',
      },
      { dependsOn: [blobService] },
    );
    const lifecycle = new storage.ManagementPolicy(`${names.account}-lifecycle`, {
      accountName: account.name,
      resourceGroupName: group.name,
      managementPolicyName: 'default',
      policy: {
        rules: [
          {
            name: 'cool-then-delete',
            enabled: true,
            type: 'Lifecycle',
            definition: {
              filters: { blobTypes: ['blockBlob'] },
              actions: {
                baseBlob: {
                  tierToCool: { daysAfterModificationGreaterThan: p.cool_after_days },
                  delete: { daysAfterModificationGreaterThan: p.retention_days },
                },
                ...(p.versioning ? { version: { delete: { daysAfterCreationGreaterThan: p.retention_days } } } : {}),
              },
            },
          },
        ],
      },
    });
    return { resourceGroup: group.name, account: account.name, container: container.name, lifecycle: lifecycle.name };
  };
}
