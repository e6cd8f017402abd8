import type { ProgressState } from '../../cards/run-cards.ts';
import type { DeploymentEventRecord, ResourceChange } from '../domain/types.ts';
import type { EngineEvent } from '../engines/engine.ts';

// Folds engine events into the progress card's state and decides when the card may be edited:
// at most once per `minIntervalMs`, with the latest state, and always once more at the end.

export class ProgressTracker {
  readonly state: ProgressState;
  private pending: Omit<DeploymentEventRecord, 'seq'>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    changes: ResourceChange[],
    private readonly minIntervalMs: number,
    private readonly persist: (events: Omit<DeploymentEventRecord, 'seq'>[]) => Promise<void>,
    private readonly render: (state: ProgressState) => Promise<void>,
    now = Date.now(),
  ) {
    const resources = new Map<string, { status: 'pending'; elapsedSeconds: null }>();
    for (const c of changes)
      if (c.operation !== 'no-op' && c.operation !== 'read') resources.set(c.address, { status: 'pending', elapsedSeconds: null });
    this.state = { resources, startedAt: now, log: [] };
  }

  onEvent(event: EngineEvent): void {
    const { resources, log } = this.state;
    switch (event.type) {
      case 'resource_started':
        resources.set(event.address, { status: 'running', elapsedSeconds: 0 });
        break;
      case 'resource_progress':
        resources.set(event.address, { status: 'running', elapsedSeconds: event.elapsedSeconds });
        break;
      case 'resource_finished':
        resources.set(event.address, { status: 'done', elapsedSeconds: event.elapsedSeconds });
        break;
      case 'resource_failed':
        resources.set(event.address, {
          status: 'failed',
          elapsedSeconds: resources.get(event.address)?.elapsedSeconds ?? null,
        });
        break;
      case 'log':
        log.push(event.address ? `${event.address}: ${event.message}` : event.message);
        if (log.length > 50) log.shift();
        break;
      case 'diagnostic':
        log.push(`${event.severity}: ${event.summary}${event.detail ? ` — ${event.detail}` : ''}`);
        break;
      default:
        break;
    }
    this.pending.push({
      at: event.at,
      type: event.type,
      address: 'address' in event ? event.address : null,
      message: describe(event),
    });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.doFlush();
    }, wait);
  }

  private doFlush(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    this.lastFlush = Date.now();
    this.flushing = this.flushing
      .then(async () => {
        await this.persist(events);
        await this.render(this.state);
      })
      .catch(() => undefined);
    return this.flushing;
  }

  /** Stores the events received so far, now; the card edit keeps to its interval. */
  async settle(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => this.persist(events)).catch(() => undefined);
    await this.flushing;
  }

  /** Writes whatever is left, still no sooner than the interval allows after the last edit. */
  async finish(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wait = this.lastFlush + this.minIntervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await this.doFlush();
  }
}

function describe(event: EngineEvent): string {
  switch (event.type) {
    case 'resource_started':
      return `${event.operation} started`;
    case 'resource_progress':
      return `still running after ${event.elapsedSeconds}s`;
    case 'resource_finished':
      return `${event.operation} complete after ${event.elapsedSeconds}s`;
    case 'resource_failed':
      return event.message;
    case 'log':
      return event.message;
    case 'diagnostic':
      return `${event.summary}${event.detail ? `: ${event.detail}` : ''}`;
    case 'summary':
      return `${event.added} added, ${event.changed} changed, ${event.removed} destroyed`;
    case 'outputs':
      return `${Object.keys(event.outputs).length} outputs`;
  }
}
