/**
 * Runs `produce` for the items with at most `limit` calls in flight, and hands the results to `consume`
 * in the items' order as soon as each is ready (so output streams, and memory holds `limit` results).
 * The first failure of either stops the walk and is thrown.
 */
export const forEachInOrder = async <T, R>(
  items: readonly T[],
  limit: number,
  produce: (item: T, index: number) => Promise<R>,
  consume: (result: R, item: T, index: number) => void | Promise<void>,
): Promise<void> => {
  const inFlight: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && inFlight.length < Math.max(1, limit)) {
      const index = next++;
      const result = produce(items[index] as T, index);
      // Awaited below, in order; until then a rejection must not count as unhandled.
      result.catch(() => undefined);
      inFlight.push(result);
    }
  };
  fill();
  for (let index = 0; index < items.length; index += 1) {
    const result = await (inFlight.shift() as Promise<R>);
    fill();
    await consume(result, items[index] as T, index);
  }
};

/** `Promise.all(items.map(produce))` with at most `limit` calls in flight; results in the items' order. */
export const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  produce: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = [];
  await forEachInOrder(items, limit, produce, (result) => {
    results.push(result);
  });
  return results;
};
