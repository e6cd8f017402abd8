import * as vpc from '@pulumi/aws/vpc/index.js';
import { greenlightTags } from '../shared-params.ts';
import { namesFor, type OpenFirewallPortParams } from './schema.ts';

// The Pulumi program on AWS: one ingress rule (its own resource, the provider's recommended form)
// in an existing security group, tagged and described with who asked and why.

export function securityGroupRuleProgram(p: OpenFirewallPortParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const rule = new vpc.SecurityGroupIngressRule(`${p.security_group}-${names.rule}`, {
      region: p.region,
      securityGroupId: p.security_group as string,
      ipProtocol: p.protocol,
      fromPort: p.port,
      toPort: p.port,
      cidrIpv4: p.source,
      description: `Opened by Greenlight for ${owner}${p.reason ? `: ${p.reason}` : ''}`.slice(0, 255),
      tags: greenlightTags(p, owner),
    });
    return { rule: rule.id };
  };
}
