import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operationOf, parsePlanJson } from '../../../src/engines/terraform/plan-json.ts';
import { parseUiLine } from '../../../src/engines/terraform/ui-events.ts';

// Fixtures are real Terraform 1.11.4 output for examples/sandbox-terraform (`show -json` of a
// saved plan, `apply -json` lines), recorded on this machine.
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/terraform/${name}`, import.meta.url), 'utf8');

describe('terraform show -json', () => {
  it('maps a first plan to creates, hiding nothing and inventing nothing', () => {
    const { changes, variables } = parsePlanJson(fixture('create-plan.json'));
    expect(changes.map((c) => [c.address, c.operation])).toEqual([
      ['terraform_data.app[0]', 'create'],
      ['terraform_data.app[1]', 'create'],
      ['terraform_data.database', 'create'],
      ['terraform_data.gate', 'create'],
      ['terraform_data.network', 'create'],
      ['terraform_data.release', 'create'],
    ]);
    expect(changes.find((c) => c.address === 'terraform_data.network')?.inputs.input).toEqual({
      cidr: '10.42.0.0/16',
      name: 'sandbox-dev-net',
    });
    expect(changes.find((c) => c.address === 'terraform_data.database')?.inputs.id).toBe('(known after apply)');
    expect(variables.sort()).toEqual(['apply_seconds', 'environment', 'fail_apply', 'release', 'replicas']);
  });

  it('reads the declared variable defaults Adopt may set, never a sensitive one', () => {
    expect(parsePlanJson(fixture('create-plan.json')).defaults).toEqual({
      apply_seconds: '2',
      environment: 'dev',
      fail_apply: 'false',
      release: 'v1',
      replicas: '2',
    });
    // Shaped as Terraform writes `configuration.root_module.variables` for a sensitive variable,
    // one without a default and one whose default is a map.
    const plan = {
      format_version: '1.2',
      configuration: {
        root_module: {
          variables: {
            db_password: { default: 'hunter2', sensitive: true },
            region: { description: 'no default' },
            tags: { default: { team: 'core' } },
            size: { default: 'small' },
          },
        },
      },
    };
    expect(parsePlanJson(JSON.stringify(plan)).defaults).toEqual({ size: 'small' });
  });

  it('maps deletes, replacements and no-ops of a change to an existing stack', () => {
    const { changes } = parsePlanJson(fixture('update-plan.json'));
    const ops = Object.fromEntries(changes.map((c) => [c.address, c.operation]));
    expect(ops).toMatchObject({
      'terraform_data.app[1]': 'delete',
      'terraform_data.gate': 'replace',
      'terraform_data.network': 'no-op',
    });
  });

  it('knows every action combination Terraform documents', () => {
    expect(operationOf(['create', 'delete'])).toBe('replace');
    expect(operationOf(['delete', 'create'])).toBe('replace');
    expect(operationOf(['read'])).toBe('read');
    expect(operationOf(['no-op'])).toBe('no-op');
  });

  it('masks sensitive values', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'x.y',
          type: 'x',
          name: 'y',
          mode: 'managed',
          change: {
            actions: ['create'],
            after: { password: 'hunter2', user: 'u' },
            after_unknown: {},
            after_sensitive: { password: true },
          },
        },
      ],
    };
    const [change] = parsePlanJson(JSON.stringify(plan)).changes;
    expect(change?.inputs).toEqual({ password: '(sensitive)', user: 'u' });
  });

  it('fails loudly on something that is not a plan', () => {
    expect(() => parsePlanJson('{"hello":1}')).toThrow();
  });
});

describe('terraform apply -json lines', () => {
  it('turns a successful apply into started / finished / summary / outputs events', () => {
    const events = fixture('apply-create.jsonl')
      .split('\n')
      .map(parseUiLine)
      .filter((e) => e !== null);
    expect(events.filter((e) => e.type === 'resource_started')).toHaveLength(6);
    expect(events.filter((e) => e.type === 'resource_finished')).toHaveLength(6);
    expect(events.find((e) => e.type === 'summary')).toMatchObject({ added: 6, changed: 0, removed: 0 });
    const outputs = events.find((e) => e.type === 'outputs');
    expect(outputs?.type === 'outputs' && outputs.outputs.url).toBe('http://sandbox-dev.local:8080');
  });

  it('turns a failed provisioner into resource_failed plus an error diagnostic', () => {
    const events = fixture('apply-failed.jsonl')
      .split('\n')
      .map(parseUiLine)
      .filter((e) => e !== null);
    expect(events.find((e) => e.type === 'resource_failed')).toMatchObject({
      address: 'terraform_data.gate',
    });
    const diag = events.find((e) => e.type === 'diagnostic');
    expect(diag).toMatchObject({ severity: 'error' });
    expect(diag?.type === 'diagnostic' && diag.detail).toContain('health check failed');
  });

  it('ignores plain text and unknown line types', () => {
    expect(parseUiLine('Warning: something')).toBeNull();
    expect(parseUiLine('{"@level":"info","@message":"x","@timestamp":"t","type":"version"}')).toBeNull();
  });
});
