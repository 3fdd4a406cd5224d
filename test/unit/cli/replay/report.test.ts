import {
  commandsFor,
  describeWindow,
  formatDryRun,
  formatDuration,
  formatStatus,
  progressOf,
  type ReplayStatus,
  statusJson,
  verdictOf,
} from '../../../../cli/replay/report';
import type { ReplayState } from '../../../../src/adapters/dynamodb-replay-state';
import { aProgressSample, aReplayState } from '../../../factories/replay';

const COMMANDS = commandsFor('');
/** A replay of 10:00 to 11:00, started at 12:00, read a minute later: 7 forwarded, 5 skipped, 3 kept. */
const RUNNING: ReplayState = aReplayState({
  replayId: 'r-1',
  forwarded: 7,
  skipped: 5,
  kept: 3,
  samples: [
    aProgressSample(40, { forwarded: 4, skipped: 5, kept: 3 }),
    aProgressSample(55, { forwarded: 3 }),
  ],
});
const READ_AT = new Date('2026-11-21T12:01:00.000Z');
const STOPPED: ReplayState = { ...RUNNING, status: 'stopped', stoppedAt: '2026-11-21T12:10:00.000Z' };
const COMPLETED: ReplayState = { ...RUNNING, status: 'completed', completedAt: '2026-11-21T12:10:00.000Z' };
const PACED: ReplayState = { ...RUNNING, rate: 5, mappingBefore: { batchSize: 10, maximumConcurrency: 5 } };

const queue = (waiting: number, inFlight: number, name = 'local-ReplayQueue', delayed?: number) => ({
  name,
  url: `http://127.0.0.1:5050/123456789012/${name}`,
  waiting,
  inFlight,
  ...(delayed === undefined ? {} : { delayed }),
});
/** The status with the replay queue holding `waiting` and `inFlight` messages besides the 3 kept copies. */
const status = (
  replay: ReplayState | undefined,
  state: string,
  [waiting, inFlight]: [number, number] = [0, 0],
  deadLetters = 0,
): ReplayStatus => ({
  replay,
  mapping: {
    uuid: 'm-1',
    state,
    functionName: 'local-ReplayFunction',
    batchSize: 10,
    maximumConcurrency: 5,
  },
  replayQueue: queue(waiting, inFlight, 'local-ReplayQueue', 3),
  deadLetterQueue: queue(deadLetters, 0, 'local-ReplayDeadLetterQueue'),
  readAt: READ_AT,
});

describe('the progress of a replay', () => {
  it('counts what is left beyond the kept copies, and the rates over the last 30 s', () => {
    expect(progressOf(status(RUNNING, 'Enabled', [36, 12]))).toEqual({
      remaining: 48,
      forwardedPerSecond: 7 / 30,
      judgedPerSecond: 0.5,
      overSeconds: 30,
      secondsLeft: 96,
    });
  });

  it('is there only while the replay runs', () => {
    expect(progressOf(status(COMPLETED, 'Disabled'))).toBeUndefined();
    expect(progressOf(status(undefined, 'Disabled'))).toBeUndefined();
  });
});

