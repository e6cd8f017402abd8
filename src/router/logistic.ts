import type { Classification } from './classifier.ts';
import type { Intent, IntentId } from './intents.ts';
import { normalise, stackProjects } from './normalise.ts';

// The offline intent classifier: multinomial logistic regression over the normalised words, word
// pairs and character trigrams of each word (so a typo still shares most of its trigrams), trained
// at start on the examples in intents/ (a few hundred, ~50 ms). It stays explainable: the words
// that decided are the features whose weights most favour the winner over the runner-up.

const EPOCHS = 40;
const LEARNING_RATE = 0.5;
const L2 = 1e-4;

function features(text: string, projects: readonly string[]): string[] {
  const words = normalise(text, projects);
  const out = new Set<string>();
  for (const [i, w] of words.entries()) {
    out.add(`w:${w}`);
    if (i > 0) out.add(`b:${words[i - 1]}_${w}`);
    if (w.length > 3 && !w.endsWith('name') && w !== 'num') {
      const padded = `^${w}$`;
      for (let j = 0; j + 3 <= padded.length; j++) out.add(`c:${padded.slice(j, j + 3)}`);
    }
  }
  return [...out];
}

export class LogisticClassifier {
  private readonly index = new Map<string, number>();
  private readonly intents: IntentId[];
  /** weights[class][feature], plus a bias per class. */
  private readonly weights: Float64Array[];
  private readonly bias: Float64Array;
  /** Stack projects the examples name ("sandbox"): read as stack names, like configured ones. */
  private readonly projects: string[];

  constructor(intents: Intent[]) {
    this.intents = intents.map((i) => i.id);
    this.projects = stackProjects(intents.flatMap((i) => i.examples));
    const samples: { x: number[]; y: number }[] = [];
    for (const [y, intent] of intents.entries()) {
      for (const example of [intent.description, ...intent.examples]) {
        const x = features(example, this.projects).map((f) => {
          let id = this.index.get(f);
          if (id === undefined) {
            id = this.index.size;
            this.index.set(f, id);
          }
          return id;
        });
        samples.push({ x, y });
      }
    }
    const k = this.intents.length;
    this.weights = Array.from({ length: k }, () => new Float64Array(this.index.size));
    this.bias = new Float64Array(k);
    this.train(samples);
  }

  private logits(x: readonly number[]): Float64Array {
    const z = new Float64Array(this.intents.length);
    for (let c = 0; c < z.length; c++) {
      let s = this.bias[c] as number;
      const w = this.weights[c] as Float64Array;
      for (const f of x) s += w[f] as number;
      z[c] = s;
    }
    return z;
  }

  /** In place (training runs it ~20,000 times at start): the same arithmetic, no allocations. */
  private static softmax(z: Float64Array): Float64Array {
    let max = Number.NEGATIVE_INFINITY;
    for (const v of z) if (v > max) max = v;
    let sum = 0;
    for (let i = 0; i < z.length; i++) {
      z[i] = Math.exp((z[i] as number) - max);
      sum += z[i] as number;
    }
    for (let i = 0; i < z.length; i++) z[i] = (z[i] as number) / sum;
    return z;
  }

  /** Stochastic gradient descent, deterministic order (the same examples give the same model). */
  private train(samples: { x: number[]; y: number }[]): void {
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const rate = LEARNING_RATE / (1 + epoch * 0.1);
      for (let n = 0; n < samples.length; n++) {
        // A fixed permutation per epoch (multiplicative stride) instead of a random shuffle.
        const sample = samples[(n * 7919 + epoch * 104729) % samples.length] as { x: number[]; y: number };
        const p = LogisticClassifier.softmax(this.logits(sample.x));
        const scale = rate / Math.sqrt(sample.x.length || 1);
        for (let c = 0; c < p.length; c++) {
          const g = (p[c] as number) - (c === sample.y ? 1 : 0);
          const w = this.weights[c] as Float64Array;
          for (const f of sample.x) w[f] = (w[f] as number) * (1 - L2) - scale * g;
          this.bias[c] = (this.bias[c] as number) - rate * g * 0.1;
        }
      }
    }
  }

  /** `projects`: the configured stacks' projects, read as stack names. */
  classify(text: string, projects: readonly string[] = []): Classification {
    const x = features(text, projects.length ? [...new Set([...this.projects, ...projects])] : this.projects)
      .map((f) => this.index.get(f))
      .filter((f): f is number => f !== undefined);
    if (x.length === 0) return { intent: 'general', confidence: 0, ranking: [{ intent: 'general', confidence: 0 }], decidedBy: [] };
    const p = LogisticClassifier.softmax(this.logits(x));
    const order = [...p.keys()].sort((a, b) => (p[b] as number) - (p[a] as number));
    const ranking = order.slice(0, 3).map((c) => ({ intent: this.intents[c] as IntentId, confidence: p[c] as number }));
    const [winner = 0, runnerUp = 0] = order;
    return {
      intent: this.intents[winner] as IntentId,
      confidence: p[winner] as number,
      ranking,
      decidedBy: this.explain(winner, runnerUp, x),
    };
  }

  private explain(winner: number, runnerUp: number, x: number[]): string[] {
    const names = [...this.index.keys()];
    const w = this.weights[winner] as Float64Array;
    const r = this.weights[runnerUp] as Float64Array;
    return x
      .filter((f) => !names[f]?.startsWith('c:'))
      .map((f) => ({ f, g: (w[f] as number) - (r[f] as number) }))
      .filter((v) => v.g > 0)
      .sort((a, b) => b.g - a.g)
      .slice(0, 3)
      .map((v) => (names[v.f] ?? '').slice(2).replace('_', ' '));
  }
}
