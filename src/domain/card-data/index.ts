export {
  MAX_CARD_DIGITS,
  type MaskResult,
  MIN_CARD_DIGITS,
  maskCardNumbers,
  VISIBLE_DIGITS,
} from './mask-card-numbers';
export { type SanitisedDocument, sanitiseDocument } from './sanitise-document';
export {
  type RecordFailed,
  type RecordTransformation,
  type RecordTransformed,
  transformRecord,
} from './transform-record';
