import fc from 'fast-check';
import { cardDigits, checkCardNumber, hasExpired } from '../../../../src/domain/order';
import { TEST_CARD_NUMBERS } from '../../../factories/order';

describe('cardDigits', () => {
  it.each([
    ['4111 1111 1111 1111', '4111111111111111'],
    ['4111-1111-1111-1111', '4111111111111111'],
    ['3782 822463 10005', '378282246310005'],
    ['4111 - 1111 - 1111 - 1111', '4111111111111111'],
    ['4111111111111111', '4111111111111111'],
  ])('reads the digits of "%s"', (written, digits) => {
    expect(cardDigits(written)).toBe(digits);
  });

  it('removes only spaces and dashes, the separators the request schema allows, so that others are rejected', () => {
    expect(cardDigits('4111.1111/1111')).toBe('4111.1111/1111');
    expect(cardDigits('4111\t1111\n1111')).toBe('4111\t1111\n1111');
  });
});

describe('checkCardNumber', () => {
  it.each<[string, string, string]>([
    [TEST_CARD_NUMBERS.visa, 'visa', '1111'],
    [TEST_CARD_NUMBERS.mastercard, 'mastercard', '4444'],
    [TEST_CARD_NUMBERS.amex, 'amex', '0005'],
    ['4222222222222', 'visa', '2222'],
    ['2223000048400011', 'mastercard', '0011'],
    ['371449635398431', 'amex', '8431'],
    ['6011111111111117', 'discover', '1117'],
    ['3530111333300000', 'jcb', '0000'],
    ['30569309025904', 'diners', '5904'],
    ['6200000000000005', 'unionpay', '0005'],
    ['6759649826438453', 'maestro', '8453'],
  ])('accepts %s, a %s number, and keeps its last 4 digits', (number, network, last4) => {
    expect(checkCardNumber(number)).toEqual({ valid: true, network, last4 });
  });

  it.each([
    ['4111 1111 1111 1111', 'visa', '1111'],
    ['5555-5555-5555-4444', 'mastercard', '4444'],
    ['3782 822463 10005', 'amex', '0005'],
    ['4111 - 1111 - 1111 - 1111', 'visa', '1111'],
  ])('reads "%s", grouped with spaces or dashes', (number, network, last4) => {
    expect(checkCardNumber(number)).toEqual({ valid: true, network, last4 });
  });

  it.each(['4111111111111112', '5555555555554440', '378282246310006', '4111 1111 1111 1112'])(
    'rejects %s, whose check digit is wrong, as failing the Luhn check',
    (number) => {
      expect(checkCardNumber(number)).toEqual({ valid: false, problem: 'luhn' });
    },
  );

  it.each([
    ['a Luhn-valid number no network issues', '000000000000'],
    ['a Luhn-valid 19-digit number of zeros', '0000000000000000000'],
    ['a Visa prefix with 15 digits', '411111111111116'],
    ['a Mastercard prefix with 15 digits', '555555555555442'],
    ['an Amex prefix with 16 digits', '3782822463100052'],
    ['a Luhn-valid 11-digit number', '79927398713'],
  ])('rejects %s (%s) as a number no network issues', (_, number) => {
    expect(checkCardNumber(number)).toEqual({ valid: false, problem: 'issuer' });
  });

  it('does not take characters other than spaces and dashes for separators', () => {
    expect(checkCardNumber('4111.1111.1111.1111')).toEqual({ valid: false, problem: 'luhn' });
  });

  it('detects every change of a single digit of a valid number', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(TEST_CARD_NUMBERS)),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (number, position, delta) => {
          const index = position % number.length;
          const changed = (Number(number[index]) + delta) % 10;
          const altered = `${number.slice(0, index)}${changed}${number.slice(index + 1)}`;
          expect(checkCardNumber(altered).valid).toBe(false);
        },
      ),
    );
  });

  it('tells nothing of the number but its network and last 4 digits', () => {
    const check = checkCardNumber(TEST_CARD_NUMBERS.mastercard);
    expect(JSON.stringify(check)).not.toContain('5555');
  });
});

describe('hasExpired', () => {
  it.each([
    ['12/29', '2026-11-21T10:15:30Z'],
    ['11/26', '2026-11-01T00:00:00Z'],
    ['11/26', '2026-11-30T23:59:59.999Z'],
    ['12/29', '2029-12-31T23:59:59.999Z'],
    ['01/00', '2000-01-31T23:59:59Z'],
  ])('takes a card expiring %s as valid at %s (it is valid to the end of its month)', (expiry, at) => {
    expect(hasExpired(expiry, new Date(at))).toBe(false);
  });

  it.each([
    ['11/26', '2026-12-01T00:00:00Z'],
    ['12/29', '2030-01-01T00:00:00Z'],
    ['10/26', '2026-11-21T10:15:30Z'],
    ['01/20', '2026-11-21T10:15:30Z'],
  ])('takes a card expiring %s as expired at %s', (expiry, at) => {
    expect(hasExpired(expiry, new Date(at))).toBe(true);
  });

  it('judges the month in UTC, whatever the offset the time is written with', () => {
    // 2026-12-01T00:30 at +01:00 is still November in UTC.
    expect(hasExpired('11/26', new Date('2026-12-01T00:30:00+01:00'))).toBe(false);
    expect(hasExpired('11/26', new Date('2026-11-30T23:30:00-01:00'))).toBe(true);
  });

  it('reads the 2-digit year as 20YY', () => {
    expect(hasExpired('12/99', new Date('2099-12-31T00:00:00Z'))).toBe(false);
    expect(hasExpired('12/99', new Date('2100-01-01T00:00:00Z'))).toBe(true);
  });
});
