import { describe, expect, it, vi } from 'vitest';
import type { ProgressState } from '../../cards/run-cards.ts';
import type { EngineEvent } from '../../src/engines/engine.ts';
import { ProgressTracker } from '../../src/workflow/progress.ts';

describe('progress coalescing', () => {
  it('edits at most once per interval with the latest state, and once more at the end', async () => {
    vi.useFakeTimers();
    try {
      const flushes: { states: string[]; events: number }[] = [];
      let persisted = 0;
      const tracker = new ProgressTracker(
        [
          { address: 'a', type: 't', name: 'a', operation: 'create', inputs: {} },
          { address: 'b', type: 't', name: 'b', operation: 'create', inputs: {} },
          { address: 'c', type: 't', name: 'c', operation: 'no-op', inputs: {} },
        ],
        1000,
        async (events) => {
          persisted += events.length;
        },
        async (state: ProgressState) => {
          flushes.push({ states: [...state.resources.values()].map((r) => r.status), events: persisted });
          persisted = 0;
        },
      );
      const at = new Date().toISOString();
      const ev = (e: Partial<EngineEvent> & { type: EngineEvent['type'] }) => tracker.onEvent({ at, ...e } as EngineEvent);
      // 40 events inside one second: one edit, not forty.
      for (let i = 0; i < 20; i++) {
        ev({ type: 'resource_started', address: 'a', operation: 'create' });
        ev({ type: 'resource_progress', address: 'a', elapsedSeconds: i });
      }
      await vi.advanceTimersByTimeAsync(1000);
      expect(flushes).toHaveLength(1);
      expect(flushes[0]).toEqual({ states: ['running', 'pending'], events: 40 });
      // A full interval has passed since the last edit: the next event is shown at once…
      ev({ type: 'resource_finished', address: 'a', operation: 'create', elapsedSeconds: 3 });
      await vi.advanceTimersByTimeAsync(0);
      expect(flushes).toHaveLength(2);
      // …and one inside the interval waits for it, or for the end.
      ev({ type: 'resource_failed', address: 'b', operation: 'create', message: 'x' });
      await vi.advanceTimersByTimeAsync(100);
      expect(flushes).toHaveLength(2);
      const finished = tracker.finish();
      await vi.advanceTimersByTimeAsync(900); // the last edit still waits out the interval
      await finished;
      expect(flushes).toHaveLength(3);
      expect(flushes[2]).toEqual({ states: ['done', 'failed'], events: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
