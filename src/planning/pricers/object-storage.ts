import { FALLBACK_REGION, storagePerGb } from '../catalog.ts';
import type { Pricing, PricingContext } from '../cost.ts';

// Storage accounts, S3 and GCS buckets cost what they store: GB-months at the class's price
// (`size_gb` from the capability, else 100 GB assumed). Requests and egress depend on use and are
// left out (said in the assumptions); lifecycle moves to colder classes make this an upper bound
// for older data.

interface StoredData {
  /** Catalog key (Azure account SKU, S3, GCS) and storage class / tier. */
  sku: string;
  tier: string;
  region: string;
  fallbackRegion: string;
  /** How the line names it, e.g. "Hot Standard_ZRS" or "S3 Standard". */
  name: string;
}

function priceStoredData(s: StoredData, ctx: PricingContext): Pricing | { notPriced: string } {
  const price = storagePerGb(s.sku, s.tier, s.region, s.fallbackRegion);
  if (!price) return { notPriced: `no ${s.name} storage price in the catalog` };
  const gb = ctx.hints.storageGb ?? 100;
  return {
    lines: [{ label: `${gb} GB ${s.name} × $${price.usdPerGb}/GB-month`, monthlyUsd: gb * price.usdPerGb }],
    assumptions: [
      `stores ${gb} GB${ctx.hints.storageGb ? '' : ' (assumed; say size_gb=…)'}; requests (read/write operations) and egress not included`,
      ...(price.fallback ? [`no ${s.region} ${s.name} price in the catalog: ${s.fallbackRegion} price used`] : []),
    ],
  };
}

export function priceStorageAccount(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const sku = String((inputs.sku as { name?: unknown } | undefined)?.name ?? 'Standard_LRS');
  const tier = String(inputs.accessTier ?? 'Hot');
  const region = String(inputs.location ?? FALLBACK_REGION.azure);
  return priceStoredData({ sku, tier, region, fallbackRegion: FALLBACK_REGION.azure, name: `${tier} ${sku}` }, ctx);
}

export function priceS3Bucket(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const region = String(inputs.region ?? FALLBACK_REGION.aws);
  return priceStoredData({ sku: 'S3', tier: 'STANDARD', region, fallbackRegion: FALLBACK_REGION.aws, name: 'S3 Standard' }, ctx);
}

export function priceGcsBucket(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const region = String(inputs.location ?? FALLBACK_REGION.gcp).toLowerCase();
  return priceStoredData({ sku: 'GCS', tier: 'STANDARD', region, fallbackRegion: FALLBACK_REGION.gcp, name: 'GCS Standard' }, ctx);
}
