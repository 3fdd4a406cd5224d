import {
  isCardContextKey,
  isCardNumberKey,
  isCardObjectKey,
  isSensitiveAuthenticationKey,
  normaliseKey,
} from '../../../../src/domain/card-data/sensitive-keys';

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
  it.each([
    'card',
    'Card',
    'CARD',
    'cards',
    'creditCard',
    'credit_card',
    'Credit-Card',
    'CREDIT_CARD',
    'debitCard',
    'paymentCard',
    'payment_card',
    'PaymentCard',
    'bankCard',
    'cardDetails',
    'card_details',
    'cardInfo',
    'cardInformation',
    'cardData',
    'paymentCardDetails',
    'creditCardDetails',
    'ccDetails',
    'cc',
    'CC',
  ])('takes "%s" for the name of a card object', (key) => {
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
  it.each([
    // card verification codes
    'cvv',
    'CVV',
    'cvv2',
    'CVV2',
    'cvc',
    'cvc2',
    'CVC2',
    'cvn',
    'cvn2',
    'cav2',
    'cvd',
    'cid',
    'CID',
    'csc',
    'cardCode',
    'card_code',
    'securityCode',
    'security_code',
    'Security-Code',
    'SECURITY_CODE',
    'cardSecurityCode',
    'cardVerificationCode',
    'card_verification_value',
    'verificationValue',
    // the same, after a prefix
    'cardCvv',
    'card_cvv',
    'paymentCvc2',
    'payment_cvc2',
    // track data
    'track',
    'track1',
    'track_1',
    'track2',
    'Track2',
    'TRACK_2',
    'track3',
    'trackData',
    'track_data',
    'track1Data',
    'track2_data',
    'magStripe',
    'mag_stripe_data',
    'magneticStripe',
    'magneticStripeData',
    // PIN blocks
    'pin',
    'PIN',
    'pinBlock',
    'pin_block',
    'PINBlock',
    'pinBlk',
    'encryptedPin',
    'encrypted_pin',
  ])('takes "%s" for sensitive authentication data', (key) => {
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
