import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { namesFor, openFirewallPortParams } from './schema.ts';

export const openFirewallPort: PlanningCapability<typeof openFirewallPortParams, 'open_firewall_port'> = {
  id: 'open_firewall_port',
  extract,
  kind: 'provision',
  title: 'Firewall rule',
  summary: "An inbound allow rule (port, protocol, source CIDR) in the team's Azure network security group or an AWS security group",
  usage:
    'provision firewall port=<port> team=<team> env=<dev|staging|prod> source=<cidr> [protocol=tcp|udp] [cloud=aws security_group=sg-… region=<aws region>]',
  aliases: ['port', 'firewall', 'open_firewall_port'],
  paramAliases: { env: 'environment', from: 'source', cidr: 'source', sg: 'security_group' },
  params: openFirewallPortParams,
  examples: [
    'provision firewall port=443 team=web env=prod source=0.0.0.0/0',
    'provision firewall port=5432 team=data env=dev source=10.20.0.0/16',
    'provision firewall cloud=aws port=443 team=web env=prod source=10.0.0.0/8 security_group=sg-0123456789abcdef0 region=us-east-1',
    'open port 22 to 0.0.0.0/0 in prod',
  ],
  async plan(params, ctx) {
    const names = namesFor(params);
    const run =
      params.cloud === 'aws'
        ? (await import('./program-aws.ts')).securityGroupRuleProgram(params, ctx.user)
        : (await import('./program.ts')).firewallProgram(params, ctx.user);
    const where = params.cloud === 'aws' ? `${params.security_group}-` : '';
    return {
      stack: `firewall-${params.team}-${where}${params.protocol}-${params.port}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: 'greenlight-firewall',
        stackName: `${params.team}-${params.environment}-${where}${names.rule}`,
        run,
      },
    };
  },
};
