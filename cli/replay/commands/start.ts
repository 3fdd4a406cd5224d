/**
 * `replay start`: records the window (and the pace), then enables the replay function's event source
 * mapping; with --rate, in the same update, gives it the batch size and maximum concurrency of the pace.
 */
import { randomUUID } from 'node:crypto';
import { ReplayAlreadyRunningError, type ReplayState } from '../../../src/adapters/dynamodb-replay-state';
import { isPolling } from '../../../src/adapters/lambda-event-source-mapping';
import { pacedMappingSettings, type ReplayWindow, slotIntervalMs } from '../../../src/domain/replay';
import { CliError, describeFailure } from '../../shared/errors';
import { plural } from '../../shared/format';
import { type CliIo, nowOf } from '../../shared/io';
import { countReplayQueue, DRY_RUN_VISIBILITY_TIMEOUT_SECONDS } from '../dry-run';
import { assertSettled, type MappingState, type ReplayStack } from '../replay-stack';
import { type Commands, describeWindow, formatDryRun, formatRate } from '../report';

export interface StartArguments {
  window: ReplayWindow;
  dryRun: boolean;
  /** Orders per second; undefined: as fast as the mapping goes. */
  rate?: number | undefined;
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

const dryRun = async (stack: ReplayStack, { window, rate, commands }: StartArguments, io: CliIo) => {
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
  io.stdout.write(formatDryRun(window, queue.name, counts, DRY_RUN_VISIBILITY_TIMEOUT_SECONDS, rate));
  io.stdout.write(retentionNote(window, queue.retentionSeconds, nowOf(io)));
};

/** How the pace is kept, in one sentence for the operator. */
const paceLine = (rate: number, before: MappingState, after: MappingState) => {
  const { batchSize, maximumConcurrency } = pacedMappingSettings(rate);
  const had = [
    before.batchSize === undefined ? undefined : `batch size ${before.batchSize}`,
    before.maximumConcurrency === undefined ? undefined : `maximum concurrency ${before.maximumConcurrency}`,
  ].filter((part) => part !== undefined);
  const restored =
    had.length > 0 ? ` (it had ${had.join(' and ')}: they come back when the replay ends)` : '';
  return `Paced at ${formatRate(rate)}: the event source mapping ${after.uuid} takes batches of ${plural(batchSize, 'message')} with at most ${maximumConcurrency} at once${restored}, and the replay function sends the orders it forwards ${Math.round(slotIntervalMs(rate))} ms apart. Orders removed or kept do not count against the rate.`;
};

export const startCommand = async (stack: ReplayStack, args: StartArguments, io: CliIo) => {
  if (args.dryRun) return dryRun(stack, args, io);
  const { window, rate, commands } = args;
  const current = await stack.replays.current();
  if (current?.status === 'running') throw alreadyRunning(current, commands);
  const mapping = await stack.mapping();
  assertSettled(mapping);
  if (current?.status === 'completed' && isPolling(mapping)) {
    throw new CliError(
      `replay ${current.replayId} has just completed and the replay function is disabling the event source mapping ${mapping.uuid} (still ${mapping.state}): try again in a few seconds (${commands.status})`,
    );
  }
  const queue = await stack.replayQueue();
  const now = nowOf(io);
  const replayId = randomUUID();
  const paced = rate === undefined ? undefined : pacedMappingSettings(rate);
  try {
    await stack.replays.start({
      replayId,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      startedAt: now.toISOString(),
      mappingUuid: mapping.uuid,
      ...(rate === undefined
        ? {}
        : {
            rate,
            mappingBefore: { batchSize: mapping.batchSize, maximumConcurrency: mapping.maximumConcurrency },
          }),
    });
  } catch (error) {
    // Another operator's start won the race since the check above.
    if (error instanceof ReplayAlreadyRunningError) throw alreadyRunning(error.running, commands);
    throw error;
  }
  let enabled: MappingState;
  try {
    enabled = await stack.updateMapping({ enabled: true, ...paced }, mapping);
  } catch (error) {
    // Not started after all: the replay state must not say running while nothing replays.
    await stack.replays.markStopped(replayId, nowOf(io).toISOString()).catch(() => undefined);
    throw new CliError(
      `the event source mapping ${mapping.uuid} could not be ${paced ? 'enabled and paced' : 'enabled'}, so replay ${replayId} was not started (marked stopped): ${describeFailure(error, { permissions: 'lambda:UpdateEventSourceMapping on it' })}`,
    );
  }
  const functionName = enabled.functionName ? ` of ${enabled.functionName}` : '';
  io.stdout.write(
    [
      `Replay ${replayId} started for the orders ${describeWindow(window)}.`,
      `The event source mapping ${enabled.uuid}${functionName} is ${enabled.state} (it was ${mapping.state}): the replay function re-sends each order of the window to the checkout queue, with its message attributes and the attribute replayId; it removes the orders before the window and those without a time, and keeps the orders at or after its end, and those published meanwhile, in the replay queue for later replays.`,
      ...(rate === undefined ? [] : [paceLine(rate, mapping, enabled)]),
      `The replay queue ${queue.name} holds ${plural(queue.waiting, 'message')} (${queue.inFlight} in flight).`,
      'It completes by itself once the replay queue holds nothing of its window any more (the replay function then disables the event source mapping).',
      `Follow it:  ${commands.status} --watch`,
      `Stop it:    ${commands.stop}   (only to end it before it completes)`,
      '',
    ].join('\n'),
  );
  io.stdout.write(retentionNote(window, queue.retentionSeconds, now));
};
