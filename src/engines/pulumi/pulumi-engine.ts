import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PulumiCommand, EngineEvent as PulumiEvent, Stack } from '@pulumi/pulumi/automation/index.js';
import { GreenlightError } from '../../domain/errors.ts';
import { engineEnvironment } from '../child-env.ts';
import type { ApplyResult, Engine, EngineEvent, PreviewMode, PreviewResult, RunOptions, StackTarget } from '../engine.ts';
import { ChangeCollector, normaliseEvent } from './events.ts';

// Pulumi through its Automation API, for inline programs (capabilities) and project directories.
// `preview({ plan })` saves an update plan and `up({ plan })` applies exactly that plan. The CLI
// is looked up on each use until found, so installing it needs no restart.

/**
 * What the Automation API calls on its `pulumiCommand` (`run` is internal to the SDK's typings).
 * Tests pass a stand-in with this shape that writes engine events like the real CLI.
 */
export interface PulumiCli {
  readonly command: string;
  /** A semver SemVer; the SDK compares it to pick features (below 3.205: `--event-log` files). */
  readonly version: unknown;
  run(
    args: string[],
    cwd: string,
    additionalEnv: Record<string, string>,
    onOutput?: (data: string) => void,
    onError?: (data: string) => void,
    signal?: AbortSignal,
  ): Promise<{ stdout: string; stderr: string; code: number }>;
}

export interface PulumiEngineOptions {
  /** `pulumi` on PATH, or the absolute path of the binary. */
  binary: string;
  /** Backend URL; default: a `file://` backend under the data dir. */
  backendUrl: string;
  /** Where a generated passphrase is kept for the default local backend. */
  dataDir: string;
  /** A ready CLI (tests' stand-in); skips the lookup. */
  cli?: PulumiCli;
}

const INSTALL_HINT =
  'Install the Pulumi CLI (https://www.pulumi.com/docs/install/) or set engines.pulumi.binary in greenlight.yaml to its path.';
const PLAN_VIOLATION = /violates plan|plan.*(mismatch|diverge)|does not match the plan/i;

type Automation = typeof import('@pulumi/pulumi/automation/index.js');
let automation: Promise<Automation> | undefined;
function loadAutomation(): Promise<Automation> {
  // The Automation API pulls in gRPC; load it only when a Pulumi stack is used.
  automation ??= import('@pulumi/pulumi/automation/index.js');
  return automation;
}

export class PulumiEngine implements Engine {
  readonly kind = 'pulumi' as const;
  private cli: Promise<PulumiCli> | undefined;

  constructor(private readonly options: PulumiEngineOptions) {}

  private findCli(): Promise<PulumiCli> {
    if (this.options.cli) return Promise.resolve(this.options.cli);
    if (!this.cli) {
      const lookup = (async (): Promise<PulumiCli> => {
        const { PulumiCommand } = await loadAutomation();
        const { binary } = this.options;
        const root = binary.includes('/') ? dirname(dirname(binary)) : undefined;
        try {
          return (await PulumiCommand.get({ ...(root ? { root } : {}), skipVersionCheck: true })) as unknown as PulumiCli;
        } catch (error) {
          throw new GreenlightError('engine_not_found', `The Pulumi CLI ("${binary}") was not found. ${INSTALL_HINT}`, { cause: error });
        }
      })();
      // A failed lookup is tried again next time.
      lookup.catch(() => {
        this.cli = undefined;
      });
      this.cli = lookup;
    }
    return this.cli;
  }

  private cachedPassphrase: string | undefined | null = null;

  /** The default local backend needs a passphrase: generated once, kept beside the state, read once. */
  private passphrase(): string | undefined {
    if (this.cachedPassphrase !== null) return this.cachedPassphrase;
    this.cachedPassphrase = this.readPassphrase();
    return this.cachedPassphrase;
  }

  private readPassphrase(): string | undefined {
    if (process.env.PULUMI_CONFIG_PASSPHRASE !== undefined || process.env.PULUMI_CONFIG_PASSPHRASE_FILE) return undefined;
    if (!this.options.backendUrl.startsWith('file://')) return undefined;
    const file = join(this.options.dataDir, 'pulumi-passphrase');
    if (!existsSync(file)) {
      mkdirSync(this.options.dataDir, { recursive: true });
      writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
    }
    return readFileSync(file, 'utf8').trim();
  }

  private async stack(target: StackTarget): Promise<Stack> {
    const [{ LocalWorkspace }, cli] = await Promise.all([loadAutomation(), this.findCli()]);
    if (this.options.backendUrl.startsWith('file://')) mkdirSync(this.options.backendUrl.slice('file://'.length), { recursive: true });
    const passphrase = this.passphrase();
    const envVars: Record<string, string> = {
      PULUMI_BACKEND_URL: this.options.backendUrl,
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      ...(passphrase ? { PULUMI_CONFIG_PASSPHRASE: passphrase } : {}),
    };
    const stack = await this.wrap(async () => {
      if (target.program) {
        mkdirSync(target.workDir, { recursive: true });
        const program = target.program;
        return LocalWorkspace.createOrSelectStack(
          { stackName: program.stackName, projectName: program.projectName, program: program.run },
          {
            workDir: target.workDir,
            envVars,
            pulumiCommand: withExplicitEnvironment(cli, target.passEnv) as unknown as PulumiCommand,
            projectSettings: { name: program.projectName, runtime: 'nodejs', backend: { url: this.options.backendUrl } },
          },
        );
      }
      return LocalWorkspace.createOrSelectStack(
        { stackName: target.workspace ?? 'dev', workDir: target.dir },
        { envVars, pulumiCommand: withExplicitEnvironment(cli, target.passEnv) as unknown as PulumiCommand },
      );
    });
    if (Object.keys(target.config).length > 0) {
      await this.wrap(() => stack.setAllConfig(Object.fromEntries(Object.entries(target.config).map(([k, v]) => [k, { value: v }]))));
    }
    return stack;
  }

