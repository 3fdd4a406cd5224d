import { forEachInOrder, mapWithConcurrency } from '../../../../cli/shared/concurrency';

const delay = (ms: number) => new Promise((resolveDelay) => setTimeout(resolveDelay, ms));

describe('running calls with a concurrency limit', () => {
  it('hands results over in the order of the items, whatever order they finish in', async () => {
    const consumed: number[] = [];
    await forEachInOrder(
      [30, 5, 20, 1],
      4,
      async (ms) => {
        await delay(ms);
        return ms;
      },
      (result) => {
        consumed.push(result);
      },
    );
    expect(consumed).toEqual([30, 5, 20, 1]);
  });

  it('never has more calls in flight than the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency(
      Array.from({ length: 10 }, (_, index) => index),
      3,
      async (item) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await delay(2);
        inFlight -= 1;
        return item * 2;
      },
    );
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(most).toBe(3);
  });

  it('throws the first failure, and a later failure is not left unhandled', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        mapWithConcurrency([1, 2, 3], 3, async (item) => {
          await delay(item === 1 ? 10 : 1);
          throw new Error(`failed ${item}`);
        }),
      ).rejects.toThrow('failed 1');
      await delay(20);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
