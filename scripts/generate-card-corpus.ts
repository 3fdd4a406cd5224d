/**
 * Writes test/fixtures/card-data/corpus.json (`npm run corpus:generate`): a labelled corpus of card numbers
 * and of numbers that only look like them, which the card-data masking is held to (100 % recall on the
 * cards, 100 % precision on the look-alikes; test/unit/domain/card-data/corpus.test.ts) and measured on
 * (`npm run bench -- "card-data transform"`).
 * - Cards: numbers of every network (an issuer prefix, a random body and a Luhn check digit, of the
 *   network's lengths) and the networks' well-known test numbers, written in every grouping style, in
 *   Unicode digit sets, alone or in free text. No other card data: only generated or test numbers.
 * - Look-alikes: order ids, millisecond timestamps, EAN/GTIN barcodes, IBANs, phone numbers, tracking
 *   numbers, ISO timestamps, date lists, UUIDs, and Luhn-valid numbers no network issues.
 * Deterministic: a seeded generator, so that the same corpus comes out every time; a test fails when the
 * committed file differs from what this script writes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  cardNumberIn,
  type DigitSet,
  grouped,
  groupingOf,
  issuerRangesOf,
  isUrlEncoded,
  lengthsWithoutContext,
  NETWORKS,
  type Network,
  WRITING_STYLE_NAMES,
  WRITING_STYLES,
  type WritingStyle,
  withCheckDigit,
  writeNumber,
} from '../test/factories/card-numbers';
import {
  ISSUER_RANGES,
  type IssuerRange,
  referenceLuhn,
  referenceNetworkOf,
} from '../test/helpers/card-number-reference';

export interface CorpusEntry {
  text: string;
  label: 'card' | 'look-alike';
  /** What the entry is: `card <network>: <how it is written>` or `look-alike <what>: <detail>`. */
  kind: string;
  /** For a card, the digits that stay readable: its last 4, as written. */
  last4?: string;
}

export const CORPUS_FILE = 'test/fixtures/card-data/corpus.json';

const SEED = 7812;

/** mulberry32: a small seeded generator; the same seed always gives the same corpus. */
class Draw {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  digits(length: number): string {
    return Array.from({ length }, () => String(this.int(0, 9))).join('');
  }

  hex(length: number): string {
    return Array.from({ length }, () => this.int(0, 15).toString(16)).join('');
  }

  letters(length: number): string {
    return Array.from({ length }, () => String.fromCharCode(65 + this.int(0, 25))).join('');
  }
}

const fill = (template: string, value: string): string => template.replace('{n}', value);

// ---------------------------------------------------------------------------------------------------------
// Cards.

/** The networks' published test numbers (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
export const WELL_KNOWN_TEST_NUMBERS: readonly (readonly [Network, string])[] = [
  ['visa', '4111111111111111'],
  ['visa', '4012888888881881'],
  ['visa', '4242424242424242'],
  ['visa', '4000056655665556'],
  ['mastercard', '5555555555554444'],
  ['mastercard', '5105105105105100'],
  ['mastercard', '2223003122003222'],
  ['mastercard', '5200828282828210'],
  ['amex', '378282246310005'],
  ['amex', '371449635398431'],
  ['amex', '378734493671000'],
  ['discover', '6011111111111117'],
  ['discover', '6011000990139424'],
  ['discover', '6011981111111113'],
  ['jcb', '3530111333300000'],
  ['jcb', '3566002020360505'],
  ['diners', '30569309025904'],
  ['diners', '38520000023237'],
  ['diners', '36227206271667'],
  ['diners', '3056930009020004'],
  ['unionpay', '6200000000000005'],
  ['unionpay', '6205500000000000004'],
  ['maestro', '6759649826438453'],
];

/** Free text around a card number with no word about cards: the number must stand on its own shape. */
const PLAIN_TEMPLATES = [
  '{n}',
  'please charge {n} thanks',
  'Pay with {n}, ship on Friday.',
  '{"notes":"{n}"}',
  'Customer read out {n} over the phone',
  '<td>{n}</td>',
  'use {n} (the usual one)',
  'Charge it to {n}.',
  'ref {n} - urgent',
  'Hi,\nplease use {n} for this one.\nThanks',
  'bitte {n} belasten',
  'merci de débiter {n}',
];

/** Free text that talks about a card before the number. */
const CARD_WORD_TEMPLATES = [
  'card: {n}',
  'my card number is {n}',
  'CC# {n} exp 12/29',
  'Kartennummer {n}, bitte belasten',
  'Número de tarjeta: {n}',
  'numéro de carte {n}',
  'card no. {n}',
  'pan={n}',
];

