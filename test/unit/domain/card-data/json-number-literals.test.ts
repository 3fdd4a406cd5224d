import fc from 'fast-check';
import { quoteCardNumberLiterals } from '../../../../src/domain/card-data';
import { TEST_CARD_NUMBERS } from '../../../factories/order';

const { visa, mastercard, amex } = TEST_CARD_NUMBERS;

/** A 19-digit Visa number: past 2^53, so `JSON.parse` reads it as 4000000000000000000. */
const VISA_19 = '4000000000000000006';

describe('quoteCardNumberLiterals', () => {
  it.each([
    ['a 16-digit Visa', visa],
    ['a 16-digit Mastercard', mastercard],
    ['a 15-digit Amex', amex],
    ['a 19-digit Visa', VISA_19],
  ])('turns %s stored as a JSON number into a string of its exact digits', (_, number) => {
    expect(quoteCardNumberLiterals(`{"amount": 12.5, "reference": ${number}}`)).toBe(
      `{"amount": 12.5, "reference": "${number}"}`,
    );
  });

  it('reads a 19-digit card number exactly, as JSON.parse does not', () => {
    const json = `{"pan": ${VISA_19}}`;
    expect(String(JSON.parse(json).pan)).toBe('4000000000000000000');
    expect(JSON.parse(quoteCardNumberLiterals(json))).toEqual({ pan: VISA_19 });
  });

  it('quotes card numbers in arrays, at any depth', () => {
    expect(quoteCardNumberLiterals(`{"a": [${visa}, [1, ${mastercard}]], "b": {"c": [${amex}]}}`)).toBe(
      `{"a": ["${visa}", [1, "${mastercard}"]], "b": {"c": ["${amex}"]}}`,
    );
  });

  it('quotes a card number that is a whole document', () => {
    expect(quoteCardNumberLiterals(`[${visa}]`)).toBe(`["${visa}"]`);
  });

  it.each([
    ['pan', '1234567890123456'],
    ['cardNumber', '1234567890123'],
    ['card', '123456789012'],
    ['ccNum', '9999999999999999999'],
  ])('quotes any number of 12 to 19 digits under "%s", Luhn-valid or not', (key, digits) => {
    expect(quoteCardNumberLiterals(`{"${key}": ${digits}}`)).toBe(`{"${key}": "${digits}"}`);
  });

  it('quotes a number under a card-number key whatever the white space around its colon', () => {
    expect(quoteCardNumberLiterals('{"pan"  :\n\t1234567890123}')).toBe('{"pan"  :\n\t"1234567890123"}');
  });

  it('quotes a card number without its minus sign', () => {
    expect(quoteCardNumberLiterals(`{"n": -${visa}}`)).toBe(`{"n": "${visa}"}`);
  });

  it.each([
    ['a timestamp in milliseconds', '1795937317000'],
    ['a timestamp in microseconds', '1795937317000000'],
    ['an EAN-13 barcode', '4006381333931'],
    ['a Luhn-invalid 16-digit number', '4111111111111112'],
    ['a number of 11 digits', '41111111111'],
    ['a number of 20 digits', '41111111111111111110'],
  ])('keeps %s a number when no card-number key holds it', (_, digits) => {
    const json = `{"id": "hold-1795937317-802", "value": ${digits}, "list": [${digits}]}`;
    expect(quoteCardNumberLiterals(json)).toBe(json);
  });

  it('keeps a 12-digit number a number under a key that only talks about a card', () => {
    const json = '{"cardMemo": 123456789012}';
    expect(quoteCardNumberLiterals(json)).toBe(json);
  });

  it('leaves strings alone, even strings that hold card numbers or look like keys', () => {
    const json = `{"note": "pan: ${visa}", "quoted": "say \\"pan\\": 1234567890123", "${visa}": true}`;
    expect(quoteCardNumberLiterals(json)).toBe(json);
  });

  it('quotes the value of a property whose name is a card number when the value is one', () => {
    expect(quoteCardNumberLiterals(`{"${visa}": ${mastercard}}`)).toBe(`{"${visa}": "${mastercard}"}`);
  });

  it('reads the key of a value after a string that holds escaped quotes', () => {
    expect(quoteCardNumberLiterals('{"a": "x\\"", "pan": 1234567890123}')).toBe(
      '{"a": "x\\"", "pan": "1234567890123"}',
    );
  });

  it('gives back the very same string when it holds no number of 12 digits or more', () => {
    const json = '{"amount": 159.97, "quantity": 2, "ts": "1795937317000"}';
    expect(quoteCardNumberLiterals(json)).toBe(json);
  });

  it('changes only card numbers: the document it gives back parses to the same one, with strings for them', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(visa, mastercard, amex, VISA_19),
            fc.integer({ min: 0, max: 99_999_999 }).map(String),
            fc.constantFrom('1795937317000', '4006381333931', '9400100000000000'),
          ),
          { maxLength: 6 },
        ),
        (values) => {
          const json = `{"items": [${values.join(', ')}]}`;
          const expected = values.map((value) =>
            [visa, mastercard, amex, VISA_19].includes(value as typeof visa) ? value : Number(value),
          );
          expect(JSON.parse(quoteCardNumberLiterals(json))).toEqual({ items: expected });
        },
      ),
    );
  });
});
