import fc from 'fast-check';
import {
  type QuarantineDocument,
  type RecordTransformation,
  transformRecord,
} from '../../../../src/domain/card-data';
import { aCardNumber, aPlainKey, aPlainString } from '../../../factories/card-numbers';
import { textOf } from '../../../factories/firehose';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { cvvPattern, showsCardNumber } from '../../../helpers/card-data';

const { visa, mastercard, amex } = TEST_CARD_NUMBERS;

/** A 19-digit Visa number: past 2^53, so `JSON.parse` reads it as 4000000000000000000. */
const VISA_19 = '4000000000000000006';
const CVV = '8642';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The text of a transformed record; fails the test when the record is not `Ok`. */
const outputOf = (transformation: RecordTransformation): string => {
  expect(transformation.result).toBe('Ok');
  return textOf(transformation.data);
};

const transformedText = (text: string): string => outputOf(transformRecord(base64(text)));

/** The quarantine document a record became; fails the test when it was not quarantined. */
const quarantineOf = (transformation: RecordTransformation): QuarantineDocument['quarantine'] => {
  expect(transformation.quarantined).toEqual(expect.any(String));
  const document = JSON.parse(outputOf(transformation)) as QuarantineDocument;
  expect(Object.keys(document)).toEqual(['quarantine']);
  expect(document.quarantine.reason).toBe(transformation.quarantined);
  return document.quarantine;
};

const showsCvv = (text: string): boolean => cvvPattern(CVV).test(text);

/** Plain strings (see `aPlainString`) without the CVV. */
const aStringWithoutCvv = aPlainString().filter((text) => !text.includes(CVV));

/**
 * Flat JSON objects that hold no card data and no CVV. No doubles: the transform reads JSON numbers from the
 * text, where a double may spell a card number.
 */
const aFlatPlainObject = fc.dictionary(
  aPlainKey(),
  fc.oneof(
    aStringWithoutCvv,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(aStringWithoutCvv, { maxLength: 3 }),
  ),
  { maxKeys: 6 },
);

