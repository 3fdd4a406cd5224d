/** What the replay CLI prints: the window, the status (text and JSON), the verdict, the dry run's counts. */
import type { MappingSettings, ReplayState } from '../../src/adapters/dynamodb-replay-state';
import { currentRates, type ReplayWindow, remainingMessages, secondsLeft } from '../../src/domain/replay';
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
  /** ApproximateNumberOfMessagesDelayed (kept copies and ticks are sent delayed); 0 when absent. */
  delayed?: number | undefined;
}

export interface ReplayStatus {
  replay: ReplayState | undefined;
  mapping: MappingState;
  replayQueue: QueueStatus;
  deadLetterQueue?: QueueStatus | undefined;
  /** When it was read: the current rate and the time left are taken at this instant (now when absent). */
  readAt?: Date | undefined;
}

/** How far a running replay is: the messages it has still to judge, its current rates, the time left. */
export interface ReplayProgress {
  /** Messages of the replay queue the replay has not judged yet (approximate: SQS's counts are). */
  remaining: number;
  /** Orders forwarded per second, over the last `overSeconds`. */
  forwardedPerSecond: number;
  /** Messages judged (forwarded, skipped or kept) per second, over the last `overSeconds`. */
  judgedPerSecond: number;
  overSeconds: number;
  /** At the current rate; undefined when nothing moved lately. */
  secondsLeft: number | undefined;
}

export type VerdictCode =
  | 'no-replay'
  | 'enabled-without-replay'
  | 'starting'
  | 'replaying'
  | 'finishing'
  | 'completed'
  | 'not-replaying'
  | 'stopped';

export interface Verdict {
  code: VerdictCode;
  text: string;
}

const ENABLED_STATES = new Set(['Enabled', 'Enabling', 'Creating', 'Updating']);

const readAtOf = (status: ReplayStatus) => status.readAt ?? new Date();

/** The progress of a running replay; undefined for one that has ended, or none. */
export const progressOf = (status: ReplayStatus): ReplayProgress | undefined => {
  const { replay, replayQueue } = status;
  if (replay?.status !== 'running') return undefined;
  const rates = currentRates(replay.samples ?? [], new Date(replay.startedAt), readAtOf(status));
  const remaining = remainingMessages(replayQueue, replay.kept ?? 0, replay.ticks ?? 0);
  return {
    remaining,
    forwardedPerSecond: rates.forwarded,
    judgedPerSecond: rates.judged,
    overSeconds: rates.overSeconds,
    secondsLeft: secondsLeft(remaining, rates.judged),
  };
};

const counts = (replay: ReplayState) =>
  `${replay.forwarded ?? 0} forwarded, ${replay.skipped ?? 0} skipped, ${replay.kept ?? 0} kept`;

/** `45 s`, `3 min 20 s`, `2 h 05 min`. */
export const formatDuration = (seconds: number) => {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')} min`;
};

/** `5 orders/s`, `0.5 orders/s`, `12.3 orders/s`. */
export const formatRate = (perSecond: number, unit = 'orders/s') =>
  `${Number.isInteger(perSecond) ? perSecond : perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)} ${unit}`;

const timeLeft = (progress: ReplayProgress) =>
  progress.secondsLeft === undefined
    ? 'time left unknown (nothing judged lately)'
    : `about ${formatDuration(progress.secondsLeft)} left`;

