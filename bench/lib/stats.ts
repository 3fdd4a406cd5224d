const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

export const median = (values: number[]): number => {
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  if (ordered.length === 0) return Number.NaN;
  return ordered.length % 2 === 1
    ? (ordered[middle] ?? Number.NaN)
    : ((ordered[middle - 1] ?? Number.NaN) + (ordered[middle] ?? Number.NaN)) / 2;
};

/** The nearest-rank percentile (`p` in 0..100): the smallest value that at least p% of values do not exceed. */
export const percentile = (values: number[], p: number): number => {
  const ordered = sorted(values);
  if (ordered.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * ordered.length));
  return ordered[rank - 1] ?? Number.NaN;
};

export const round = (value: number, decimals = 2): number => Number(value.toFixed(decimals));
