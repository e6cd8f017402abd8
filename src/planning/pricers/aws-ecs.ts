import { catalog, fargateRates, loadBalancerRates } from '../catalog.ts';
import type { Pricing, PricingContext } from '../cost.ts';

// Fargate services cost what their tasks reserve: desired tasks × (vCPU-hours + GB-hours). The
// service's inputs name its task definition only by ARN, known after apply, so the size is read
// from the task definition in the same plan. Load balancers: hours plus an assumed LCU load.

const TASK_DEFINITION = 'aws:ecs/taskDefinition:TaskDefinition';
const ASSUMED_LCU = 1;

export function priceFargateService(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const tasks = ctx.changes.filter((c) => c.type === TASK_DEFINITION && c.operation !== 'delete');
  const task = tasks.length === 1 ? tasks[0]?.inputs : undefined;
  const cpu = Number(task?.cpu);
  const memory = Number(task?.memory);
  if (!task || !cpu || !memory) return { notPriced: 'the task size (cpu, memory) is not in this plan' };
  const region = String(inputs.region ?? 'us-east-1');
  const rates = fargateRates(region);
  if (!rates) return { notPriced: `no Fargate price for ${region} in the catalog` };
  const count = Number(inputs.desiredCount ?? 1);
  const vcpu = cpu / 1024;
  const gb = memory / 1024;
  const hours = ctx.hints.hoursPerMonth ?? catalog.hoursPerMonth;
  return {
    lines: [
      {
        label: `${count} task(s) × ${vcpu} vCPU × ${hours} h × $${rates.usdPerVcpuHour}`,
        monthlyUsd: count * vcpu * hours * rates.usdPerVcpuHour,
      },
      { label: `${count} task(s) × ${gb} GB × ${hours} h × $${rates.usdPerGbHour}`, monthlyUsd: count * gb * hours * rates.usdPerGbHour },
    ],
    assumptions: [
      `${count} Fargate task(s) (Linux/x86) running all month; autoscaling above that is not included`,
      ...(rates.fallback ? [`no ${region} Fargate price in the catalog: ${rates.region} price used`] : []),
    ],
  };
}

export function priceLoadBalancer(inputs: Record<string, unknown>, ctx: PricingContext): Pricing | { notPriced: string } {
  const type = String(inputs.loadBalancerType ?? 'application');
  const region = String(inputs.region ?? 'us-east-1');
  const rates = loadBalancerRates(type, region);
  if (!rates) return { notPriced: `no ${type} load balancer price in the catalog` };
  const hours = ctx.hints.hoursPerMonth ?? catalog.hoursPerMonth;
  return {
    lines: [
      { label: `${hours} h × $${rates.usdPerHour}`, monthlyUsd: hours * rates.usdPerHour },
      {
        label: `${ASSUMED_LCU} LCU × ${hours} h × $${rates.usdPerLcuHour} (assumed load)`,
        monthlyUsd: ASSUMED_LCU * hours * rates.usdPerLcuHour,
      },
    ],
    assumptions: [
      `the load balancer averages ${ASSUMED_LCU} LCU (≈ 25 new connections/s or 1 GB/h processed); more traffic costs more`,
      ...(rates.fallback ? [`no ${region} load balancer price in the catalog: ${rates.region} price used`] : []),
    ],
  };
}
