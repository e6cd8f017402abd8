import { FALLBACK_REGION, storagePerGb } from '../catalog.ts';
import type { Pricing, PricingContext } from '../cost.ts';

// S3 and GCS buckets cost what they store: GB-months at the Standard class price. Requests and
// egress depend on use and are left out (said in the assumptions); lifecycle transitions to
// colder classes make this an upper bound for older data.

function priced(sku: 'S3' | 'GCS', region: string, fallbackRegion: string, ctx: PricingContext): Pricing | { notPriced: string } {
  const price = storagePerGb(sku, 'STANDARD', region, fallbackRegion);
  if (!price) return { notPriced: `no ${sku} Standard price in the catalog` };
  const gb = ctx.hints.storageGb ?? 100;
  return {
    lines: [{ label: `${gb} GB ${sku} Standard × $${price.usdPerGb}/GB-month`, monthlyUsd: gb * price.usdPerGb }],
    assumptions: [
      `stores ${gb} GB${ctx.hints.storageGb ? '' : ' (assumed; say size_gb=…)'}; requests and egress not included`,
      ...(price.fallback ? [`no ${region} ${sku} price in the catalog: ${fallbackRegion} price used`] : []),
    ],
  };
}

export function priceS3Bucket(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  return priced('S3', String(inputs.region ?? FALLBACK_REGION.aws), FALLBACK_REGION.aws, ctx);
}

export function priceGcsBucket(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  return priced('GCS', String(inputs.location ?? FALLBACK_REGION.gcp).toLowerCase(), FALLBACK_REGION.gcp, ctx);
}
