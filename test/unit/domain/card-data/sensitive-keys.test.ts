import {
  isCardContextKey,
  isCardNumberKey,
  isCardObjectKey,
  isSensitiveAuthenticationKey,
  normaliseKey,
} from '../../../../src/domain/card-data/sensitive-keys';
import { CARD_OBJECT_NAMES, SENSITIVE_AUTHENTICATION_NAMES } from '../../../factories/card-data-keys';

describe('normaliseKey', () => {
  it.each([
    ['Credit_Card', 'creditcard'],
    ['Security-Code', 'securitycode'],
    ['CVV2', 'cvv2'],
    ['card details', 'carddetails'],
    ['track.1', 'track1'],
  ])('reads "%s" as "%s"', (key, normalised) => {
    expect(normaliseKey(key)).toBe(normalised);
  });
});

describe('isCardObjectKey', () => {
  it.each(CARD_OBJECT_NAMES)('takes "%s" for the name of a card object', (key) => {
    expect(isCardObjectKey(key)).toBe(true);
  });

  it.each([
    'method',
    'cardHolder',
    'cardholder',
    'cardType',
    'cardNumber',
    'giftCard',
    'scorecard',
    'discard',
    'cardinal',
    'cardsCount',
    'payment',
  ])('does not take "%s" for the name of a card object', (key) => {
    expect(isCardObjectKey(key)).toBe(false);
  });
});

describe('isCardNumberKey', () => {
  it.each([
    'pan',
    'PAN',
    'cardNumber',
    'card_number',
    'Card-Number',
    'cardNum',
    'cardNo',
    'ccNumber',
    'cc_num',
    'ccNo',
    'creditCardNumber',
    'debitCardNumber',
    'paymentCardNumber',
    'primaryAccountNumber',
    'primary_account_number',
    'card',
    'creditCard',
  ])('takes "%s" for the name of a card number, inside a card or not', (key) => {
    expect([isCardNumberKey(key, false), isCardNumberKey(key, true)]).toEqual([true, true]);
  });

  it.each(['number', 'Number', 'accountNumber', 'account_number'])(
    'takes "%s" for the name of a card number only inside a card',
    (key) => {
      expect([isCardNumberKey(key, false), isCardNumberKey(key, true)]).toEqual([false, true]);
    },
  );

  it.each(['cards', 'span', 'panel', 'company', 'phoneNumber', 'orderNumber', 'trackingNumber', 'id'])(
    'does not take "%s" for the name of a card number',
    (key) => {
      expect([isCardNumberKey(key, false), isCardNumberKey(key, true)]).toEqual([false, false]);
    },
  );
});

describe('isSensitiveAuthenticationKey', () => {
  it.each(SENSITIVE_AUTHENTICATION_NAMES)('takes "%s" for sensitive authentication data', (key) => {
    expect(isSensitiveAuthenticationKey(key)).toBe(true);
  });

  it.each([
    'pincode',
    'pinCode',
    'PIN_CODE',
    'pinned',
    'spin',
    'shipping',
    'tracking',
    'trackingNumber',
    'soundtrack',
    'cidr',
    'acid',
    'card',
    'cardHolder',
    'cvvResult',
    'securityQuestion',
    'verification',
    'codeVerifier',
  ])('does not take "%s" for sensitive authentication data', (key) => {
    expect(isSensitiveAuthenticationKey(key)).toBe(false);
  });
});

describe('isCardContextKey', () => {
  it.each([
    'cardMemo',
    'giftCard',
    'cardHolder',
    'ccHolder',
    'payment',
    'paymentReference',
    'pan',
    'mainPan',
  ])('takes "%s" for a name whose value may be about a card', (key) => {
    expect(isCardContextKey(key)).toBe(true);
  });

  it.each(['notes', 'memo', 'description', 'panel', 'id', 'accident'])(
    'does not take "%s" for a name whose value is about a card',
    (key) => {
      expect(isCardContextKey(key)).toBe(false);
    },
  );
});
