import type { Card, OperationName } from '../../../cards/model.ts';
import type { InboundOperation } from '../inbound.ts';
import { breakLock } from './break-lock.ts';
import { planAgain, resolveInterrupted } from './interrupted.ts';
import { destroyNow, extendTtl } from './lifetime.ts';
import type { Operation, OperationDeps } from './operation.ts';

// Every operation a card button can ask for, by name: a new kind of button is its function and
// one line here (the channels carry `operate` buttons without knowing what they do).

const OPERATIONS: Partial<Record<OperationName, Operation>> = {
  break_lock: breakLock,
  plan_again: planAgain,
  resolve_interrupted: resolveInterrupted,
  extend_ttl: extendTtl,
  destroy_now: destroyNow,
};

export class Operations {
  constructor(private readonly deps: OperationDeps) {}

  run(input: InboundOperation): Promise<Card> {
    const operation = OPERATIONS[input.operation];
    if (!operation) return Promise.reject(new Error(`operation ${input.operation} is not registered`));
    return operation(input, this.deps);
  }
}
