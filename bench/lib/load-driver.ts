import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadPlan {
  /** Requests per second offered, on a fixed schedule (open loop: a slow answer does not slow the offer). */
  ratePerSecond: number;
  durationSeconds: number;
  /** Concurrent keep-alive clients; a request waits for a free one when all are busy. */
  clients: number;
}

export interface LoadResult {
  offered: number;
  /** Requests answered with the expected status. */
  accepted: number;
  /** Every other answer, by status (0: the request failed without one). */
  rejected: Record<number, number>;
  /** Milliseconds of each accepted request, from its scheduled time (so a client backlog counts). */
  latenciesMs: number[];
  /** From the first scheduled request to the last answer. */
  elapsedMs: number;
}

/**
 * Offers `send` at a fixed rate from a pool of concurrent clients and times each answer from its scheduled
 * start. `send(index)` resolves with the HTTP status it got.
 */
export const driveLoad = async (
  plan: LoadPlan,
  send: (index: number) => Promise<number>,
  expectedStatus: number,
): Promise<LoadResult> => {
  const total = Math.round(plan.ratePerSecond * plan.durationSeconds);
  const intervalMs = 1000 / plan.ratePerSecond;
  const latenciesMs: number[] = [];
  const rejected: Record<number, number> = {};
  let next = 0;
  const started = performance.now();

  const client = async () => {
    for (;;) {
      const index = next;
      if (index >= total) return;
      next += 1;
      const scheduled = started + index * intervalMs;
      const wait = scheduled - performance.now();
      if (wait > 0) await sleep(wait);
      let status = 0;
      try {
        status = await send(index);
      } catch {
        status = 0;
      }
      if (status === expectedStatus) latenciesMs.push(performance.now() - scheduled);
      else rejected[status] = (rejected[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: plan.clients }, client));
  return {
    offered: total,
    accepted: latenciesMs.length,
    rejected,
    latenciesMs,
    elapsedMs: performance.now() - started,
  };
};

/**
 * Polls `count` until it reaches `expected` or `timeoutMs` passes; gives the milliseconds it took (from the
 * call) and the last count.
 */
export const timeUntilCount = async (
  count: () => Promise<number>,
  expected: number,
  timeoutMs: number,
  pollMs = 500,
): Promise<{ ms: number | undefined; found: number }> => {
  const started = performance.now();
  let found = 0;
  for (;;) {
    found = await count();
    if (found >= expected) return { ms: performance.now() - started, found };
    if (performance.now() - started > timeoutMs) return { ms: undefined, found };
    await sleep(pollMs);
  }
};
