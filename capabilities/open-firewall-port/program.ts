import * as network from '@pulumi/azure-native/network/index.js';
import { defaultPriority, namesFor, type OpenFirewallPortParams } from './schema.ts';

// The Pulumi program: one inbound Allow rule in the team's existing network security group
// (`nsg-<team>-<env>` in `rg-<team>-network-<env>`). Rules carry no tags in Azure; the rule's
// description says who asked and why.

export function firewallProgram(p: OpenFirewallPortParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const rule = new network.SecurityRule(names.rule, {
      resourceGroupName: names.resourceGroup,
      networkSecurityGroupName: names.nsg,
      securityRuleName: names.rule,
      direction: 'Inbound',
      access: 'Allow',
      protocol: p.protocol === 'tcp' ? 'Tcp' : 'Udp',
      priority: p.priority ?? defaultPriority(p),
      sourceAddressPrefix: p.source,
      sourcePortRange: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: String(p.port),
      description: `Opened by Greenlight for ${owner}${p.reason ? `: ${p.reason}` : ''}`.slice(0, 140),
    });
    return { rule: rule.name };
  };
}
