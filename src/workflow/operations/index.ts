import type { Card, OperationName } from '../../../cards/model.ts';
import type { InboundOperation } from '../inbound.ts';
import { breakLock } from './break-lock.ts';
import { adoptDrift, revertDrift, snoozeDriftOp } from './drift.ts';
import { planAgain, resolveInterrupted } from './interrupted.ts';
import { destroyNow, extendTtl } from './lifetime.ts';
import type { Operation, OperationDeps } from './operation.ts';

// Every operation a card button can ask for, by name: a new kind of button is its function and
// one line here (the channels carry `operate` buttons without knowing what they do).

const OPERATIONS = {
  break_lock: breakLock,
  plan_again: planAgain,
  resolve_interrupted: resolveInterrupted,
  extend_ttl: extendTtl,
  destroy_now: destroyNow,
  revert_drift: revertDrift,
  adopt_drift: adoptDrift,
  snooze_drift: snoozeDriftOp,
} satisfies Record<OperationName, Operation>;

export class Operations {
  constructor(private readonly deps: OperationDeps) {}

  run(input: InboundOperation): Promise<Card> {
    return OPERATIONS[input.operation](input, this.deps);
  }
}
