export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * JSON.parse whose error never quotes the input: V8's messages include a snippet of the text, which
 * for an order could be card data, and errors end up in logs and responses.
 */
export const parseJson = (text: string): JsonParseResult => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    return { ok: false, error: position ? `not valid JSON (at position ${position})` : 'not valid JSON' };
  }
};
