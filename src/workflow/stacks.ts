import { join } from 'node:path';
import type { PlanDraft } from '../../capabilities/types.ts';
import type { Config, StackConfig } from '../config/schema.ts';
import { GreenlightError } from '../domain/errors.ts';
import type { EngineKind } from '../domain/types.ts';
import type { Engine, InlineProgram, StackTarget } from '../engines/engine.ts';
import type { Db } from '../store/database.ts';
import { storedStackConfig } from '../store/stack-config.ts';

// The configured stacks and how to reach each one's engine.

export type Stack = StackConfig & { name: string };

/**
 * Terraform's pg backend speaks libpq, whose default is to require TLS; node-postgres (Greenlight's
 * own connection) uses none unless asked. The same URL means the same thing to both: without an
 * sslmode, none.
 */
export function terraformConnStr(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('sslmode')) parsed.searchParams.set('sslmode', 'disable');
  return parsed.toString();
}

export class StackRegistry {
  constructor(
    private readonly config: Config,
    private readonly db: Db,
    private readonly engines: Partial<Record<EngineKind, Engine>>,
  ) {}

  list(): Stack[] {
    return Object.values(this.config.stacks).sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): Stack {
    const stack = this.config.stacks[name];
    if (stack) return stack;
    const names = this.list().map((s) => s.name);
    const [project = '', env = ''] = name.split('/');
    // Closest first: the same project, then the same environment, then the rest.
    const closeness = (n: string) => (n.startsWith(`${project}/`) ? 2 : 0) + (n.endsWith(`/${env}`) ? 1 : 0);
    const close = [...names].sort((a, b) => closeness(b) - closeness(a)).slice(0, 3);
    const hint = close.length ? ` Did you mean ${close.join(', ')}?` : ' No stacks are configured.';
    throw new GreenlightError('unknown_stack', `I don't know the stack "${name}".${hint}`);
  }

  /**
   * The stack a draft acts on: a configured one, or for a capability that builds its own stack
   * (an inline Pulumi program), one made up from the draft.
   */
  forDraft(draft: PlanDraft): Stack {
    if (!draft.program) return this.get(draft.stack);
    const configured = this.config.stacks[draft.stack];
    if (configured) return configured;
    return {
      name: draft.stack,
      engine: 'pulumi',
      dir: this.workDir({ name: draft.stack }),
      environment: draft.environment ?? 'dev',
      description: `Built by ${draft.program.projectName}`,
      workspace: draft.program.stackName,
      state: 'managed',
      config: {},
      passEnv: [],
      scaleKey: 'replicas',
    };
  }

  engine(stack: Stack): Engine {
    const engine = this.engines[stack.engine];
    if (!engine) {
      throw new GreenlightError(
        'engine_not_found',
        `Stack ${stack.name} uses the ${stack.engine} engine, which is not available in this build.`,
      );
    }
    return engine;
  }

  /** greenlight.yaml's values, then values set through Greenlight, then this request's overrides. */
  async effectiveConfig(stack: Stack, overrides: Record<string, string> = {}): Promise<Record<string, string>> {
    return { ...stack.config, ...(await storedStackConfig(this.db, stack.name)), ...overrides };
  }

  workDir(stack: Pick<Stack, 'name'>): string {
    return join(this.config.dataDir, 'stacks', stack.name.replace(/\//g, '-'));
  }

  target(stack: Stack, config: Record<string, string>, program?: InlineProgram): StackTarget {
    const workDir = this.workDir(stack);
    return {
      name: stack.name,
      dir: stack.dir,
      program,
      workspace: stack.workspace,
      workDir,
      stateFile: stack.state === 'managed' && !this.config.database.url ? join(workDir, 'terraform.tfstate') : undefined,
      pgState:
        stack.state === 'managed' && stack.engine === 'terraform' && this.config.database.url
          ? { connStr: terraformConnStr(this.config.database.url), schema: `gl_tfstate_${stack.name.replace(/[^a-z0-9]+/g, '_')}` }
          : undefined,
      config,
      passEnv: [...this.config.engines[stack.engine].passEnv, ...stack.passEnv],
    };
  }
}
