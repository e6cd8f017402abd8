import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { describeIssues } from './domain/errors.ts';
import { percentile } from './observability/percentile.ts';
import { INTENT_IDS } from './router/intents.ts';
import type { Router } from './router/router.ts';

// `greenlight eval <file.jsonl> [--json]`: routes every line and measures intent accuracy,
// parameter accuracy (over the params each line names) and latency, offline and — when one is
// configured — through the LLM router too.

const lineSchema = z.object({ text: z.string().min(1), intent: z.enum(INTENT_IDS), params: z.record(z.string(), z.unknown()).default({}) });
export type EvalLine = z.infer<typeof lineSchema>;

export interface EvalResult {
  router: 'offline' | 'llm';
  n: number;
  intentAccuracy: number;
  paramAccuracy: number;
  p50Ms: number;
  p99Ms: number;
  misses: string[];
  /** One line per corpus line: ok or MISS, expected → predicted intent, the normalised parameters. */
  details: string[];
}

export function readCorpus(file: string): EvalLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => {
      const parsed = lineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${describeIssues(parsed.error.issues, 'line')}`);
      return parsed.data;
    });
}

const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

export async function evaluate(router: Router, lines: EvalLine[], mode: 'offline' | 'llm'): Promise<EvalResult> {
  let intents = 0;
  let paramsRight = 0;
  let paramsTotal = 0;
  const times: number[] = [];
  const misses: string[] = [];
  const details: string[] = [];
  for (const line of lines) {
    const started = performance.now();
    const route = mode === 'offline' ? router.routeOffline(line.text) : await router.route(line.text);
    times.push(performance.now() - started);
    if (route.intent === line.intent) intents += 1;
    else misses.push(`intent  ${line.intent} → ${route.intent} (${route.confidence.toFixed(2)}): ${line.text}`);
    for (const [key, expected] of Object.entries(line.params)) {
      paramsTotal += 1;
      if (isDeepStrictEqual(route.params[key], expected)) paramsRight += 1;
      else misses.push(`param   ${key}: ${JSON.stringify(expected)} → ${JSON.stringify(route.params[key])}: ${line.text}`);
    }
    const right = route.intent === line.intent && Object.entries(line.params).every(([k, v]) => isDeepStrictEqual(route.params[k], v));
    details.push(
      `${right ? 'ok  ' : 'MISS'}  ${line.intent} → ${route.intent} (${route.confidence.toFixed(2)})  ${JSON.stringify(route.params)}  « ${line.text} »`,
    );
  }
  return {
    router: mode,
    n: lines.length,
    intentAccuracy: round(intents / Math.max(1, lines.length)),
    paramAccuracy: round(paramsTotal ? paramsRight / paramsTotal : 1),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
    misses,
    details,
  };
}

export function formatResult(r: EvalResult): string {
  return [
    `${r.router} router on ${r.n} lines: intent accuracy ${r.intentAccuracy}, parameter accuracy ${r.paramAccuracy}, latency p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`,
    ...(r.misses.length ? [`misses (${r.misses.length}):`, ...r.misses.map((m) => `  ${m}`)] : ['no misses']),
  ].join('\n');
}
