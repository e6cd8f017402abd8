import type { Card } from '../../../cards/model.ts';
import type { ApplyRunner } from '../apply-runner.ts';
import type { ConversationDeps } from '../conversation.ts';
import type { InboundOperation } from '../inbound.ts';

// An operation: what a card button does when it acts on something other than a request's plan
// (a stack lock, an interrupted apply, a temporary environment, a drift finding). Each decides who
// may, checks what the click carries, records an audit row, tells the threads concerned, and
// returns the card the clicker sees next. Registered by name in ./index.ts.

export interface OperationDeps extends ConversationDeps {
  runner: ApplyRunner;
}

export type Operation = (input: InboundOperation, deps: OperationDeps) => Promise<Card>;