/** Where a URL-encoded number stands in a URL or form body (not right after another encoding). */
const URL_TEMPLATES = [
  '{n}',
  'q={n}',
  '?pan={n}&amount=12.50',
  'https://shop.example/pay?number={n}',
  'note={n}&ship=express',
];

/** Free text in the scripts of the digit sets. */
const DIGIT_SET_TEMPLATES: Record<Exclude<DigitSet, 'ASCII'>, string> = {
  'full-width': 'カード番号：{n}',
  'Arabic-Indic': 'رقم البطاقة {n} شكرا',
  'Extended Arabic-Indic': 'شماره کارت {n} لطفا',
  Devanagari: 'कार्ड नंबर {n} है',
  Bengali: 'কার্ড নম্বর {n} দিন',
  Thai: 'หมายเลขบัตร {n} ครับ',
  'mathematical bold': 'Pay with {n} today',
  'mathematical monospace': '`{n}`',
};

/** Styles that suit text in other digit sets (no URL encodings: a URL would encode the digits too). */
const STYLES_FOR_DIGIT_SETS: readonly WritingStyle[] = [
  'spaces',
  'plain',
  'dashes',
  'no-break spaces',
  'thin spaces',
  'en dashes',
  'dots',
  'slashes',
  'ideographic spaces',
  'full-width hyphens',
  'underscores',
  'zero-width spaces',
];

const card = (network: Network, style: string, text: string, last4: string): CorpusEntry => ({
  text,
  label: 'card',
  kind: `card ${network}: ${style}`,
  last4,
});

/** The writing styles of plain text but the three most common (no URL encodings, no `+`). */
const OTHER_TEXT_STYLES = WRITING_STYLE_NAMES.filter(
  (style) => !['plain', 'spaces', 'dashes', 'plus signs'].includes(style) && !isUrlEncoded(style),
);

/** The `index`-th issuer range of `network`, round and round. */
const rangeOf = (network: Network, index: number): IssuerRange => {
  const ranges = issuerRangesOf(network);
  return ranges[index % ranges.length] as IssuerRange;
};

/** A card number of `network` with a random body, of one of the lengths a number needs no context for. */
const aCardNumber = (draw: Draw, network: Network, index: number): string => {
  const range = rangeOf(network, index);
  const ranges = issuerRangesOf(network);
  const lengths = lengthsWithoutContext(range);
  const length = lengths[Math.floor(index / ranges.length) % lengths.length] ?? 16;
  return cardNumberIn(range, draw.int(0, 999), length, draw.digits(18));
};

