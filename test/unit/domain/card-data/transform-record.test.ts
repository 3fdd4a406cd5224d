import fc from 'fast-check';
import { type RecordTransformation, transformRecord } from '../../../../src/domain/card-data';
import {
  aJsonObject,
  anOrderHolding,
  aTextAround,
  aWrittenCardNumber,
  aWrittenLuhnInvalidNumber,
} from '../../../factories/card-numbers';
import { textOf } from '../../../factories/firehose';
import { anOrder, TEST_CARD_NUMBERS } from '../../../factories/order';
import { cardDataIn, cardNumberPattern } from '../../../helpers/card-data';
import { referenceHasCardNumber, referenceSanitise, textsOf } from '../../../helpers/card-number-reference';

const { visa } = TEST_CARD_NUMBERS;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The text of a transformed record; fails the test when the record was not transformed. */
const outputOf = (transformation: RecordTransformation): string => {
  if (transformation.result !== 'Ok') throw new Error(`expected Ok, got: ${transformation.reason}`);
  return textOf(transformation.data);
};

const withoutCardObjects = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutCardObjects);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, child]) => !(key === 'card' && typeof child === 'object' && child !== null))
      .map(([key, child]) => [key, withoutCardObjects(child)]),
  );
};

describe('transformRecord', () => {
  it('turns an order into one line of JSON without its card', () => {
    const order = anOrder({ id: 'order-transform-1' });
    const transformation = transformRecord(base64(JSON.stringify(order)));
    const { card, ...payment } = order.payment;
    expect(card).toBeDefined();
    expect(transformation).toEqual({
      result: 'Ok',
      data: base64(`${JSON.stringify({ ...order, payment })}\n`),
      cardObjectsRemoved: 1,
      numbersMasked: 0,
    });
  });

  it('masks a card number in the notes and counts it', () => {
    const transformation = transformRecord(base64(JSON.stringify({ notes: `charge ${visa}` })));
    expect(transformation).toMatchObject({ result: 'Ok', numbersMasked: 1 });
    expect(outputOf(transformation)).toBe('{"notes":"charge ************1111"}\n');
  });

  it('takes the bytes of a record as well as their base64', () => {
    expect(outputOf(transformRecord(Buffer.from('{"a": 1}')))).toBe('{"a":1}\n');
  });

  it('writes a pretty-printed document on one line', () => {
    const output = outputOf(transformRecord(base64(JSON.stringify(anOrder(), null, 2))));
    expect(output.indexOf('\n')).toBe(output.length - 1);
  });

  it('masks a card number whose digits or separators are written as unicode escapes', () => {
    const json = '{"notes": "\\u0034111\\u00201111-1111 1111", "\\u0063ard": {"number": "x"}}';
    expect(outputOf(transformRecord(base64(json)))).toBe('{"notes":"**** ****-**** 1111"}\n');
  });

  it('reads bytes that are not valid UTF-8 as text with replacement characters', () => {
    const bytes = Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(outputOf(transformRecord(bytes))).toBe('{"name":"caf\uFFFD"}\n');
  });

  it.each([
    ['an array', '[]', 'the record is an array, not a JSON object'],
    ['a string', '"x"', 'the record is a string, not a JSON object'],
    ['a number', '42', 'the record is a number, not a JSON object'],
    ['a boolean', 'true', 'the record is a boolean, not a JSON object'],
    ['null', 'null', 'the record is null, not a JSON object'],
    ['invalid JSON', '{"id": "order-1", ', 'the record is not valid JSON'],
    ['two documents', '{"a":1}\n{"b":2}', 'the record is not valid JSON'],
    ['empty', '', 'the record is empty'],
  ])('fails a record that is %s, saying why', (_, text, reason) => {
    const transformation = transformRecord(base64(text));
    expect(transformation.result).toBe('ProcessingFailed');
    expect(transformation).toEqual({
      result: 'ProcessingFailed',
      reason: expect.stringContaining(reason),
    });
  });

  it('never quotes the record in the reason it fails it', () => {
    const texts = [
      `{"card": {"number": "${visa}", "cvv": "8642"`,
      `["${visa}", "8642"]`,
      `"${visa} 8642"`,
      `{"number": ${visa}x, "cvv": "8642"}`,
    ];
    for (const text of texts) {
      const transformation = transformRecord(base64(text));
      expect(transformation.result).toBe('ProcessingFailed');
      expect(cardDataIn(JSON.stringify(transformation), { number: visa, cvv: '8642' })).toEqual([]);
    }
  });

  it('fails a document nested too deeply to serialise, without throwing', () => {
    const depth = 200_000;
    const transformation = transformRecord(base64(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`));
    expect(transformation).toEqual({
      result: 'ProcessingFailed',
      reason: 'the record could not be transformed: its JSON is nested too deeply',
    });
  });

  describe('for any input', () => {
    it('leaves no Luhn-valid card number in any format, anywhere in an order, and changes nothing else', () => {
      fc.assert(
        fc.property(
          aWrittenCardNumber().chain((number) =>
            aTextAround(number.written).chain((text) =>
              anOrderHolding(text).map((placed) => ({ ...placed, digits: number.digits })),
            ),
          ),
          ({ document, digits }) => {
            const output = outputOf(transformRecord(base64(JSON.stringify(document))));
            expect(output).not.toMatch(cardNumberPattern(digits));
            expect(output).not.toMatch(cardNumberPattern(visa)); // the order's own card
            expect(output.endsWith('}\n')).toBe(true);
            expect(JSON.parse(output)).toEqual(referenceSanitise(document));
          },
        ),
      );
    });

    it('keeps numbers that fail the Luhn check, anywhere in an order, and everything but the card', () => {
      fc.assert(
        fc.property(
          aWrittenLuhnInvalidNumber().chain((number) => aTextAround(number.written).chain(anOrderHolding)),
          ({ document }) => {
            fc.pre(!textsOf(withoutCardObjects(document)).some(referenceHasCardNumber));
            const output = outputOf(transformRecord(base64(JSON.stringify(document))));
            expect(JSON.parse(output)).toEqual(withoutCardObjects(document));
          },
        ),
      );
    });

    it('gives back any JSON object without card numbers exactly, minus its card objects', () => {
      fc.assert(
        fc.property(aJsonObject(), (document) => {
          fc.pre(!textsOf(withoutCardObjects(document)).some(referenceHasCardNumber));
          const json = JSON.stringify(document);
          const output = outputOf(transformRecord(base64(json)));
          expect(output).toBe(`${JSON.stringify(withoutCardObjects(JSON.parse(json)))}\n`);
        }),
        { numRuns: 300 },
      );
    });

    it('answers any bytes with a result, and never throws', () => {
      const isValid = (transformation: RecordTransformation) =>
        transformation.result === 'Ok'
          ? typeof JSON.parse(textOf(transformation.data)) === 'object' &&
            textOf(transformation.data).endsWith('\n')
          : transformation.result === 'ProcessingFailed' && transformation.reason.length > 0;
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
