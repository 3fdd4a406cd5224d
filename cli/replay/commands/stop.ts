/**
 * `replay stop`: disables the event source mapping first (nothing more is replayed; a paced replay's mapping
 * gets its batch size and maximum concurrency back in the same update), then marks the replay stopped.
 */
import type { ReplayState } from '../../../src/adapters/dynamodb-replay-state';
import type { EventSourceMappingUpdate } from '../../../src/adapters/lambda-event-source-mapping';
import { plural } from '../../shared/format';
import { type CliIo, nowOf } from '../../shared/io';
import type { MappingState, ReplayStack } from '../replay-stack';

const OFF_STATES = new Set(['Disabled', 'Disabling']);

/** The settings of the mapping from before a paced replay that it does not have now. */
const toRestore = (replay: ReplayState | undefined, mapping: MappingState): EventSourceMappingUpdate => {
  const before = replay?.mappingBefore;
  if (!before) return {};
  return {
    ...(before.batchSize !== undefined && before.batchSize !== mapping.batchSize
      ? { batchSize: before.batchSize }
      : {}),
    ...(before.maximumConcurrency !== undefined && before.maximumConcurrency !== mapping.maximumConcurrency
      ? { maximumConcurrency: before.maximumConcurrency }
      : {}),
  };
};

const settingsOf = (update: EventSourceMappingUpdate) =>
  [
    update.batchSize === undefined ? undefined : `batch size ${update.batchSize}`,
    update.maximumConcurrency === undefined ? undefined : `maximum concurrency ${update.maximumConcurrency}`,
  ]
    .filter((part) => part !== undefined)
    .join(' and ');

export const stopCommand = async (stack: ReplayStack, io: CliIo) => {
  const [replay, mapping] = await Promise.all([stack.replays.current(), stack.mapping()]);
  const running = replay?.status === 'running';
  const restore = running ? toRestore(replay, mapping) : {};
  const restoring = Object.keys(restore).length > 0;
  const disabled =
    OFF_STATES.has(mapping.state) && !restoring
      ? undefined
      : await stack.updateMapping(
          { ...(OFF_STATES.has(mapping.state) ? {} : { enabled: false }), ...restore },
          mapping,
        );
  const restored = restoring ? ` It has its ${settingsOf(restore)} back.` : '';
  const mappingLine = disabled
    ? `The event source mapping ${mapping.uuid} is ${disabled.state} (it was ${mapping.state}); a batch already being processed finishes and is counted.${restored}`
    : `The event source mapping ${mapping.uuid} was already ${mapping.state}.`;
  if (!running) {
    const ended = replay ? ` (replay ${replay.replayId} ${replay.status})` : '';
    io.stdout.write(
      disabled
        ? `No replay was running${ended}. ${mappingLine}\n`
        : `No replay is running${ended} and the event source mapping ${mapping.uuid} is already ${mapping.state}: nothing to stop.\n`,
    );
    return;
  }
  const marked = await stack.replays.markStopped(replay.replayId, nowOf(io).toISOString());
  const after = (await stack.replays.current()) ?? replay;
  const queue = await stack.replayQueue();
  const held = Math.max(0, queue.waiting + queue.inFlight + queue.delayed - (after.ticks ?? 0));
  const left = held > 0 ? ` The replay queue holds ${plural(held, 'message')} for later replays.` : '';
  const counts = `${after.forwarded ?? 0} forwarded, ${after.skipped ?? 0} skipped, ${after.kept ?? 0} kept`;
  io.stdout.write(
    marked
      ? `Replay ${replay.replayId} stopped: ${counts}. ${mappingLine}${left}\n`
      : `Replay ${replay.replayId} ${after.status === 'completed' ? 'completed by itself' : `was ${after.status}`} meanwhile: ${counts}. ${mappingLine}${left}\n`,
  );
};
