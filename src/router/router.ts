import { capabilities } from '../../capabilities/index.ts';
import { secrets } from '../domain/redaction.ts';
import type { Logger } from '../observability/logger.ts';
import { type Classification, IntentClassifier } from './classifier.ts';
import { extractParams } from './extract.ts';
import { parseCommand } from './grammar.ts';
import { INTENT_IDS, type Intent, type IntentId } from './intents.ts';
import type { LlmRouter } from './llm-router.ts';
import { LogisticClassifier } from './logistic.ts';
import { cloudOf, environmentOf, explicitPairs, type Params, paramNames, regionOf, stackOf } from './params.ts';

// Text → { intent, params, confidence }: the command grammar first; then the LLM router when one
// is configured, falling back to the offline classifier on any error, timeout or invalid output.

export interface RouteResult {
  intent: IntentId;
  /** Parameters as the intent names them (normalised); capabilityParams() maps them. */
  params: Params;
  confidence: number;
  source: 'grammar' | 'classifier' | 'llm';
  alternatives: { intent: IntentId; confidence: number }[];
  /** Offline: the words that decided. */
  decidedBy: string[];
  /** The grammar knew the command word but not the rest ("set sandbox/dev replicas"). */
  grammarError?: string;
  /** The text asks for something no capability does ("provision redis"): answer this and stop. */
  refusal?: string;
  /** Why the LLM router was not used for this message, when it was configured. */
  fallbackReason?: string;
}

const byId = new Map<string, (typeof capabilities)[number]>(capabilities.map((c) => [c.id, c]));

const isIntent = (id: string): id is IntentId => (INTENT_IDS as readonly string[]).includes(id);

const AZURE_INTENTS = new Set<IntentId>(['provision_databricks', 'provision_openai']);

/** LLM parameters go through the same normalisation as the offline extractors. */
export function normaliseParams(intent: IntentId, params: Params, stacks: readonly string[]): Params {
  const out: Params = { ...params };
  if (typeof out.environment === 'string') out.environment = environmentOf(out.environment) ?? out.environment;
  if (typeof out.region === 'string') {
    const cloud = AZURE_INTENTS.has(intent) ? 'azure' : intent === 'provision_ecs_service' ? 'aws' : cloudOf(String(out.cloud ?? ''));
    out.region = regionOf(out.region, cloud) ?? out.region.toLowerCase().replace(/\s+/g, '');
  }
  if (typeof out.team === 'string') out.team = out.team.toLowerCase().trim().replace(/\s+/g, '-');
  if (typeof out.stack === 'string') out.stack = stackOf(out.stack, stacks) ?? out.stack;
  for (const key of ['port', 'desired_count', 'min_workers', 'max_workers']) {
    if (typeof out[key] === 'string' && /^\d+$/.test(out[key] as string)) out[key] = Number(out[key]);
  }
  return out;
}

/** Intent parameters → the capability's parameter names. */
export function capabilityParams(intent: IntentId, params: Params): Params {
  if (intent === 'stack_status') {
    const { stack, request, ...rest } = params;
    return { ...rest, ...(stack || request ? { target: stack ?? request } : {}) };
  }
  return params;
}

/** The grammar speaks capability parameters; routing results speak intent parameters. */
function intentParams(intent: IntentId, params: Params): Params {
  let out = params;
  if (intent === 'stack_status' && typeof params.target === 'string') {
    const { target, ...rest } = params;
    out = { ...rest, [/^cr-[0-9a-f]+$/.test(target) ? 'request' : 'stack']: target };
  }
  // A stack implies its environment, on every path (the classifier's extractors say it too).
  const environment = typeof out.stack === 'string' ? environmentOf(out.stack.split('/')[1] ?? '') : undefined;
  return environment && out.environment === undefined ? { ...out, environment } : out;
}

/** Whether the text names a provisioning capability by one of its aliases; other intents always count. */
function namesCapability(intent: IntentId, text: string): boolean {
  const cap = byId.get(intent);
  if (cap?.kind !== 'provision') return true;
  const words = new Set(text.toLowerCase().split(/[^a-z0-9_]+/));
  return (cap.aliases ?? []).some((alias) => words.has(alias));
}

