import type { Cost, CostLine, ResourceChange } from '../domain/types.ts';
import { catalog, fixedMonthly } from './catalog.ts';
import { priceFargateService, priceLoadBalancer } from './pricers/aws-ecs.ts';
import { priceOpenAiDeployment } from './pricers/azure-openai.ts';
import { priceDatabricksCluster } from './pricers/databricks-cluster.ts';
import { priceGcsBucket, priceS3Bucket, priceStorageAccount } from './pricers/object-storage.ts';

// Monthly cost of a plan: each resource priced from the catalog before and after the change.
// A type the catalog cannot price is listed as "not priced", never counted as zero.

/** Facts no resource carries, given by the capability (e.g. hours a cluster runs). */
export interface CostHints {
  hoursPerMonth?: number;
  hoursNote?: string;
  /** GB a storage account or bucket is expected to hold. */
  storageGb?: number;
  /** Tokens a pay-as-you-go model deployment is expected to process a month, in millions. */
  monthlyMillionTokens?: number;
}

export interface PricedLine {
  label: string;
  monthlyUsd: number;
}

export interface Pricing {
  lines: PricedLine[];
  assumptions: string[];
}

export interface PricingContext {
  changes: ResourceChange[];
  hints: CostHints;
}

type Pricer = (inputs: Record<string, unknown>, ctx: PricingContext) => Pricing | { notPriced: string };

const PRICERS: Record<string, Pricer> = {
  'databricks:index/cluster:Cluster': priceDatabricksCluster,
  'azure-native:storage:StorageAccount': priceStorageAccount,
  'aws:ecs/service:Service': priceFargateService,
  'aws:lb/loadBalancer:LoadBalancer': priceLoadBalancer,
  'aws:s3/bucket:Bucket': priceS3Bucket,
  'gcp:storage/bucket:Bucket': priceGcsBucket,
  'azure-native:cognitiveservices:Deployment': priceOpenAiDeployment,
};

function price(type: string, inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const pricer = PRICERS[type];
  if (pricer) return pricer(inputs, ctx);
  const fixed = fixedMonthly(type);
  if (fixed !== null) return { lines: [{ label: '', monthlyUsd: fixed }], assumptions: [] };
  return { notPriced: `${type} is not in the pricing catalog` };
}

const total = (p: Pricing) => p.lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
const EXISTS_BEFORE = new Set(['no-op', 'update', 'replace', 'delete']);

export function estimateCost(changes: ResourceChange[], hints: CostHints = {}): Cost {
  const ctx: PricingContext = { changes, hints };
  const breakdown: CostLine[] = [];
  const assumptions = new Set<string>([
    `${catalog.hoursPerMonth} hours a month unless said otherwise`,
    'list prices in USD, pay-as-you-go, before discounts',
  ]);
  let after = 0;
  let before = 0;
  let unpriced = 0;
  let priced = 0;
  for (const change of changes) {
    if (change.operation === 'read') continue;
    const now = price(change.type, change.inputs, ctx);
    if ('notPriced' in now) {
      unpriced += 1;
      breakdown.push({ address: change.address, monthlyUsd: null, note: now.notPriced });
      continue;
    }
    priced += 1;
    for (const a of now.assumptions) assumptions.add(a);
    const existed = EXISTS_BEFORE.has(change.operation);
    const previous = change.previous ? price(change.type, change.previous, ctx) : now;
    if (existed) before += 'notPriced' in previous ? total(now) : total(previous);
    if (change.operation !== 'delete') after += total(now);
    if (change.operation === 'no-op') continue;
    for (const line of now.lines) {
      breakdown.push({
        address: change.address,
        monthlyUsd: change.operation === 'delete' ? 0 : round(line.monthlyUsd),
        ...(line.label ? { note: line.label } : {}),
      });
    }
  }
  if (unpriced > 0) assumptions.add(`${unpriced} resource(s) not priced: the total leaves them out`);
  if (priced === 0 && changes.length > 0) return { monthlyUsd: null, deltaUsd: null, breakdown, assumptions: [...assumptions] };
  return { monthlyUsd: round(after), deltaUsd: round(after - before), breakdown, assumptions: [...assumptions] };
}

export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
