import type { GreenlightError } from '../src/domain/errors.ts';
import type { Card } from './model.ts';

// Cards that answer questions: help, errors, lists and status.

export interface HelpEntry {
  usage: string;
  summary: string;
}

export function helpCard(entries: HelpEntry[], intro?: string): Card {
  return {
    kind: 'help',
    title: 'Greenlight commands',
    tone: 'neutral',
    blocks: [
      ...(intro ? [{ type: 'text' as const, text: intro }] : []),
      { type: 'table', columns: ['Command', 'What it does'], rows: entries.map((e) => [e.usage, e.summary]) },
    ],
    actions: [],
    context: ['State-changing commands post a plan card; nothing changes until someone allowed to approve presses Approve.'],
  };
}

export function errorCard(error: GreenlightError, requestId?: string): Card {
  return {
    kind: 'error',
    title: 'Something needs your attention',
    tone: 'danger',
    blocks: [{ type: 'error', code: error.code, message: error.message, next: error.nextStep }],
    actions: [],
    context: requestId ? [`Request ${requestId}`] : [],
    ...(requestId ? { requestId } : {}),
  };
}

export function tableCard(
  kind: Card['kind'],
  title: string,
  columns: string[],
  rows: string[][],
  empty: string,
  context: string[] = [],
): Card {
  return {
    kind,
    title,
    tone: 'neutral',
    blocks: rows.length > 0 ? [{ type: 'table', columns, rows }] : [{ type: 'text', text: empty }],
    actions: [],
    context,
  };
}

export function factsCard(kind: Card['kind'], title: string, facts: { label: string; value: string }[], extra: Card['blocks'] = []): Card {
  return {
    kind,
    title,
    tone: 'neutral',
    blocks: [{ type: 'facts', facts }, ...extra],
    actions: [],
    context: [],
  };
}
