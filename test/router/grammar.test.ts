import { describe, expect, it } from 'vitest';
import { parseCommand, tokenize } from '../../src/router/grammar.ts';

describe('command grammar', () => {
  it.each([
    ['help', 'help', {}],
    ['/greenlight help', 'help', {}],
    ['stacks', 'list_stacks', {}],
    ['list stacks', 'list_stacks', {}],
    ['preview sandbox/dev', 'preview_stack', { stack: 'sandbox/dev' }],
    ['deploy sandbox/dev', 'deploy_stack', { stack: 'sandbox/dev' }],
    ['@greenlight deploy sandbox/prod', 'deploy_stack', { stack: 'sandbox/prod' }],
    ['destroy sandbox/dev', 'destroy_stack', { stack: 'sandbox/dev' }],
    [
      'set sandbox/dev replicas=3 release="v2 beta"',
      'update_stack_config',
      { stack: 'sandbox/dev', values: { replicas: '3', release: 'v2 beta' } },
    ],
    ['status sandbox/dev', 'stack_status', { target: 'sandbox/dev' }],
    ['status cr-0123456789', 'stack_status', { target: 'cr-0123456789' }],
    ['history', 'deployment_history', {}],
    ['history sandbox/dev', 'deployment_history', { stack: 'sandbox/dev' }],
  ])('%s → %s', (text, capability, params) => {
    expect(parseCommand(text)).toEqual({ kind: 'command', capability, params });
  });

  it.each([
    ['deploy', 'takes exactly one stack'],
    ['deploy a b', 'takes exactly one stack'],
    ['set sandbox/dev', 'at least one key=value'],
    ['set sandbox/dev replicas', 'is not key=value'],
    ['set sandbox/dev =3', 'is not key=value'],
    ['status', 'takes a stack or a request id'],
  ])('%s is refused with usage', (text, message) => {
    const result = parseCommand(text);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.message).toContain(message);
  });

  it('anything else is unknown (answered with help), never a crash', () => {
    for (const text of ['make me a sandwich', '🙂', 'DROP TABLE requests;', '"unterminated']) {
      expect(parseCommand(text).kind).toBe('unknown');
    }
  });

  it('tokenizes quotes', () => {
    expect(tokenize(`a "b c" d='e f'`)).toEqual(['a', 'b c', 'd=e f']);
  });
});
