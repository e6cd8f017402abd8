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
  fargate: z.array(
    z.object({ region: z.string(), usdPerVcpuHour: z.number().positive(), usdPerGbHour: z.number().positive(), ...sourced }),
  ),
  loadBalancer: z.array(
    z.object({ type: z.string(), region: z.string(), usdPerHour: z.number().positive(), usdPerLcuHour: z.number().positive(), ...sourced }),
  ),
  openaiTokens: z.array(
    z.object({
      model: z.string(),
      usdPerMillionInput: z.number().nonnegative(),
      usdPerMillionOutput: z.number().nonnegative(),
      ...sourced,
    }),
  ),
  openaiProvisioned: z.array(z.object({ sku: z.string(), usdPerPtuHour: z.number().positive(), ...sourced })),
});

/** Where a cloud's prices are taken from when the catalog has none for the asked region. */
export const FALLBACK_REGION = { azure: 'eastus', aws: 'us-east-1', gcp: 'us-central1' } as const;

/** An entry for the region, or the fallback region's (said in `fallback`). */
function regional<T extends { region: string }>(entries: T[], region: string, fallbackRegion: string): (T & { fallback: boolean }) | null {
  const exact = entries.find((e) => e.region === region);
  if (exact) return { ...exact, fallback: false };
  const fallback = entries.find((e) => e.region === fallbackRegion);
  return fallback ? { ...fallback, fallback: true } : null;
}

export function fargateRates(region: string) {
  return regional(catalog.fargate, region, FALLBACK_REGION.aws);
}

export function loadBalancerRates(type: string, region: string) {
  return regional(
    catalog.loadBalancer.filter((e) => e.type === type),
    region,
    FALLBACK_REGION.aws,
  );
}

export function openaiTokenPrices(model: string) {
  return catalog.openaiTokens.find((e) => e.model === model) ?? null;
}

export function openaiPtuHourly(sku: string): number | null {
  return catalog.openaiProvisioned.find((e) => e.sku === sku)?.usdPerPtuHour ?? null;
}

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

/** Object storage price per GB-month for a SKU (Azure account SKU, S3, GCS) and tier, falling back to a region. */
export function storagePerGb(
  sku: string,
  tier: string,
  region: string,
  fallbackRegion: string = catalog.defaultRegion,
): { usdPerGb: number; fallback: boolean } | null {
  const found = regional(
    catalog.storageGbMonth.filter((e) => e.sku === sku && e.tier === tier),
    region,
    fallbackRegion,
  );
  return found ? { usdPerGb: found.usdPerGb, fallback: found.fallback } : null;
}

/** VM hourly price in the region, or in the default region (said in `fallback`) when missing. */
export function vmHourly(size: string, region: string): { hourlyUsd: number; fallback: boolean } | null {
  const found = regional(
    catalog.vmHourly.filter((e) => e.size === size),
    region,
    catalog.defaultRegion,
  );
  return found ? { hourlyUsd: found.hourlyUsd, fallback: found.fallback } : null;
}
