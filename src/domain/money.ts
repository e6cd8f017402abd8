// The one way Greenlight writes money: US dollars, cents by default ($1,234.50), whole dollars
// for budgets and policy messages ($5,500), ungrouped where a label is compared as text ($3000).

// One formatter per style, made once: `toLocaleString` builds a new Intl.NumberFormat on each call.
const formats = new Map<string, Intl.NumberFormat>();

export function formatUsd(amount: number, options: { cents?: boolean; grouping?: boolean } = {}): string {
  const digits = options.cents === false ? 0 : 2;
  const grouping = options.grouping ?? true;
  const key = `${digits}:${grouping}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: grouping });
    formats.set(key, format);
  }
  return `$${format.format(amount)}`;
}
