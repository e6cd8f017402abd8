import type { ResourceChange } from '../domain/types.ts';
import type { InlineProgram } from '../engines/engine.ts';
import { addressOf, isBookkeeping } from '../engines/pulumi/events.ts';

// Runs a capability's Pulumi program under `pulumi.runtime.setMocks` to list every resource it
// would register, with its type and inputs: no CLI, no cloud, no credentials. Used for the plan
// card when no engine preview is possible. Values only the cloud would know are shown as
// "(known after apply)".

const UNKNOWN = '(known after apply)';
/** The marker the Pulumi SDK uses for a value unknown during preview. */
const PULUMI_UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** Answers for provider functions programs call (e.g. the Azure client config). */
const CALL_RESULTS: Record<string, Record<string, unknown>> = {
  'azure-native:authorization:getClientConfig': {
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    tenantId: '00000000-0000-0000-0000-000000000000',
    clientId: UNKNOWN,
    objectId: UNKNOWN,
  },
};

function clean(value: unknown): unknown {
  if (value === PULUMI_UNKNOWN || value === undefined) return UNKNOWN;
  if (value !== null && typeof value === 'object' && (value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true) return UNKNOWN;
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
  return value;
}

// Mock state is global to the process: analyses run one at a time.
let queue: Promise<unknown> = Promise.resolve();

export function analyseProgram(program: InlineProgram): Promise<ResourceChange[]> {
  const run = queue.then(() => analyse(program));
  queue = run.catch(() => undefined);
  return run;
}

async function analyse(program: InlineProgram): Promise<ResourceChange[]> {
  // Loaded on the first analysis only: @pulumi/pulumi is ~90 MB that an idle bot need not hold.
  const pulumi = await import('@pulumi/pulumi');
  const registered: ResourceChange[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const urn = `urn:pulumi:${program.stackName}::${program.projectName}::${args.type}::${args.name}`;
        if (!isBookkeeping(args.type)) {
          registered.push({
            address: addressOf(urn),
            type: args.type,
            name: args.name,
            operation: 'create',
            inputs: clean(args.inputs) as Record<string, unknown>,
          });
        }
        // Providers name a resource after its logical name unless told otherwise: `name` is
        // what programs usually pass on (e.g. a resource group's name to the workspace).
        return { id: `${args.name}-id`, state: { name: args.name, ...args.inputs } };
      },
      call(args) {
        return CALL_RESULTS[args.token] ?? {};
      },
    },
    program.projectName,
    program.stackName,
    true,
  );
  await pulumi.runtime.runInPulumiStack(program.run);
  // A registration the program did not await may still be in flight; let the RPC queue drain.
  const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (waitForRPCs) await waitForRPCs();
  return registered;
}
