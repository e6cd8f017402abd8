import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { CAPABILITY_IDS, type CapabilityId, capability } from '../capabilities/index.ts';
import { errorCard, helpCard } from '../cards/info-cards.ts';
import type { Card } from '../cards/model.ts';
import { previewCard } from '../cards/plan-card.ts';
import { renderText } from '../cards/render/text.ts';
import type { App } from './app.ts';
import { describeIssues, GreenlightError, toGreenlightError } from './domain/errors.ts';
import type { Plan } from './domain/types.ts';
import { parseCommand } from './router/grammar.ts';
import { capabilityParams } from './router/router.ts';
import { helpEntries } from './workflow/help.ts';

// `greenlight plan "<request>"`: the plan a request would get, without a server and without
// storing a request: capability, params, changes, cost with breakdown, risk with factors,
// policy findings, how it was made. Read-only requests print their answer.

export interface PlanOutput {
  exitCode: number;
  text: string;
  json: unknown;
}

export async function planCommand(app: App, text: string, user = userInfo().username): Promise<PlanOutput> {
  const principal = user.includes(':') ? user : `cli:${user}`;
  const parsed = await understand(app, text);
  const fail = (error: GreenlightError): PlanOutput => ({
    exitCode: error.code === 'internal' ? 1 : 2,
    text: renderText(errorCard(error)),
    json: { error: { code: error.code, message: error.message, next: error.nextStep } },
  });
  if (parsed.kind === 'unknown') {
    const card = helpCard(helpEntries(), `I did not understand "${parsed.text}". These are the commands I know:`);
    return {
      exitCode: 2,
      text: renderText(card),
      json: { error: { code: 'unknown_command', message: `I did not understand "${parsed.text}"` } },
    };
  }
  if (parsed.kind === 'invalid') return fail(new GreenlightError('bad_request', parsed.message));
  try {
    const cap = capability(parsed.capability);
    // "check for drift in prod": a sweep posts a card per stack, which is chat's job; say which.
    const environment = parsed.params.environment;
    if (cap.id === 'drift_scan' && !parsed.params.stack && typeof environment === 'string') {
      const names = app.stacks
        .list()
        .filter((s) => s.environment === environment)
        .map((s) => s.name);
      return fail(
        new GreenlightError(
          'bad_request',
          names.length
            ? `A drift scan of every ${environment} stack runs in chat ("check for drift in ${environment}"). Here, one stack at a time: ${names.map((n) => `\`greenlight plan "drift ${n}"\``).join(', ')}.`
            : `No stacks are configured in ${environment}, so there is nothing to scan for drift.`,
        ),
      );
    }
    const result = cap.params.safeParse(parsed.params);
    if (!result.success) {
      const problems = describeIssues(result.error.issues);
      return fail(new GreenlightError('bad_request', `${problems}. Usage: \`${cap.usage}\``));
    }
    const ctx = { user: principal, services: app.queries };
    if (cap.kind === 'query') {
      const card: Card = await cap.run(result.data, ctx);
      return { exitCode: 0, text: renderText(card), json: { capability: cap.id, params: result.data, card } };
    }
    const draft = await cap.plan(result.data, ctx);
    const plan = await app.planner.planToShow({
      capability: cap.id,
      params: result.data as Record<string, unknown>,
      draft,
      artifactName: `cli-${randomBytes(4).toString('hex')}`,
    });
    return { exitCode: 0, text: planText(plan), json: plan };
  } catch (error) {
    return fail(toGreenlightError(error));
  }
}

/**
 * The command grammar first; free text goes through the router (offline classifier, or the LLM
 * when configured) like a chat message, with any `key=value` pairs in it taken as parameters.
 */
async function understand(app: App, text: string): Promise<ReturnType<typeof parseCommand>> {
  const parsed = parseCommand(text);
  if (parsed.kind === 'command') return parsed;
  // Not a complete command: free text, for the router. The grammar's complaint stands only if the
  // router cannot make more of it.
  const route = await app.router.route(text);
  const id = route.intent as CapabilityId;
  if (!(CAPABILITY_IDS as readonly string[]).includes(id) || route.confidence < app.config.router.confidenceThreshold) return parsed;
  // The grammar's refusal stands where the router kept it ("provision kafka team=data").
  if (parsed.kind === 'invalid' && (route.grammarError || route.refusal)) return parsed;
  return { kind: 'command', capability: id, params: capabilityParams(route.intent, route.params) };
}

function planText(plan: Plan): string {
  const params = Object.entries(plan.params)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const card = previewCard(plan, 'Send the same request in chat to have it planned for approval.');
  return [`Capability: ${plan.capability}${params ? ` (${params})` : ''}`, renderText(card)].join('\n');
}
