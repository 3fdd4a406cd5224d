/** `replay status`: the current replay, the event source mapping, the replay queue and the verdict. */
import type { CliIo } from '../../shared/io';
import type { ReplayStack } from '../replay-stack';
import { type Commands, formatStatus, type ReplayStatus, statusJson } from '../report';

export const readStatus = async (stack: ReplayStack): Promise<ReplayStatus> => {
  const [replay, mapping, replayQueue, deadLetterQueue] = await Promise.all([
    stack.replays.current(),
    stack.mapping(),
    stack.replayQueue(),
    stack.deadLetterQueue(),
  ]);
  const queue = ({ name, url, waiting, inFlight }: typeof replayQueue) => ({ name, url, waiting, inFlight });
  return {
    replay,
    mapping,
    replayQueue: queue(replayQueue),
    deadLetterQueue: deadLetterQueue && queue(deadLetterQueue),
  };
};

export const statusCommand = async (
  stack: ReplayStack,
  { json, commands }: { json: boolean; commands: Commands },
  io: CliIo,
) => {
  const status = await readStatus(stack);
  io.stdout.write(
    json ? `${JSON.stringify(statusJson(status, commands), null, 2)}\n` : formatStatus(status, commands),
  );
};
