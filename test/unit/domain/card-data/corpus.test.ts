import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_FILE, type CorpusEntry, generateCorpus } from '../../../../scripts/generate-card-corpus';
import { maskCardNumbers } from '../../../../src/domain/card-data';
import { NETWORKS } from '../../../factories/card-numbers';
import {
  referenceAsciiDigits,
  referenceIsIssued,
  referenceNetworkOf,
  separatorKind,
} from '../../../helpers/card-number-reference';

const corpus: CorpusEntry[] = JSON.parse(readFileSync(join(__dirname, '../../../..', CORPUS_FILE), 'utf8'));
const cards = corpus.filter((entry) => entry.label === 'card');
const lookAlikes = corpus.filter((entry) => entry.label === 'look-alike');

/**
 * What a reader can piece together from a text: its digits in ASCII, without the separators and URL
 * encodings between them. Masking turns digits into `*` and nothing else, so the readable forms of a text
 * and of its masked copy line up.
 */
const readable = (text: string): string =>
  [...referenceAsciiDigits(text.replace(/%[0-9A-Fa-f]{2}/g, ''))]
    .filter((character) => separatorKind(character) === undefined)
    .join('');

/** Where the card number of a card entry is in its readable text: its one run of 12 digits or more. */
const cardIn = (entry: CorpusEntry): { start: number; digits: string } => {
  const runs = [...readable(entry.text).matchAll(/[0-9]{12,}/g)];
  if (runs.length !== 1)
    throw new Error(`The corpus entry ${JSON.stringify(entry.text)} holds ${runs.length} numbers`);
  const [run] = runs as [RegExpMatchArray];
  return { start: run.index ?? 0, digits: run[0] };
};

/** Why masking failed a card entry: it found nothing, or left digits but the last 4 readable. */
const recallFailure = (entry: CorpusEntry): string | undefined => {
  const { text, masked } = maskCardNumbers(entry.text);
  const { start, digits } = cardIn(entry);
  const shown = readable(text).slice(start, start + digits.length);
  const expected = `${'*'.repeat(digits.length - 4)}${referenceAsciiDigits(entry.last4 ?? '')}`;
  if (masked > 0 && shown === expected) return undefined;
  return `${entry.kind}: ${JSON.stringify(entry.text)} -> ${JSON.stringify(text)}`;
};

const precisionFailure = (entry: CorpusEntry): string | undefined => {
  const result = maskCardNumbers(entry.text);
  if (result.text === entry.text && result.masked === 0) return undefined;
  return `${entry.kind}: ${JSON.stringify(entry.text)} -> ${JSON.stringify(result.text)}`;
};

/** The failures, kinds first (with how many entries of each kind fail), then every failing entry. */
const report = (failures: string[]): string[] => {
  const kinds = new Map<string, number>();
  for (const failure of failures) {
    const kind = failure.slice(0, failure.indexOf(': "'));
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return failures.length === 0
    ? []
    : [...[...kinds].map(([kind, count]) => `${count} x ${kind}`), '--', ...failures];
};

describe('the card-data corpus', () => {
  it('is what scripts/generate-card-corpus.ts writes (npm run corpus:generate)', () => {
    expect(corpus).toEqual(generateCorpus());
  });

  it('holds at least 300 card numbers and 300 look-alikes', () => {
    expect(cards.length).toBeGreaterThanOrEqual(300);
    expect(lookAlikes.length).toBeGreaterThanOrEqual(300);
  });

  it('holds card numbers of every network, each one a network issues, with its last 4 digits', () => {
    const networks = new Set(cards.map((entry) => referenceNetworkOf(cardIn(entry).digits)));
    expect([...networks].sort()).toEqual([...NETWORKS].sort());
    for (const entry of cards) {
      const { digits } = cardIn(entry);
      expect({ text: entry.text, issued: referenceIsIssued(digits) }).toEqual({
        text: entry.text,
        issued: true,
      });
      expect(referenceAsciiDigits(entry.last4 ?? '')).toBe(digits.slice(-4));
    }
  });

  it('has every card number masked but its last 4 digits (100 % recall)', () => {
    const failures = cards.map(recallFailure).filter((failure) => failure !== undefined);
    expect(report(failures)).toEqual([]);
  });

  it('has every look-alike come back unchanged (100 % precision)', () => {
    const failures = lookAlikes.map(precisionFailure).filter((failure) => failure !== undefined);
    expect(report(failures)).toEqual([]);
  });
});
