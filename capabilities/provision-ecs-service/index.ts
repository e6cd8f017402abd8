import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { provisionEcsServiceParams } from './schema.ts';

export const provisionEcsService: PlanningCapability<typeof provisionEcsServiceParams, 'provision_ecs_service'> = {
  id: 'provision_ecs_service',
  extract,
  kind: 'provision',
  title: 'ECS Fargate service',
  summary: 'A container service on AWS ECS Fargate: VPC (public + private subnets in two zones), ALB, NAT, logs, tagged for a team',
  usage:
    'provision ecs service=<name> team=<team> env=<dev|staging|prod> region=<aws region> image=<repo:tag> [desired_count=2] [cpu=256] [memory=512] [port=8080]',
  aliases: ['ecs', 'fargate', 'service', 'provision_ecs_service'],
  paramAliases: { env: 'environment', count: 'desired_count', replicas: 'desired_count', tasks: 'desired_count' },
  params: provisionEcsServiceParams,
  examples: [
    'provision ecs service=checkout team=shop env=dev region=us-east-1 image=public.ecr.aws/nginx/nginx:1.27',
    'provision ecs service=reports team=data env=prod region=eu-west-1 image=ghcr.io/acme/reports:2.4.1 desired_count=3 cpu=512 memory=1024',
  ],
  async plan(params, ctx) {
    const { ecsServiceProgram } = await import('./program.ts');
    return {
      stack: `ecs-${params.service}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: 'greenlight-ecs',
        stackName: `${params.service}-${params.environment}`,
        run: ecsServiceProgram(params, ctx.user),
      },
    };
  },
};