const cards = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];

  // The well-known test numbers, plain, grouped with spaces and dashes, and in one more style each.
  WELL_KNOWN_TEST_NUMBERS.forEach(([network, digits], index) => {
    const styles: WritingStyle[] = ['plain', 'spaces', 'dashes', draw.pick(OTHER_TEXT_STYLES)];
    for (const style of styles) {
      const written = writeNumber(digits, style);
      const template =
        index % 2 === 0
          ? draw.pick(PLAIN_TEMPLATES)
          : draw.pick(CARD_WORD_TEMPLATES.filter((t) => t !== 'pan={n}'));
      entries.push(card(network, `test number, ${style}`, fill(template, written.written), written.last4));
    }
  });

  // Every network in every writing style, in free text with and without card words.
  NETWORKS.forEach((network) => {
    WRITING_STYLE_NAMES.forEach((style, index) => {
      const written = writeNumber(aCardNumber(draw, network, index), style);
      let template: string;
      if (WRITING_STYLES[style].startsWith('%')) template = draw.pick(URL_TEMPLATES);
      else if (style === 'plus signs') template = 'note=please+charge+{n}+thanks';
      else template = index % 3 === 2 ? draw.pick(CARD_WORD_TEMPLATES) : draw.pick(PLAIN_TEMPLATES);
      entries.push(
        card(
          network,
          `${written.digits.length} digits, ${style}`,
          fill(template, written.written),
          written.last4,
        ),
      );
    });
  });

  // Every network in every other Unicode digit set, in text of that script.
  for (const [set, template] of Object.entries(DIGIT_SET_TEMPLATES) as [
    Exclude<DigitSet, 'ASCII'>,
    string,
  ][]) {
    NETWORKS.forEach((network, index) => {
      const style = STYLES_FOR_DIGIT_SETS[(index + set.length) % STYLES_FOR_DIGIT_SETS.length] ?? 'spaces';
      const usable = style === 'ideographic spaces' && set !== 'full-width' ? 'spaces' : style;
      const written = writeNumber(aCardNumber(draw, network, index), usable, set);
      entries.push(card(network, `${set} digits, ${usable}`, fill(template, written.written), written.last4));
    });
  }

  // In URL-encoded text: the number right after an encoded space.
  NETWORKS.forEach((network, index) => {
    for (const [style, template] of [
      ['URL-encoded spaces', 'note=please%20charge%20{n}%20thanks'],
      ['URL-encoded thin spaces', 'q=pay%E2%80%89with%E2%80%89{n}'],
    ] as const) {
      const written = writeNumber(aCardNumber(draw, network, index), style);
      entries.push(
        card(network, `in URL-encoded text, ${style}`, fill(template, written.written), written.last4),
      );
    }
  });

  // In text written without spaces between words (Japanese, Chinese): a letter touches the number.
  NETWORKS.forEach((network, index) => {
    const template = index % 2 === 0 ? 'カード番号は{n}です' : '请用卡号{n}付款';
    const written = writeNumber(aCardNumber(draw, network, index), index % 4 < 2 ? 'dashes' : 'plain');
    entries.push(card(network, 'in CJK text without spaces', fill(template, written.written), written.last4));
  });

  // After a card word, the shape rules relax: short numbers, mixed separators, glued to a word.
  for (let index = 0; index < 5; index++) {
    const visa13 = cardNumberIn(rangeOf('visa', 0), 0, 13, draw.digits(12));
    const written = writeNumber(visa13, index % 2 === 0 ? 'spaces' : 'plain');
    const template = draw.pick(['Visa {n}', 'card no. {n}', 'VISA card {n} please']);
    entries.push(card('visa', '13 digits after a card word', fill(template, written.written), written.last4));
  }
  for (let index = 0; index < 6; index++) {
    const maestro = cardNumberIn(rangeOf('maestro', index), 0, 12 + (index % 2), draw.digits(12));
    const written = writeNumber(maestro, index % 3 === 0 ? 'plain' : 'spaces');
    entries.push(
      card(
        'maestro',
        `${maestro.length} digits after a card word`,
        fill('Maestro {n}', written.written),
        written.last4,
      ),
    );
  }
  NETWORKS.forEach((network, index) => {
    const digits = aCardNumber(draw, network, index);
    const groups = grouped(digits, groupingOf(digits.length), '|').split('|');
    const mixed = groups
      .map((group, at) => (at === 0 ? group : `${at % 2 === 1 ? ' ' : '-'}${group}`))
      .join('');
    entries.push(card(network, 'mixed separators after a card word', `card: ${mixed}`, digits.slice(-4)));
    const glued = writeNumber(aCardNumber(draw, network, index + 1), 'plain');
    const template = draw.pick(['cardnumber:{n}', 'cardno{n}', 'Kreditkarte:{n}']);
    entries.push(card(network, 'glued to a card word', fill(template, glued.written), glued.last4));
  });

  return entries;
};

// ---------------------------------------------------------------------------------------------------------
// Look-alikes.

const lookAlike = (kind: string, text: string): CorpusEntry => ({
  text,
  label: 'look-alike',
  kind: `look-alike ${kind}`,
});

/** A number of `length` digits starting with `prefix` that passes the Luhn check. */
const luhnValid = (draw: Draw, prefix: string, length: number): string =>
  withCheckDigit(prefix + draw.digits(length - prefix.length - 1));

/** The GS1 check digit (EAN, UPC, GTIN, USPS): weights 3 and 1 from the right of the data digits. */
const gs1CheckDigit = (data: string): string => {
  const sum = [...data]
    .reverse()
    .reduce((total, digit, index) => total + Number(digit) * (index % 2 === 0 ? 3 : 1), 0);
  return String((10 - (sum % 10)) % 10);
};
const withGs1Check = (data: string): string => data + gs1CheckDigit(data);

const mod97 = (digits: string): number =>
  [...digits].reduce((rest, digit) => (rest * 10 + Number(digit)) % 97, 0);

/** An IBAN of `country` and `bban`, with its mod-97 check digits. */
const iban = (country: string, bban: string): string => {
  const numeric = `${bban}${country}00`.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return `${country}${String(98 - mod97(numeric)).padStart(2, '0')}${bban}`;
};

