import * as pulumi from '@pulumi/pulumi';

// A Pulumi program that needs no cloud and no provider plugin: every resource is a dynamic
// resource whose provider only waits a moment and records its inputs, so an update takes a few
// seconds and its progress can be watched. Greenlight registers it as stack sandbox-pulumi/dev.

interface SandboxInputs {
  kind: string;
  name: string;
  seconds: number;
  settings: Record<string, unknown>;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: SandboxInputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
    return { id: `${inputs.kind}-${inputs.name}`, outs: { ...inputs, readyAt: new Date().toISOString() } };
  },
  async diff(_id: string, olds: SandboxInputs, news: SandboxInputs) {
    const changes = JSON.stringify(olds.settings) !== JSON.stringify(news.settings) || olds.name !== news.name;
    return { changes, replaces: olds.kind !== news.kind ? ['kind'] : [] };
  },
  async update(_id: string, _olds: SandboxInputs, news: SandboxInputs) {
    await new Promise((resolve) => setTimeout(resolve, news.seconds * 1000));
    return { outs: { ...news, readyAt: new Date().toISOString() } };
  },
  async delete() {},
};

class SandboxResource extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  constructor(
    name: string,
    props: { kind: string; seconds: number; settings: Record<string, unknown> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(provider, name, { ...props, name, readyAt: undefined }, opts);
  }
}

const config = new pulumi.Config();
const replicas = config.getNumber('replicas') ?? 2;
const seconds = config.getNumber('applySeconds') ?? 1;
const stack = pulumi.getStack();

const network = new SandboxResource(`net-${stack}`, { kind: 'network', seconds, settings: { cidr: '10.43.0.0/16' } });
const database = new SandboxResource(`db-${stack}`, { kind: 'database', seconds, settings: { size: 'small' } }, { dependsOn: [network] });
const apps = Array.from(
  { length: replicas },
  (_, i) => new SandboxResource(`app-${stack}-${i}`, { kind: 'app', seconds, settings: { index: i } }, { dependsOn: [database] }),
);

export const url = `http://sandbox-pulumi-${stack}.local:8080`;
export const appNames = pulumi.all(apps.map((a) => a.name));
export const replicaCount = replicas;
