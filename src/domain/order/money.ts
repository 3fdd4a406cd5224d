/** Integer minor units (cents) of a major-unit amount; `undefined` when it has more than 2 decimals. */
export const toCents = (amount: number): number | undefined => {
  const cents = Math.round(amount * 100);
  return Math.abs(cents - amount * 100) < 1e-6 ? cents : undefined;
};

export const formatCents = (cents: number): string => (cents / 100).toFixed(2);