const printed = (code: string): string => code.match(/.{1,4}/g)?.join(' ') ?? code;

const ORDER_TEXTS = ['Your hold id is {n}', '{n}', 'order {n} shipped', 'see {n}', '"orderId":"{n}"'];
const NUMBER_TEXTS = ['ref {n}', 'account {n}', '{n}', 'loyalty number {n}', 'Member ID {n}', 'voucher {n}'];

const orderIds = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  for (let index = 0; index < 15; index++) {
    const id = `hold-${draw.int(1_700_000_000, 1_899_999_999)}-${draw.digits(3)}`;
    entries.push(lookAlike('order id: hold-<10 digits>-<3 digits>', fill(draw.pick(ORDER_TEXTS), id)));
  }
  for (let index = 0; index < 15; index++) {
    const digits = luhnValid(draw, String(draw.int(1_700_000_000_000, 1_899_999_999_999)), 16);
    const id = `ord-${digits.slice(0, 13)}-${digits.slice(13)}`;
    entries.push(
      lookAlike('order id: ord-<13 digits>-<3 digits>, Luhn-valid', fill(draw.pick(ORDER_TEXTS), id)),
    );
  }
  const sixteenDigitRanges = ISSUER_RANGES.filter((range) => range.lengths.includes(16));
  for (let index = 0; index < 15; index++) {
    const range = sixteenDigitRanges[index % sixteenDigitRanges.length] as IssuerRange;
    const digits = cardNumberIn(range, draw.int(0, 999), 16, draw.digits(18));
    const id = `ord-${digits.slice(0, 13)}-${digits.slice(13)}`;
    entries.push(
      lookAlike(
        'order id: ord-<13 digits>-<3 digits>, the digits of an issued number',
        fill(draw.pick(ORDER_TEXTS), id),
      ),
    );
  }
  for (let index = 0; index < 15; index++) {
    const range = sixteenDigitRanges[(index + 3) % sixteenDigitRanges.length] as IssuerRange;
    const digits = cardNumberIn(range, draw.int(0, 999), 16, draw.digits(18));
    const id = [
      `PO-${digits.slice(0, 8)}-${digits.slice(8)}`,
      `TXN_${digits}`,
      `INV/${digits.slice(0, 4)}/${digits.slice(4)}`,
    ][index % 3] as string;
    entries.push(
      lookAlike('order id: prefixed, the digits of an issued number', fill(draw.pick(ORDER_TEXTS), id)),
    );
  }
  return entries;
};

const timestamps = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  const texts = ['{n}', '"ts":{n}', 'created at {n}', 'since {n} ms', 'Timestamp={n}'];
  for (let index = 0; index < 30; index++) {
    const body = String(draw.int(170_000_000_000, 189_999_999_999));
    const valid = index % 2 === 0;
    const stamp = withCheckDigit(body, valid, draw.int(1, 9));
    if (referenceLuhn(stamp) !== valid) throw new Error(`timestamp ${stamp}`);
    entries.push(
      lookAlike(
        `timestamp: milliseconds, Luhn-${valid ? 'valid' : 'invalid'}`,
        fill(draw.pick(texts), stamp),
      ),
    );
  }
  for (let index = 0; index < 10; index++) {
    const micro = luhnValid(draw, String(draw.int(170_000, 189_999)), 16);
    entries.push(lookAlike('timestamp: microseconds, Luhn-valid', fill(draw.pick(texts), micro)));
  }
  for (let index = 0; index < 5; index++) {
    const nano = luhnValid(draw, String(draw.int(170_000, 189_999)), 19);
    entries.push(lookAlike('timestamp: nanoseconds, Luhn-valid', fill(draw.pick(texts), nano)));
  }
  for (let index = 0; index < 10; index++) {
    const from = String(draw.int(1_700_000_000_000, 1_899_999_999_999));
    const to = String(Number(from) + draw.int(1, 99_999_999));
    const text = index % 2 === 0 ? `${from} ${to}` : `from ${from} to ${to}`;
    entries.push(lookAlike('timestamp: two in milliseconds in a row', text));
  }
  const pad = (value: number, length = 2) => String(value).padStart(length, '0');
  for (let index = 0; index < 20; index++) {
    const [year, month, day] = [draw.int(2024, 2030), draw.int(1, 12), draw.int(1, 28)];
    const [hour, minute, second, milli] = [
      draw.int(0, 23),
      draw.int(0, 59),
      draw.int(0, 59),
      draw.int(0, 999),
    ];
    const date = `${year}-${pad(month)}-${pad(day)}`;
    const time = `${pad(hour)}:${pad(minute)}:${pad(second)}`;
    const formats = [
      `${date}T${time}.${pad(milli, 3)}Z`,
      `${date}T${time}+01:00`,
      `${date} ${time}`,
      `${year}${pad(month)}${pad(day)}T${pad(hour)}${pad(minute)}${pad(second)}Z`,
      `${date}T${time}.${pad(milli, 3)}${draw.digits(6)}Z`,
      `${pad(day)}.${pad(month)}.${year} ${time}`,
      `${pad(month)}/${pad(day)}/${year} ${time} AM`,
      `${year}${pad(month)}${pad(day)}${pad(hour)}${pad(minute)}${pad(second)}`,
      `${year}${pad(month)}${pad(day)}${pad(hour)}${pad(minute)}${pad(second)}${pad(milli, 3)}`,
      `${date}T${time}Z/${year}-${pad(month)}-${pad(Math.min(day + 1, 28))}T${time}Z`,
    ];
    const text = formats[index % formats.length] as string;
    entries.push(
      lookAlike('timestamp: ISO 8601 and others', index % 3 === 0 ? `"createdAt":"${text}"` : text),
    );
  }
  return entries;
};

