import fc from 'fast-check';
import { maskCardNumbers } from '../../../../src/domain/card-data';
import {
  aCardNumber,
  aLuhnValidUnissuedNumber,
  aMillisecondTimestamp,
  aTextAround,
  aWriting,
  DIGIT_SET_NAMES,
  digits,
  maskedWriting,
  WRITING_STYLE_NAMES,
  writeNumber,
} from '../../../factories/card-numbers';
import { TEST_CARD_NUMBERS } from '../../../factories/order';
import { referenceMask } from '../../../helpers/card-number-reference';

const { visa, mastercard, amex } = TEST_CARD_NUMBERS;

/** `text` comes back as it is, and nothing is counted. */
const expectUnchanged = (text: string) => expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });

describe('maskCardNumbers', () => {
  describe('finds a card number however it is written', () => {
    it.each(WRITING_STYLE_NAMES)(
      'masks a card number grouped with %s, keeping them and the last 4 digits',
      (style) => {
        const { written } = writeNumber(visa, style);
        expect(maskCardNumbers(`charge ${written} today`)).toEqual({
          text: `charge ${maskedWriting(written)} today`,
          masked: 1,
        });
      },
    );

    it.each(DIGIT_SET_NAMES)(
      'masks a card number written in %s digits, keeping the last 4 as written',
      (set) => {
        const { written, last4 } = writeNumber(mastercard, 'spaces', set);
        const masked = maskCardNumbers(written);
        expect(masked).toEqual({ text: maskedWriting(written), masked: 1 });
        expect(masked.text.endsWith(` ${last4}`)).toBe(true);
      },
    );

    it.each([
      ['an Amex number grouped 4-6-5', '3782 822463 10005', '**** ****** *0005'],
      ['a Diners number grouped 4-6-4', '3056 930902 5904', '**** ****** 5904'],
      ['a 19-digit number grouped by 4', '6011 0009 9013 9424 009', '**** **** **** ***4 009'],
      ['a number between doubled spaces', '4111  1111  1111  1111', '****  ****  ****  1111'],
      ['a number between a dash and spaces', '5555 - 5555 - 5555 - 4444', '**** - **** - **** - 4444'],
      ['a number split over lines', '4111\r\n1111\r\n1111\r\n1111', '****\r\n****\r\n****\r\n1111'],
    ])('masks %s', (_, text, masked) => {
      expect(maskCardNumbers(text)).toEqual({ text: masked, masked: 1 });
    });

    it.each([
      ['a URL-encoded space', 'note=please%20charge%204111%201111%201111%201111%20thanks'],
      ['a URL-encoded thin space', 'q=pay%E2%80%89with%E2%80%894111%E2%80%891111%E2%80%891111%E2%80%891111'],
    ])('masks a card number in URL-encoded text right after %s', (_, text) => {
      const digitsLeft = maskCardNumbers(text)
        .text.replace(/%[0-9A-F]{2}/g, '')
        .replace(/[^0-9]/g, '');
      expect(digitsLeft).toBe('1111');
    });

    it('masks every card number in a text and counts each', () => {
      expect(maskCardNumbers(`first ${visa}, then (${amex}) and "5555-5555-5555-4444".`)).toEqual({
        text: 'first ************1111, then (***********0005) and "****-****-****-4444".',
        masked: 3,
      });
    });

    it.each([
      ['4111 1111 1111 1111 12/29', '**** **** **** 1111 12/29'],
      ['4111 1111 1111 1111 1229', '**** **** **** 1111 1229'],
    ])('masks a card number followed by its expiry date, and keeps the date: %s', (text, masked) => {
      expect(maskCardNumbers(text)).toEqual({ text: masked, masked: 1 });
    });

    it('masks a card number that a phone number precedes, and keeps the phone number', () => {
      expect(maskCardNumbers('call +44 20 7946 0958 4111 1111 1111 1111 today').text).toBe(
        'call +44 20 7946 0958 **** **** **** 1111 today',
      );
    });
  });

  describe('masks sensitive authentication data in free text', () => {
    it('masks track 2 data but the last 4 digits of its card number', () => {
      expect(maskCardNumbers('swipe ;4111111111111111=29121010000000000000? ok')).toEqual({
        text: `swipe ;************1111=${'*'.repeat(20)}? ok`,
        masked: 1,
      });
    });

    it('masks track 1 data, the cardholder name included, but the last 4 digits of its card number', () => {
      expect(maskCardNumbers('%B4111111111111111^LOVELACE/ADA^2912101000000000000000?')).toEqual({
        text: `%B************1111^${'*'.repeat(12)}^${'*'.repeat(22)}?`,
        masked: 1,
      });
    });

    it.each([
      ['cvv 123', 'cvv ***'],
      ['CVC2: 1234', 'CVC2: ****'],
      ['security code 987', 'security code ***'],
      ['card 4111 1111 1111 1111 cvv 123', 'card **** **** **** 1111 cvv ***'],
    ])('masks the verification code in "%s" after its name', (text, masked) => {
      expect(maskCardNumbers(text).text).toBe(masked);
    });

    it.each([
      ['a code without its name', 'code 123'],
      ['a verification code name without a code', 'the CVV is on the back'],
      ['a number too long for a code after its name', 'cvv 123456'],
    ])('keeps %s', (_, text) => {
      expectUnchanged(text);
    });
  });

  describe('with no context, takes a number for a card only by its shape', () => {
    it.each([
      ['a number that fails the Luhn check', '4111 1111 1111 1112'],
      ['a Luhn-valid number of no network', '9999 9999 9999 9995'],
      ['a Luhn-valid number of a network prefix but not of its length', '411111111111111118'],
      ['a 13-digit Visa number: 13 digits are barcodes and timestamps more often', '4222222222222'],
      ['a Luhn-valid EAN-13 barcode of a Visa prefix', 'EAN 4006381333931'],
      ['an order id that holds a card number inside', 'order-4111111111111111'],
      ['a number a letter touches', 'ID4111111111111111'],
      ['a number a letter beyond the Basic Multilingual Plane touches', '\u{1d408}\u{1d403}4111111111111111'],
      ['an order id of a timestamp and a counter', 'hold-1795937317-802'],
      ['an IBAN printed in groups', 'DE89 3704 0044 0532 0130 00'],
      ['a card number written with two kinds of separators', '4111 1111-1111 1111'],
      ['two dates', '30/11/2026 31/12/2026'],
      ['a tracking number printed in groups of 4', '9400 1000 0000 0000 0000 00'],
      ['a card number inside a number of 21 digits printed in groups of 4', '4111 1111 1111 1111 1234 5'],
      ['a card number whose digits are split by letters', '4111 1111 x 1111 1111'],
      ['a timestamp', '2026-11-21T10:15:30.123Z'],
      [
        'a GTIN-14 after its GS1 application identifier, though it reads as a Diners number',
        '(01)30569102030010',
      ],
      ['a barcode after its name', 'GTIN-14: 30569102030010'],
      ['a tracking number after its name', 'Tracking number: 4111 1111 1111 1111 0001 07'],
      ['the last 16 digits of a 20-digit number printed in fours', '0307 4111 1111 1111 1111'],
    ])('keeps %s', (_, text) => {
      expectUnchanged(text);
    });

    it('takes the first 16 digits of a 20-digit number printed in fours for a card and its expiry', () => {
      expect(maskCardNumbers('4111 1111 1111 1111 1229').text).toBe('**** **** **** 1111 1229');
    });

    it('keeps the digits of a valid IBAN even after words about a card, and masks the same digits elsewhere', () => {
      // 3056 9309 0259 04 is a Diners test number; GB20 its IBAN check digits under a Lloyds bank code.
      const iban = 'GB20 LOYD 3056 9309 0259 04';
      expect(maskCardNumbers(`card or transfer to ${iban}`).text).toBe(`card or transfer to ${iban}`);
      expect(maskCardNumbers('card 3056 9309 0259 04').text).toBe('card **** **** **59 04');
    });

    it('returns the very string it is given when it holds no card number', () => {
      const text = `Deliver after 6 pm, ${'x'.repeat(50)} 1234 5678`;
      expect(maskCardNumbers(text).text).toBe(text);
    });
  });

  describe('after words about a card, takes any number a network issues', () => {
    it.each([
      ['a 13-digit Visa number', 'Visa 4222222222222', 'Visa *********2222'],
      ['a 12-digit Maestro number', 'Maestro 5018 0000 0009', 'Maestro **** **** 0009'],
      [
        'a number written with two kinds of separators',
        'card: 4111 1111-1111 1111',
        'card: **** ****-**** 1111',
      ],
      ['a number glued to the word', 'cardnumber:4111111111111111', 'cardnumber:************1111'],
      [
        'a number inside a longer number in groups of 4',
        'card 4111 1111 1111 1111 1234',
        'card **** **** **** 1111 1234',
      ],
    ])('masks %s', (_, text, masked) => {
      expect(maskCardNumbers(text)).toEqual({ text: masked, masked: 1 });
    });

    it('still needs a prefix, a length and a check digit of a network', () => {
      expectUnchanged('card 4111 1111 1111 1112, card 9999 9999 9999 9995');
    });

    it('does not look further back than 40 characters for them', () => {
      expectUnchanged(`card ${'.'.repeat(40)} 4222222222222`);
    });
  });

  describe('in a given context', () => {
    it.each([
      ['card', 'a 13-digit Visa number', '4222222222222', '*********2222'],
      ['card', 'a number glued to an id', 'ord-4111111111111111', 'ord-************1111'],
      ['card-number', 'any 12-19 digits, Luhn-valid or not', '1234 5678 9012 3456', '**** **** **** 3456'],
      ['card-number', 'a 12-digit number', '123456789012', '********9012'],
      ['identifier', 'a card number inside an id', 'order-4111111111111111', 'order-************1111'],
    ] as const)('with context "%s", masks %s', (context, _, text, masked) => {
      expect(maskCardNumbers(text, context)).toEqual({ text: masked, masked: 1 });
    });

    it.each([
      ['card', 'a number that fails the Luhn check', '4111 1111 1111 1112'],
      ['card', 'a Luhn-valid number of no network', '9999 9999 9999 9995'],
      ['card-number', 'fewer than 12 digits', '12345678901'],
      ['card-number', 'more than 19 digits', '12345678901234567890'],
      ['identifier', 'an order id of a timestamp and a counter', 'hold-1795937317-802'],
      ['identifier', 'a 13-digit Visa number', 'sku-4222222222222'],
    ] as const)('with context "%s", keeps %s', (context, _, text) => {
      expect(maskCardNumbers(text, context)).toEqual({ text, masked: 0 });
    });
  });

  describe('for any text', () => {
    it('masks any card number a network issues, in any writing, leaving only its last 4 digits', () => {
      fc.assert(
        fc.property(
          aCardNumber().chain(({ digits }) =>
            aWriting().chain(({ style, set }) => {
              const written = writeNumber(digits, style, set).written;
              return aTextAround(written).map((text) => ({ written, text }));
            }),
          ),
          ({ written, text }) => {
            const result = maskCardNumbers(text);
            expect(result.masked).toBeGreaterThanOrEqual(1);
            expect(result.text).toBe(text.replace(written, maskedWriting(written)));
          },
        ),
        { numRuns: 500 },
      );
    });

    it('masks a card number of any length a network issues after a word about cards', () => {
      fc.assert(
        fc.property(
          aCardNumber({ anyLength: true }),
          fc.constantFrom('card ', 'Visa: ', 'cc ', 'pan='),
          ({ digits }, word) => {
            const written = writeNumber(digits, 'spaces').written;
            expect(maskCardNumbers(`${word}${written}`).text).toBe(`${word}${maskedWriting(written)}`);
          },
        ),
      );
    });

    it('keeps any text without a run of 12 digits as it is', () => {
      // Digits of a few sets, separators, letters that name no verification code, and other characters.
      const unit = fc.constantFrom(...'0123456789٤١४𝟏 -./_\u00a0\u2013\nabxyzé:#*()');
      const pieces = (text: string) => text.split(/\p{L}|[^\p{Nd}]{4,}/u);
      fc.assert(
        fc.property(fc.string({ unit, maxLength: 80 }), (text) => {
          fc.pre(pieces(text).every((piece) => piece.replace(/[^\p{Nd}]/gu, '').length < 12));
          expect(maskCardNumbers(text)).toEqual({ text, masked: 0 });
        }),
        { numRuns: 500 },
      );
    });

    it('masks nothing more in a text it has masked (masking is idempotent)', () => {
      const aText = fc.oneof(
        fc.string(),
        aCardNumber({ anyLength: true }).chain(({ digits }) =>
          aWriting().chain(({ style, set }) => aTextAround(writeNumber(digits, style, set).written)),
        ),
        fc.string({ unit: fc.constantFrom(...'0123456789 -/.card cvv'), maxLength: 60 }),
      );
      fc.assert(
        fc.property(aText, (text) => {
          const once = maskCardNumbers(text).text;
          expect(maskCardNumbers(once).text).toBe(once);
        }),
        { numRuns: 500 },
      );
    });

    it('changes nothing but digits into asterisks', () => {
      fc.assert(
        fc.property(
          fc.string({ unit: fc.constantFrom(...'0123456789 -ab\u202f\u2212٤'), maxLength: 60 }),
          (text) => {
            const before = [...text];
            const after = [...maskCardNumbers(text).text];
            expect(after).toHaveLength(before.length);
            after.forEach((character, index) => {
              if (character !== before[index])
                expect([character, before[index]]).toEqual(['*', expect.stringMatching(/^\p{Nd}$/u)]);
            });
          },
        ),
      );
    });

    it('masks exactly what the rules say in any text of digits, separators, letters and card words', () => {
      const token = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...'0123456789') },
        { weight: 3, arbitrary: fc.constantFrom(' ', '-', '.', '/', '\n', '\u00a0', '\u2013', '  ', ' - ') },
        { weight: 1, arbitrary: fc.constantFrom('a', 'x', ':', '(', 'card ', 'cvv ', '٤', '١') },
        { weight: 2, arbitrary: aCardNumber({ anyLength: true }).map(({ digits }) => digits) },
      );
      fc.assert(
        fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
          const text = tokens.join('');
          expect(maskCardNumbers(text)).toEqual(referenceMask(text));
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('keeps what only looks like a card number', () => {
    it('keeps Luhn-valid numbers no network issues, plain or grouped by 4, in any text', () => {
      fc.assert(
        fc.property(
          aLuhnValidUnissuedNumber().chain((number) =>
            // Grouped by 4, a longer number holds windows of 14-16 digits, which may be card numbers.
            fc
              .constantFrom(
                ...(number.length <= 16
                  ? (['plain', 'spaces', 'dashes', 'dots'] as const)
                  : (['plain'] as const)),
              )
              .chain((style) => aTextAround(writeNumber(number, style).written, { cardWords: false })),
          ),
          expectUnchanged,
        ),
        { numRuns: 500 },
      );
    });

    it('keeps numbers of a network prefix and length of up to 16 digits that fail the Luhn check, in any writing', () => {
      fc.assert(
        fc.property(
          aCardNumber({ valid: false })
            .filter(({ digits }) => digits.length <= 16)
            .chain(({ digits }) =>
              aWriting().chain(({ style, set }) =>
                aTextAround(writeNumber(digits, style, set).written, { cardWords: false }),
              ),
            ),
          expectUnchanged,
        ),
        { numRuns: 500 },
      );
    });

    it('keeps millisecond timestamps, alone, in JSON and in order ids, Luhn-valid or not', () => {
      fc.assert(
        fc.property(
          aMillisecondTimestamp(),
          digits(3),
          fc.constantFrom('{t}', '"ts":{t}', 'ord-{t}-{n}', 'hold-{t}-{n}', '{t} {t}', 'created {t}'),
          (stamp, counter, template) => {
            expectUnchanged(template.replaceAll('{t}', stamp).replace('{n}', counter));
          },
        ),
      );
    });

    it('keeps order ids whose digits around the dash form a number a network issues', () => {
      fc.assert(
        fc.property(aCardNumber(), fc.constantFrom('ord-', 'hold-', 'PO_', 'INV/'), ({ digits }, prefix) => {
          expectUnchanged(`${prefix}${digits.slice(0, -3)}-${digits.slice(-3)}`);
        }),
      );
    });
  });
});
