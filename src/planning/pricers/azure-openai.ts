import { catalog, openaiPtuHourly, openaiTokenPrices } from '../catalog.ts';
import type { Pricing, PricingContext } from '../cost.ts';

// An Azure OpenAI model deployment: provisioned SKUs cost their reserved PTUs every hour (the
// base); pay-as-you-go SKUs cost the tokens used, priced on a stated usage assumption (the
// capability's `monthly_million_tokens`, 75 % input / 25 % output unless said).

const PROVISIONED = new Set(['ProvisionedManaged', 'GlobalProvisionedManaged', 'DataZoneProvisionedManaged']);

export function priceOpenAiDeployment(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const sku = inputs.sku as { name?: string; capacity?: number } | undefined;
  const model = String((inputs.properties as { model?: { name?: string } } | undefined)?.model?.name ?? '');
  const skuName = sku?.name ?? 'Standard';
  const capacity = Number(sku?.capacity ?? 1);
  if (PROVISIONED.has(skuName)) {
    const hourly = openaiPtuHourly(skuName === 'DataZoneProvisionedManaged' ? 'GlobalProvisionedManaged' : skuName);
    if (hourly === null) return { notPriced: `no ${skuName} PTU price in the catalog` };
    const hours = ctx.hints.hoursPerMonth ?? catalog.hoursPerMonth;
    return {
      lines: [
        { label: `${capacity} PTU × ${hours} h × $${hourly}/PTU-hour (reserved, used or not)`, monthlyUsd: capacity * hours * hourly },
      ],
      assumptions: [`${skuName}: throughput reserved all month; tokens are included`],
    };
  }
  const prices = openaiTokenPrices(model);
  if (!prices) return { notPriced: `no token price for ${model || 'this model'} in the catalog` };
  const million = ctx.hints.monthlyMillionTokens ?? 10;
  const outputShare = prices.usdPerMillionOutput > 0 ? 0.25 : 0;
  const input = million * (1 - outputShare);
  const output = million * outputShare;
  return {
    lines: [
      { label: `${input}M input tokens × $${prices.usdPerMillionInput}/M`, monthlyUsd: input * prices.usdPerMillionInput },
      ...(output
        ? [{ label: `${output}M output tokens × $${prices.usdPerMillionOutput}/M`, monthlyUsd: output * prices.usdPerMillionOutput }]
        : []),
    ],
    assumptions: [
      `${skuName} (pay per token): no base charge; usage assumed ${million}M tokens a month${outputShare ? ', 75 % input / 25 % output' : ''}${ctx.hints.monthlyMillionTokens ? '' : ' (say monthly_million_tokens=…)'}; capacity ${capacity}K tokens/minute is a rate limit, not a charge`,
    ],
  };
}
