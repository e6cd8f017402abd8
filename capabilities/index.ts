import { costReport } from './cost-report/index.ts';
import { deployStack } from './deploy-stack/index.ts';
import { deploymentHistory } from './deployment-history/index.ts';
import { destroyStack } from './destroy-stack/index.ts';
import { driftScan } from './drift-scan/index.ts';
import { help } from './help/index.ts';
import { listStacks } from './list-stacks/index.ts';
import { openFirewallPort } from './open-firewall-port/index.ts';
import { previewStack } from './preview-stack/index.ts';
import { provisionDatabricks } from './provision-databricks/index.ts';
import { provisionEcsService } from './provision-ecs-service/index.ts';
import { provisionK8sNamespace } from './provision-k8s-namespace/index.ts';
import { provisionOpenAi } from './provision-openai/index.ts';
import { provisionStorage } from './provision-storage/index.ts';
import { rollbackStack } from './rollback-stack/index.ts';
import { stackStatus } from './stack-status/index.ts';
import type { Capability, PlanningCapability } from './types.ts';
import { updateStackConfig } from './update-stack-config/index.ts';

// The explicit registry, and the one list of capability ids: adding a capability is its folder and
// one line here. test/capabilities/registry.test.ts fails on a folder missing here.

const registered = [
  help,
  listStacks,
  previewStack,
  deployStack,
  updateStackConfig,
  destroyStack,
  stackStatus,
  deploymentHistory,
  driftScan,
  rollbackStack,
  costReport,
  provisionDatabricks,
  provisionEcsService,
  provisionStorage,
  provisionK8sNamespace,
  provisionOpenAi,
  openFirewallPort,
] as const;

export type CapabilityId = (typeof registered)[number]['id'];
export const capabilities: readonly Capability[] = registered as readonly Capability[];
export const CAPABILITY_IDS: readonly CapabilityId[] = registered.map((c) => c.id);

const byId = new Map(capabilities.map((c) => [c.id, c]));

export function capability(id: CapabilityId): Capability {
  const found = byId.get(id);
  if (!found) throw new Error(`capability ${id} is not registered`);
  return found;
}

/** A capability that plans changes (not a question). */
export function planningCapability(id: CapabilityId): PlanningCapability {
  const found = capability(id);
  if (found.kind === 'query') throw new Error(`capability ${id} answers questions; it makes no plans`);
  return found;
}