/** Free text's parameters with the user's own `key=value` pairs on top (normalised alike). */
function withExplicitPairs(intent: IntentId, text: string, params: Params, stacks: readonly string[]): Params {
  const cap = byId.get(intent);
  if (!cap) return params;
  const typed = explicitPairs(text, paramNames(cap.params), cap.paramAliases);
  return Object.keys(typed).length ? { ...params, ...normaliseParams(intent, typed, stacks) } : params;
}

export type ClassifierKind = 'logistic' | 'bayes';

export class Router {
  private trained: { classify(text: string, projects?: readonly string[]): Classification } | undefined;

  constructor(
    private readonly intents: Intent[],
    private readonly stacks: () => readonly string[],
    private readonly llm: LlmRouter | null,
    private readonly log: Logger,
    private readonly kind: ClassifierKind = 'logistic',
  ) {}

  /** Trained on first use (~100 ms): a complete command (`greenlight plan "deploy sandbox/dev"`) never waits for it. */
  get classifier(): { classify(text: string, projects?: readonly string[]): Classification } {
    this.trained ??= this.kind === 'bayes' ? new IntentClassifier(this.intents) : new LogisticClassifier(this.intents);
    return this.trained;
  }

  get usesLlm(): boolean {
    return this.llm !== null;
  }

  /** Grammar, then the offline classifier. Synchronous and network-free. */
  routeOffline(text: string): RouteResult {
    const grammar = parseCommand(text);
    if (grammar.kind === 'command' && isIntent(grammar.capability)) {
      return {
        intent: grammar.capability,
        params: intentParams(grammar.capability, grammar.params),
        confidence: 1,
        source: 'grammar',
        alternatives: [],
        decidedBy: [],
      };
    }
    const c = this.classifier.classify(
      text,
      this.stacks().map((s) => s.split('/')[0] as string),
    );
    const result: RouteResult = {
      intent: c.intent,
      params: withExplicitPairs(c.intent, text, extractParams(c.intent, text, this.stacks()), this.stacks()),
      confidence: c.confidence,
      source: 'classifier',
      alternatives: c.ranking,
      decidedBy: c.decidedBy,
    };
    // Only a complete, valid command belongs to the grammar. A message that starts like one but
    // does not parse ("deploy a fargate service called checkout…") is free text: the classifier
    // decides. The grammar's complaint stands when both mean the same thing and the router cannot
    // complete the request either ("set sandbox/dev replicas": which value?), or when the guess is
    // a provisioning capability the text never names ("provision kafka": not Databricks). When the
    // router understands it all ("destroy the old billing stack in staging"), it is answered.
    if (grammar.kind === 'invalid') {
      const incomplete = grammar.capability === c.intent && !this.complete(c.intent, result.params);
      if (incomplete) result.grammarError = grammar.message;
      if (!namesCapability(c.intent, text)) result.refusal = grammar.message;
    }
    return result;
  }

  /** Whether these parameters satisfy the capability's schema as they stand. */
  private complete(intent: IntentId, params: Params): boolean {
    const cap = byId.get(intent);
    return cap ? cap.params.safeParse(capabilityParams(intent, params)).success : false;
  }

  async route(text: string): Promise<RouteResult> {
    const offline = this.routeOffline(text);
    if (!this.llm || offline.source === 'grammar' || offline.refusal) return offline;
    try {
      // The model is outside: it reads the message with its secrets replaced (the parameters a
      // secret belongs to are extracted locally below, from the real text).
      const llm = await this.llm.route(secrets.text(text), this.stacks());
      // Fill what the model left out with what the rules found in the text.
      const extracted = extractParams(llm.intent, text, this.stacks());
      const params = withExplicitPairs(
        llm.intent,
        text,
        { ...extracted, ...normaliseParams(llm.intent, llm.params, this.stacks()) },
        this.stacks(),
      );
      return {
        intent: llm.intent,
        params,
        confidence: llm.confidence,
        source: 'llm',
        alternatives: [],
        decidedBy: [],
        ...(offline.grammarError ? { grammarError: offline.grammarError } : {}),
        ...(offline.refusal ? { refusal: offline.refusal } : {}),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      this.log.warn({ reason }, 'LLM router failed; using the offline router');
      return { ...offline, fallbackReason: reason };
    }
  }
}
