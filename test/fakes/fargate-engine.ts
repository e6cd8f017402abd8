import { readFileSync, writeFileSync } from 'node:fs';
import type { ResourceChange } from '../../src/domain/types.ts';
import type { ApplyResult, Engine, PreviewMode, PreviewResult, StackTarget } from '../../src/engines/engine.ts';

/**
 * Stands in for the cloud where a change costs money: an AWS ECS service on Fargate, which no
 * provider can create here. It plans what the Pulumi AWS provider would — a task definition
 * (1 vCPU, 2 GB) and a service with `desiredCount` = the stack's `replicas` — with the applied
 * inputs as `previous`, so the cost estimator prices the plan and its monthly change from the
 * real catalog. `apply` applies only a plan file made by `preview`, and remembers what it applied.
 */
export class FargateEngine implements Engine {
  readonly kind = 'terraform' as const;
  readonly applied = new Map<string, number>();
  readonly applies: string[] = [];

  async preview(target: StackTarget, mode: PreviewMode, planFile: string): Promise<PreviewResult> {
    const replicas = Number(target.config.replicas ?? 1);
    const before = this.applied.get(target.name);
    const service: ResourceChange = {
      address: 'aws:ecs/service:Service::checkout',
      type: 'aws:ecs/service:Service',
      name: 'checkout',
      operation: mode === 'destroy' ? 'delete' : before === undefined ? 'create' : before === replicas ? 'no-op' : 'update',
      inputs: { desiredCount: replicas, region: 'us-east-1' },
      ...(before === undefined ? {} : { previous: { desiredCount: before, region: 'us-east-1' } }),
    };
    const task: ResourceChange = {
      address: 'aws:ecs/taskDefinition:TaskDefinition::checkout',
      type: 'aws:ecs/taskDefinition:TaskDefinition',
      name: 'checkout',
      operation: mode === 'destroy' ? 'delete' : before === undefined ? 'create' : 'no-op',
      inputs: { cpu: '1024', memory: '2048' },
    };
    const changes = [task, service];
    writeFileSync(planFile, JSON.stringify({ stack: target.name, mode, replicas, changes }));
    return { changes, drift: [], planFile, engineMs: 0 };
  }

  async apply(target: StackTarget, planFile: string): Promise<ApplyResult> {
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { mode: PreviewMode; replicas: number };
    if (plan.mode === 'destroy') this.applied.delete(target.name);
    else this.applied.set(target.name, plan.replicas);
    this.applies.push(target.name);
    return { outputs: { replicas: plan.replicas }, summary: { added: 0, changed: 1, removed: 0 } };
  }

  async outputs(target: StackTarget): Promise<Record<string, unknown>> {
    return { replicas: this.applied.get(target.name) ?? null };
  }

  async exportState(): Promise<string> {
    return JSON.stringify(Object.fromEntries(this.applied));
  }
}