const dateLists = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  const pad = (value: number) => String(value).padStart(2, '0');
  // Day first, the 30th of January, March, April or May: the digits start 3001-3005, a Diners prefix.
  for (let index = 0; index < 12; index++) {
    let digits = '';
    let text = '';
    do {
      const [month, year] = [draw.pick([1, 3, 4, 5]), draw.int(2024, 2030)];
      const [day2, month2, year2] = [draw.int(1, 28), draw.int(1, 12), draw.int(2024, 2030)];
      const separator = ['/', '.', '-'][index % 3] as string;
      const between = [' ', ' ', ' - '][Math.floor(index / 3) % 3] as string;
      const usable = separator === '-' && between === ' - ' ? ' ' : between;
      text = `30${separator}${pad(month)}${separator}${year}${usable}${pad(day2)}${separator}${pad(month2)}${separator}${year2}`;
      digits = text.replace(/[^0-9]/g, '');
    } while (!(referenceLuhn(digits) && referenceNetworkOf(digits) === 'diners'));
    entries.push(lookAlike('date list: two dates, the digits of an issued number', text));
  }
  for (let index = 0; index < 8; index++) {
    const dates = Array.from(
      { length: 2 + (index % 2) },
      () => `${pad(draw.int(1, 31))}/${pad(draw.int(1, 12))}/${draw.int(2024, 2030)}`,
    );
    entries.push(
      lookAlike(
        'date list: random',
        index % 4 < 2 ? dates.join(' ') : `Delivery windows: ${dates.join(', ')}`,
      ),
    );
  }
  return entries;
};

const barcodes = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  const texts = ['EAN {n}', '{n}', 'barcode: {n}', 'GTIN {n}', 'sku {n}'];
  for (let index = 0; index < 15; index++) {
    let ean = '';
    do ean = withGs1Check(`4${draw.int(0, 4)}${draw.digits(10)}`);
    while (!referenceLuhn(ean));
    const written = index % 3 === 2 ? `${ean[0]} ${ean.slice(1, 7)} ${ean.slice(7)}` : ean;
    entries.push(
      lookAlike('barcode: EAN-13, Luhn-valid, 40-44 (a Visa prefix)', fill(draw.pick(texts), written)),
    );
  }
  for (let index = 0; index < 10; index++) {
    const ean = withGs1Check(
      `${draw.pick(['50', '54', '57', '64', '69', '76', '80', '87', '90', '93'])}${draw.digits(10)}`,
    );
    entries.push(lookAlike('barcode: EAN-13', fill(draw.pick(texts), ean)));
  }
  for (let index = 0; index < 5; index++) {
    entries.push(lookAlike('barcode: UPC-A', fill(draw.pick(texts), withGs1Check(`0${draw.digits(10)}`))));
  }
  for (let index = 0; index < 5; index++) {
    const gtin = withGs1Check(
      `${draw.int(1, 8)}${draw.pick(['40', '50', '69', '76', '00'])}${draw.digits(10)}`,
    );
    entries.push(
      lookAlike('barcode: GTIN-14', fill(draw.pick(['(01) {n}', '(01){n}', 'GTIN-14: {n}', '{n}']), gtin)),
    );
  }
  // A case of US goods (indicator digit 3, UPC company prefix 0) or of Chinese goods (690-699): a Diners prefix.
  for (let index = 0; index < 6; index++) {
    let gtin = '';
    do
      gtin = withGs1Check(
        `3${index % 2 === 0 ? `00${draw.int(0, 5)}` : `69${draw.int(0, 9)}`}${draw.digits(9)}`,
      );
    while (!referenceLuhn(gtin));
    entries.push(
      lookAlike(
        'barcode: GTIN-14, indicator 3, Luhn-valid (a Diners prefix)',
        fill(draw.pick(['(01) {n}', '(01){n}', 'GTIN-14: {n}']), gtin),
      ),
    );
  }
  for (let index = 0; index < 4; index++) {
    entries.push(lookAlike('barcode: EAN in a SKU', `SKU-${withGs1Check(`40${draw.digits(10)}`)}`));
  }
  return entries;
};

