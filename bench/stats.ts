import { percentile } from '../src/observability/percentile.ts';

export { percentile };

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

export function ms(n: number): string {
  return `${n.toFixed(n < 1 ? 3 : 1)} ms`;
}
