import { writeFileSync } from 'node:fs';
import type { ApplyResult, Engine, PreviewMode, PreviewResult, StackTarget } from '../../src/engines/engine.ts';

/**
 * Stands in for Terraform where thousands of plans must run in seconds (the separation-of-duties
 * property test). It honours the Engine contract the workflow relies on: `preview` writes a plan
 * file whose content is the planned changes (so the plan hash and the artifact digest bind to
 * them), `apply` applies only a file made by `preview`. Every apply is recorded with the stack
 * and the plan file, which names the request revision (`<request>-r<revision>.plan`).
 * The e2e tests run the same rules against the real Terraform.
 */
export class InstantEngine implements Engine {
  readonly kind = 'terraform' as const;
  readonly applies: { stack: string; planFile: string; config: Record<string, string> }[] = [];

  async preview(target: StackTarget, mode: PreviewMode, planFile: string): Promise<PreviewResult> {
    const changes = Object.entries(target.config).map(([key, value]) => ({
      address: `terraform_data.${key}`,
      type: 'terraform_data',
      name: key,
      operation: mode === 'destroy' ? ('delete' as const) : ('update' as const),
      inputs: { input: value },
    }));
    writeFileSync(planFile, JSON.stringify({ stack: target.name, mode, changes }));
    return { changes, drift: [], planFile, engineMs: 0 };
  }

  async apply(target: StackTarget, planFile: string): Promise<ApplyResult> {
    this.applies.push({ stack: target.name, planFile, config: { ...target.config } });
    return { outputs: {}, summary: { added: 0, changed: 1, removed: 0 } };
  }

  async outputs(): Promise<Record<string, unknown>> {
    return {};
  }

  async exportState(): Promise<string> {
    return '{}';
  }
}