  /** Turns Automation API errors into coded errors with the CLI's own words. */
  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof GreenlightError) throw error;
      const e = error as Error & { commandResult?: { stderr?: string; code?: number; err?: NodeJS.ErrnoException }; name?: string };
      const stderr = e.commandResult?.stderr?.trim() || e.message;
      if (e.commandResult?.err?.code === 'ENOENT' || /spawn \S*pulumi\S* ENOENT/.test(stderr)) {
        throw new GreenlightError('engine_not_found', `The Pulumi CLI was not found. ${INSTALL_HINT}`, { cause: error });
      }
      if (e.name === 'ConcurrentUpdateError') throw new GreenlightError('stack_locked', stderr, { cause: error });
      if (PLAN_VIOLATION.test(stderr)) throw new GreenlightError('plan_stale', stderr, { cause: error });
      throw new GreenlightError('engine_failed', lastLines(stderr), { cause: error });
    }
  }

  async preview(target: StackTarget, mode: PreviewMode, planFile: string, options: RunOptions = {}): Promise<PreviewResult> {
    const stack = await this.stack(target);
    const collector = new ChangeCollector();
    const onEvent = (event: PulumiEvent) => collector.onEvent(event);
    const started = performance.now();
    const signal = options.signal;
    await this.wrap(async () => {
      if (mode === 'destroy') await stack.previewDestroy({ onEvent, ...(signal ? { signal } : {}) });
      else if (mode === 'refresh-only') await stack.previewRefresh({ onEvent, ...(signal ? { signal } : {}) });
      else
        await stack.preview({
          plan: planFile,
          onEvent,
          diff: true,
          ...(options.refresh ? { refresh: true } : {}),
          ...(signal ? { signal } : {}),
        });
    });
    // Pulumi saves update plans only for `up`; destroy and refresh previews leave a record of
    // the changes so the approval still binds to a file whose digest is on the card.
    const changes = collector.list();
    if (mode !== 'apply') writeFileSync(planFile, JSON.stringify({ mode, changes }));
    const drift = mode === 'refresh-only' ? changes.filter((c) => c.operation !== 'no-op') : [];
    return { changes: mode === 'refresh-only' ? [] : changes, drift, planFile, engineMs: performance.now() - started };
  }

  async apply(target: StackTarget, planFile: string, mode: PreviewMode, options: RunOptions = {}): Promise<ApplyResult> {
    const stack = await this.stack(target);
    const startedAt = new Map<string, number>();
    let summary: ApplyResult['summary'] = null;
    const onEvent = (event: PulumiEvent) => {
      const normalised: EngineEvent | null = normaliseEvent(event, startedAt);
      if (!normalised) return;
      if (normalised.type === 'summary') summary = { added: normalised.added, changed: normalised.changed, removed: normalised.removed };
      options.onEvent?.(normalised);
    };
    const signal = options.signal;
    await this.wrap(async () => {
      if (mode === 'destroy') await stack.destroy({ onEvent, ...(signal ? { signal } : {}) });
      else if (mode === 'refresh-only') await stack.refresh({ onEvent, ...(signal ? { signal } : {}) });
      else await stack.up({ plan: planFile, onEvent, ...(options.refresh ? { refresh: true } : {}), ...(signal ? { signal } : {}) });
    });
    return { outputs: await this.outputsOf(stack), summary };
  }

  private async outputsOf(stack: Stack): Promise<Record<string, unknown>> {
    const outputs = await this.wrap(() => stack.outputs());
    return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret ? '(sensitive)' : o.value]));
  }

  async outputs(target: StackTarget): Promise<Record<string, unknown>> {
    return this.outputsOf(await this.stack(target));
  }

  async exportState(target: StackTarget): Promise<string> {
    const stack = await this.stack(target);
    return JSON.stringify(await this.wrap(() => stack.exportStack()));
  }
}

/**
 * The CLI with an explicit environment. The SDK's runner (execa) adds Greenlight's whole
 * environment to what it is given; naming every variable we were started with as `undefined`
 * takes them out again (Node's spawn leaves undefined values out), and what remains is the
 * engine base, the variables this stack may see, and what the Automation API sets itself.
 */
export function withExplicitEnvironment(cli: PulumiCli, passEnv: readonly string[]): PulumiCli {
  return {
    command: cli.command,
    version: cli.version,
    run(args, cwd, additionalEnv, onOutput, onError, signal) {
      const cleared = Object.fromEntries(Object.keys(process.env).map((name) => [name, undefined]));
      const env = { ...cleared, ...engineEnvironment('pulumi', passEnv), ...additionalEnv } as Record<string, string>;
      return cli.run(args, cwd, env, onOutput, onError, signal);
    },
  };
}

function lastLines(text: string, n = 12): string {
  const lines = text.split('\n').filter((l) => l.trim());
  return lines.slice(-n).join('\n');
}
