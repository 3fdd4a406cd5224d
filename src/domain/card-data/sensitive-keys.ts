/**
 * Property names that say what a value is (SPEC §2): card objects, card numbers, and sensitive
 * authentication data (PCI DSS 3.3.1: CVV/CVC/CID, track data, PIN blocks), in any case and any
 * spelling of the separators between words (`securityCode`, `security_code`, `Security-Code`).
 */

/** `Credit_Card` -> `creditcard`: the key as lower-case letters and digits only. */
export const normaliseKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

const CARD_OBJECT_KEYS = new Set([
  'card',
  'cards',
  'creditcard',
  'debitcard',
  'paymentcard',
  'bankcard',
  'carddetails',
  'cardinfo',
  'cardinformation',
  'carddata',
  'paymentcarddetails',
  'creditcarddetails',
  'ccdetails',
  'cc',
]);

const CARD_NUMBER_KEYS = new Set([
  'pan',
  'number',
  'cardnumber',
  'cardnum',
  'cardno',
  'ccnumber',
  'ccnum',
  'ccno',
  'creditcardnumber',
  'debitcardnumber',
  'paymentcardnumber',
  'primaryaccountnumber',
  'accountnumber',
]);

/** Keys that are sensitive authentication data whatever precedes them (`cardCvv`, `payment_cvc2`, ...). */
const SENSITIVE_AUTHENTICATION_SUFFIXES = [
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'cvn',
  'cvn2',
  'cav2',
  'cvd',
  'securitycode',
  'verificationcode',
  'verificationvalue',
  'track1',
  'track2',
  'track3',
  'trackdata',
  'track1data',
  'track2data',
  'magstripe',
  'magstripedata',
  'magneticstripe',
  'magneticstripedata',
  'pinblock',
  'encryptedpin',
] as const;

/** Keys that are sensitive authentication data only on their own (`pincode` is a postal code in India). */
const SENSITIVE_AUTHENTICATION_KEYS = new Set(['cid', 'csc', 'pin', 'track', 'pinblk', 'cardcode']);

/** A property whose object value is a payment card: `card`, `creditCard`, `paymentCard`, `cardDetails`... */
export const isCardObjectKey = (key: string): boolean => CARD_OBJECT_KEYS.has(normaliseKey(key));

/** A property whose value is a card number: `pan`, `cardNumber`, `ccNum`... (`number` only inside a card). */
export const isCardNumberKey = (key: string, insideCard: boolean): boolean => {
  const normalised = normaliseKey(key);
  if (normalised === 'number' || normalised === 'accountnumber') return insideCard;
  return CARD_NUMBER_KEYS.has(normalised) || (CARD_OBJECT_KEYS.has(normalised) && normalised !== 'cards');
};

/** A property that holds sensitive authentication data: it is removed, whatever its value. */
export const isSensitiveAuthenticationKey = (key: string): boolean => {
  const normalised = normaliseKey(key);
  if (SENSITIVE_AUTHENTICATION_KEYS.has(normalised)) return true;
  for (const suffix of SENSITIVE_AUTHENTICATION_SUFFIXES) {
    if (normalised.endsWith(suffix)) return true;
  }
  return false;
};

/** A property name that says its value may be about a card or a payment (`cardMemo`, `paymentNote`). */
export const isCardContextKey = (key: string): boolean => /card|pan$|^cc|payment/i.test(key);
