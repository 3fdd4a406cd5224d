import { cardDigits } from '../../src/domain/order';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches a card number however it is written: plain, grouped by 4 with spaces or dashes, or with any
 * other separators of that kind between its digits.
 */
export const cardNumberPattern = (number: string): RegExp =>
  new RegExp(cardDigits(number).split('').map(escapeRegExp).join('[\\s\\u2010-\\u2014\\u2212-]*'));

/** The 4-digit groupings a card number is commonly written in. */
export const groupedVariants = (number: string): string[] => {
  const groups = cardDigits(number).match(/.{1,4}/g) ?? [];
  return [groups.join(' '), groups.join('-')];
};

/** Matches the CVV as a value on its own, not as part of a longer number or identifier. */
export const cvvPattern = (cvv: string): RegExp =>
  new RegExp(`(?<![0-9A-Za-z])${escapeRegExp(cvv)}(?![0-9A-Za-z])`);

/** The card data found in `text`, as descriptions; empty when there is none. */
export const cardDataIn = (text: string, card: { number: string; cvv: string }): string[] => {
  const found: string[] = [];
  if (cardNumberPattern(card.number).test(text)) found.push('the card number');
  for (const variant of groupedVariants(card.number)) {
    if (text.includes(variant)) found.push(`the card number as "${variant}"`);
  }
  if (cvvPattern(card.cvv).test(text)) found.push('the CVV');
  if (/"cvv"/i.test(text)) found.push('a cvv field');
  return found;
};
