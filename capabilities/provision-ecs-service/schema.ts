import { z } from 'zod';
import { AWS_REGIONS } from '../regions.ts';
import { environment, team } from '../shared-params.ts';

// Parameters of provision_ecs_service. cpu / memory follow Fargate's valid pairs, so a request
// Fargate would refuse at apply is refused here, with the sizes that would work.

/** Fargate task sizes: CPU units → allowed memory (MiB). */
export const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: [1024, 2048, 3072, 4096],
  1024: [2048, 3072, 4096, 5120, 6144, 7168, 8192],
  2048: [4096, 5120, 6144, 7168, 8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384],
  4096: [8192, 9216, 10240, 11264, 12288, 13312, 14336, 15360, 16384, 20480, 24576, 28672, 30720],
};

export const provisionEcsServiceParams = z
  .object({
    service: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,30}$/, 'service is a lower-case name like checkout or reports-api')
      .describe('Service name (lower-case); names every resource'),
    // A service is usually named for what its team owns ("checkout"): the team defaults to it.
    team: team('the service (default: the service name)').optional(),
    environment,
    region: z
      .enum(AWS_REGIONS, { message: `region must be an AWS region code such as us-east-1 (${AWS_REGIONS.join(', ')})` })
      .describe('AWS region code'),
    image: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/,
        'image is repository:tag or repository@sha256:digest, e.g. public.ecr.aws/nginx/nginx:1.27',
      )
      .describe('Container image with a tag or digest'),
    desired_count: z.coerce.number().int().min(1).max(100).default(2).describe('Tasks to run (at least 2 spreads them over two zones)'),
    cpu: z.coerce
      .number()
      .int()
      .refine((c) => c in FARGATE_SIZES, 'cpu is Fargate CPU units: 256, 512, 1024, 2048 or 4096')
      .default(256)
      .describe('CPU units per task (1024 = 1 vCPU)'),
    memory: z.coerce.number().int().default(512).describe('Memory per task in MiB'),
    port: z.coerce.number().int().min(1).max(65535).default(8080).describe('Port the container listens on'),
    health_check_path: z
      .string()
      .regex(/^\/\S*$/, 'health_check_path starts with /')
      .default('/health')
      .describe('HTTP path the load balancer checks'),
    vpc_cidr: z
      .string()
      .regex(/^10\.\d{1,3}\.0\.0\/16$/, 'vpc_cidr is a 10.x.0.0/16 block')
      .default('10.40.0.0/16')
      .describe('The VPC block (a /16 in 10.0.0.0/8)'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const allowed = FARGATE_SIZES[p.cpu];
    if (allowed && !allowed.includes(p.memory))
      ctx.addIssue({ code: 'custom', path: ['memory'], message: `memory for cpu=${p.cpu} must be one of ${allowed.join(', ')} MiB` });
  })
  .transform((p) => ({ ...p, team: p.team ?? p.service }));

export type ProvisionEcsServiceParams = z.infer<typeof provisionEcsServiceParams>;

/** Two zones per region (a and b): public and private subnets in each, /20 blocks of the VPC. */
export function subnetsFor(p: Pick<ProvisionEcsServiceParams, 'region' | 'vpc_cidr'>) {
  const second = p.vpc_cidr.split('.')[1];
  return ['a', 'b'].map((zone, i) => ({
    zone: `${p.region}${zone}`,
    publicCidr: `10.${second}.${i * 16}.0/20`,
    privateCidr: `10.${second}.${128 + i * 16}.0/20`,
  }));
}
