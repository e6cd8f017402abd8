import { z } from 'zod';
import { environment, team } from '../shared-params.ts';

// Parameters of open_firewall_port: one inbound rule in the team's Azure network security group.
// AWS security groups need the AWS provider SDK, which is not installed here.

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/;
const IP = /^(\d{1,3}\.){3}\d{1,3}$/;

export const openFirewallPortParams = z
  .object({
    team: team('the network security group that gets the rule'),
    environment,
    port: z.coerce.number().int().min(1).max(65535).describe('Destination port (1–65535)'),
    protocol: z.enum(['tcp', 'udp']).default('tcp').describe('Protocol: tcp or udp'),
    source: z
      .string()
      .transform((s) => (IP.test(s) ? `${s}/32` : s))
      .refine((s) => CIDR.test(s), 'source must be a CIDR such as 10.0.0.0/8 or 203.0.113.7/32 (0.0.0.0/0 is the whole internet)')
      .describe('Source CIDR allowed in'),
    priority: z.coerce.number().int().min(100).max(4096).optional().describe('Rule priority (100–4096; default from the port)'),
    reason: z.string().max(140).optional().describe('Why the port is opened (goes on the rule)'),
  })
  .strict();

export type OpenFirewallPortParams = z.infer<typeof openFirewallPortParams>;

export function namesFor(p: Pick<OpenFirewallPortParams, 'team' | 'environment' | 'port' | 'protocol'>) {
  return {
    resourceGroup: `rg-${p.team}-network-${p.environment}`,
    nsg: `nsg-${p.team}-${p.environment}`,
    rule: `allow-${p.protocol}-${p.port}`,
  };
}

/** A stable priority per port and protocol so two requests for different ports do not collide. */
export function defaultPriority(p: Pick<OpenFirewallPortParams, 'port' | 'protocol'>): number {
  return 1000 + ((p.port * 2 + (p.protocol === 'udp' ? 1 : 0)) % 3000);
}
