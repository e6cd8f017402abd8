import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { CommandError, StackNotFoundError } from '@pulumi/pulumi/automation/index.js';
import { SemVer } from 'semver';
import type { PulumiCli } from '../../src/engines/pulumi/pulumi-engine.ts';

// Stands in for the Pulumi CLI, which cannot be installed on these machines. It is handed to the
// Automation API through its `pulumiCommand` option and answers the same commands the SDK sends
// (`stack select|init|output|history|export|import`, `config set-all`, `preview`, `up`,
// `destroy`, `refresh`, `cancel`). Its version is below 3.205, so the SDK reads engine events
// from the `--event-log` file, which this fake writes in Pulumi's documented EngineEvent JSON.
// It does not run the program: the test says which resources the program registers.

export interface FakeResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** Make this resource's create/update fail with this message. */
  failWith?: string;
}

interface StackState {
  resources: Map<string, { type: string; inputs: Record<string, unknown> }>;
  config: Record<string, string>;
  history: { version: number; kind: string; result: string; startTime: string; endTime: string }[];
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

type Step = { urn: string; type: string; op: 'create' | 'update' | 'delete' | 'same'; inputs: Record<string, unknown>; failWith?: string };

const nameOfUrn = (urn: string) => urn.split('::').at(-1) ?? urn;
const fail = (stderr: string, code = 255) => new CommandError({ stdout: '', stderr, code, err: undefined } as never);

export class FakePulumiCli implements PulumiCli {
  readonly command = 'pulumi';
  readonly version = new SemVer('3.200.0');
  readonly calls: string[][] = [];
  readonly stacks = new Map<string, StackState>();
  /**
   * The real world where it differs from the state: a resource's inputs as someone changed them
   * outside Pulumi (by resource name), or null when they deleted it. A refresh reads these.
   */
  readonly cloud = new Map<string, Record<string, unknown> | null>();
  /** Milliseconds each resource step takes during `up` (lets a test cancel mid-way). */
  stepMs = 20;

  constructor(
    private readonly program: (stack: string, config: Record<string, string>) => FakeResource[],
    private readonly project = 'project',
  ) {}

  private flag(args: string[], name: string): string | undefined {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  }

  private state(name: string): StackState {
    const state = this.stacks.get(name);
    if (!state) throw new StackNotFoundError({ stdout: '', stderr: `error: no stack named '${name}' found`, code: 255 } as never);
    return state;
  }

  private urn(stack: string, r: { type: string; name: string }): string {
    return `urn:pulumi:${stack}::${this.project}::${r.type}::${r.name}`;
  }

  /** The state as a refresh would leave it: each resource as the real world has it now. */
  private refreshedResources(stack: string): StackState['resources'] {
    const out: StackState['resources'] = new Map();
    for (const [urn, r] of this.state(stack).resources) {
      const real = this.cloud.has(nameOfUrn(urn)) ? this.cloud.get(nameOfUrn(urn)) : r.inputs;
      if (real) out.set(urn, { type: r.type, inputs: real });
    }
    return out;
  }

  /** `refresh --preview-only`: one `refresh` step per resource, old = recorded, new = real (none when deleted). */
  private refreshEvents(stack: string) {
    return [...this.state(stack).resources].map(([urn, r]) => {
      const real = this.cloud.has(nameOfUrn(urn)) ? this.cloud.get(nameOfUrn(urn)) : r.inputs;
      const state = (values: Record<string, unknown>) => ({
        type: r.type,
        urn,
        id: '',
        parent: '',
        inputs: values,
        outputs: values,
        provider: '',
      });
      const diffs = real
        ? [...new Set([...Object.keys(r.inputs), ...Object.keys(real)])].filter(
            (k) => JSON.stringify(r.inputs[k]) !== JSON.stringify(real[k]),
          )
        : [];
      return {
        resourcePreEvent: {
          metadata: { op: 'refresh', urn, type: r.type, provider: '', old: state(r.inputs), ...(real ? { new: state(real) } : {}), diffs },
          planning: true,
        },
      };
    });
  }

