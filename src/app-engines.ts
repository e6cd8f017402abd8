import { join } from 'node:path';
import type { Config } from './config/schema.ts';
import type { EngineKind } from './domain/types.ts';
import type { Engine } from './engines/engine.ts';
import { PulumiEngine } from './engines/pulumi/pulumi-engine.ts';
import { TerraformEngine } from './engines/terraform/terraform-engine.ts';
import type { Logger } from './observability/logger.ts';

// The engines a config names (tests and the benchmark put their own in place of some), and the
// one warning about them that depends on the store: Pulumi's default file:// backend lives under
// this replica's data dir, where other replicas sharing a PostgreSQL store cannot read it.

export function buildEngines(
  config: Config,
  overrides: Partial<Record<EngineKind, Engine>> | undefined,
  log: Logger,
  sharedStore: boolean,
): Record<EngineKind, Engine> {
  const engines = {
    terraform: new TerraformEngine(config.engines.terraform.binary),
    pulumi: new PulumiEngine({
      binary: config.engines.pulumi.binary,
      backendUrl: config.engines.pulumi.backendUrl ?? process.env.PULUMI_BACKEND_URL ?? `file://${join(config.dataDir, 'pulumi')}`,
      dataDir: config.dataDir,
    }),
    ...overrides,
  };
  const pulumiBackend =
    engines.pulumi instanceof PulumiEngine ? (config.engines.pulumi.backendUrl ?? process.env.PULUMI_BACKEND_URL) : 'custom';
  if (sharedStore && !pulumiBackend)
    log.warn(
      "Pulumi state is in a file:// backend under this replica's data dir, which other replicas cannot read: set engines.pulumi.backendUrl (s3://, azblob://, gs:// or https://) before running more than one.",
    );
  return engines;
}
