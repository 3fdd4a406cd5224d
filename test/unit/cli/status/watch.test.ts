import { watch } from '../../../../cli/status/watch';

const round = (code: number) => ({ text: `status ${code}\n`, code });

describe('watching the status', () => {
  it('shows a round, pauses, and shows the next until Ctrl-C, then exits with the last shown code', async () => {
    const controller = new AbortController();
    const codes = [0, 1, 0];
    const shown: string[] = [];
    const pauses: number[] = [];
    const code = await watch({
      round: async () => round(codes.shift() ?? 0),
      show: ({ text }) => {
        shown.push(text);
        if (shown.length === 2) controller.abort();
      },
      intervalMs: 5000,
      signal: controller.signal,
      pause: async (ms) => pauses.push(ms),
    });

    expect(shown).toEqual(['status 0\n', 'status 1\n']);
    expect(pauses).toEqual([5000, 5000]);
    expect(code).toBe(1);
  });

  it('exits with 0 when the last status shown was healthy', async () => {
    const controller = new AbortController();
    const code = await watch({
      round: async () => round(0),
      show: () => controller.abort(),
      intervalMs: 1000,
      signal: controller.signal,
      pause: async () => undefined,
    });
    expect(code).toBe(0);
  });

  it('stops at once when interrupted during a round, without showing it', async () => {
    const controller = new AbortController();
    const shown: string[] = [];
    const code = await watch({
      round: () => {
        setTimeout(() => controller.abort(), 10);
        return new Promise(() => undefined);
      },
      show: ({ text }) => shown.push(text),
      intervalMs: 1000,
      signal: controller.signal,
    });
    expect(shown).toEqual([]);
    expect(code).toBe(1);
  });

  it('ends the pause early when interrupted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const code = await watch({
      round: async () => {
        setTimeout(() => controller.abort(), 20);
        return round(0);
      },
      show: () => undefined,
      intervalMs: 60_000,
      signal: controller.signal,
    });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
