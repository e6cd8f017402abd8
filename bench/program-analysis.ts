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