  private steps(stack: string, refresh = false): { steps: Step[]; desired: FakeResource[] } {
    const state = this.state(stack);
    const resources = refresh ? this.refreshedResources(stack) : state.resources;
    const desired = this.program(stack, state.config);
    const steps: Step[] = [];
    for (const r of desired) {
      const urn = this.urn(stack, r);
      const current = resources.get(urn);
      const op = !current ? 'create' : JSON.stringify(current.inputs) === JSON.stringify(r.inputs) ? 'same' : 'update';
      steps.push({ urn, type: r.type, op, inputs: r.inputs, ...(r.failWith ? { failWith: r.failWith } : {}) });
    }
    for (const [urn, r] of resources)
      if (!desired.some((d) => this.urn(stack, d) === urn)) steps.push({ urn, type: r.type, op: 'delete', inputs: r.inputs });
    return { steps, desired };
  }

  private writer(file: string | undefined) {
    let sequence = 0;
    return (event: Record<string, unknown>) => {
      if (file) appendFileSync(file, `${JSON.stringify({ sequence: sequence++, timestamp: Math.floor(Date.now() / 1000), ...event })}\n`);
    };
  }

  private meta(step: Step) {
    const state = { type: step.type, urn: step.urn, id: '', parent: '', inputs: step.inputs, outputs: {}, provider: '' };
    return { op: step.op, urn: step.urn, type: step.type, provider: '', ...(step.op === 'delete' ? { old: state } : { new: state }) };
  }

  private summary(steps: Step[]) {
    const changes: Record<string, number> = {};
    for (const s of steps) changes[s.op] = (changes[s.op] ?? 0) + 1;
    return { summaryEvent: { maybeCorrupt: false, durationSeconds: 0, resourceChanges: changes, policyPacks: {} } };
  }

