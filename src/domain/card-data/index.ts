export { CARD_NETWORKS, type CardNetwork, isIssuedCardNumber, networkOf, passesLuhn } from './card-networks';
export { quoteCardNumberLiterals } from './json-number-literals';
export {
  type CardContext,
  holdsCardNumber,
  MAX_CARD_DIGITS,
  type MaskResult,
  MIN_CARD_DIGITS,
  maskCardNumbers,
  mayHoldCardNumber,
  VISIBLE_DIGITS,
} from './mask-card-numbers';
export { cardNumberDigits, type ReducedCard, reduceCard } from './reduce-card';
export {
  type CardDataCounts,
  DocumentTooDeepError,
  MAX_DEPTH,
  type SanitisedDocument,
  sanitiseDocument,
} from './sanitise-document';
export { isCardObjectKey, isSensitiveAuthenticationKey, normaliseKey } from './sensitive-keys';
export {
  maskUnparsedText,
  type QuarantineDocument,
  type RecordTransformation,
  type RecordTransformed,
  transformRecord,
} from './transform-record';
export { decimalDigitValue, toAsciiDigits } from './unicode-digits';