/** One line that says where the replay stands and what to do next. */
export const verdictOf = (status: ReplayStatus, commands: Commands): Verdict => {
  const { replay, mapping, deadLetterQueue } = status;
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
    if (replay.status === 'completed') {
      const at = replay.completedAt ? ` at ${replay.completedAt}` : '';
      return {
        code: 'completed',
        text: `replay ${replay.replayId} completed${at}: ${counts(replay)} (kept: left in the replay queue for later replays)`,
      };
    }
    if (!running) {
      const at = replay.stoppedAt ? ` at ${replay.stoppedAt}` : '';
      return { code: 'stopped', text: `replay ${replay.replayId} stopped${at}: ${counts(replay)}` };
    }
    if (mapping.state === 'Enabled') {
      const progress = progressOf(status) as ReplayProgress;
      const pace = `${formatRate(progress.forwardedPerSecond)} forwarded`;
      if (new Date(replay.until).getTime() > readAtOf(status).getTime()) {
        return {
          code: 'replaying',
          text: `replaying until the window ends at ${new Date(replay.until).toISOString()}: about ${plural(progress.remaining, 'message')} to judge, ${pace}; ${counts(replay)} so far`,
        };
      }
      if (progress.remaining === 0) {
        return {
          code: 'finishing',
          text: `the replay queue holds nothing of the window any more: the replay completes by itself within seconds; ${counts(replay)}`,
        };
      }
      return {
        code: 'replaying',
        text: `replaying: about ${plural(progress.remaining, 'message')} to judge, ${pace}, ${timeLeft(progress)}; ${counts(replay)} so far`,
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

const depth = (queue: QueueStatus) =>
  `${queue.waiting} waiting, ${queue.inFlight} in flight${queue.delayed ? `, ${queue.delayed} delayed` : ''}`;

const mappingSettings = ({ batchSize, maximumConcurrency }: MappingSettings) =>
  [
    batchSize === undefined ? undefined : `batch size ${batchSize}`,
    maximumConcurrency === undefined ? undefined : `maximum concurrency ${maximumConcurrency}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');

const paceOf = (replay: ReplayState) => {
  if (!replay.rate) return 'as fast as the event source mapping goes (no --rate)';
  const before = replay.mappingBefore && mappingSettings(replay.mappingBefore);
  return `${formatRate(replay.rate)} at most${before ? ` (the mapping gets its ${before} back when the replay ends)` : ''}`;
};

/** The status as aligned `label  value` lines, then the verdict. */
export const formatStatus = (status: ReplayStatus, commands: Commands): string => {
  const { replay, mapping, replayQueue, deadLetterQueue } = status;
  const rows: [string, string][] = [];
  if (replay) {
    rows.push(
      ['Replay', `${replay.replayId}  ${replay.status}`],
      ['Window', describeWindow(replay)],
      ['Started', replay.startedAt],
      replay.completedAt ? ['Completed', replay.completedAt] : ['Stopped', replay.stoppedAt ?? '-'],
      ['Pace', paceOf(replay)],
      ['Counts', `${counts(replay)} for later replays`],
    );
    const progress = progressOf(status);
    if (progress) {
      rows.push(
        ['Remaining', `about ${plural(progress.remaining, 'message')} of the replay queue to judge`],
        [
          'Rate',
          `${formatRate(progress.forwardedPerSecond)} forwarded, ${formatRate(progress.judgedPerSecond, 'messages/s')} judged (over the last ${formatDuration(progress.overSeconds)})`,
        ],
        [
          'Time left',
          progress.secondsLeft === undefined
            ? 'unknown (nothing judged lately)'
            : `about ${formatDuration(progress.secondsLeft)}`,
        ],
      );
    }
  } else rows.push(['Replay', 'none started yet']);
  const functionName = mapping.functionName ? ` (${mapping.functionName})` : '';
  const settings = mappingSettings(mapping);
  rows.push([
    'Event source',
    `${mapping.uuid}${functionName}: ${mapping.state}${settings ? `, ${settings}` : ''}`,
  ]);
  rows.push(['Replay queue', `${depth(replayQueue)}  ${replayQueue.name}`]);
  if (deadLetterQueue) rows.push(['Dead letters', `${depth(deadLetterQueue)}  ${deadLetterQueue.name}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
  return `${lines.join('\n')}\n\n${verdictOf(status, commands).text}\n`;
};

const rounded = (value: number) => Math.round(value * 100) / 100;

/** The status for scripts: one JSON object. */
export const statusJson = (status: ReplayStatus, commands: Commands) => {
  const { replay, mapping, replayQueue, deadLetterQueue } = status;
  const progress = progressOf(status);
  return {
    replay: replay
      ? {
          replayId: replay.replayId,
          status: replay.status,
          since: replay.since,
          until: replay.until,
          startedAt: replay.startedAt,
          stoppedAt: replay.stoppedAt ?? null,
          completedAt: replay.completedAt ?? null,
          forwarded: replay.forwarded ?? 0,
          skipped: replay.skipped ?? 0,
          kept: replay.kept ?? 0,
          rate: replay.rate ?? null,
          mappingBefore: replay.mappingBefore
            ? {
                batchSize: replay.mappingBefore.batchSize ?? null,
                maximumConcurrency: replay.mappingBefore.maximumConcurrency ?? null,
              }
            : null,
        }
      : null,
    progress: progress
      ? {
          remaining: progress.remaining,
          forwardedPerSecond: rounded(progress.forwardedPerSecond),
          judgedPerSecond: rounded(progress.judgedPerSecond),
          rateOverSeconds: rounded(progress.overSeconds),
          secondsLeft: progress.secondsLeft ?? null,
        }
      : null,
    eventSourceMapping: {
      uuid: mapping.uuid,
      state: mapping.state,
      functionName: mapping.functionName ?? null,
      batchSize: mapping.batchSize ?? null,
      maximumConcurrency: mapping.maximumConcurrency ?? null,
    },
    replayQueue: {
      name: replayQueue.name,
      url: replayQueue.url,
      waiting: replayQueue.waiting,
      inFlight: replayQueue.inFlight,
      delayed: replayQueue.delayed ?? 0,
    },
    deadLetterQueue: deadLetterQueue ?? null,
    verdict: verdictOf(status, commands),
  };
};

/** What a dry run found, and what it did to the queue; with a rate, how long forwarding would take. */
export const formatDryRun = (
  window: ReplayWindow,
  queueName: string,
  result: DryRunCounts,
  visibilityTimeoutSeconds: number,
  rate?: number,
): string => {
  const row = (count: number, text: string) => `  ${String(count).padStart(6)}  ${text}`;
  const lines = [
    `Dry run of a replay of the orders ${describeWindow(window)}: nothing was changed (no replay state, the event source mapping stays Disabled).`,
    `Read ${plural(result.read, 'message')} of the replay queue ${queueName}:`,
    row(result.replay, 'would be replayed (sent to the checkout queue)'),
    row(result.beforeWindow, 'are before the window (a replay removes them from the replay queue)'),
    row(
      result.afterWindow,
      "are at or after the window's end (a replay keeps them in the replay queue for later replays)",
    ),
    row(result.noTime, 'have no order time (a replay removes them from the replay queue)'),
    'Each message was received once and made visible again at once: its receive count went up by one (the replay queue moves a message to its dead-letter queue after 10 receives).',
  ];
  if (rate !== undefined) {
    lines.push(
      `At ${formatRate(rate)}, forwarding them would take about ${formatDuration(result.replay / rate)}.`,
    );
  }
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
