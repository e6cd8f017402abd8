import { z } from 'zod';
import catalogJson from './pricing-catalog.json' with { type: 'json' };

// The pricing catalog, checked at load. Lookups answer null for anything not in it: the caller
// lists that as "not priced", never as zero.

const sourced = { source: z.string().min(1), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) };
const catalogSchema = z.object({
  currency: z.literal('USD'),
  hoursPerMonth: z.number().positive(),
  defaultRegion: z.string(),
  note: z.string(),
  fixed: z.array(z.object({ type: z.string(), monthlyUsd: z.number().nonnegative(), ...sourced })),
  databricksDbuRate: z.array(z.object({ sku: z.string(), workload: z.string(), usdPerDbu: z.number().nonnegative(), ...sourced })),
  databricksDbuPerNodeHour: z.array(z.object({ size: z.string(), dbu: z.number().positive(), ...sourced })),
  vmHourly: z.array(z.object({ size: z.string(), region: z.string(), hourlyUsd: z.number().positive(), ...sourced })),
  storageGbMonth: z.array(z.object({ sku: z.string(), tier: z.string(), region: z.string(), usdPerGb: z.number().positive(), ...sourced })),
});

export const catalog = catalogSchema.parse(catalogJson);

export function fixedMonthly(type: string): number | null {
  return catalog.fixed.find((e) => e.type === type)?.monthlyUsd ?? null;
}

export function dbuRate(sku: string, workload = 'all-purpose'): number | null {
  return catalog.databricksDbuRate.find((e) => e.sku === sku && e.workload === workload)?.usdPerDbu ?? null;
}

export function dbuPerNodeHour(size: string): number | null {
  return catalog.databricksDbuPerNodeHour.find((e) => e.size === size)?.dbu ?? null;
}

/** Blob storage price per GB-month for an account SKU and tier, falling back to the default region. */
export function storagePerGb(sku: string, tier: string, region: string): { usdPerGb: number; fallback: boolean } | null {
  const exact = catalog.storageGbMonth.find((e) => e.sku === sku && e.tier === tier && e.region === region);
  if (exact) return { usdPerGb: exact.usdPerGb, fallback: false };
  const fallback = catalog.storageGbMonth.find((e) => e.sku === sku && e.tier === tier && e.region === catalog.defaultRegion);
  return fallback ? { usdPerGb: fallback.usdPerGb, fallback: true } : null;
}

/** VM hourly price in the region, or in the default region (said in `fallback`) when missing. */
export function vmHourly(size: string, region: string): { hourlyUsd: number; fallback: boolean } | null {
  const exact = catalog.vmHourly.find((e) => e.size === size && e.region === region);
  if (exact) return { hourlyUsd: exact.hourlyUsd, fallback: false };
  const fallback = catalog.vmHourly.find((e) => e.size === size && e.region === catalog.defaultRegion);
  return fallback ? { hourlyUsd: fallback.hourlyUsd, fallback: true } : null;
}
