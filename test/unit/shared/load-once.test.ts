import { loadOnce } from '../../../src/shared/load-once';

describe('loadOnce', () => {
  it('loads nothing until it is first called', () => {
    const load = jest.fn(async () => 'client');
    loadOnce(load);
    expect(load).not.toHaveBeenCalled();
  });

  it('loads once and gives every call, concurrent or later, the same result', async () => {
    const load = jest.fn(async () => ({ client: 'lambda' }));
    const get = loadOnce(load);
    const [first, second] = await Promise.all([get(), get()]);
    const later = await get();
    expect(load).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(later).toBe(first);
  });

  it('tries the load again on the next call after a failed one', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('chunk not found'))
      .mockResolvedValueOnce('client');
    const get = loadOnce(load);
    await expect(get()).rejects.toThrow('chunk not found');
    await expect(get()).resolves.toBe('client');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
