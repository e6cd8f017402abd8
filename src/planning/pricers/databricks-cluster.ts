import { catalog, dbuPerNodeHour, dbuRate, vmHourly } from '../catalog.ts';
import type { Pricing, PricingContext } from '../cost.ts';

// A Databricks cluster costs DBUs (rate by workspace SKU × DBUs per node-hour) plus the Azure VM
// under each node, for the driver and for the workers, for the hours it runs.

const WORKSPACE = 'azure-native:databricks:Workspace';

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function priceDatabricksCluster(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const workspace = ctx.changes.find((c) => c.type === WORKSPACE)?.inputs;
  const sku = String((workspace?.sku as { name?: unknown } | undefined)?.name ?? 'premium');
  const region = String(workspace?.location ?? catalog.defaultRegion);
  const workerType = String(inputs.nodeTypeId ?? '');
  const driverType = String(inputs.driverNodeTypeId ?? workerType);
  const autoscale = inputs.autoscale as { minWorkers?: unknown; maxWorkers?: unknown } | undefined;
  const min = num(autoscale?.minWorkers) ?? num(inputs.numWorkers) ?? 0;
  const max = num(autoscale?.maxWorkers) ?? min;
  const avgWorkers = (min + max) / 2;
  const hours = ctx.hints.hoursPerMonth ?? catalog.hoursPerMonth;
  const rate = dbuRate(sku);
  if (rate === null) return { notPriced: `no DBU rate for the ${sku} SKU in the catalog` };
  const assumptions = [
    `cluster runs ${hours} h a month${ctx.hints.hoursNote ? ` (${ctx.hints.hoursNote})` : ''}`,
    `autoscaling averages ${avgWorkers} workers (midpoint of ${min}–${max})`,
    `${sku} all-purpose compute at $${rate}/DBU`,
  ];
  const nodeHour = (size: string) => {
    const dbu = dbuPerNodeHour(size);
    const vm = vmHourly(size, region);
    if (dbu === null || vm === null) return null;
    if (vm.fallback) assumptions.push(`${size} in ${region} is not in the catalog: ${catalog.defaultRegion} VM price used`);
    return dbu * rate + vm.hourlyUsd;
  };
  const driver = nodeHour(driverType);
  const worker = nodeHour(workerType);
  if (driver === null || worker === null)
    return { notPriced: `node type ${driver === null ? driverType : workerType} is not in the pricing catalog` };
  return {
    lines: [
      { label: `driver, 1 × ${driverType}`, monthlyUsd: driver * hours },
      { label: `workers, avg ${avgWorkers} × ${workerType}`, monthlyUsd: worker * avgWorkers * hours },
    ],
    assumptions,
  };
}
