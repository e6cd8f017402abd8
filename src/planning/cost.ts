import { z } from 'zod';
import type { Cost, CostLine, ResourceChange } from '../domain/types.ts';
import catalogJson from './pricing-catalog.json' with { type: 'json' };

// Monthly cost from the pricing catalog (data, each entry with its source and date). A type the
// catalog does not know is listed as "not priced", never counted as zero.

const catalogSchema = z.object({
  currency: z.literal('USD'),
  hoursPerMonth: z.number().positive(),
  entries: z.array(
    z.object({
      type: z.string(),
      monthlyUsd: z.number().nonnegative().optional(),
      hourlyUsd: z.number().nonnegative().optional(),
      source: z.string().min(1),
      date: z.string(),
    }),
  ),
});
const catalog = catalogSchema.parse(catalogJson);
const byType = new Map(catalog.entries.map((e) => [e.type, e]));

function monthlyOf(type: string): number | null {
  const entry = byType.get(type);
  if (!entry) return null;
  if (entry.monthlyUsd !== undefined) return entry.monthlyUsd;
  if (entry.hourlyUsd !== undefined) return entry.hourlyUsd * catalog.hoursPerMonth;
  return null;
}

const EXISTS_BEFORE = new Set(['no-op', 'update', 'replace', 'delete']);
const EXISTS_AFTER = new Set(['no-op', 'update', 'replace', 'create']);

export function estimateCost(changes: ResourceChange[]): Cost {
  const breakdown: CostLine[] = [];
  let after = 0;
  let before = 0;
  let unpriced = 0;
  for (const change of changes) {
    if (change.operation === 'read') continue;
    const monthly = monthlyOf(change.type);
    if (monthly === null) {
      unpriced += 1;
      breakdown.push({
        address: change.address,
        monthlyUsd: null,
        note: `${change.type} is not in the pricing catalog`,
      });
      continue;
    }
    if (EXISTS_BEFORE.has(change.operation)) before += monthly;
    if (EXISTS_AFTER.has(change.operation)) after += monthly;
    if (change.operation !== 'no-op') breakdown.push({ address: change.address, monthlyUsd: change.operation === 'delete' ? 0 : monthly });
  }
  const priced = changes.length - unpriced;
  const assumptions = [`${catalog.hoursPerMonth} hours a month`, 'list prices in USD, before discounts'];
  if (unpriced > 0) assumptions.push(`${unpriced} resource(s) not priced: the total leaves them out`);
  if (priced === 0 && changes.length > 0) return { monthlyUsd: null, deltaUsd: null, breakdown, assumptions };
  return { monthlyUsd: round(after), deltaUsd: round(after - before), breakdown, assumptions };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