describe('the replay verdict', () => {
  it('says how far a running replay is: what is left, its rate and the time left', () => {
    expect(verdictOf(status(RUNNING, 'Enabled', [36, 12]), COMMANDS)).toEqual({
      code: 'replaying',
      text: 'replaying: about 48 messages to judge, 0.2 orders/s forwarded, about 1 min 36 s left; 7 forwarded, 5 skipped, 3 kept so far',
    });
  });

  it('says the replay is about to complete by itself once nothing of the window is left', () => {
    expect(verdictOf(status(RUNNING, 'Enabled'), COMMANDS)).toEqual({
      code: 'finishing',
      text: 'the replay queue holds nothing of the window any more: the replay completes by itself within seconds; 7 forwarded, 5 skipped, 3 kept',
    });
  });

  it('says a replay whose window has not ended yet waits for it', () => {
    const open = { ...RUNNING, until: '2026-11-21T13:00:00.000Z' };
    expect(verdictOf(status(open, 'Enabled'), COMMANDS)).toMatchObject({
      code: 'replaying',
      text: expect.stringMatching(/^replaying until the window ends at 2026-11-21T13:00:00\.000Z: /),
    });
  });

  it('reports a completed replay with its final counts', () => {
    expect(verdictOf(status(COMPLETED, 'Disabled'), COMMANDS)).toEqual({
      code: 'completed',
      text: 'replay r-1 completed at 2026-11-21T12:10:00.000Z: 7 forwarded, 5 skipped, 3 kept (kept: left in the replay queue for later replays)',
    });
  });

  it('says a replay is about to begin while the mapping is Enabling', () => {
    expect(verdictOf(status(RUNNING, 'Enabling', [3, 0]), COMMANDS).code).toBe('starting');
  });

  it('warns when a replay is marked running but its mapping is disabled', () => {
    expect(verdictOf(status(RUNNING, 'Disabled', [3, 0]), COMMANDS)).toEqual({
      code: 'not-replaying',
      text: 'replay r-1 is marked running but the event source mapping is Disabled, so nothing is replayed: run npm run replay -- stop, then start it again',
    });
  });

  it('warns when the mapping is enabled with no replay running, completed ones included', () => {
    expect(verdictOf(status(STOPPED, 'Enabled'), COMMANDS).code).toBe('enabled-without-replay');
    expect(verdictOf(status(COMPLETED, 'Enabled'), COMMANDS).code).toBe('enabled-without-replay');
    expect(verdictOf(status(undefined, 'Enabled'), COMMANDS).text).toMatch(
      /^the event source mapping is Enabled but no replay is running: .*disable it with npm run replay -- stop$/,
    );
  });

  it('reports a stopped replay with its counts, and the absence of any replay', () => {
    expect(verdictOf(status(STOPPED, 'Disabled'), COMMANDS).text).toBe(
      'replay r-1 stopped at 2026-11-21T12:10:00.000Z: 7 forwarded, 5 skipped, 3 kept',
    );
    expect(verdictOf(status(undefined, 'Disabled'), COMMANDS).text).toBe(
      'no replay has been started; start one with npm run replay -- start --since <time> --until <time>',
    );
  });

  it('adds the messages of the replay dead-letter queue, and how to move them back', () => {
    expect(verdictOf(status(COMPLETED, 'Disabled', [0, 0], 2), COMMANDS).text).toMatch(
      /; 2 messages in the replay dead-letter queue \(move them back with npm run redrive -- ReplayDeadLetterQueueUrl\)$/,
    );
  });

  it('repeats the target options in the commands it suggests', () => {
    const commands = commandsFor(' --stack-name checkout --region eu-west-1');
    expect(verdictOf(status(RUNNING, 'Disabled'), commands).text).toContain(
      'npm run replay -- stop --stack-name checkout --region eu-west-1',
    );
  });
});

