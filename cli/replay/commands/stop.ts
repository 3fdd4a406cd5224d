/** `replay stop`: disables the event source mapping first (nothing more is replayed), then marks the replay stopped. */
import { plural } from '../../shared/format';
import { type CliIo, nowOf } from '../../shared/io';
import type { ReplayStack } from '../replay-stack';

const OFF_STATES = new Set(['Disabled', 'Disabling']);

export const stopCommand = async (stack: ReplayStack, io: CliIo) => {
  const [replay, mapping] = await Promise.all([stack.replays.current(), stack.mapping()]);
  const running = replay?.status === 'running';
  const disabled = OFF_STATES.has(mapping.state) ? undefined : await stack.setMappingEnabled(false, mapping);
  const mappingLine = disabled
    ? `The event source mapping ${mapping.uuid} is ${disabled.state} (it was ${mapping.state}); a batch already being processed finishes and is counted.`
    : `The event source mapping ${mapping.uuid} was already ${mapping.state}.`;
  if (!running) {
    io.stdout.write(
      disabled
        ? `No replay was running. ${mappingLine}\n`
        : `No replay is running and the event source mapping ${mapping.uuid} is already ${mapping.state}: nothing to stop.\n`,
    );
    return;
  }
  await stack.replays.markStopped(replay.replayId, nowOf(io).toISOString());
  const stopped = (await stack.replays.current()) ?? replay;
  const queue = await stack.replayQueue();
  const left =
    queue.waiting + queue.inFlight > 0
      ? ` ${plural(queue.waiting + queue.inFlight, 'message')} stay in the replay queue for a later replay.`
      : '';
  io.stdout.write(
    `Replay ${replay.replayId} stopped: ${stopped.forwarded ?? 0} forwarded, ${stopped.skipped ?? 0} skipped. ${mappingLine}${left}\n`,
  );
};