  async run(
    args: string[],
    _cwd: string,
    _env: Record<string, string>,
    _onOutput?: (d: string) => void,
    _onError?: (d: string) => void,
    signal?: AbortSignal,
  ) {
    this.calls.push(args);
    const ok = (stdout = '') => ({ stdout, stderr: '', code: 0 });
    const [cmd, sub] = args;
    const stackName =
      this.flag(args, '--stack') ?? (cmd === 'stack' && sub === 'init' ? args[2] : undefined) ?? [...this.stacks.keys()][0] ?? '';
    if (cmd === 'stack' && sub === 'select') {
      this.state(stackName);
      return ok();
    }
    if (cmd === 'stack' && sub === 'init') {
      this.stacks.set(stackName, { resources: new Map(), config: {}, history: [], outputs: {} });
      return ok(`Created stack '${stackName}'`);
    }
    if (cmd === 'config' && sub === 'set-all') {
      const state = this.state(stackName);
      args.forEach((a, i) => {
        if (a === '--plaintext' || a === '--secret') {
          const [k, ...v] = (args[i + 1] ?? '').split('=');
          state.config[k ?? ''] = v.join('=');
        }
      });
      return ok();
    }
    if (cmd === 'stack' && sub === 'output') {
      const { outputs } = this.state(stackName);
      const show = args.includes('--show-secrets');
      return ok(JSON.stringify(Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.secret && !show ? '[secret]' : o.value]))));
    }
    if (cmd === 'stack' && sub === 'history') return ok(JSON.stringify([...this.state(stackName).history].reverse()));
    if (cmd === 'stack' && sub === 'export') {
      const resources = [...this.state(stackName).resources].map(([urn, r]) => ({ urn, type: r.type, inputs: r.inputs }));
      return ok(JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
    }
    if (cmd === 'stack' && sub === 'import') {
      const file = this.flag(args, '--file') ?? '';
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
        deployment: { resources: { urn: string; type: string; inputs: Record<string, unknown> }[] };
      };
      this.state(stackName).resources = new Map(parsed.deployment.resources.map((r) => [r.urn, { type: r.type, inputs: r.inputs }]));
      return ok();
    }
    if (cmd === 'cancel') return ok();
    if (cmd === 'preview' || ((cmd === 'destroy' || cmd === 'refresh') && args.includes('--preview-only'))) {
      const emit = this.writer(this.flag(args, '--event-log'));
      const { steps } = cmd === 'destroy' ? { steps: this.destroySteps(stackName) } : this.steps(stackName, args.includes('--refresh'));
      emit({ preludeEvent: { config: this.state(stackName).config } });
      if (cmd === 'refresh') for (const event of this.refreshEvents(stackName)) emit(event);
      else for (const step of steps) emit({ resourcePreEvent: { metadata: this.meta(step), planning: true } });
      emit(this.summary(cmd === 'refresh' ? [] : steps));
      const plan = this.flag(args, '--save-plan');
      if (plan) writeFileSync(plan, JSON.stringify({ steps: steps.map(({ urn, op, inputs }) => ({ urn, op, inputs })) }));
      return ok(`Previewing update (${stackName})`);
    }
    if (cmd === 'up' || cmd === 'destroy' || cmd === 'refresh') return this.update(cmd, args, stackName, signal);
    throw fail(`fake pulumi: unsupported command: ${args.join(' ')}`, 2);
  }

  private destroySteps(stackName: string): Step[] {
    return [...this.state(stackName).resources].map(([urn, r]) => ({ urn, type: r.type, op: 'delete' as const, inputs: r.inputs }));
  }

  private async update(cmd: string, args: string[], stackName: string, signal?: AbortSignal) {
    const state = this.state(stackName);
    const emit = this.writer(this.flag(args, '--event-log'));
    if (cmd === 'up' && args.includes('--refresh')) {
      // `up --refresh` writes what it read into the state before it compares with the program.
      state.resources = this.refreshedResources(stackName);
      this.cloud.clear();
    }
    const { steps, desired } =
      cmd === 'destroy' ? { steps: this.destroySteps(stackName), desired: [] as FakeResource[] } : this.steps(stackName);
    const planFile = this.flag(args, '--plan');
    if (planFile) {
      // `up --plan`: every step must be one the saved plan allowed, as Pulumi enforces it.
      const planned = (JSON.parse(readFileSync(planFile, 'utf8')) as { steps: { urn: string; op: string; inputs: unknown }[] }).steps;
      for (const step of steps) {
        const allowed = planned.find((p) => p.urn === step.urn);
        if (!allowed || allowed.op !== step.op || JSON.stringify(allowed.inputs) !== JSON.stringify(step.inputs)) {
          throw fail(`error: resource ${step.urn} violates plan: ${allowed ? `planned ${allowed.op}, now ${step.op}` : 'not in the plan'}`);
        }
      }
    }
    const started = new Date().toISOString();
    const record = (result: string) =>
      state.history.push({
        version: state.history.length + 1,
        kind: cmd === 'up' ? 'update' : cmd,
        result,
        startTime: started,
        endTime: new Date().toISOString(),
      });
    emit({ preludeEvent: { config: state.config } });
    for (const step of steps.filter((s) => s.op !== 'same')) {
      emit({ resourcePreEvent: { metadata: this.meta(step) } });
      await new Promise((r) => setTimeout(r, this.stepMs));
      if (signal?.aborted) {
        emit({ cancelEvent: {} });
        record('failed');
        throw fail('error: update canceled', 255);
      }
      if (step.failWith) {
        emit({ resOpFailedEvent: { metadata: this.meta(step), status: 1, steps: 1 } });
        emit({ diagnosticEvent: { urn: step.urn, message: `error: ${step.failWith}\n`, color: 'never', severity: 'error' } });
        emit(this.summary([]));
        record('failed');
        throw fail(`error: update failed\n${step.failWith}`);
      }
      if (step.op === 'delete') state.resources.delete(step.urn);
      else state.resources.set(step.urn, { type: step.type, inputs: step.inputs });
      emit({ resOutputsEvent: { metadata: this.meta(step) } });
    }
    emit(this.summary(steps));
    const outputs: StackState['outputs'] = {};
    for (const r of desired)
      for (const [k, v] of Object.entries(r.outputs ?? {})) outputs[k] = { value: v, secret: k.toLowerCase().includes('secret') };
    state.outputs = outputs;
    record('succeeded');
    return { stdout: `Update complete (${stackName})`, stderr: '', code: 0 };
  }
}
