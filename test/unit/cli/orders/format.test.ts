import {
  formatAmount,
  formatDate,
  formatMoney,
  formatRevenue,
  formatTable,
  roundMoney,
} from '../../../../cli/orders/format';

describe('formatting tables', () => {
  it('pads each column to its widest cell, two spaces apart, right-aligning where asked', () => {
    expect(
      formatTable(
        ['SKU', 'ORDERS', 'NAME'],
        [
          ['BOOK-001', '12', 'Notes'],
          ['PEN', '3', 'Fountain pen'],
        ],
        ['left', 'right'],
      ),
    ).toBe(
      ['SKU       ORDERS  NAME', 'BOOK-001      12  Notes', 'PEN            3  Fountain pen', ''].join('\n'),
    );
  });

  it('never ends a line with spaces', () => {
    const table = formatTable(
      ['A', 'B'],
      [
        ['a', ''],
        ['', 'b'],
      ],
    );
    for (const line of table.split('\n')) expect(line).toBe(line.trimEnd());
  });

  it('prints the header alone without rows', () => {
    expect(formatTable(['ID', 'DATE'], [])).toBe('ID  DATE\n');
  });
});

describe('rounding and formatting revenue', () => {
  it('rounds sums of scaled floats to cents', () => {
    expect(100.1 + 200.2).not.toBe(300.3);
    expect(roundMoney(100.1 + 200.2)).toBe(300.3);
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(roundMoney(159.97 * 3)).toBe(479.91);
    expect(roundMoney(100.10000000000001)).toBe(100.1);
    expect(roundMoney(0)).toBe(0);
    expect(Object.is(roundMoney(-0.000001), -0)).toBe(false);
  });

  it('rounds half a cent up, also when the double is a hair below it', () => {
    expect(1.005 * 100).toBeLessThan(100.5);
    expect(roundMoney(1.005)).toBe(1.01);
    expect(roundMoney(2.675)).toBe(2.68);
    expect(roundMoney(2.674999)).toBe(2.67);
  });

  it('prints amounts with two decimals and the currency', () => {
    expect(formatAmount(350)).toBe('350.00');
    expect(formatAmount(100.10000000000001)).toBe('100.10');
    expect(formatMoney(159.97, 'EUR')).toBe('159.97 EUR');
    expect(formatMoney(5, undefined)).toBe('5.00');
  });

  it('prints revenue per currency, joined with +, or 0.00 without orders', () => {
    expect(formatRevenue({ total: 300.3, byCurrency: { EUR: 300.3 } })).toBe('300.30 EUR');
    expect(formatRevenue({ total: 320, byCurrency: { EUR: 300, USD: 20 } })).toBe('300.00 EUR + 20.00 USD');
    expect(formatRevenue({ total: 0, byCurrency: {} })).toBe('0.00');
  });
});

describe('formatting dates', () => {
  it('prints any ISO date as UTC, without milliseconds unless it has them', () => {
    expect(formatDate('2026-11-22T12:30:00+01:00')).toBe('2026-11-22T11:30:00Z');
    expect(formatDate('2026-11-21T10:15:30Z')).toBe('2026-11-21T10:15:30Z');
    expect(formatDate('2026-11-21T10:15:30.123Z')).toBe('2026-11-21T10:15:30.123Z');
  });

  it('prints what was indexed when it is not a date, and - when there is none', () => {
    expect(formatDate('soon')).toBe('soon');
    expect(formatDate(undefined)).toBe('-');
  });
});