const ibans = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  const texts = [
    'IBAN: {n}',
    '{n}',
    'Please transfer the refund to {n}',
    'IBAN {n} (Sparkasse)',
    'Bank: {n}',
  ];
  const countries: Record<string, () => string> = {
    DE: () => draw.digits(18),
    FR: () => `${draw.digits(10)}${draw.letters(1)}${draw.digits(10)}${draw.digits(2)}`,
    NL: () => `${draw.pick(['ABNA', 'INGB', 'RABO', 'TRIO'])}${draw.digits(10)}`,
    IT: () => `${draw.letters(1)}${draw.digits(10)}${draw.digits(12)}`,
    ES: () => draw.digits(20),
    BE: () => draw.digits(12),
    AT: () => draw.digits(16),
    CH: () => draw.digits(17),
    PL: () => draw.digits(24),
    PT: () => draw.digits(21),
    IE: () => `${draw.pick(['AIBK', 'BOFI'])}${draw.pick(['93', '90'])}${draw.digits(12)}`,
    // The bank code, and the first 2 digits of its sort codes.
    GB: () => `${draw.pick(['NWBK60', 'BARC20', 'HBUK40', 'MIDL40', 'ABBY09'])}${draw.digits(12)}`,
  };
  for (const [country, bban] of Object.entries(countries)) {
    for (let index = 0; index < 4; index++) {
      const code = iban(country, bban());
      if (
        mod97(
          `${code.slice(4)}${code.slice(0, 4)}`.replace(/[A-Z]/g, (l) => String(l.charCodeAt(0) - 55)),
        ) !== 1
      )
        throw new Error(`IBAN ${code}`);
      entries.push(lookAlike(`IBAN: ${country}`, fill(draw.pick(texts), index === 3 ? code : printed(code))));
    }
  }
  // Lloyds sort codes 30-00-00 to 30-59-99: the 14 digits after the bank code start with a Diners prefix.
  for (let index = 0; index < 4; index++) {
    let digits = '';
    do digits = `30${draw.int(0, 5)}${draw.digits(11)}`;
    while (!referenceLuhn(digits));
    entries.push(
      lookAlike(
        'IBAN: GB, Lloyds sort code, Luhn-valid account digits',
        fill(draw.pick(texts), printed(iban('GB', `LOYD${digits}`))),
      ),
    );
  }
  return entries;
};

const phones = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  const formats = [
    () => `+44 20 7946 ${draw.digits(4)}`,
    () => `+44 7700 900${draw.digits(3)}`,
    () => `+1 (206) 555-${draw.digits(4)}`,
    () => `+1 206-555-${draw.digits(4)}`,
    () => `+1.212.555.${draw.digits(4)}`,
    () => `+49 30 ${draw.digits(8)}`,
    () => `+49 (0)30 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+49 151 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+49-30-${draw.digits(8)}`,
    () => `+33 1 ${draw.digits(2)} ${draw.digits(2)} ${draw.digits(2)} ${draw.digits(2)}`,
    () => `+33 6 ${draw.digits(2)} ${draw.digits(2)} ${draw.digits(2)} ${draw.digits(2)}`,
    () => `+86 138 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+86 10 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+91 ${draw.digits(5)} ${draw.digits(5)}`,
    () => `+81 3-${draw.digits(4)}-${draw.digits(4)}`,
    () => `+81 90-${draw.digits(4)}-${draw.digits(4)}`,
    () => `+61 2 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+55 11 9${draw.digits(4)}-${draw.digits(4)}`,
    () => `+7 495 ${draw.digits(3)}-${draw.digits(2)}-${draw.digits(2)}`,
    () => `+39 06 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+34 912 ${draw.digits(3)} ${draw.digits(3)}`,
    () => `+353 1 ${draw.digits(3)} ${draw.digits(4)}`,
    () => `+62 812-${draw.digits(4)}-${draw.digits(4)}`,
    () => `+36 1 ${draw.digits(3)} ${draw.digits(4)}`,
    () => `+852 ${draw.digits(4)} ${draw.digits(4)}`,
    () => `+971 50 ${draw.digits(3)} ${draw.digits(4)}`,
    () => `0044 20 7946 ${draw.digits(4)}`,
    () => `011 44 20 7946 ${draw.digits(4)}`,
    () => `+44 20 7946 ${draw.digits(4)} / +1 206 555 ${draw.digits(4)}`,
    () => `+31 6 ${draw.digits(8)}`,
  ];
  const texts = ['call {n}', 'tel: {n}', 'Phone {n} (evenings)', '{n}', 'WhatsApp {n}'];
  for (let index = 0; index < 40; index++) {
    const format = formats[index % formats.length] as () => string;
    entries.push(lookAlike('phone number: international', fill(draw.pick(texts), format())));
  }
  return entries;
};

