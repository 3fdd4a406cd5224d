/**
 * `--watch`: reads and shows the status again and again, `interval` apart, until the signal (Ctrl-C)
 * ends it. The exit code is the last shown status's: 0 when it was healthy, 1 otherwise (also when none
 * was shown yet).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT_FAILURE } from '../shared/errors';

export interface WatchRound {
  /** What to show for this round (the whole screen). */
  text: string;
  /** Its exit code: 0 healthy, 1 not. */
  code: number;
}

export interface WatchOptions {
  /** One round: read the status and say what to show. Must not reject for a failure to read. */
  round: () => Promise<WatchRound>;
  show: (round: WatchRound) => void;
  intervalMs: number;
  /** Aborted on Ctrl-C: the watch ends at once, a round in progress is not shown. */
  signal: AbortSignal;
  /** The pause between rounds; node:timers/promises' setTimeout by default (ended early by the signal). */
  pause?: (ms: number, signal: AbortSignal) => Promise<unknown>;
}

const defaultPause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal });

/** Resolves when the signal is aborted (never, if it is not). */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

export const watch = async ({ round, show, intervalMs, signal, pause = defaultPause }: WatchOptions) => {
  let code = EXIT_FAILURE;
  const stopped = aborted(signal);
  while (!signal.aborted) {
    const result = await Promise.race([round(), stopped.then(() => undefined)]);
    if (!result || signal.aborted) break;
    show(result);
    code = result.code;
    await Promise.race([pause(intervalMs, signal).catch(() => undefined), stopped]);
  }
  return code;
};

/** Clears a terminal and puts the cursor top left, before each round of --watch. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J';
