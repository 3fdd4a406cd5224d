import { maskCardNumbers } from '../../../../src/domain/card-data';
import {
  gapKind,
  MAX_SEPARATORS_IN_A_GAP,
  SEPARATOR,
  type SeparatorKind,
} from '../../../../src/domain/card-data/separators';

const ONE_SEPARATOR = new RegExp(`^${SEPARATOR}$`, 'u');

const codePoint = (character: string) =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** The characters SPEC §2 names, by kind, as `[description, character]`. */
const SEPARATORS: Record<SeparatorKind, [string, string][]> = {
  space: [
    ['a space', ' '],
    ['a tab', '\t'],
    ['a line feed', '\n'],
    ['a carriage return', '\r'],
    ['a no-break space', '\u00a0'],
    ['an ogham space mark', '\u1680'],
    ['an en quad', '\u2000'],
    ['a thin space', '\u2009'],
    ['a hair space', '\u200a'],
    ['a zero-width space', '\u200b'],
    ['a zero-width non-joiner', '\u200c'],
    ['a zero-width joiner', '\u200d'],
    ['a line separator', '\u2028'],
    ['a narrow no-break space', '\u202f'],
    ['a word joiner', '\u2060'],
    ['an ideographic space', '\u3000'],
    ['a byte order mark', '\ufeff'],
    ['a soft hyphen', '\u00ad'],
    ['a plus (a form-encoded space)', '+'],
  ],
  dash: [
    ['a hyphen-minus', '-'],
    ['a hyphen', '\u2010'],
    ['a non-breaking hyphen', '\u2011'],
    ['a figure dash', '\u2012'],
    ['an en dash', '\u2013'],
    ['an em dash', '\u2014'],
    ['a horizontal bar', '\u2015'],
    ['a minus sign', '\u2212'],
    ['a small hyphen-minus', '\ufe63'],
    ['a full-width hyphen-minus', '\uff0d'],
  ],
  dot: [
    ['a full stop', '.'],
    ['a middle dot', '\u00b7'],
    ['a one dot leader', '\u2024'],
    ['a hyphenation point', '\u2027'],
    ['an ideographic full stop', '\u3002'],
    ['a full-width full stop', '\uff0e'],
  ],
  slash: [
    ['a slash', '/'],
    ['a backslash', '\\'],
    ['a fraction slash', '\u2044'],
    ['a division slash', '\u2215'],
    ['a full-width slash', '\uff0f'],
  ],
  underscore: [
    ['an underscore', '_'],
    ['a full-width low line', '\uff3f'],
  ],
};

const ALL_SEPARATORS = Object.entries(SEPARATORS).flatMap(([kind, characters]) =>
  characters.map(([description, character]) => [description, codePoint(character), kind, character]),
);

/** URL encodings (as people and systems write them, in either case) and the kind of what they encode. */
const URL_ENCODED: [string, SeparatorKind][] = [
  ['%20', 'space'],
  ['%09', 'space'],
  ['%0A', 'space'],
  ['%0d', 'space'],
  ['%2B', 'space'],
  ['%C2%A0', 'space'],
  ['%c2%a0', 'space'],
  ['%C2%AD', 'space'],
  ['%E2%80%89', 'space'],
  ['%E2%80%8B', 'space'],
  ['%E2%80%A8', 'space'],
  ['%E3%80%80', 'space'],
  ['%EF%BB%BF', 'space'],
  ['%2D', 'dash'],
  ['%2d', 'dash'],
  ['%E2%80%90', 'dash'],
  ['%E2%80%93', 'dash'],
  ['%e2%80%94', 'dash'],
  ['%E2%88%92', 'dash'],
  ['%EF%BC%8D', 'dash'],
  ['%2E', 'dot'],
  ['%2F', 'slash'],
  ['%2f', 'slash'],
  ['%5C', 'slash'],
  ['%EF%BC%8F', 'slash'],
  ['%5F', 'underscore'],
];

