import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GreenlightError } from '../../domain/errors.ts';
import { engineEnvironment } from '../child-env.ts';
import type { ApplyResult, Engine, EngineEvent, PreviewMode, PreviewResult, RunOptions, StackTarget } from '../engine.ts';
import { priorStateSerial } from './plan-file.ts';
import { parsePlanJson } from './plan-json.ts';
import { runTerraform, type TerraformRun } from './process.ts';
import { maskOutputs, parseUiLine } from './ui-events.ts';

// Terraform / OpenTofu through its CLI: init → plan -out → show -json → apply <planfile>.
// Stack config reaches Terraform as TF_VAR_* environment variables, never argv, so secret values
// stay out of the process list.

const STALE_PLAN = /Saved plan is stale|plan file .* is stale/i;
const STATE_LOCKED = /Error acquiring the state lock/i;

/** What terraform says when its work dir must be initialised again (providers or modules changed). */
const NEEDS_INIT = /terraform init|Inconsistent dependency lock file|Module not installed|Required plugins are not installed/i;

const CREATION_LOCKED = /Already locked for workspace creation/;

export class TerraformEngine implements Engine {
  readonly kind = 'terraform' as const;
  private readonly initialised = new Map<string, Promise<void>>();

  constructor(private readonly binary: string) {}

  private env(target: StackTarget): NodeJS.ProcessEnv {
    // An explicit environment: the stack's local-exec provisioners run with it too.
    const env: NodeJS.ProcessEnv = {
      ...engineEnvironment('terraform', target.passEnv),
      TF_DATA_DIR: `${target.workDir}/.terraform`,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    };
    if (target.workspace) env.TF_WORKSPACE = target.workspace;
    for (const [key, value] of Object.entries(target.config)) env[`TF_VAR_${key}`] = value;
    return env;
  }

