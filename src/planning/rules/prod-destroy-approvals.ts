import type { PolicyRule } from './rule.ts';

// GL-APR-001: destroying a prod stack needs more than one pair of eyes (the approval policy
// raises the count; this finding says so on the card).

export const prodDestroyApprovalsRule: PolicyRule = {
  title: 'destroy in prod needs more approvals',
  checkPlan({ environment, operation }, policies) {
    if (operation !== 'destroy' || environment !== 'prod' || policies.prodDestroyApprovals <= 1) return [];
    return [{ severity: 'warn', message: `Destroying a prod stack needs ${policies.prodDestroyApprovals} distinct approvals.` }];
  },
};
