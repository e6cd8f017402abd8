import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { provisionDatabricksParams } from './schema.ts';

/** Hours a cluster runs a month when the request does not say (dev and staging: working hours). */
const DEFAULT_HOURS = {
  dev: { hours: 220, note: '10 h × 22 working days, auto-terminates when idle' },
  staging: { hours: 220, note: '10 h × 22 working days, auto-terminates when idle' },
  prod: { hours: 730, note: 'always on' },
} as const;

export const provisionDatabricks: PlanningCapability<typeof provisionDatabricksParams, 'provision_databricks'> = {
  id: 'provision_databricks',
  extract,
  kind: 'provision',
  title: 'Azure Databricks workspace',
  summary: 'Resource group + Azure Databricks workspace (premium) + an autoscaling cluster, named and tagged for a team',
  usage:
    'provision databricks team=<team> env=<dev|staging|prod> region=<azure region> [size=small|medium|large] [gpu=true] [min_workers=1] [max_workers=4]',
  aliases: ['databricks', 'dbx', 'provision_databricks'],
  paramAliases: {
    env: 'environment',
    name: 'workspace_name',
    min: 'min_workers',
    max: 'max_workers',
    autotermination: 'autotermination_minutes',
    hours: 'hours_per_month',
  },
  params: provisionDatabricksParams,
  examples: [
    'provision databricks team=data env=dev region=eastus',
    'provision databricks team=ml env=prod region=westeurope size=large gpu=true max_workers=8',
  ],
  async plan(params, ctx) {
    // The program pulls in the Azure and Databricks SDKs: load them only when planning.
    const { databricksProgram } = await import('./program.ts');
    const hours = params.hours_per_month ?? DEFAULT_HOURS[params.environment].hours;
    return {
      stack: `databricks-${params.team}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: 'greenlight-databricks',
        stackName: `${params.team}-${params.environment}`,
        run: databricksProgram(params, ctx.user),
      },
      costHints: { hoursPerMonth: hours, hoursNote: params.hours_per_month ? 'as requested' : DEFAULT_HOURS[params.environment].note },
    };
  },
};
