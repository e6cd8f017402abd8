import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { provisionStorageParams } from './schema.ts';

export const provisionStorage: PlanningCapability<typeof provisionStorageParams, 'provision_storage'> = {
  id: 'provision_storage',
  extract,
  kind: 'provision',
  title: 'Storage (Azure, S3, GCS)',
  summary: 'Private, versioned, encrypted storage with a lifecycle rule: Azure Storage account + container, S3 bucket or GCS bucket',
  usage:
    'provision storage team=<team> env=<dev|staging|prod> region=<region> [cloud=azure|aws|gcp] [name=<purpose>] [public=true] [retention_days=365]',
  aliases: ['storage', 'bucket', 'blob', 'provision_storage'],
  paramAliases: { env: 'environment', retention: 'retention_days', size: 'size_gb' },
  params: provisionStorageParams,
  examples: [
    'provision storage team=web env=dev region=eastus',
    'provision storage team=data env=prod region=westeurope name=lake retention_days=730 size_gb=2000',
    'provision storage cloud=aws team=web env=prod region=us-east-1 name=assets',
    'provision storage cloud=gcp team=ml env=dev region=us-central1 name=datasets size_gb=500',
  ],
  async plan(params, ctx) {
    const run =
      params.cloud === 'aws'
        ? (await import('./program-aws.ts')).s3Program(params, ctx.user)
        : params.cloud === 'gcp'
          ? (await import('./program-gcp.ts')).gcsProgram(params, ctx.user)
          : (await import('./program.ts')).storageProgram(params, ctx.user);
    const prefix = params.cloud === 'azure' ? 'storage' : params.cloud === 'aws' ? 's3' : 'gcs';
    return {
      stack: `${prefix}-${params.team}-${params.name ?? 'data'}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: `greenlight-${prefix}`,
        stackName: `${params.team}-${params.name ?? 'data'}-${params.environment}`,
        run,
      },
      costHints: { storageGb: params.size_gb },
    };
  },
};
