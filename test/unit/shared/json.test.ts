import fc from 'fast-check';
import { parseJson } from '../../../src/shared/json';
import { TEST_CARD_NUMBERS } from '../../factories/order';

const errorOf = (text: string): string => {
  const result = parseJson(text);
  if (result.ok) throw new Error('expected the text not to parse');
  return result.error;
};

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a":[1,"two",null]}')).toEqual({ ok: true, value: { a: [1, 'two', null] } });
  });

  it.each(['null', '0', '"text"', '[]'])('parses the JSON value %s', (text) => {
    expect(parseJson(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it.each([
    ['an unquoted value', `{"number": ${TEST_CARD_NUMBERS.visa}x, "cvv": "8642"}`],
    ['an unquoted key', `{number: "${TEST_CARD_NUMBERS.visa}", "cvv": "8642"}`],
    ['a truncated body', `{"card": {"number": "${TEST_CARD_NUMBERS.visa}", "cvv": "8642"`],
    ['a trailing comma', `{"number": "${TEST_CARD_NUMBERS.visa}", "cvv": "8642",}`],
    ['single quotes', `{'number': '${TEST_CARD_NUMBERS.visa}', 'cvv': '8642'}`],
    ['text after the value', `{"cvv": "8642"} ${TEST_CARD_NUMBERS.visa}`],
  ])('never quotes the input in its error, for %s', (_, text) => {
    const error = errorOf(text);
    expect(error).toMatch(/^not valid JSON( \(at position \d+\))?$/);
    expect(error).not.toContain('4111');
    expect(error).not.toContain('8642');
  });

  it('says where the JSON breaks when the parser tells', () => {
    expect(errorOf('{"a":1,}')).toBe('not valid JSON (at position 7)');
  });

  it('rejects an empty body', () => {
    expect(errorOf('')).toBe('not valid JSON');
  });

  it('answers with one of two fixed sentences for any text that is not JSON', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseJson(text);
        fc.pre(!result.ok);
        expect(result.ok || result.error).toMatch(/^not valid JSON( \(at position \d+\))?$/);
      }),
    );
  });
});
