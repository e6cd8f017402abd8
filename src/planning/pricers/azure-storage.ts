import { catalog, storagePerGb } from '../catalog.ts';
import type { Pricing, PricingContext } from '../cost.ts';

// A storage account costs what it stores: GB-months at the SKU's Hot-tier price. Operations and
// egress depend on use and are left out (said in the assumptions); the lifecycle rule moving
// old data to Cool makes this an upper bound for data older than the rule's threshold.

export function priceStorageAccount(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const sku = String((inputs.sku as { name?: unknown } | undefined)?.name ?? 'Standard_LRS');
  const tier = String(inputs.accessTier ?? 'Hot');
  const region = String(inputs.location ?? catalog.defaultRegion);
  const price = storagePerGb(sku, tier, region);
  if (!price) return { notPriced: `no ${sku} ${tier} storage price in the catalog` };
  const gb = ctx.hints.storageGb ?? 100;
  return {
    lines: [{ label: `${gb} GB ${tier} ${sku} × $${price.usdPerGb}/GB-month`, monthlyUsd: gb * price.usdPerGb }],
    assumptions: [
      `stores ${gb} GB${ctx.hints.storageGb ? '' : ' (assumed; say size_gb=…)'}; read/write operations and egress not included`,
      ...(price.fallback ? [`no ${region} storage price in the catalog: ${catalog.defaultRegion} price used`] : []),
    ],
  };
}
