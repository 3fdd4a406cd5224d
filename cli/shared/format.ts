/** Small text helpers for CLI output. */

/** `1 order`, `2 orders`. */
export const plural = (count: number, noun: string, nouns = `${noun}s`) =>
  `${count} ${count === 1 ? noun : nouns}`;

/** `a`, `a and b`, `a, b and c`. */
export const joinWords = (words: readonly string[]) =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
