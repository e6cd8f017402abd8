import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { provisionOpenAiParams } from './schema.ts';

export const provisionOpenAi: PlanningCapability<typeof provisionOpenAiParams, 'provision_openai'> = {
  id: 'provision_openai',
  extract,
  kind: 'provision',
  title: 'Azure OpenAI',
  summary: 'An Azure OpenAI account (Entra ID sign-in only) with one pinned model deployment and its capacity',
  usage:
    'provision openai team=<team> env=<dev|staging|prod> region=<azure region> [model=gpt-4o-mini] [deployment_type=global-standard|standard|provisioned] [capacity=10] [monthly_million_tokens=10]',
  aliases: ['openai', 'aoai', 'llm', 'provision_openai'],
  paramAliases: { env: 'environment', tpm: 'capacity', ptu: 'capacity', tokens: 'monthly_million_tokens', type: 'deployment_type' },
  params: provisionOpenAiParams,
  examples: [
    'provision openai team=support env=dev region=swedencentral',
    'provision openai team=search env=prod region=eastus2 model=gpt-4o capacity=50 monthly_million_tokens=400',
  ],
  async plan(params, ctx) {
    const { openAiProgram } = await import('./program.ts');
    return {
      stack: `openai-${params.team}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: 'greenlight-openai',
        stackName: `${params.team}-${params.environment}`,
        run: openAiProgram(params, ctx.user),
      },
      costHints: { monthlyMillionTokens: params.monthly_million_tokens },
    };
  },
};
