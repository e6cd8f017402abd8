// The one way Greenlight writes money: US dollars, cents by default ($1,234.50), whole dollars
// for budgets and policy messages ($5,500), ungrouped where a label is compared as text ($3000).

export function formatUsd(amount: number, options: { cents?: boolean; grouping?: boolean } = {}): string {
  const digits = options.cents === false ? 0 : 2;
  return `$${amount.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: options.grouping ?? true,
  })}`;
}
