import type { PolicyRule } from './rule.ts';

// GL-NET-001: nothing opens a port to the whole internet except the allowed ones (blocks in
// prod, warns elsewhere). Reads inbound rules in the shapes Azure NSG, AWS SG and k8s use.

const OPEN_SOURCES = new Set(['*', '0.0.0.0/0', '::/0', 'internet', 'any']);
/** Ports a rule's port range (or list) covers; `*` is every port. */
function ports(value: unknown): { all: boolean; list: number[] } {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v ?? '').split(','));
  const list: number[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    if (part === '*' || part === '0-65535' || part === '-1') return { all: true, list: [] };
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    const end = to !== undefined && !Number.isNaN(to) ? to : from;
    if (end - from > 1024) return { all: true, list: [] };
    for (let p = from; p <= end; p++) list.push(p);
  }
  return { all: false, list };
}

/** Where an inbound rule lets traffic in from, in the shapes Azure NSG, AWS SG and k8s use. */
function inboundFromInternet(inputs: Record<string, unknown>): boolean {
  const direction = String(inputs.direction ?? inputs.type ?? 'Inbound').toLowerCase();
  if (!['inbound', 'ingress'].includes(direction)) return false;
  const access = String(inputs.access ?? 'Allow').toLowerCase();
  if (access !== 'allow') return false;
  const sources = [inputs.sourceAddressPrefix, inputs.sourceAddressPrefixes, inputs.cidrBlocks, inputs.cidrIpv4, inputs.ipv6CidrBlocks]
    .flat()
    .filter((s) => s !== undefined && s !== null)
    .map((s) => String(s).toLowerCase());
  return sources.some((s) => OPEN_SOURCES.has(s));
}

function portsOf(inputs: Record<string, unknown>) {
  if (inputs.fromPort !== undefined) return ports(`${inputs.fromPort}-${inputs.toPort ?? inputs.fromPort}`);
  return ports(inputs.destinationPortRange ?? inputs.destinationPortRanges ?? inputs.port ?? '*');
}

export const internetIngressRule: PolicyRule = {
  title: 'no ingress from the internet in prod except the allowed ports',
  checkChange(change, { environment }, policies) {
    if (/egress/i.test(change.type) || !inboundFromInternet(change.inputs)) return undefined;
    const open = portsOf(change.inputs);
    const allowed = new Set(policies.publicPortsInProd);
    const bad = open.all ? ['every port'] : open.list.filter((p) => !allowed.has(p)).map(String);
    if (bad.length === 0) return undefined;
    const prod = environment === 'prod';
    return {
      severity: prod ? 'block' : 'warn',
      message: `${change.address} opens ${open.all ? 'every port' : `port ${bad.join(', ')}`} to the whole internet (0.0.0.0/0)${prod ? ' in prod' : ''}; only ${policies.publicPortsInProd.join(' / ')} may be. Narrow the source to your network's CIDR, or put the service behind a load balancer or a bastion.`,
    };
  },
};
