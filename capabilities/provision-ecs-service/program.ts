import * as cloudwatch from '@pulumi/aws/cloudwatch/index.js';
import * as ec2 from '@pulumi/aws/ec2/index.js';
import * as ecs from '@pulumi/aws/ecs/index.js';
import * as iam from '@pulumi/aws/iam/index.js';
import * as lb from '@pulumi/aws/lb/index.js';
import * as vpc from '@pulumi/aws/vpc/index.js';
import * as pulumi from '@pulumi/pulumi';
import { greenlightTags } from '../shared-params.ts';
import { type ProvisionEcsServiceParams, subnetsFor } from './schema.ts';

// The Pulumi program: a VPC with a public and a private subnet in two zones; an internet-facing
// ALB in the public subnets (HTTP 80 from anywhere, which GL-NET-001 allows); Fargate tasks in
// the private subnets reachable only from the ALB, leaving through NAT (one per zone in prod, one
// shared elsewhere); logs in CloudWatch for 30 days (90 in prod); deployments roll back on
// failed health checks. Every resource is in `region` and tagged team / environment / owner /
// service / managed-by.

export function ecsServiceProgram(p: ProvisionEcsServiceParams, owner: string) {
  return async () => {
    const name = `${p.service}-${p.environment}`;
    const tags = { ...greenlightTags(p, owner), service: p.service };
    const on = { region: p.region, tags };
    const zones = subnetsFor(p);

    const network = new ec2.Vpc(`${name}-vpc`, { ...on, cidrBlock: p.vpc_cidr, enableDnsHostnames: true, enableDnsSupport: true });
    const gateway = new ec2.InternetGateway(`${name}-igw`, { ...on, vpcId: network.id });
    const publicRoutes = new ec2.RouteTable(`${name}-public`, { ...on, vpcId: network.id });
    new ec2.Route(`${name}-public-default`, {
      region: p.region,
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: gateway.id,
    });
    const natCount = p.environment === 'prod' ? zones.length : 1;
    const publicSubnets: ec2.Subnet[] = [];
    const privateSubnets: ec2.Subnet[] = [];
    const nats: ec2.NatGateway[] = [];
    zones.forEach((z, i) => {
      const pub = new ec2.Subnet(`${name}-public-${z.zone}`, {
        ...on,
        vpcId: network.id,
        cidrBlock: z.publicCidr,
        availabilityZone: z.zone,
        mapPublicIpOnLaunch: false,
      });
      new ec2.RouteTableAssociation(`${name}-public-${z.zone}`, { region: p.region, subnetId: pub.id, routeTableId: publicRoutes.id });
      publicSubnets.push(pub);
      if (i < natCount) {
        const ip = new ec2.Eip(`${name}-nat-${z.zone}`, { ...on, domain: 'vpc' });
        nats.push(new ec2.NatGateway(`${name}-nat-${z.zone}`, { ...on, subnetId: pub.id, allocationId: ip.id }, { dependsOn: [gateway] }));
      }
    });
    zones.forEach((z, i) => {
      const priv = new ec2.Subnet(`${name}-private-${z.zone}`, {
        ...on,
        vpcId: network.id,
        cidrBlock: z.privateCidr,
        availabilityZone: z.zone,
      });
      const routes = new ec2.RouteTable(`${name}-private-${z.zone}`, { ...on, vpcId: network.id });
      const nat = nats[Math.min(i, nats.length - 1)] as ec2.NatGateway;
      new ec2.Route(`${name}-private-${z.zone}-default`, {
        region: p.region,
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nat.id,
      });
      new ec2.RouteTableAssociation(`${name}-private-${z.zone}`, { region: p.region, subnetId: priv.id, routeTableId: routes.id });
      privateSubnets.push(priv);
    });

    // Security groups: the ALB takes HTTP from anywhere; tasks take the app port from the ALB only.
    const albGroup = new ec2.SecurityGroup(`${name}-alb`, { ...on, vpcId: network.id, description: `ALB of ${name}` });
    new vpc.SecurityGroupIngressRule(`${name}-alb-http`, {
      ...on,
      securityGroupId: albGroup.id,
      ipProtocol: 'tcp',
      fromPort: 80,
      toPort: 80,
      cidrIpv4: '0.0.0.0/0',
      description: 'HTTP from the internet',
    });
    const taskGroup = new ec2.SecurityGroup(`${name}-tasks`, { ...on, vpcId: network.id, description: `Tasks of ${name}` });
    new vpc.SecurityGroupIngressRule(`${name}-tasks-from-alb`, {
      ...on,
      securityGroupId: taskGroup.id,
      ipProtocol: 'tcp',
      fromPort: p.port,
      toPort: p.port,
      referencedSecurityGroupId: albGroup.id,
      description: 'App port from the load balancer only',
    });
    for (const [group, label] of [
      [albGroup, 'alb'],
      [taskGroup, 'tasks'],
    ] as const) {
      new vpc.SecurityGroupEgressRule(`${name}-${label}-egress`, {
        ...on,
        securityGroupId: group.id,
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
        description: 'Outbound (images, APIs) through NAT',
      });
    }

    const balancer = new lb.LoadBalancer(`${name}-alb`, {
      ...on,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [albGroup.id],
      subnets: publicSubnets.map((s) => s.id),
      dropInvalidHeaderFields: true,
      enableDeletionProtection: p.environment === 'prod',
    });
    const targets = new lb.TargetGroup(`${name}-tg`, {
      ...on,
      port: p.port,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: network.id,
      deregistrationDelay: 30,
      healthCheck: { path: p.health_check_path, matcher: '200-399', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    const listener = new lb.Listener(`${name}-http`, {
      ...on,
      loadBalancerArn: balancer.arn,
      port: 80,
      protocol: 'HTTP',
      defaultActions: [{ type: 'forward', targetGroupArn: targets.arn }],
    });

    const cluster = new ecs.Cluster(`${name}`, { ...on, settings: [{ name: 'containerInsights', value: 'enabled' }] });
    const logs = new cloudwatch.LogGroup(`${name}-logs`, {
      ...on,
      name: `/greenlight/ecs/${name}`,
      retentionInDays: p.environment === 'prod' ? 90 : 30,
    });
    const executionRole = new iam.Role(`${name}-execution`, {
      tags,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    });
    new iam.RolePolicyAttachment(`${name}-execution`, {
      role: executionRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
    });
    const task = new ecs.TaskDefinition(`${name}-task`, {
      ...on,
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(p.cpu),
      memory: String(p.memory),
      executionRoleArn: executionRole.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      containerDefinitions: pulumi.jsonStringify([
        {
          name: p.service,
          image: p.image,
          essential: true,
          portMappings: [{ containerPort: p.port, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logs.name, 'awslogs-region': p.region, 'awslogs-stream-prefix': p.service },
          },
        },
      ]),
    });
    const service = new ecs.Service(
      `${name}`,
      {
        ...on,
        cluster: cluster.arn,
        taskDefinition: task.arn,
        desiredCount: p.desired_count,
        launchType: 'FARGATE',
        networkConfiguration: { subnets: privateSubnets.map((s) => s.id), securityGroups: [taskGroup.id], assignPublicIp: false },
        loadBalancers: [{ targetGroupArn: targets.arn, containerName: p.service, containerPort: p.port }],
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        healthCheckGracePeriodSeconds: 60,
        propagateTags: 'SERVICE',
      },
      { dependsOn: [listener] },
    );
    return { url: pulumi.interpolate`http://${balancer.dnsName}`, cluster: cluster.name, service: service.name, vpc: network.id };
  };
}
