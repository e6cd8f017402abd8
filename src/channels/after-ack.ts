import PQueue from 'p-queue';
import { type GreenlightError, toGreenlightError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';

// Chat platforms want an answer at once (Slack: 3 s; Azure Bot Service gives up on a turn after
// ~15 s) and a plan can take longer. Channels answer first and do the work here, through a small
// queue, so that a burst of commands cannot crowd the event loop and delay the next answers. A
// failure is logged when unexpected and told to the person, never thrown at the SDK.

export class AfterAck {
  private readonly queue = new PQueue({ concurrency: 4 });

  constructor(private readonly log: Logger) {}

  run(work: () => Promise<unknown>, tell?: (error: GreenlightError) => Promise<unknown>): void {
    void this.queue.add(work).catch(async (error: unknown) => {
      const coded = toGreenlightError(error);
      if (coded.code === 'internal') this.log.error({ err: error }, 'work after the answer failed');
      if (tell) await tell(coded).catch((e: unknown) => this.log.warn({ err: e }, 'could not tell the user'));
    });
  }

  /** Resolves once all work started so far has ended (tests and shutdown). */
  idle(): Promise<void> {
    return this.queue.onIdle();
  }
}
