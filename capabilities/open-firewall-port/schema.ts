import { z } from 'zod';
import { AWS_REGIONS } from '../regions.ts';
import { environment, team } from '../shared-params.ts';

// Parameters of open_firewall_port: one inbound rule, in the team's Azure network security group
// (cloud=azure) or in a named AWS security group (cloud=aws, security_group + region).

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/(\d|[12]\d|3[0-2])$/;
const IP = /^(\d{1,3}\.){3}\d{1,3}$/;

export const openFirewallPortParams = z
  .object({
    cloud: z.enum(['azure', 'aws'], { message: 'cloud is azure (NSG rule) or aws (security group rule)' }).default('azure'),
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
    security_group: z
      .string()
      .regex(/^sg-[0-9a-f]{8,17}$/, 'security_group is an AWS security group id like sg-0123456789abcdef0')
      .optional()
      .describe('AWS only: the security group that gets the rule'),
    region: z
      .enum(AWS_REGIONS, { message: 'region must be an AWS region code such as us-east-1' })
      .optional()
      .describe('AWS only: its region'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.cloud === 'aws') {
      if (!p.security_group)
        ctx.addIssue({
          code: 'custom',
          path: ['security_group'],
          message: 'cloud=aws needs security_group=sg-… (the group that gets the rule)',
        });
      if (!p.region) ctx.addIssue({ code: 'custom', path: ['region'], message: 'cloud=aws needs region=<aws region> (e.g. us-east-1)' });
    } else if (p.security_group || p.region) {
      ctx.addIssue({
        code: 'custom',
        path: [p.security_group ? 'security_group' : 'region'],
        message: 'security_group and region are for cloud=aws; on Azure the rule goes in nsg-<team>-<env>',
      });
    }
  });

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
