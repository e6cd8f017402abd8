import type { Engine, PreviewMode, RunOptions, StackTarget } from '../src/engines/engine.ts';

/** Wraps an engine and records how long each preview spent in the engine binary. */
export class TimedEngine implements Engine {
  readonly previews: number[] = [];
  constructor(private readonly inner: Engine) {}
  get kind() {
    return this.inner.kind;
  }
  async preview(target: StackTarget, mode: PreviewMode, planFile: string, options?: RunOptions) {
    const result = await this.inner.preview(target, mode, planFile, options);
    this.previews.push(result.engineMs);
    return result;
  }
  apply(target: StackTarget, planFile: string, mode: PreviewMode, options?: RunOptions) {
    return this.inner.apply(target, planFile, mode, options);
  }
  outputs(target: StackTarget) {
    return this.inner.outputs(target);
  }
  exportState(target: StackTarget) {
    return this.inner.exportState(target);
  }
}