describe('transformRecord', () => {
  it('turns an order into one line of JSON with its card reduced to network and last 4 digits', () => {
    const order = anOrder({ id: 'order-transform-1' });
    const reduced = { ...order, payment: { ...order.payment, card: { network: 'visa', last4: '1111' } } };
    expect(transformRecord(base64(JSON.stringify(order)))).toEqual({
      result: 'Ok',
      data: base64(`${JSON.stringify(reduced)}\n`),
      cardObjectsReduced: 1,
      sensitiveAuthenticationDataRemoved: 0,
      numbersMasked: 0,
    });
  });

  it('masks a card number in the notes and removes a CVV, and counts them', () => {
    const transformation = transformRecord(base64(JSON.stringify({ notes: `charge ${visa}`, cvv: CVV })));
    expect(transformation).toMatchObject({
      result: 'Ok',
      numbersMasked: 1,
      sensitiveAuthenticationDataRemoved: 1,
    });
    expect(transformation).not.toHaveProperty('quarantined');
    expect(outputOf(transformation)).toBe('{"notes":"charge ************1111"}\n');
  });

  it('takes the bytes of a record as well as their base64', () => {
    expect(outputOf(transformRecord(Buffer.from('{"a": 1}')))).toBe('{"a": 1}\n');
  });

  it('gives back a one-line record with nothing to remove as it was written', () => {
    const written = '{ "id" : "order-1", "amount": 1.50, "note": "\\u0041" }';
    expect(outputOf(transformRecord(Buffer.from(written)))).toBe(`${written}\n`);
  });

  it('writes a record again, on one line, once something is removed from it', () => {
    expect(outputOf(transformRecord(Buffer.from('{ "id" : "order-1", "cvv": "123" }')))).toBe(
      '{"id":"order-1"}\n',
    );
  });

  it('writes a pretty-printed document on one line', () => {
    const output = transformedText(JSON.stringify(anOrder(), null, 2));
    expect(output.indexOf('\n')).toBe(output.length - 1);
  });

  it('masks a card number, and removes a CVV, whose digits, separators or keys are written as unicode escapes', () => {
    const json =
      '{"notes": "\\u0034111\\u20131111\\u2013\\u0031111\\u20131111", "\\u0063ard": {"number": "x"}, "\\u0063vv": 8642}';
    expect(transformedText(json)).toBe('{"notes":"****\u2013****\u2013****\u20131111","card":{}}\n');
  });

  it('reads bytes that are not valid UTF-8 as text with replacement characters', () => {
    const bytes = Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(outputOf(transformRecord(bytes))).toBe('{"name": "caf\uFFFD"}\n');
  });

  describe('card numbers stored as JSON numbers', () => {
    it.each([
      ['a 16-digit Visa', visa, '************1111'],
      ['a 16-digit Mastercard', mastercard, '************4444'],
      ['a 15-digit Amex', amex, '***********0005'],
      ['a 19-digit Visa, past 2^53', VISA_19, '***************0006'],
    ])('masks %s under a key that names no card, reading its last 4 digits exactly', (_, number, masked) => {
      expect(transformedText(`{"reference": ${number}}`)).toBe(`{"reference":"${masked}"}\n`);
    });

    it.each([
      ['pan', '1234567890123456', '************3456'],
      ['cardNumber', '1234567890123', '*********0123'],
      ['card', VISA_19, '***************0006'],
    ])('masks any 12 to 19 digits under "%s", Luhn-valid or not', (key, number, masked) => {
      expect(transformedText(`{"${key}": ${number}}`)).toBe(`{"${key}":"${masked}"}\n`);
    });

    it('masks card numbers in arrays, at any depth, and counts each', () => {
      const json = `{"payments": [${visa}, {"refunds": [[${VISA_19}]]}], "pan": [${mastercard}]}`;
      const transformation = transformRecord(base64(json));
      expect(outputOf(transformation)).toBe(
        '{"payments":["************1111",{"refunds":[["***************0006"]]}],"pan":["************4444"]}\n',
      );
      expect(transformation.numbersMasked).toBe(3);
    });

    it('reads the last 4 digits of a 19-digit card number in a card object from the record text', () => {
      const json = `{"card": {"number": ${VISA_19}, "cvv": ${CVV}}, "createdAt": 1795937317000}`;
      expect(transformedText(json)).toBe(
        '{"card":{"network":"visa","last4":"0006"},"createdAt":1795937317000}\n',
      );
    });

    it('keeps other long numbers as they are written: timestamps, barcodes, Luhn-invalid numbers', () => {
      const json =
        '{"id":"hold-1795937317-802","createdAt":1795937317000,"micros":1795937317000000,' +
        `"gtin":4006381333931,"reference":4111111111111112,"amount":159.97,"pan":${visa}}`;
      expect(transformedText(json)).toBe(
        '{"id":"hold-1795937317-802","createdAt":1795937317000,"micros":1795937317000000,' +
          '"gtin":4006381333931,"reference":4111111111111112,"amount":159.97,"pan":"************1111"}\n',
      );
    });

    it('gives back a document whose only long numbers are not card numbers as it is', () => {
      const json = '{"id":"hold-1795937317-802","createdAt":1795937317000,"items":[{"gtin":4006381333931}]}';
      const transformation = transformRecord(base64(json));
      expect(outputOf(transformation)).toBe(`${json}\n`);
      expect(transformation).toMatchObject({ cardObjectsReduced: 0, numbersMasked: 0 });
    });
  });

  it('keeps the order id hold-1795937317-802 and other identifiers intact', () => {
    const document = {
      id: 'hold-1795937317-802',
      customer: { id: 'customer-1795937317', phone: '+44 20 7946 0958' },
      iban: 'DE89 3704 0044 0532 0130 00',
      tracking: '9400 1000 0000 0000 0000 00',
      notes: 'Replaces hold-1795937317-801, created 1795937317000',
      payment: { card: { network: 'visa', last4: '1111' } },
    };
    expect(transformedText(JSON.stringify(document))).toBe(`${JSON.stringify(document)}\n`);
  });

  describe('records that are not JSON objects (fail closed)', () => {
    const cardData = `{"card": {"number": "${visa}", "cvv": "${CVV}"}, "notes": "or ${mastercard}"}`;

    it.each([
      ['an array', '[]', 'the record is an array, not a JSON object'],
      ['a string', '"x"', 'the record is a string, not a JSON object'],
      ['a number', '42', 'the record is a number, not a JSON object'],
      ['a boolean', 'true', 'the record is a boolean, not a JSON object'],
      ['null', 'null', 'the record is null, not a JSON object'],
      ['truncated JSON', '{"id": "order-1", ', 'the record is not valid JSON (at position 18)'],
      ['two documents', '{"a":1}\n{"b":2}', 'the record is not valid JSON (at position 8)'],
      ['empty', '', 'the record is empty'],
      ['only white space', ' \n ', 'the record is not valid JSON'],
    ])(
      'quarantines a record that is %s, as a JSON object that says why and holds its text',
      (_, text, reason) => {
        expect(transformRecord(base64(text))).toEqual({
          result: 'Ok',
          data: base64(`${JSON.stringify({ quarantine: { reason, maskedText: text } })}\n`),
          quarantined: reason,
          cardObjectsReduced: 0,
          sensitiveAuthenticationDataRemoved: 0,
          numbersMasked: 0,
        });
      },
    );

    it.each([
      ['an array', `[${cardData}]`],
      ['a string', JSON.stringify(`card ${visa} cvv ${CVV} or ${mastercard}`)],
      ['a number', visa],
      ['truncated JSON', cardData.slice(0, -1)],
      ['two documents', `${cardData}\n{"pan": ${visa}, "cvv": ${CVV}}`],
      ['JSON with a syntax error', `{"pan": ${visa}x, "cvv": "${CVV}", "notes": "${mastercard}"}`],
      ['not JSON at all', `card=${visa}&cvv=${CVV}`],
      ['track data', `%B${visa}^LOVELACE/ADA^2912101${CVV}000000000?;${visa}=29121010000012345678?`],
    ])('quarantines %s holding card data without its card numbers or CVV', (_, text) => {
      const transformation = transformRecord(base64(text));
      quarantineOf(transformation);
      expect(
        transformation.numbersMasked + transformation.sensitiveAuthenticationDataRemoved,
      ).toBeGreaterThan(0);
      const output = textOf(transformation.data);
      for (const number of [visa, mastercard]) expect(showsCardNumber(output, number)).toBe(false);
      expect(showsCvv(output)).toBe(false);
    });

    it('masks card numbers, track data and verification codes in the text, and counts them', () => {
      const text = `{"notes": "card ${visa} cvv ${CVV}", "securityCode": ${CVV}, "track2": ";${amex}=2912101?"`;
      const transformation = transformRecord(base64(text));
      expect(quarantineOf(transformation).maskedText).toBe(
        '{"notes": "card ************1111 cvv ****", "securityCode": "[removed]", "track2": "[removed]"',
      );
      expect(transformation).toMatchObject({ numbersMasked: 2, sensitiveAuthenticationDataRemoved: 2 });
    });

    it('masks the number of a card object in a record cut short, even one that fails the Luhn check', () => {
      const transformation = transformRecord(base64('{"card": {"number": "4111111111111112"}, '));
      expect(quarantineOf(transformation).maskedText).toBe('{"card": {"number": "************1112"}, ');
    });

    it('quarantines a JSON object nested too deeply to walk, masked', () => {
      const text = `{"notes": "${visa}", "deep": ${'['.repeat(150)}${']'.repeat(150)}, "cvv": "${CVV}"}`;
      const transformation = transformRecord(base64(text));
      expect(quarantineOf(transformation).reason).toBe(
        'the record could not be transformed: its JSON is nested too deeply',
      );
      expect(showsCardNumber(textOf(transformation.data), visa)).toBe(false);
      expect(showsCvv(textOf(transformation.data))).toBe(false);
    });

    it('quarantines a document nested too deeply to parse, without throwing', () => {
      const depth = 200_000;
      const transformation = transformRecord(base64(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`));
      expect(quarantineOf(transformation).reason).toBe(
        'the record could not be transformed: its JSON is nested too deeply',
      );
    });

    it('never quotes the record in the reason it gives', () => {
      const texts = [
        `{"card": {"number": "${visa}", "cvv": "${CVV}"`,
        `["${visa}", "${CVV}"]`,
        `"${visa} ${CVV}"`,
        `{"number": ${visa}x, "cvv": "${CVV}"}`,
        `${visa} ${CVV}`,
      ];
      for (const text of texts) {
        const { reason } = quarantineOf(transformRecord(base64(text)));
        expect(reason).not.toMatch(/4111|8642/);
        expect(reason).toMatch(/^the record (is|could not be)/);
      }
    });
  });

  describe('for any input', () => {
    it('gives back any JSON object without card data exactly', () => {
      fc.assert(
        fc.property(aFlatPlainObject, (document) => {
          const json = JSON.stringify(document);
          expect(transformedText(json)).toBe(`${json}\n`);
        }),
        { numRuns: 300 },
      );
    });

    it('leaves no card number readable, stored as a JSON number or a string, in an object or an array', () => {
      fc.assert(
        fc.property(
          aFlatPlainObject,
          aPlainKey(),
          aCardNumber().map(({ digits }) => digits),
          fc.constantFrom('number', 'string', 'number in an array'),
          (document, key, number, storedAs) => {
            const holder = `holder_${key}`;
            const value =
              storedAs === 'string' ? `"${number}"` : storedAs === 'number' ? number : `[1, ${number}]`;
            const json = `${JSON.stringify({ ...document, [holder]: 0 }).slice(0, -1)},"At":1795937317000,"N":${value}}`;
            const output = transformedText(json);
            expect(showsCardNumber(output, number)).toBe(false);
            expect(JSON.parse(output)).toMatchObject({ ...document, [holder]: 0, At: 1795937317000 });
          },
        ),
        { numRuns: 300 },
      );
    });

    it('leaves no card number or CVV readable in a record cut short, and quarantines it', () => {
      fc.assert(
        fc.property(
          aFlatPlainObject,
          aCardNumber().map(({ digits }) => digits),
          fc.boolean(),
          fc.nat(),
          (document, number, asNumber, cut) => {
            fc.pre(!number.includes(CVV)); // its last 4 digits stay readable
            const json = JSON.stringify({ ...document, zz: 0 }).replace(
              '"zz":0',
              `"payment":{"cvv":"${CVV}","n":${asNumber ? number : `"${number}"`}}`,
            );
            const after = json.indexOf(number) + number.length + 1;
            const text = json.slice(0, after + (cut % (json.length - after)));
            const transformation = transformRecord(base64(text));
            quarantineOf(transformation);
            expect(showsCardNumber(textOf(transformation.data), number)).toBe(false);
            expect(showsCvv(textOf(transformation.data))).toBe(false);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('answers any bytes Ok with one line holding a JSON object, and never throws', () => {
      const isValid = (transformation: RecordTransformation) => {
        const text = textOf(transformation.data);
        const document: unknown = JSON.parse(text);
        return (
          transformation.result === 'Ok' &&
          text.endsWith('\n') &&
          text.indexOf('\n') === text.length - 1 &&
          typeof document === 'object' &&
          document !== null &&
          !Array.isArray(document)
        );
      };
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          expect(isValid(transformRecord(Buffer.from(bytes)))).toBe(true);
          expect(isValid(transformRecord(Buffer.from(bytes).toString('base64')))).toBe(true);
        }),
        { numRuns: 500 },
      );
      fc.assert(
        fc.property(fc.string(), (data) => {
          expect(isValid(transformRecord(data))).toBe(true);
        }),
      );
    });
  });
});
