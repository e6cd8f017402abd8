import type { Capability } from '../../capabilities/types.ts';
import { noteCard } from '../../cards/builders.ts';
import { errorCard } from '../../cards/info-cards.ts';
import { toGreenlightError } from '../domain/errors.ts';
import type { Environment } from '../domain/types.ts';
import type { ConversationDeps } from './conversation.ts';
import type { InboundText } from './inbound.ts';
import type { PostedMessage } from './ports.ts';

// "check for drift in prod": a drift scan of every configured stack of one environment, one after
// the other (each is two engine plans). Each stack answers as a single scan would — "No drift" or
// its remediation plan card, to approve like any other — and a summary card lists them all.

export async function sweepDrift(
  deps: ConversationDeps,
  input: InboundText,
  drift: Capability,
  environment: Environment,
): Promise<PostedMessage[]> {
  const stacks = deps.stacks.list().filter((s) => s.environment === environment);
  const posted: PostedMessage[] = [];
  const lines: string[] = [];
  for (const stack of stacks) {
    try {
      const answers = await deps.workflow.execute(input, drift, { stack: stack.name }, [
        `Part of the drift scan of every ${environment} stack.`,
      ]);
      posted.push(...answers);
      const plan = answers.find((a) => a.requestId);
      const notDeployed = answers.some((a) => a.card.title === `${stack.name} is not deployed`);
      lines.push(
        plan
          ? `${stack.name}: not as applied — plan ${plan.requestId} puts it back, awaiting approval`
          : notDeployed
            ? `${stack.name}: not deployed yet — nothing to compare`
            : `${stack.name}: no drift`,
      );
    } catch (error) {
      const failure = toGreenlightError(error);
      lines.push(`${stack.name}: not scanned — ${failure.message}`);
      posted.push(await deps.publisher.post(input.thread, errorCard(failure), null));
    }
  }
  const drifted = lines.filter((l) => l.includes('not as applied')).length;
  const title = `Drift in ${environment}: ${stacks.length} stack(s) scanned, ${drifted} drifted`;
  const text = stacks.length ? lines.map((l) => `• ${l}`).join('\n') : `No configured stack is in ${environment}.`;
  const summary = noteCard(title, text, {
    tone: drifted ? 'warning' : stacks.length ? 'success' : 'neutral',
    context: ['Each drifted stack has its own remediation plan card in this thread.'],
  });
  posted.push(await deps.publisher.post(input.thread, summary, null));
  return posted;
}
