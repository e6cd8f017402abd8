import type { PolicyRule } from './rule.ts';

// GL-REG-001: resources are created only in the configured regions (none configured: any).

export const allowedRegionsRule: PolicyRule = {
  title: 'allowed regions',
  checkChange(change, _facts, policies) {
    const region = change.inputs.location ?? change.inputs.region;
    if (!policies.allowedRegions.length || typeof region !== 'string') return undefined;
    if (policies.allowedRegions.includes(region.toLowerCase().replace(/\s+/g, ''))) return undefined;
    return {
      severity: 'block',
      message: `${change.address} is in ${region}; allowed regions are ${policies.allowedRegions.join(', ')}. Pick one of them.`,
    };
  },
};
