import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../src/domain/money.ts';

describe('formatUsd', () => {
  it('writes cents by default, whole dollars for budgets, ungrouped labels; each style stays itself when mixed', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(5500, { cents: false })).toBe('$5,500');
    expect(formatUsd(3000, { cents: false, grouping: false })).toBe('$3000');
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1234.5)).toBe('$1,234.50'); // the cached formatter of the first style is not the last one's
    expect(formatUsd(-12.5)).toBe('$-12.50'); // a refund: the sign after the dollar sign, as it always was
  });
});