describe('the replay status', () => {
  it('prints aligned lines with the progress of a running replay, then the verdict', () => {
    expect(formatStatus(status(PACED, 'Enabled', [36, 12]), COMMANDS)).toBe(
      [
        'Replay        r-1  running',
        'Window        from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T11:00:00.000Z (exclusive)',
        'Started       2026-11-21T12:00:00.000Z',
        'Stopped       -',
        'Pace          5 orders/s at most (the mapping gets its batch size 10, maximum concurrency 5 back when the replay ends)',
        'Counts        7 forwarded, 5 skipped, 3 kept for later replays',
        'Remaining     about 48 messages of the replay queue to judge',
        'Rate          0.2 orders/s forwarded, 0.5 messages/s judged (over the last 30 s)',
        'Time left     about 1 min 36 s',
        'Event source  m-1 (local-ReplayFunction): Enabled, batch size 10, maximum concurrency 5',
        'Replay queue  36 waiting, 12 in flight, 3 delayed  local-ReplayQueue',
        'Dead letters  0 waiting, 0 in flight  local-ReplayDeadLetterQueue',
        '',
        'replaying: about 48 messages to judge, 0.2 orders/s forwarded, about 1 min 36 s left; 7 forwarded, 5 skipped, 3 kept so far',
        '',
      ].join('\n'),
    );
  });

  it('shows when a replay completed, and no progress once it has', () => {
    const text = formatStatus(status(COMPLETED, 'Disabled'), COMMANDS);
    expect(text).toMatch(/^Completed +2026-11-21T12:10:00\.000Z$/m);
    expect(text).toMatch(/^Pace +as fast as the event source mapping goes \(no --rate\)$/m);
    expect(text).not.toMatch(/^(Remaining|Rate|Time left) /m);
  });

  it('says when the time left is unknown: nothing was judged lately', () => {
    const idle = { ...RUNNING, samples: [] };
    expect(formatStatus(status(idle, 'Enabled', [10, 0]), COMMANDS)).toMatch(
      /^Time left +unknown \(nothing judged lately\)$/m,
    );
  });

  it('gives scripts the same as JSON, with the progress, and nulls for what is absent', () => {
    expect(statusJson(status(PACED, 'Enabled', [36, 12]), COMMANDS)).toEqual({
      replay: {
        replayId: 'r-1',
        status: 'running',
        since: '2026-11-21T10:00:00.000Z',
        until: '2026-11-21T11:00:00.000Z',
        startedAt: '2026-11-21T12:00:00.000Z',
        stoppedAt: null,
        completedAt: null,
        forwarded: 7,
        skipped: 5,
        kept: 3,
        rate: 5,
        mappingBefore: { batchSize: 10, maximumConcurrency: 5 },
      },
      progress: {
        remaining: 48,
        forwardedPerSecond: 0.23,
        judgedPerSecond: 0.5,
        rateOverSeconds: 30,
        secondsLeft: 96,
      },
      eventSourceMapping: {
        uuid: 'm-1',
        state: 'Enabled',
        functionName: 'local-ReplayFunction',
        batchSize: 10,
        maximumConcurrency: 5,
      },
      replayQueue: { ...queue(36, 12), delayed: 3 },
      deadLetterQueue: queue(0, 0, 'local-ReplayDeadLetterQueue'),
      verdict: { code: 'replaying', text: expect.any(String) },
    });
    expect(
      statusJson({ ...status(undefined, 'Disabled'), deadLetterQueue: undefined }, COMMANDS),
    ).toMatchObject({
      replay: null,
      progress: null,
      deadLetterQueue: null,
      verdict: { code: 'no-replay' },
    });
  });

  it('describes a window with its inclusive start and exclusive end', () => {
    expect(describeWindow({ since: new Date('2026-11-21T10:00Z'), until: '2026-11-21T12:00:00+01:00' })).toBe(
      'from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T11:00:00.000Z (exclusive)',
    );
  });

  it.each([
    [45, '45 s'],
    [200, '3 min 20 s'],
    [7500, '2 h 05 min'],
  ])('writes %s seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('the dry run report', () => {
  const window = { since: new Date('2026-11-21T10:00Z'), until: new Date('2026-11-21T12:00Z') };
  const counts = {
    read: 7,
    replay: 3,
    beforeWindow: 2,
    afterWindow: 1,
    noTime: 1,
    reappeared: 0,
    notReleased: 0,
  };

  it('says nothing changed, counts each outcome and that each message was received once', () => {
    const text = formatDryRun(window, 'local-ReplayQueue', counts, 60);
    expect(text).toContain('nothing was changed');
    expect(text).toContain('Read 7 messages of the replay queue local-ReplayQueue:');
    expect(text).toContain('     3  would be replayed');
    expect(text).toContain('     2  are before the window (a replay removes them from the replay queue)');
    expect(text).toContain(
      "     1  are at or after the window's end (a replay keeps them in the replay queue for later replays)",
    );
    expect(text).toContain('     1  have no order time');
    expect(text).toContain('after 10 receives');
    expect(text).not.toContain('Warning');
    expect(text).not.toContain('would take');
  });

  it('says how long forwarding the orders of the window would take at the rate asked', () => {
    expect(formatDryRun(window, 'q', { ...counts, replay: 600 }, 60, 5)).toContain(
      'At 5 orders/s, forwarding them would take about 2 min 00 s.',
    );
  });

  it('warns when messages reappeared during the read or could not be made visible again', () => {
    const text = formatDryRun(window, 'q', { ...counts, reappeared: 2, notReleased: 1 }, 60);
    expect(text).toContain('Warning: 2 messages became visible again while the queue was read');
    expect(text).toContain(
      'Warning: 1 message could not be made visible again at once: they reappear within 60 s.',
    );
  });
});
