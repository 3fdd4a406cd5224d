/** Tables, amounts and revenue as `npm run orders` prints them. */

export type Align = 'left' | 'right';

/**
 * A table with a header row: columns as wide as their widest cell, two spaces apart, aligned as asked
 * (left by default); the last column is not padded, so that no line ends in spaces.
 */
export const formatTable = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        if (align[column] === 'right') return cell.padStart(width);
        return column === row.length - 1 ? cell : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
};

/**
 * An amount rounded to cents. Sums of a scaled_float come back as doubles (100.1 + 200.2 =
 * 300.29999999999995); rounding the cents, not the amount, gives 300.3.
 */
export const roundMoney = (amount: number): number => {
  const cents = Math.round(amount * 100 + (amount >= 0 ? 1e-7 : -1e-7));
  return cents / 100 || 0;
};

/** `159.97`, `100.00`: two decimals, rounded to cents. */
export const formatAmount = (amount: number): string => roundMoney(amount).toFixed(2);

/** `159.97 EUR`. */
export const formatMoney = (amount: number, currency: string | undefined): string =>
  currency ? `${formatAmount(amount)} ${currency}` : formatAmount(amount);

export interface Revenue {
  /** The sum of payment.amount, rounded to cents (over every currency: meaningful for one currency). */
  total: number;
  /** The sum per currency, rounded to cents, the currency with the most orders first. */
  byCurrency: Record<string, number>;
}

/** `300.30 EUR`, `300.00 EUR + 20.00 USD`, or `0.00` without orders. */
export const formatRevenue = ({ total, byCurrency }: Revenue): string => {
  const parts = Object.entries(byCurrency).map(([currency, amount]) => formatMoney(amount, currency));
  return parts.length > 0 ? parts.join(' + ') : formatAmount(total);
};

/** `2026-11-21T10:15:30Z` for any ISO date with an offset; what was indexed if it is not a date. */
export const formatDate = (date: unknown): string => {
  if (typeof date !== 'string') return '-';
  const time = Date.parse(date);
  if (Number.isNaN(time)) return date;
  return new Date(time).toISOString().replace(/\.000Z$/, 'Z');
};
