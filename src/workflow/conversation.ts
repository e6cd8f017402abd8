import { capabilities } from '../../capabilities/index.ts';
import type { Capability } from '../../capabilities/types.ts';
import { choiceCard, formCard, noteCard } from '../../cards/builders.ts';
import { errorCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import { isEnvironment } from '../domain/environments.ts';
import { describeIssues, GreenlightError, toGreenlightError } from '../domain/errors.ts';
import { takeLifetime } from '../domain/lifetime.ts';
import { secrets } from '../domain/redaction.ts';
import type { PrincipalId } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { extractParams } from '../router/extract.ts';
import type { IntentId } from '../router/intents.ts';
import { parseLockCommand } from '../router/lock-commands.ts';
import { parseMemoryCommand, wantsLastRequest } from '../router/memory-commands.ts';
import type { Params } from '../router/params.ts';
import { capabilityParams, type RouteResult, type Router } from '../router/router.ts';
import { findClarification, resolveClarification, saveClarification } from '../store/clarifications.ts';
import type { Db } from '../store/database.ts';
import { DEFAULT_KEYS, defaultsOf, readProfile } from '../store/memory-store.ts';
import { listMessages } from '../store/threads.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import type { ChangeWorkflow } from './change-workflow.ts';
import { contextStack } from './context-stack.ts';
import { sweepDrift } from './drift-sweep.ts';
import { followUp } from './follow-up.ts';
import { formFields, paramNames, valuesFromForm } from './forms.ts';
import type { InboundText } from './inbound.ts';
import type { LifetimesConfig } from './lifetime-rules.ts';
import { lockAnswer } from './lock-answers.ts';
import { memoryAnswer } from './memory-answers.ts';
import type { PostedMessage } from './ports.ts';
import type { Publisher } from './publisher.ts';
import type { RevisionDeps } from './revisions.ts';
import type { StackRegistry } from './stacks.ts';

// A chat message from anyone, in any channel: memory commands, follow-ups in a plan's thread,
// routing (grammar → LLM or offline classifier), "did you mean …?" below the confidence
// threshold, defaults from memory, a form for what is still missing, then the capability.
// Text can only ever choose a capability and its parameters: approval stays a button.

export interface ConversationDeps extends RevisionDeps {
  db: Db;
  policy: ApprovalPolicy;
  router: Router;
  workflow: ChangeWorkflow;
  publisher: Publisher;
  stacks: StackRegistry;
  log: Logger;
  metrics: Metrics;
  confidenceThreshold: number;
  /** Config `lifetimes`: temporary environments' default extension, maximum, destroy without approval. */
  lifetimes?: LifetimesConfig | undefined;
}

/** Below this offline confidence a request missing parameters gets "did you mean …?", not a form. */
const FORM_CONFIDENCE = 0.5;

const byId = new Map<string, Capability>(capabilities.map((c) => [c.id, c]));

const GENERAL_ANSWER =
  'Hi! I plan and apply infrastructure changes: ask for something ("provision databricks team=data env=dev region=eastus", "scale sandbox in prod to 5 replicas") and I post a plan with its cost and risk for approval. Say `help` for more.';

export class Conversation {
  constructor(readonly deps: ConversationDeps) {}

  private post(input: InboundText, card: Card): Promise<PostedMessage> {
    return this.deps.publisher.post(input.thread, card, null);
  }

  private at(): string {
    return this.deps.now().toISOString();
  }

  /** Always answers with at least one card; never throws for bad input. */
  async submit(input: InboundText): Promise<PostedMessage[]> {
    // A value typed under a secret-looking key (`db_password=…`) is masked from here on, everywhere.
    secrets.learnSecretsIn(input.text);
    try {
      // "for two weeks", `ttl=14d`: a lifetime for what the request creates; the rest is routed.
      const lifetime = takeLifetime(input.text);
      if (lifetime.invalid)
        throw new GreenlightError('bad_request', `ttl=${lifetime.invalid} is not a duration: say ttl=36h, ttl=7d or ttl=2w.`);
      if (lifetime.ms && lifetime.said) input = { ...input, text: lifetime.text, lifetime: { ms: lifetime.ms, said: lifetime.said } };
      const memory = parseMemoryCommand(input.text);
      if (memory) return [await this.post(input, await memoryAnswer(this.deps.db, input.user, memory))];
      const locks = parseLockCommand(input.text);
      if (locks) return [await this.post(input, await lockAnswer(this.deps, locks, input.user))];
      const modified = await followUp(this.deps, input);
      if (modified) return modified;
      const again = await this.lastRequest(input);
      if (again) return again;
      const route = await this.deps.router.route(input.text);
      (input.log ?? this.deps.log).debug(
        { intent: route.intent, confidence: route.confidence, source: route.source, decidedBy: route.decidedBy },
        'routed',
      );
      // "provision redis": no capability provisions it; say so, never plan the nearest one.
      if (route.refusal) throw new GreenlightError('bad_request', route.refusal);
      if (route.source !== 'grammar' && route.intent !== 'general' && route.confidence < this.deps.confidenceThreshold) {
        return [await this.didYouMean(input, route)];
      }
      const log = (input.log ?? this.deps.log).child({ capability: route.intent });
      return await this.proceed({ ...input, log }, route.intent, route.params, route);
    } catch (error) {
      return [await this.fail(input, error)];
    }
  }

  private async fail(input: InboundText, error: unknown, capability = 'chat'): Promise<PostedMessage> {
    const coded = toGreenlightError(error);
    if (coded.code === 'internal') (input.log ?? this.deps.log).error({ err: error, user: input.user }, 'request failed');
    this.deps.metrics.requests.inc({ capability, outcome: coded.code });
    return this.post(input, errorCard(coded));
  }

  /** Continues with a known intent: last request, defaults from memory, validation, form or run. */
  private async proceed(
    input: InboundText,
    intent: IntentId,
    routed: Params,
    route?: Partial<RouteResult> & { notes?: string[] },
  ): Promise<PostedMessage[]> {
    if (intent === 'general') {
      this.deps.metrics.requests.inc({ capability: 'general', outcome: 'answered' });
      return [await this.post(input, noteCard('Hello', GENERAL_ANSWER))];
    }
    const profile = await readProfile(this.deps.db, input.user);
    let params: Params = routed;
    const notes = [...(route?.notes ?? [])];
    const cap = byId.get(intent);
    if (!cap) {
      this.deps.metrics.requests.inc({ capability: intent, outcome: 'not_available' });
      const available = capabilities.filter((c) => c.kind !== 'query').map((c) => c.usage.split(' ').slice(0, 2).join(' '));
      return [
        await this.post(
          input,
          errorCard(
            new GreenlightError(
              'not_available',
              `I understood "${intent}", but that capability is not available yet. Available now: ${available.join(', ')}.`,
            ),
          ),
        ),
      ];
    }
    params = capabilityParams(intent, params);
    // "check for drift in prod": every stack of that environment, not a form asking for one.
    const environment = isEnvironment(params.environment) ? params.environment : undefined;
    if (intent === 'drift_scan' && !params.stack && environment) return sweepDrift(this.deps, input, cap, environment);
    if (intent === 'deployment_history' && /\b(i|my|me|mine)\b/i.test(input.text)) params.user = input.user;
    const context = await contextStack(this.deps.db, input, cap, params, profile.lastRequest?.stack);
    if (context) {
      params[intent === 'stack_status' ? 'target' : 'stack'] = context.stack;
      notes.push(context.note);
    }
    // Defaults from memory fill only what the schema takes and the request left out, and only
    // for changes: on a query (stacks, history, costs) an environment is a filter, and one taken
    // from memory would silently hide the rest.
    const keys = new Set(cap.kind === 'query' ? [] : paramNames(cap.params));
    const defaults = defaultsOf(profile);
    const filled: string[] = [];
    for (const key of DEFAULT_KEYS) {
      const value = defaults[key];
      if (keys.has(key) && params[key] === undefined && value) {
        params[key] = value;
        filled.push(`${key}=${value}`);
      }
    }
    // A remembered value this capability cannot take (an Azure region on an AWS request) is left
    // out, and said, rather than failing the request on something the user did not type.
    const refused: string[] = [];
    for (const issue of filled.length ? (cap.params.safeParse(params).error?.issues ?? []) : []) {
      const key = String(issue.path[0] ?? '');
      const at = filled.findIndex((f) => f.startsWith(`${key}=`));
      if (at < 0) continue;
      refused.push(`${filled[at]} (${issue.message})`);
      filled.splice(at, 1);
      delete params[key];
    }
    if (filled.length) notes.push(`Filled from your memory: ${filled.join(', ')} (say "forget my defaults" to stop).`);
    if (refused.length) notes.push(`Not taken from your memory, not valid here: ${refused.join('; ')}.`);
    const parsed = cap.params.safeParse(params);
    if (!parsed.success) {
      const missingOnly = parsed.error.issues.every((i) => i.path.length > 0 && params[String(i.path[0])] === undefined);
      const intro =
        route?.grammarError ??
        (missingOnly ? `${cap.title}: I still need ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}.` : undefined);
      // A form for a weak guess would be presumptuous: ask which request was meant first.
      const weakGuess = route?.source === 'classifier' && (route.confidence ?? 1) < FORM_CONFIDENCE && !route.grammarError;
      if (weakGuess && route.alternatives && route.decidedBy) return [await this.didYouMean(input, route as RouteResult)];
      if (missingOnly || route?.grammarError)
        return [await this.form(input, cap, params, intro ?? describeIssues(parsed.error.issues), notes)];
      throw new GreenlightError('bad_request', `${describeIssues(parsed.error.issues)}. Usage: \`${cap.usage}\``);
    }
    try {
      return await this.deps.workflow.execute(input, cap, parsed.data as Params, notes);
    } catch (error) {
      return [await this.fail(input, error, cap.id)];
    }
  }

  /** "same as last time but in staging": the last request, with what this message says on top. */
  private async lastRequest(input: InboundText): Promise<PostedMessage[] | null> {
    if (!wantsLastRequest(input.text)) return null;
    const last = (await readProfile(this.deps.db, input.user)).lastRequest;
    if (!last?.params) return null;
    const intent = last.capability as IntentId;
    // A secret of the last request was kept as a fingerprint: ask for it again rather than reuse that.
    const kept = Object.fromEntries(Object.entries(last.params).filter(([, v]) => !(typeof v === 'string' && secrets.isFingerprint(v))));
    const said = extractParams(
      intent,
      input.text,
      this.deps.stacks.list().map((s) => s.name),
    );
    const params = { ...kept, ...said };
    // "but in staging" on a stack request means that project's staging stack, not the old stack
    // with a new label: the stack moves with the environment (and is refused if not configured).
    if (typeof kept.stack === 'string' && !said.stack && typeof said.environment === 'string') {
      params.stack = `${kept.stack.split('/')[0]}/${said.environment}`;
    }
    return this.proceed(input, intent, params, { source: 'grammar', notes: [`Based on your last request: "${last.text}".`] });
  }

  private async form(input: InboundText, cap: Capability, params: Params, intro: string, notes: string[] = []): Promise<PostedMessage> {
    const saved = await saveClarification(this.deps.db, {
      kind: 'form',
      user: input.user,
      thread: input.thread,
      text: input.text,
      intent: cap.id,
      params,
      createdAt: this.at(),
    });
    const card = formCard({
      id: saved.id,
      title: cap.title,
      intro,
      fields: formFields(cap.params, params),
      submitLabel: cap.kind === 'query' ? 'Show' : 'Plan it',
      context: [...notes, 'Nothing changes until a plan is approved.'],
    });
    this.deps.metrics.requests.inc({ capability: cap.id, outcome: 'clarification' });
    return this.post(input, card);
  }

  /** The form's card stops asking once answered: no fields, no "needs input" badge. */
  private async markFormAnswered(thread: InboundText['thread'], formId: string, user: PrincipalId): Promise<void> {
    if (thread.channel !== 'console') return; // Slack and Teams forms close themselves (modal, card refresh)
    const message = (await listMessages(this.deps.db, thread.id)).find((m) =>
      m.card.blocks.some((b) => b.type === 'form' && b.id === formId),
    );
    if (!message) return;
    const blocks = message.card.blocks.filter((b) => b.type !== 'form');
    await this.deps.publisher.update(thread, message.id, {
      ...message.card,
      status: 'answered',
      tone: 'neutral',
      blocks: [...blocks, { type: 'text', text: `Answered by ${user} at ${this.at()}.` }],
    });
  }

  private async didYouMean(input: InboundText, route: RouteResult): Promise<PostedMessage> {
    const saved = await saveClarification(this.deps.db, {
      kind: 'choice',
      user: input.user,
      thread: input.thread,
      text: input.text,
      intent: null,
      params: {},
      createdAt: this.at(),
    });
    const choices = route.alternatives.filter((a) => a.intent !== 'general').slice(0, 3);
    const closest = route.decidedBy.length ? ` (closest words: ${route.decidedBy.join(', ')})` : '';
    const card = choiceCard({
      id: saved.id,
      text: `I am not sure what "${input.text}" asks for.${closest}`,
      choices: choices.map((c) => ({
        intent: c.intent,
        label: `${byId.get(c.intent)?.title ?? c.intent.replace(/_/g, ' ')} (${Math.round(c.confidence * 100)}%)`,
      })),
      context: ['Or rephrase, or say `help`.'],
    });
    this.deps.metrics.requests.inc({ capability: route.intent, outcome: 'did_you_mean' });
    return this.post(input, card);
  }

  private async answered(id: string, user: PrincipalId, kind: 'form' | 'choice') {
    const clarification = await findClarification(this.deps.db, id);
    if (!clarification || clarification.kind !== kind) throw new GreenlightError('not_found', `There is no open question ${id}.`);
    if (clarification.user !== user) throw new GreenlightError('permission_denied', `Only ${clarification.user} can answer this question.`);
    if (!(await resolveClarification(this.deps.db, id, this.at())))
      throw new GreenlightError('already_decided', `Question ${id} was already answered.`);
    return clarification;
  }

  /** A "did you mean …?" button. */
  async choose(user: PrincipalId, clarificationId: string, choice: string): Promise<PostedMessage[]> {
    const c = await this.answered(clarificationId, user, 'choice');
    const intent = choice as IntentId;
    const input: InboundText = { user, text: c.text, thread: c.thread };
    try {
      return await this.proceed(
        input,
        intent,
        extractParams(
          intent,
          c.text,
          this.deps.stacks.list().map((s) => s.name),
        ),
      );
    } catch (error) {
      return [await this.fail(input, error)];
    }
  }

  /** A submitted clarification form. */
  async submitForm(user: PrincipalId, formId: string, values: Record<string, string>): Promise<PostedMessage[]> {
    const c = await this.answered(formId, user, 'form');
    const cap = byId.get(c.intent ?? '');
    if (!cap) throw new GreenlightError('not_found', `Question ${formId} has no capability.`);
    const input: InboundText = { user, text: c.text, thread: c.thread };
    await this.markFormAnswered(c.thread, formId, user);
    try {
      return await this.proceed(input, cap.id as IntentId, { ...c.params, ...valuesFromForm(cap.params, values) }, { source: 'grammar' });
    } catch (error) {
      return [await this.fail(input, error)];
    }
  }
}