describe('SEPARATOR', () => {
  it.each(ALL_SEPARATORS)('matches %s (%s), a %s', (_description, _codePoint, _kind, character) => {
    expect(ONE_SEPARATOR.test(character)).toBe(true);
  });

  it.each(URL_ENCODED)('matches the URL encoding %s', (encoded) => {
    expect(ONE_SEPARATOR.test(encoded)).toBe(true);
  });

  it.each([
    ['the full-width full stop', '\uff0e'],
    ['the full-width low line', '\uff3f'],
    ['the ideographic full stop', '\u3002'],
    ['the middle dot', '\u00b7'],
    ['the wave dash', '\u301c'],
  ])('matches the URL encoding of %s, in either case', (_, character) => {
    const encoded = encodeURIComponent(character);
    expect(ONE_SEPARATOR.test(encoded)).toBe(true);
    expect(ONE_SEPARATOR.test(encoded.toLowerCase())).toBe(true);
    expect(gapKind(encoded)).toBe(gapKind(character));
  });

  it.each(['%25', '%3A', '%41', '%2', '%', '%E2%80', '%C2', '%E2%82%AC', '%EF%BD%9F'])(
    'does not match %s, which encodes no separator or is cut short',
    (text) => {
      expect(ONE_SEPARATOR.test(text)).toBe(false);
    },
  );

  it('matches no letter and no digit of any script', () => {
    const matched: string[] = [];
    for (let point = 0; point <= 0xffff; point += 1) {
      const character = String.fromCodePoint(point);
      if (/[\p{L}\p{Nd}]/u.test(character) && ONE_SEPARATOR.test(character))
        matched.push(codePoint(character));
    }
    expect(matched).toEqual([]);
  });

  it.each([
    ['a colon', ':'],
    ['a comma', ','],
    ['an equals sign', '='],
    ['a caret', '^'],
    ['a percent sign', '%'],
    ['a quotation mark', '"'],
    ['an asterisk', '*'],
  ])('does not match %s, which ends a written number', (_, character) => {
    expect(ONE_SEPARATOR.test(character)).toBe(false);
  });
});

describe('gapKind', () => {
  it.each(ALL_SEPARATORS)('calls a gap of %s (%s) a %s', (_description, _codePoint, kind, character) => {
    expect(gapKind(character)).toBe(kind);
  });

  it.each(URL_ENCODED)('calls a gap of %s a %s', (encoded, kind) => {
    expect(gapKind(encoded)).toBe(kind);
  });

  it.each([
    ['', 'space'],
    ['  ', 'space'],
    [' \u200b ', 'space'],
    [' - ', 'dash'],
    ['--', 'dash'],
    ['-%2D', 'dash'],
    ['\u2013 ', 'dash'],
    [' . ', 'dot'],
    [' %2F ', 'slash'],
    ['_ ', 'underscore'],
  ])('calls the gap "%s" a %s: spaces around a separator do not change its kind', (gap, kind) => {
    expect(gapKind(gap)).toBe(kind);
  });

  it.each([
    ['-/', 'a dash and a slash'],
    ['. -', 'a dot and a dash'],
    ['%2D.', 'an encoded dash and a dot'],
    ['_/', 'an underscore and a slash'],
    ['\u2013\uff0f', 'an en dash and a full-width slash'],
  ])('calls the gap "%s" mixed: it holds %s', (gap) => {
    expect(gapKind(gap)).toBe('mixed');
  });
});

describe('MAX_SEPARATORS_IN_A_GAP', () => {
  const groups = ['4111', '1111', '1111', '1111'];

  it('joins the groups of a written card number across that many separators', () => {
    const gap = ' - '.padEnd(MAX_SEPARATORS_IN_A_GAP, ' ');
    expect(maskCardNumbers(groups.join(gap))).toEqual({
      text: ['****', '****', '****', '1111'].join(gap),
      masked: 1,
    });
  });

  it('keeps groups apart across one more separator: they are separate numbers', () => {
    const written = groups.join(' '.repeat(MAX_SEPARATORS_IN_A_GAP + 1));
    expect(maskCardNumbers(written)).toEqual({ text: written, masked: 0 });
  });
});
