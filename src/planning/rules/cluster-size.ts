import type { PolicyRule } from './rule.ts';

// GL-SIZE-001: a cluster scales to at most the environment's configured number of workers.

const CLUSTER_TYPE = /cluster|nodepool|node_group|nodegroup/i;

function workersOf(inputs: Record<string, unknown>): number | null {
  const autoscale = inputs.autoscale as { maxWorkers?: number } | undefined;
  const candidates = [autoscale?.maxWorkers, inputs.numWorkers, inputs.maxCount, inputs.maxSize, inputs.nodeCount].filter(
    (n): n is number => typeof n === 'number',
  );
  return candidates.length ? Math.max(...candidates) : null;
}

export const clusterSizeRule: PolicyRule = {
  title: 'largest cluster per environment',
  checkChange(change, { environment }, policies) {
    const workers = CLUSTER_TYPE.test(change.type) ? workersOf(change.inputs) : null;
    const max = policies.maxClusterWorkers[environment];
    if (workers === null || max === undefined || workers <= max) return undefined;
    return {
      severity: 'block',
      message: `${change.address} scales to ${workers} workers; ${environment} allows at most ${max}. Lower max_workers to ${max} or fewer.`,
    };
  },
};
