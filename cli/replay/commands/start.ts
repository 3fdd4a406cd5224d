/** `replay start`: records the window, then enables the replay function's event source mapping. */
import { randomUUID } from 'node:crypto';
import { ReplayAlreadyRunningError, type ReplayState } from '../../../src/adapters/dynamodb-replay-state';
import type { ReplayWindow } from '../../../src/domain/replay';
import { CliError, describeFailure } from '../../shared/errors';
import { plural } from '../../shared/format';
import { type CliIo, nowOf } from '../../shared/io';
import { countReplayQueue, DRY_RUN_VISIBILITY_TIMEOUT_SECONDS } from '../dry-run';
import { assertSettled, type ReplayStack } from '../replay-stack';
import { type Commands, describeWindow, formatDryRun } from '../report';

export interface StartArguments {
  window: ReplayWindow;
  dryRun: boolean;
  commands: Commands;
}

const DAY_MS = 86_400_000;

/** A note when the window starts before the oldest order the replay queue can still hold. */
const retentionNote = (window: ReplayWindow, retentionSeconds: number | undefined, now: Date) => {
  if (!retentionSeconds) return '';
  const oldest = new Date(now.getTime() - retentionSeconds * 1000);
  if (window.since >= oldest) return '';
  const days =
    retentionSeconds * 1000 >= DAY_MS
      ? `${Math.round((retentionSeconds * 1000) / DAY_MS)} days`
      : `${retentionSeconds} s`;
  return `Note: the replay queue keeps orders for ${days}: orders before ${oldest.toISOString()} are no longer in it.\n`;
};

const alreadyRunning = (running: ReplayState | undefined, commands: Commands) =>
  new CliError(
    `${running ? `replay ${running.replayId} is already running (orders ${describeWindow(running)}, started ${running.startedAt})` : 'another replay, started at the same time, is already running'}: stop it first with ${commands.stop} (follow it with ${commands.status})`,
  );

const dryRun = async (stack: ReplayStack, { window, commands }: StartArguments, io: CliIo) => {
  const mapping = await stack.mapping();
  if (mapping.state !== 'Disabled') {
    throw new CliError(
      `the replay event source mapping ${mapping.uuid} is ${mapping.state}: a dry run would race the replay function for the messages. Stop the replay first (${commands.stop}) or wait until it is Disabled`,
    );
  }
  const queue = await stack.replayQueue();
  const counts = await countReplayQueue(stack.sqs, queue.url, window, {
    waitTimeSeconds: stack.local ? 0 : 1,
  });
  io.stdout.write(formatDryRun(window, queue.name, counts, DRY_RUN_VISIBILITY_TIMEOUT_SECONDS));
  io.stdout.write(retentionNote(window, queue.retentionSeconds, nowOf(io)));
};

export const startCommand = async (stack: ReplayStack, args: StartArguments, io: CliIo) => {
  if (args.dryRun) return dryRun(stack, args, io);
  const { window, commands } = args;
  const current = await stack.replays.current();
  if (current?.status === 'running') throw alreadyRunning(current, commands);
  const mapping = await stack.mapping();
  assertSettled(mapping);
  const queue = await stack.replayQueue();
  const now = nowOf(io);
  const replayId = randomUUID();
  try {
    await stack.replays.start({
      replayId,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      startedAt: now.toISOString(),
    });
  } catch (error) {
    // Another operator's start won the race since the check above.
    if (error instanceof ReplayAlreadyRunningError) throw alreadyRunning(error.running, commands);
    throw error;
  }
  let enabled: Awaited<ReturnType<ReplayStack['setMappingEnabled']>>;
  try {
    enabled = await stack.setMappingEnabled(true, mapping);
  } catch (error) {
    // Not started after all: the replay state must not say running while nothing replays.
    await stack.replays.markStopped(replayId, nowOf(io).toISOString()).catch(() => undefined);
    throw new CliError(
      `the event source mapping ${mapping.uuid} could not be enabled, so replay ${replayId} was not started (marked stopped): ${describeFailure(error, { permissions: 'lambda:UpdateEventSourceMapping on it' })}`,
    );
  }
  const functionName = enabled.functionName ? ` of ${enabled.functionName}` : '';
  io.stdout.write(
    [
      `Replay ${replayId} started for the orders ${describeWindow(window)}.`,
      `The event source mapping ${enabled.uuid}${functionName} is ${enabled.state} (it was ${mapping.state}): the replay function re-sends each order of the window to the checkout queue, with its message attributes and the attribute replayId, and removes every other order from the replay queue.`,
      `The replay queue ${queue.name} holds ${plural(queue.waiting, 'message')} (${queue.inFlight} in flight).`,
      `Follow it:  ${commands.status}`,
      `Stop it:    ${commands.stop}   (once status says the replay queue is drained)`,
      '',
    ].join('\n'),
  );
  io.stdout.write(retentionNote(window, queue.retentionSeconds, now));
};
