/** What the replay CLI prints: the window, the status (text and JSON), the verdict, the dry run's counts. */
import type { ReplayState } from '../../src/adapters/dynamodb-replay-state';
import type { ReplayWindow } from '../../src/domain/replay';
import { plural } from '../shared/format';
import type { QueueDepth } from '../shared/queues';
import type { DryRunCounts } from './dry-run';
import type { MappingState } from './replay-stack';

/** The commands suggested in messages, with the user's target options (` --stack-name checkout`). */
export const commandsFor = (flags: string) => ({
  start: `npm run replay -- start --since <time> --until <time>${flags}`,
  status: `npm run replay -- status${flags}`,
  stop: `npm run replay -- stop${flags}`,
  redriveDeadLetters: `npm run redrive -- ReplayDeadLetterQueueUrl${flags}`,
});
export type Commands = ReturnType<typeof commandsFor>;

export const describeWindow = ({ since, until }: { since: Date | string; until: Date | string }) =>
  `from ${new Date(since).toISOString()} (inclusive) to ${new Date(until).toISOString()} (exclusive)`;

export interface QueueStatus extends QueueDepth {
  name: string;
  url: string;
}

export interface ReplayStatus {
  replay: ReplayState | undefined;
  mapping: MappingState;
  replayQueue: QueueStatus;
  deadLetterQueue?: QueueStatus | undefined;
}

export type VerdictCode =
  | 'no-replay'
  | 'enabled-without-replay'
  | 'starting'
  | 'replaying'
  | 'drained'
  | 'not-replaying'
  | 'stopped';

export interface Verdict {
  code: VerdictCode;
  text: string;
}

const ENABLED_STATES = new Set(['Enabled', 'Enabling', 'Creating', 'Updating']);

const counts = (replay: ReplayState) => `${replay.forwarded ?? 0} forwarded, ${replay.skipped ?? 0} skipped`;

/** One line that says where the replay stands and what to do next. */
export const verdictOf = (
  { replay, mapping, replayQueue, deadLetterQueue }: ReplayStatus,
  commands: Commands,
): Verdict => {
  const running = replay?.status === 'running';
  const verdict = ((): Verdict => {
    if (!running && ENABLED_STATES.has(mapping.state)) {
      return {
        code: 'enabled-without-replay',
        text: `the event source mapping is ${mapping.state} but no replay is running: the replay function leaves every order in the replay queue (after 10 receives they go to its dead-letter queue); disable it with ${commands.stop}`,
      };
    }
    if (!replay) {
      return { code: 'no-replay', text: `no replay has been started; start one with ${commands.start}` };
    }
    if (!running) {
      const at = replay.stoppedAt ? ` at ${replay.stoppedAt}` : '';
      return { code: 'stopped', text: `replay ${replay.replayId} stopped${at}: ${counts(replay)}` };
    }
    if (mapping.state === 'Enabled') {
      if (replayQueue.waiting + replayQueue.inFlight === 0) {
        return {
          code: 'drained',
          text: `replay queue drained: ${counts(replay)}; stop the replay with ${commands.stop}`,
        };
      }
      return {
        code: 'replaying',
        text: `replaying: ${replayQueue.waiting} waiting, ${replayQueue.inFlight} in flight; ${counts(replay)} so far`,
      };
    }
    if (ENABLED_STATES.has(mapping.state)) {
      return {
        code: 'starting',
        text: `the event source mapping is ${mapping.state}: the replay begins within a minute; ${counts(replay)} so far`,
      };
    }
    return {
      code: 'not-replaying',
      text: `replay ${replay.replayId} is marked running but the event source mapping is ${mapping.state}, so nothing is replayed: run ${commands.stop}, then start it again`,
    };
  })();
  const deadLetters = deadLetterQueue ? deadLetterQueue.waiting + deadLetterQueue.inFlight : 0;
  if (deadLetters === 0) return verdict;
  return {
    ...verdict,
    text: `${verdict.text}; ${plural(deadLetters, 'message')} in the replay dead-letter queue (move them back with ${commands.redriveDeadLetters})`,
  };
};

const depth = (queue: QueueStatus) => `${queue.waiting} waiting, ${queue.inFlight} in flight`;

/** The status as aligned `label  value` lines, then the verdict. */
export const formatStatus = (status: ReplayStatus, commands: Commands): string => {
  const { replay, mapping, replayQueue, deadLetterQueue } = status;
  const rows: [string, string][] = replay
    ? [
        ['Replay', `${replay.replayId}  ${replay.status}`],
        ['Window', describeWindow(replay)],
        ['Started', replay.startedAt],
        ['Stopped', replay.stoppedAt ?? '-'],
        ['Counts', counts(replay)],
      ]
    : [['Replay', 'none started yet']];
  const functionName = mapping.functionName ? ` (${mapping.functionName})` : '';
  rows.push(['Event source', `${mapping.uuid}${functionName}: ${mapping.state}`]);
  rows.push(['Replay queue', `${depth(replayQueue)}  ${replayQueue.name}`]);
  if (deadLetterQueue) rows.push(['Dead letters', `${depth(deadLetterQueue)}  ${deadLetterQueue.name}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  return `${lines.join('\n')}\n\n${verdictOf(status, commands).text}\n`;
};

/** The status for scripts: one JSON object. */
export const statusJson = (status: ReplayStatus, commands: Commands) => {
  const { replay, mapping, replayQueue, deadLetterQueue } = status;
  return {
    replay: replay
      ? {
          replayId: replay.replayId,
          status: replay.status,
          since: replay.since,
          until: replay.until,
          startedAt: replay.startedAt,
          stoppedAt: replay.stoppedAt ?? null,
          forwarded: replay.forwarded ?? 0,
          skipped: replay.skipped ?? 0,
        }
      : null,
    eventSourceMapping: {
      uuid: mapping.uuid,
      state: mapping.state,
      functionName: mapping.functionName ?? null,
    },
    replayQueue,
    deadLetterQueue: deadLetterQueue ?? null,
    verdict: verdictOf(status, commands),
  };
};

/** What a dry run found, and what it did to the queue. */
export const formatDryRun = (
  window: ReplayWindow,
  queueName: string,
  result: DryRunCounts,
  visibilityTimeoutSeconds: number,
): string => {
  const lines = [
    `Dry run of a replay of the orders ${describeWindow(window)}: nothing was changed (no replay state, the event source mapping stays Disabled).`,
    `Read ${plural(result.read, 'message')} of the replay queue ${queueName}:`,
    `  ${String(result.replay).padStart(6)}  would be replayed (sent to the checkout queue)`,
    `  ${String(result.outsideWindow).padStart(6)}  are outside the window (a replay removes them from the replay queue)`,
    `  ${String(result.noTime).padStart(6)}  have no order time (a replay removes them from the replay queue)`,
    'Each message was received once and made visible again at once: its receive count went up by one (the replay queue moves a message to its dead-letter queue after 10 receives).',
  ];
  if (result.reappeared > 0) {
    lines.push(
      `Warning: ${plural(result.reappeared, 'message')} became visible again while the queue was read (it took longer than the ${visibilityTimeoutSeconds} s visibility timeout): the counts may miss some messages.`,
    );
  }
  if (result.notReleased > 0) {
    lines.push(
      `Warning: ${plural(result.notReleased, 'message')} could not be made visible again at once: they reappear within ${visibilityTimeoutSeconds} s.`,
    );
  }
  return `${lines.join('\n')}\n`;
};
