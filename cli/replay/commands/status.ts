/**
 * `replay status`: the current replay and its progress, the event source mapping, the replay queue and the
 * verdict; with --watch, again and again until the replay has ended (or Ctrl-C).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type CliIo, nowOf } from '../../shared/io';
import type { ReplayStack } from '../replay-stack';
import { type Commands, formatStatus, type QueueStatus, type ReplayStatus, statusJson } from '../report';

/** Reads the status at `readAt` (its current rate and time left are taken then). */
export const readStatus = async (stack: ReplayStack, readAt = new Date()): Promise<ReplayStatus> => {
  const [replay, mapping, replayQueue, deadLetterQueue] = await Promise.all([
    stack.replays.current(),
    stack.mapping(),
    stack.replayQueue(),
    stack.deadLetterQueue(),
  ]);
  const queue = ({ name, url, waiting, inFlight }: QueueStatus): QueueStatus => ({
    name,
    url,
    waiting,
    inFlight,
  });
  return {
    replay,
    mapping,
    replayQueue: { ...queue(replayQueue), delayed: replayQueue.delayed },
    deadLetterQueue: deadLetterQueue && queue(deadLetterQueue),
    readAt,
  };
};

export interface StatusArguments {
  json: boolean;
  /** Seconds between refreshes; undefined: once. */
  watchSeconds?: number | undefined;
  commands: Commands;
}

/** Clears a terminal and puts the cursor at its top, so that each refresh replaces the last. */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';

export const statusCommand = async (
  stack: ReplayStack,
  { json, watchSeconds, commands }: StatusArguments,
  io: CliIo,
  wait: (ms: number) => Promise<unknown> = sleep,
) => {
  const terminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
  for (let refresh = 0; ; refresh += 1) {
    const readAt = nowOf(io);
    const status = await readStatus(stack, readAt);
    if (watchSeconds === undefined) {
      io.stdout.write(
        json ? `${JSON.stringify(statusJson(status, commands), null, 2)}\n` : formatStatus(status, commands),
      );
      return;
    }
    if (json)
      io.stdout.write(
        `${JSON.stringify({ readAt: readAt.toISOString(), ...statusJson(status, commands) })}\n`,
      );
    else {
      const header = `${readAt.toISOString()}  (every ${watchSeconds} s; Ctrl-C to stop watching)\n\n`;
      io.stdout.write(
        `${terminal ? CLEAR_SCREEN : refresh > 0 ? '\n' : ''}${header}${formatStatus(status, commands)}`,
      );
    }
    // Nothing more to follow once the replay has completed or stopped (or none runs).
    if (status.replay?.status !== 'running') return;
    await wait(watchSeconds * 1000);
  }
};