  private async run(
    target: StackTarget,
    args: string[],
    options: RunOptions & { onLine?: (line: string) => void } = {},
  ): Promise<TerraformRun> {
    for (let attempt = 1; ; attempt++) {
      const run = await runTerraform(this.binary, [`-chdir=${TerraformEngine.rootOf(target)}`, ...args], {
        env: this.env(target),
        signal: options.signal,
        onLine: options.onLine,
        ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
      });
      if (run.exitCode === 0) return run;
      const failure = this.failure(args[0] ?? '', run);
      // The pg backend takes one database-wide advisory lock to create any stack's first state:
      // two stacks deployed for the first time at once meet on it. Nothing was changed (the lock
      // was not had): wait a moment and run the same command again.
      if (!target.pgState || !CREATION_LOCKED.test(failure.message) || attempt >= 30 || options.signal?.aborted) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 450));
    }
  }

  /** Builds the error a user reads: Terraform's own diagnostics, not a stack trace. */
  private failure(command: string, run: TerraformRun): GreenlightError {
    const diagnostics: string[] = [];
    for (const line of run.stdout.split('\n')) {
      const event = parseUiLine(line);
      if (event?.type === 'diagnostic' && event.severity === 'error') {
        diagnostics.push(event.detail ? `${event.summary}: ${event.detail}` : event.summary);
      }
    }
    const stderr = run.stderr
      .split('\n')
      .filter((l) => l.trim() && !/CLI configuration|terraformrc|^[│╷╵]\s*$/.test(l))
      .join('\n')
      .trim();
    const message = diagnostics.length > 0 ? diagnostics.join('\n') : stderr || `terraform ${command} exited with ${run.exitCode}`;
    const code = STALE_PLAN.test(message) ? 'plan_stale' : STATE_LOCKED.test(message) ? 'stack_locked' : 'engine_failed';
    return new GreenlightError(code, message, { details: { command, exitCode: run.exitCode } });
  }

  /**
   * The root module Terraform runs in. With state in PostgreSQL the project's own backend block
   * (e.g. `backend "local" {}`) is overridden: the project's files are linked into a root under
   * the work dir, next to an override file declaring `backend "pg"`. The project dir is never
   * written to.
   */
  private static rootOf(target: StackTarget): string {
    return target.pgState ? join(target.workDir, 'root') : target.dir;
  }

  private static prepareRoot(target: StackTarget): void {
    if (!target.pgState) return;
    const root = TerraformEngine.rootOf(target);
    mkdirSync(root, { recursive: true });
    for (const entry of readdirSync(target.dir)) {
      if (entry === '.terraform' || entry.startsWith('terraform.tfstate') || existsSync(join(root, entry))) continue;
      // The lock file is written by init: a copy, so the project's own stays as it is.
      if (entry === '.terraform.lock.hcl') copyFileSync(join(target.dir, entry), join(root, entry));
      else symlinkSync(join(target.dir, entry), join(root, entry));
    }
    writeFileSync(join(root, 'zz_greenlight_backend_override.tf'), 'terraform {\n  backend "pg" {}\n}\n');
  }

  /** The pg backend's settings as a backend config file (HCL strings: quotes, backslashes and templates escaped). */
  private static writeBackendConfig(target: StackTarget, pgState: { connStr: string; schema: string }): string {
    const hcl = (value: string) =>
      JSON.stringify(value)
        .replace(/\$\{/g, () => '$${')
        .replace(/%\{/g, () => '%%{');
    const file = resolve(target.workDir, 'greenlight-backend.tfbackend');
    writeFileSync(file, `conn_str = ${hcl(pgState.connStr)}\nschema_name = ${hcl(pgState.schema)}\n`, { mode: 0o600 });
    return file;
  }

  /** Whether an earlier process already initialised this work dir against the same state file. */
  private static initialisedBefore(target: StackTarget): boolean {
    try {
      const recorded = JSON.parse(readFileSync(join(target.workDir, '.terraform', 'terraform.tfstate'), 'utf8')) as {
        backend?: { type?: string; config?: { path?: string | null; schema_name?: string | null } };
      };
      if (target.pgState) return recorded.backend?.type === 'pg' && recorded.backend.config?.schema_name === target.pgState.schema;
      return target.stateFile ? recorded.backend?.config?.path === target.stateFile : recorded.backend?.type === 'local';
    } catch {
      return false;
    }
  }

  private init(target: StackTarget, signal?: AbortSignal, force = false): Promise<void> {
    const key = `${target.dir}|${target.workDir}`;
    let pending = force ? undefined : this.initialised.get(key);
    // A work dir set up by an earlier run (a restart, each `greenlight plan`) is not set up again:
    // `terraform init` is most of a small plan's time. Should the stack's providers or modules
    // have changed since, the command says "terraform init" and runs once more after one.
    if (!pending && !force && TerraformEngine.initialisedBefore(target)) {
      pending = Promise.resolve();
      this.initialised.set(key, pending);
    }
    if (!pending) {
      // The work dir holds the state (local backend), Terraform's copy of the backend settings (the
      // database URL on PostgreSQL) and plan files: Greenlight's user alone may enter it, whatever
      // the data dir's own mode.
      mkdirSync(target.workDir, { recursive: true, mode: 0o700 });
      chmodSync(target.workDir, 0o700);
      TerraformEngine.prepareRoot(target);
      const args = ['init', '-input=false', '-no-color'];
      if (target.stateFile) args.push(`-backend-config=path=${target.stateFile}`, '-reconfigure');
      // Given at init only, in a file readable by Greenlight's user alone and removed after init
      // (Terraform keeps its own copy under the work dir's .terraform): the database URL is never in
      // argv (the process list) nor in the environment later commands and local-exec see.
      const backendFile = target.pgState ? TerraformEngine.writeBackendConfig(target, target.pgState) : undefined;
      if (backendFile) args.push(`-backend-config=${backendFile}`, '-reconfigure');
      pending = this.run(target, args, { signal })
        .then(() => undefined)
        .finally(() => backendFile && rmSync(backendFile, { force: true }));
      // A failed init is retried on the next call rather than cached.
      pending.catch(() => this.initialised.delete(key));
      this.initialised.set(key, pending);
    }
    return pending;
  }

  async preview(target: StackTarget, mode: PreviewMode, planFile: string, options: RunOptions = {}): Promise<PreviewResult> {
    await this.init(target, options.signal);
    // Plans take no state lock: Greenlight serialises applies per stack itself, a plan made during
    // an apply is caught as stale before it could be applied, and waiting for the lock would
    // hold a plan card back for as long as the running apply takes.
    const args = ['plan', '-input=false', '-json', '-lock=false', `-out=${planFile}`];
    if (mode === 'destroy') args.push('-destroy');
    if (mode === 'refresh-only') args.push('-refresh-only');
    const plan = await this.run(target, args, options).catch(async (error: unknown) => {
      if (!(error instanceof GreenlightError) || !NEEDS_INIT.test(error.message)) throw error;
      await this.init(target, options.signal, true);
      return this.run(target, args, options);
    });
    const show = await this.run(target, ['show', '-json', planFile], options);
    const parsed = parsePlanJson(show.stdout);
    const undeclared = Object.keys(target.config).filter((k) => !parsed.variables.includes(k));
    if (undeclared.length > 0) {
      throw new GreenlightError(
        'bad_request',
        `${target.name} has no variable ${undeclared.map((k) => `"${k}"`).join(', ')}. Its variables are: ${parsed.variables.join(', ')}.`,
      );
    }
    const serial = priorStateSerial(planFile);
    return {
      changes: parsed.changes,
      drift: parsed.drift,
      planFile,
      engineMs: plan.ms + show.ms,
      defaults: parsed.defaults,
      ...(serial === undefined ? {} : { priorStateSerial: serial }),
    };
  }

  async apply(target: StackTarget, planFile: string, _mode: PreviewMode, options: RunOptions = {}): Promise<ApplyResult> {
    // The mode is recorded inside a Terraform plan file (destroy or not); nothing to pass.
    await this.init(target, options.signal);
    let outputs: Record<string, unknown> | null = null;
    let summary: ApplyResult['summary'] = null;
    const onLine = (line: string) => {
      const event: EngineEvent | null = parseUiLine(line);
      if (!event) return;
      if (event.type === 'outputs') outputs = event.outputs;
      if (event.type === 'summary') summary = { added: event.added, changed: event.changed, removed: event.removed };
      options.onEvent?.(event);
    };
    // With a saved plan Terraform never prompts: what runs is exactly what was planned.
    // Greenlight's stack lock serialises applies; Terraform's own state lock can still be held for
    // a moment by an apply that is stopping (a broken lock, a replica cut off): wait for it.
    await this.run(target, ['apply', '-input=false', '-json', '-lock-timeout=120s', planFile], { ...options, onLine });
    return { outputs: outputs ?? (await this.outputs(target)), summary };
  }

  async outputs(target: StackTarget): Promise<Record<string, unknown>> {
    await this.init(target);
    const run = await this.run(target, ['output', '-json']);
    const raw = JSON.parse(run.stdout || '{}') as Record<string, { sensitive: boolean; value?: unknown }>;
    return maskOutputs(raw);
  }

  async exportState(target: StackTarget): Promise<string> {
    await this.init(target);
    return (await this.run(target, ['state', 'pull'])).stdout;
  }
}
