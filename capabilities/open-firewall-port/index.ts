import type { PlanningCapability } from '../types.ts';
import { namesFor, openFirewallPortParams } from './schema.ts';

export const openFirewallPort: PlanningCapability<typeof openFirewallPortParams> = {
  id: 'open_firewall_port',
  kind: 'provision',
  title: 'Firewall rule',
  summary: "An inbound allow rule (port, protocol, source CIDR) in the team's Azure network security group",
  usage: 'provision firewall port=<port> team=<team> env=<dev|staging|prod> source=<cidr> [protocol=tcp|udp]',
  aliases: ['port', 'firewall', 'open_firewall_port'],
  paramAliases: { env: 'environment', from: 'source', cidr: 'source' },
  params: openFirewallPortParams,
  examples: [
    'provision firewall port=443 team=web env=prod source=0.0.0.0/0',
    'provision firewall port=5432 team=data env=dev source=10.20.0.0/16',
    'open port 22 to 0.0.0.0/0 in prod',
  ],
  async plan(params, ctx) {
    const { firewallProgram } = await import('./program.ts');
    const names = namesFor(params);
    return {
      stack: `firewall-${params.team}-${params.protocol}-${params.port}/${params.environment}`,
      operation: 'apply',
      overrides: {},
      environment: params.environment,
      program: {
        projectName: 'greenlight-firewall',
        stackName: `${params.team}-${params.environment}-${names.rule}`,
        run: firewallProgram(params, ctx.user),
      },
    };
  },
};
