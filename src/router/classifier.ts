import type { Intent, IntentId } from './intents.ts';
import { words } from './normalise.ts';

// The offline intent classifier: multinomial naive Bayes over words and word pairs, trained at
// start from the examples in intents/. Fast (a dictionary lookup per token) and explainable: the
// words that decided are the ones whose likelihood most favours the winner over the runner-up.

export interface Classification {
  intent: IntentId;
  confidence: number;
  /** The 2–3 best intents with their confidence, best first. */
  ranking: { intent: IntentId; confidence: number }[];
  /** The words that decided, strongest first. */
  decidedBy: string[];
}

/** Entities become placeholders so "deploy sandbox/dev" teaches "deploy <stack>", not the name. */
export function tokenize(text: string): string[] {
  const normalised = text
    .toLowerCase()
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g, ' cidr ')
    .replace(/\bcr-[0-9a-f]+\b/g, ' requestid ')
    .replace(/\b[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*\b/g, ' stackname ')
    .replace(/\b\d+\b/g, ' num ')
    // Hyphenated phrases ("dry-run", "out-of-band") count as their words.
    .replace(/[^a-z0-9\s]/g, ' ');
  return words(normalised);
}

function features(text: string): string[] {
  const words = tokenize(text);
  const pairs = words.slice(1).map((w, i) => `${words[i]}_${w}`);
  return [...words, ...pairs];
}

export class IntentClassifier {
  private readonly logPrior = new Map<IntentId, number>();
  private readonly logLikelihood = new Map<IntentId, Map<string, number>>();
  private readonly logUnseen = new Map<IntentId, number>();
  private readonly intents: IntentId[];

  constructor(
    intents: Intent[],
    private readonly alpha = 0.3,
  ) {
    this.intents = intents.map((i) => i.id);
    const vocabulary = new Set<string>();
    const counts = new Map<IntentId, Map<string, number>>();
    for (const intent of intents) {
      const c = new Map<string, number>();
      for (const example of [intent.description, ...intent.examples]) {
        for (const f of features(example)) {
          c.set(f, (c.get(f) ?? 0) + 1);
          vocabulary.add(f);
        }
      }
      counts.set(intent.id, c);
    }
    const v = vocabulary.size;
    for (const intent of intents) {
      const c = counts.get(intent.id) ?? new Map<string, number>();
      const total = [...c.values()].reduce((a, b) => a + b, 0);
      const denominator = Math.log(total + this.alpha * v);
      const ll = new Map<string, number>();
      for (const [f, n] of c) ll.set(f, Math.log(n + this.alpha) - denominator);
      this.logLikelihood.set(intent.id, ll);
      this.logUnseen.set(intent.id, Math.log(this.alpha) - denominator);
      this.logPrior.set(intent.id, Math.log(1 / intents.length));
    }
  }

  private score(intent: IntentId, fs: string[]): number {
    const ll = this.logLikelihood.get(intent) as Map<string, number>;
    const unseen = this.logUnseen.get(intent) as number;
    let s = this.logPrior.get(intent) as number;
    for (const f of fs) s += ll.get(f) ?? unseen;
    return s;
  }

  classify(text: string): Classification {
    // Words no intent has seen carry no evidence; scoring them only adds noise.
    const known = features(text).filter((f) => this.intents.some((i) => this.logLikelihood.get(i)?.has(f)));
    const scores = this.intents.map((intent) => ({ intent, score: this.score(intent, known) }));
    scores.sort((a, b) => b.score - a.score);
    // Naive Bayes is over-confident on long texts; temper by the number of features.
    const temperature = Math.max(1, Math.sqrt(known.length));
    const top = scores[0]?.score ?? 0;
    const exp = scores.map((s) => Math.exp((s.score - top) / temperature));
    const sum = exp.reduce((a, b) => a + b, 0);
    const ranking = scores.slice(0, 3).map((s, i) => ({ intent: s.intent, confidence: (exp[i] ?? 0) / sum }));
    const winner = scores[0]?.intent ?? 'general';
    const runnerUp = scores[1]?.intent ?? winner;
    const decidedBy = this.explain(winner, runnerUp, known);
    if (known.length === 0) return { intent: 'general', confidence: 0, ranking: [{ intent: 'general', confidence: 0 }], decidedBy: [] };
    return { intent: winner, confidence: ranking[0]?.confidence ?? 0, ranking, decidedBy };
  }

  private explain(winner: IntentId, runnerUp: IntentId, fs: string[]): string[] {
    const w = this.logLikelihood.get(winner) as Map<string, number>;
    const r = this.logLikelihood.get(runnerUp) as Map<string, number>;
    const gain = [...new Set(fs)]
      .map((f) => ({ f, g: (w.get(f) ?? (this.logUnseen.get(winner) as number)) - (r.get(f) ?? (this.logUnseen.get(runnerUp) as number)) }))
      .filter((x) => x.g > 0)
      .sort((a, b) => b.g - a.g);
    return gain.slice(0, 3).map((x) => x.f.replace('_', ' '));
  }
}