const trackingNumbers = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  const texts = ['Tracking number: {n}', 'tracking {n}', 'Your parcel {n} is on its way', '{n}'];
  const add = (kind: string, number: string) =>
    entries.push(lookAlike(`tracking number: ${kind}`, fill(draw.pick(texts), number)));
  for (let index = 0; index < 10; index++) {
    const usps = withGs1Check(
      `${draw.pick(['9400', '9205', '9261', '9270', '9300', '9407'])}1${draw.digits(16)}`,
    );
    add('USPS, 22 digits', index % 3 === 2 ? usps : printed(usps));
  }
  for (let index = 0; index < 5; index++)
    add('USPS, 20 digits', printed(withGs1Check(`0307${draw.digits(15)}`)));
  // Printed in groups of 4, the last 16 digits of a 20-digit number may form a number a network issues.
  for (let index = 0; index < 4; index++) {
    let number = '';
    do number = index % 2 === 0 ? withGs1Check(`0307${draw.digits(15)}`) : `6129${draw.digits(16)}`;
    while (!(referenceNetworkOf(number.slice(4)) !== undefined && referenceLuhn(number.slice(4))));
    add(
      `${index % 2 === 0 ? 'USPS' : 'FedEx'}, 20 digits, the last 16 an issued Luhn-valid number`,
      printed(number),
    );
  }
  for (let index = 0; index < 8; index++) {
    const ups = `1Z${draw.letters(3)}${draw.digits(3)}${draw.digits(2)}${draw.digits(8)}`;
    add(
      'UPS',
      index % 2 === 0
        ? ups
        : `${ups.slice(0, 2)} ${ups.slice(2, 5)} ${ups.slice(5, 8)} ${ups.slice(8, 10)} ${ups.slice(10, 14)} ${ups.slice(14, 17)} ${ups.slice(17)}`,
    );
  }
  for (let index = 0; index < 8; index++) {
    const fedex = `7${draw.digits(11)}`;
    add('FedEx, 12 digits', index % 2 === 0 ? fedex : grouped(fedex, [4, 4, 4], ' '));
  }
  for (let index = 0; index < 4; index++) add('FedEx Ground, 15 digits', `0${draw.digits(14)}`);
  for (let index = 0; index < 5; index++) add('FedEx, 20 digits', printed(`6129${draw.digits(16)}`));
  for (let index = 0; index < 4; index++)
    add('FedEx SmartPost, 22 digits', printed(withGs1Check(`92748${draw.digits(16)}`)));
  for (let index = 0; index < 6; index++) {
    const kind = index % 3;
    if (kind === 0) add('DHL Express, 10 digits', draw.digits(10));
    else if (kind === 1) add('DHL, JD + 18 digits', printed(`JD01${draw.digits(16)}`));
    else add('DHL eCommerce, GM + 16 digits', `GM${draw.digits(16)}`);
  }
  for (let index = 0; index < 3; index++) add('Royal Mail', `${draw.letters(2)}${draw.digits(9)}GB`);
  return entries;
};

