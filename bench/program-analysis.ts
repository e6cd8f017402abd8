import { provisionDatabricks } from '../capabilities/provision-databricks/index.ts';
import { provisionDatabricksParams } from '../capabilities/provision-databricks/schema.ts';
import { analyseProgram } from '../src/planning/program-analysis.ts';
import { percentile } from './stats.ts';

// Program-analysis plan time for provision_databricks: the first run (imports the Azure and
// Databricks SDK modules), then warm runs; and the memory the SDKs and the analyses cost.

export interface AnalysisFigures {
  runs: number;
  coldMs: number;
  warmP50Ms: number;
  warmP99Ms: number;
  heapDeltaMb: number;
  rssDeltaMb: number;
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

export async function benchProgramAnalysis(runs = 60): Promise<AnalysisFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const params = provisionDatabricksParams.parse({ team: 'data', environment: 'dev', region: 'eastus' });
  const once = async () => {
    const started = performance.now();
    const draft = await provisionDatabricks.plan(params, { user: 'bench', services: {} as never });
    if (!draft.program) throw new Error('no program');
    const changes = await analyseProgram(draft.program);
    if (changes.length !== 3) throw new Error(`expected 3 resources, got ${changes.length}`);
    return performance.now() - started;
  };
  const coldMs = await once();
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(await once());
  gc?.();
  const after = process.memoryUsage();
  return {
    runs,
    coldMs,
    warmP50Ms: percentile(warm, 50),
    warmP99Ms: percentile(warm, 99),
    heapDeltaMb: mb(after.heapUsed - before.heapUsed),
    rssDeltaMb: mb(after.rss - before.rss),
  };
}

export interface CatalogAnalysis {
  capability: string;
  resources: number;
  coldMs: number;
  warmP50Ms: number;
  warmP99Ms: number;
}

/** The same for every other provisioning capability with a realistic request (first run + warm runs). */
export async function benchCatalogAnalysis(runs = 20): Promise<CatalogAnalysis[]> {
  const { capability } = await import('../capabilities/index.ts');
  const requests: [string, Record<string, unknown>][] = [
    [
      'provision_ecs_service',
      { service: 'checkout', team: 'shop', environment: 'prod', region: 'us-east-1', image: 'ghcr.io/acme/checkout:1.4' },
    ],
    ['provision_storage', { cloud: 'aws', team: 'web', environment: 'prod', region: 'us-east-1' }],
    ['provision_storage', { cloud: 'gcp', team: 'ml', environment: 'dev', region: 'us-central1' }],
    ['provision_k8s_namespace', { team: 'payments', environment: 'prod' }],
    ['provision_openai', { team: 'search', environment: 'prod', region: 'eastus2', model: 'gpt-4o' }],
    [
      'open_firewall_port',
      {
        cloud: 'aws',
        team: 'web',
        environment: 'dev',
        port: 443,
        source: '10.0.0.0/8',
        security_group: 'sg-0123456789abcdef0',
        region: 'us-east-1',
      },
    ],
  ];
  const out: CatalogAnalysis[] = [];
  for (const [id, raw] of requests) {
    const cap = capability(id as Parameters<typeof capability>[0]);
    if (cap.kind === 'query') continue;
    const params = cap.params.parse(raw);
    let resources = 0;
    const once = async () => {
      const started = performance.now();
      const draft = await cap.plan(params, { user: 'bench', services: {} as never });
      if (!draft.program) throw new Error(`${id}: no program`);
      resources = (await analyseProgram(draft.program)).length;
      return performance.now() - started;
    };
    const coldMs = await once();
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await once());
    out.push({
      capability: `${id}${raw.cloud ? ` (${raw.cloud})` : ''}`,
      resources,
      coldMs,
      warmP50Ms: percentile(warm, 50),
      warmP99Ms: percentile(warm, 99),
    });
  }
  return out;
}
