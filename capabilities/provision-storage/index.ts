import type { PlanningCapability } from '../types.ts';
import { provisionStorageParams } from './schema.ts';

export const provisionStorage: PlanningCapability<typeof provisionStorageParams> = {
  id: 'provision_storage',
  kind: 'provision',
  title: 'Storage account',
  summary: 'Azure Storage account + private container with versioning, encryption and a lifecycle rule, tagged for a team',
  usage: 'provision storage team=<team> env=<dev|staging|prod> region=<azure region> [name=<purpose>] [public=true] [retention_days=365]',
  aliases: ['storage', 'bucket', 'blob', 'provision_storage'],
  paramAliases: { env: 'environment', retention: 'retention_days', size: 'size_gb' },
  params: provisionStorageParams,
  examples: [
    'provision storage team=web env=dev region=eastus',
    'provision storage team=data env=prod region=westeurope name=lake retention_days=730 size_gb=2000',
  ],
  async plan(params, ctx) {
    const { storageProgram } = await import('./program.ts');
    return {
      stack: `storage-${params.team}-${params.name ?? 'data'}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: 'greenlight-storage',
        stackName: `${params.team}-${params.name ?? 'data'}-${params.environment}`,
        run: storageProgram(params, ctx.user),
      },
      costHints: { storageGb: params.size_gb },
    };
  },
};
