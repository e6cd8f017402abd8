import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChangeWorkflow } from '../../src/workflow/change-workflow.ts';
import { Sweeper } from '../../src/workflow/sweeper.ts';

// The sweeper on its own timer, with a job that hangs the way a drift scan's terraform plans can:
// plan expiry keeps its pace, the job does not run twice at once, and stop waits for it.

describe('Sweeper', () => {
  it('a slow job runs beside the sweep: expiry keeps sweeping, the job never overlaps itself, stop waits for it', async () => {
    let expirySweeps = 0;
    const workflow = {
      expireStale: async () => {
        expirySweeps += 1;
      },
      nextExpiry: undefined,
    } as unknown as ChangeWorkflow;
    let starts = 0;
    let finish: () => void = () => undefined;
    let finished = false;
    const slow = {
      name: 'drift schedules',
      leased: false,
      run: () => {
        starts += 1;
        return new Promise<void>((resolve) => {
          finish = () => {
            finished = true;
            resolve();
          };
        });
      },
    };
    const sweeper = new Sweeper({
      db: undefined as never, // not shared: no lease is taken
      workflow,
      now: () => new Date(),
      log: pino({ level: 'silent' }),
      shared: false,
      replica: 'test',
      jobs: [slow],
    });
    sweeper.start(20);
    await new Promise((r) => setTimeout(r, 400));
    expect(expirySweeps).toBeGreaterThan(5);
    expect(starts).toBe(1);
    const stopped = sweeper.stop();
    let stoppedYet = false;
    void stopped.then(() => {
      stoppedYet = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(stoppedYet).toBe(false);
    finish();
    await stopped;
    expect(finished).toBe(true);
  });
});
