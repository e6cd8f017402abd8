import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

// Prometheus metrics (names from seed 002 where it has them). One registry per app instance so
// tests that build several apps do not collide.

export interface Metrics {
  registry: Registry;
  requests: Counter<'capability' | 'outcome'>;
  approvals: Counter<'decision' | 'environment'>;
  refusals: Counter<'reason'>;
  applyDuration: Histogram<'stack' | 'result'>;
  planDuration: Histogram<'stack'>;
  policyViolations: Counter<'rule' | 'severity'>;
  driftEvents: Counter<'stack' | 'environment' | 'source'>;
  driftScans: Counter<'stack' | 'result'>;
}

export function createMetrics(withDefaults = true): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'greenlight_requests_total',
      help: 'Chat requests by capability and outcome',
      labelNames: ['capability', 'outcome'],
      registers: [registry],
    }),
    approvals: new Counter({
      name: 'greenlight_approvals_total',
      help: 'Approve / reject decisions recorded',
      labelNames: ['decision', 'environment'],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'greenlight_refused_actions_total',
      help: 'Actions refused (permission, self-approval, stale …)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    applyDuration: new Histogram({
      name: 'infra_apply_duration_seconds',
      help: 'Engine apply duration',
      labelNames: ['stack', 'result'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
      registers: [registry],
    }),
    planDuration: new Histogram({
      name: 'infra_plan_duration_seconds',
      help: 'Engine preview duration',
      labelNames: ['stack'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    policyViolations: new Counter({
      name: 'infra_policy_violations_total',
      help: 'Policy findings on plans',
      labelNames: ['rule', 'severity'],
      registers: [registry],
    }),
    driftScans: new Counter({
      name: 'greenlight_drift_scans_total',
      help: 'Scheduled drift scans per stack, by result (in_sync, drifted, reported_already, snoozed, not_deployed, failed)',
      labelNames: ['stack', 'result'],
      registers: [registry],
    }),
    driftEvents: new Counter({
      name: 'infra_drift_events_total',
      help: 'Drifted resources found by drift scans',
      labelNames: ['stack', 'environment', 'source'],
      registers: [registry],
    }),
  };
}