const uuids = (draw: Draw): CorpusEntry[] =>
  Array.from({ length: 30 }, (_, index) => {
    const uuid = `${draw.hex(8)}-${draw.hex(4)}-4${draw.hex(3)}-${draw.pick(['8', '9', 'a', 'b'])}${draw.hex(3)}-${draw.hex(12)}`;
    const text = fill(
      draw.pick(['request {n}', '{n}', 'id={n}', '"requestId":"{n}"']),
      index % 3 === 0 ? uuid.toUpperCase() : uuid,
    );
    return lookAlike('UUID: v4', text);
  });

/** Issuer prefixes no network has. */
const UNISSUED_PREFIXES = [
  '0',
  '1',
  '7',
  '8',
  '9',
  '20',
  '21',
  '2200',
  '2721',
  '31',
  '32',
  '33',
  '3500',
  '3590',
  '306',
  '56',
  '57',
  '58',
  '60',
  '61',
  '63',
  '66',
  '68',
  '69',
  '5000',
  '59',
];

const unissuedNumbers = (draw: Draw): CorpusEntry[] => {
  const entries: CorpusEntry[] = [];
  UNISSUED_PREFIXES.forEach((prefix, index) => {
    const length = 14 + (index % 6);
    const number = luhnValid(draw, prefix, length);
    if (referenceNetworkOf(number) !== undefined) throw new Error(`${number} is issued`);
    const written = length <= 16 ? grouped(number, groupingOf(length), index % 2 === 0 ? ' ' : '-') : number;
    entries.push(
      lookAlike("unissued number: Luhn-valid, no network's prefix", fill(draw.pick(NUMBER_TEXTS), written)),
    );
  });
  // A network's prefix, not its length.
  const wrongLengths: [Network, number][] = [
    ['visa', 14],
    ['visa', 15],
    ['visa', 17],
    ['visa', 18],
    ['mastercard', 15],
    ['mastercard', 17],
    ['amex', 14],
    ['amex', 16],
    ['discover', 15],
    ['jcb', 15],
    ['unionpay', 15],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [network, length] of wrongLengths) {
      const range = rangeOf(network, round);
      const prefix = String(Number(range.from) + draw.int(0, Number(range.to) - Number(range.from)));
      const number = luhnValid(draw, prefix, length);
      if (referenceNetworkOf(number) !== undefined) throw new Error(`${number} is issued`);
      const written = length <= 16 ? grouped(number, groupingOf(length), ' ') : number;
      entries.push(
        lookAlike(
          `unissued number: Luhn-valid, ${network} prefix, not its length`,
          fill(draw.pick(NUMBER_TEXTS), written),
        ),
      );
    }
  }
  // A network's prefix and length, failing the Luhn check.
  NETWORKS.forEach((network, index) => {
    for (let round = 0; round < 3; round++) {
      const range = rangeOf(network, round);
      const length = lengthsWithoutContext(range).filter((candidate) => candidate <= 16)[0] ?? 16;
      const valid = cardNumberIn(range, draw.int(0, 999), length, draw.digits(18));
      const number = withCheckDigit(valid.slice(0, -1), false, draw.int(1, 9));
      const style = (['spaces', 'dashes', 'plain'] as const)[(index + round) % 3] ?? 'plain';
      entries.push(
        lookAlike(
          `Luhn-invalid number: ${network} prefix and length`,
          fill(draw.pick(NUMBER_TEXTS), writeNumber(number, style).written),
        ),
      );
    }
  });
  return entries;
};

/** The corpus: cards first, then look-alikes. */
export const generateCorpus = (seed = SEED): CorpusEntry[] => {
  const draw = new Draw(seed);
  return [
    ...cards(draw),
    ...orderIds(draw),
    ...timestamps(draw),
    ...dateLists(draw),
    ...barcodes(draw),
    ...ibans(draw),
    ...phones(draw),
    ...trackingNumbers(draw),
    ...uuids(draw),
    ...unissuedNumbers(draw),
  ];
};

/** Spaces other than the space, zero-width and format characters: written as escapes in the file. */
const INVISIBLE = /[\u0080-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g;

/** The corpus file's text: JSON, with the invisible characters escaped. */
export const renderCorpus = (entries: readonly CorpusEntry[]): string =>
  `${JSON.stringify(entries, null, 2).replace(INVISIBLE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;

if (require.main === module) {
  const entries = generateCorpus();
  mkdirSync(dirname(CORPUS_FILE), { recursive: true });
  writeFileSync(CORPUS_FILE, renderCorpus(entries));
  const count = (label: CorpusEntry['label']) => entries.filter((entry) => entry.label === label).length;
  console.log(`Wrote ${count('card')} cards and ${count('look-alike')} look-alikes into ${CORPUS_FILE}`);
}
