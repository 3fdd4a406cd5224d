import {
  commandsFor,
  describeWindow,
  formatDryRun,
  formatStatus,
  type ReplayStatus,
  statusJson,
  verdictOf,
} from '../../../../cli/replay/report';
import type { ReplayState } from '../../../../src/adapters/dynamodb-replay-state';

const COMMANDS = commandsFor('');
const RUNNING: ReplayState = {
  replayId: 'r-1',
  since: '2026-11-21T10:00:00.000Z',
  until: '2026-11-21T12:00:00.000Z',
  startedAt: '2026-11-21T18:00:00.000Z',
  status: 'running',
  forwarded: 7,
  skipped: 5,
};
const STOPPED: ReplayState = { ...RUNNING, status: 'stopped', stoppedAt: '2026-11-21T18:10:00.000Z' };
const queue = (waiting: number, inFlight: number, name = 'local-ReplayQueue') => ({
  name,
  url: `http://127.0.0.1:5050/123456789012/${name}`,
  waiting,
  inFlight,
});
const status = (
  replay: ReplayState | undefined,
  state: string,
  [waiting, inFlight]: [number, number] = [0, 0],
  deadLetters = 0,
): ReplayStatus => ({
  replay,
  mapping: { uuid: 'm-1', state, functionName: 'local-ReplayFunction' },
  replayQueue: queue(waiting, inFlight),
  deadLetterQueue: queue(deadLetters, 0, 'local-ReplayDeadLetterQueue'),
});

describe('the replay verdict', () => {
  it('says the replay queue is drained when the replay runs with nothing waiting or in flight', () => {
    expect(verdictOf(status(RUNNING, 'Enabled'), COMMANDS)).toEqual({
      code: 'drained',
      text: 'replay queue drained: 7 forwarded, 5 skipped; stop the replay with npm run replay -- stop',
    });
  });

  it('says how far a running replay is while messages wait or are in flight', () => {
    expect(verdictOf(status(RUNNING, 'Enabled', [40, 10]), COMMANDS)).toEqual({
      code: 'replaying',
      text: 'replaying: 40 waiting, 10 in flight; 7 forwarded, 5 skipped so far',
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

  it('warns when the mapping is enabled with no replay running', () => {
    expect(verdictOf(status(STOPPED, 'Enabled'), COMMANDS).code).toBe('enabled-without-replay');
    expect(verdictOf(status(undefined, 'Enabled'), COMMANDS).text).toMatch(
      /^the event source mapping is Enabled but no replay is running: .*disable it with npm run replay -- stop$/,
    );
  });

  it('reports a stopped replay with its counts, and the absence of any replay', () => {
    expect(verdictOf(status(STOPPED, 'Disabled'), COMMANDS).text).toBe(
      'replay r-1 stopped at 2026-11-21T18:10:00.000Z: 7 forwarded, 5 skipped',
    );
    expect(verdictOf(status(undefined, 'Disabled'), COMMANDS).text).toBe(
      'no replay has been started; start one with npm run replay -- start --since <time> --until <time>',
    );
  });

  it('adds the messages of the replay dead-letter queue, and how to move them back', () => {
    expect(verdictOf(status(RUNNING, 'Enabled', [0, 0], 2), COMMANDS).text).toBe(
      'replay queue drained: 7 forwarded, 5 skipped; stop the replay with npm run replay -- stop; 2 messages in the replay dead-letter queue (move them back with npm run redrive -- ReplayDeadLetterQueueUrl)',
    );
  });

  it('repeats the target options in the commands it suggests', () => {
    const commands = commandsFor(' --stack-name checkout --region eu-west-1');
    expect(verdictOf(status(RUNNING, 'Enabled'), commands).text).toContain(
      'npm run replay -- stop --stack-name checkout --region eu-west-1',
    );
  });
});

describe('the replay status', () => {
  it('prints aligned lines, then the verdict', () => {
    expect(formatStatus(status(RUNNING, 'Enabled', [0, 1]), COMMANDS)).toBe(
      [
        'Replay        r-1  running',
        'Window        from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T12:00:00.000Z (exclusive)',
        'Started       2026-11-21T18:00:00.000Z',
        'Stopped       -',
        'Counts        7 forwarded, 5 skipped',
        'Event source  m-1 (local-ReplayFunction): Enabled',
        'Replay queue  0 waiting, 1 in flight  local-ReplayQueue',
        'Dead letters  0 waiting, 0 in flight  local-ReplayDeadLetterQueue',
        '',
        'replaying: 0 waiting, 1 in flight; 7 forwarded, 5 skipped so far',
        '',
      ].join('\n'),
    );
  });

  it('gives scripts the same as JSON, with nulls for what is absent', () => {
    expect(statusJson({ ...status(undefined, 'Disabled'), deadLetterQueue: undefined }, COMMANDS)).toEqual({
      replay: null,
      eventSourceMapping: { uuid: 'm-1', state: 'Disabled', functionName: 'local-ReplayFunction' },
      replayQueue: queue(0, 0),
      deadLetterQueue: null,
      verdict: { code: 'no-replay', text: expect.any(String) },
    });
  });

  it('describes a window with its inclusive start and exclusive end', () => {
    expect(describeWindow({ since: new Date('2026-11-21T10:00Z'), until: '2026-11-21T12:00:00+01:00' })).toBe(
      'from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T11:00:00.000Z (exclusive)',
    );
  });
});

describe('the dry run report', () => {
  const window = { since: new Date('2026-11-21T10:00Z'), until: new Date('2026-11-21T12:00Z') };
  const counts = { read: 6, replay: 3, outsideWindow: 2, noTime: 1, reappeared: 0, notReleased: 0 };

  it('says nothing changed, counts each outcome and that each message was received once', () => {
    const text = formatDryRun(window, 'local-ReplayQueue', counts, 60);
    expect(text).toContain('nothing was changed');
    expect(text).toContain('Read 6 messages of the replay queue local-ReplayQueue:');
    expect(text).toContain('     3  would be replayed');
    expect(text).toContain('     2  are outside the window');
    expect(text).toContain('     1  have no order time');
    expect(text).toContain('after 10 receives');
    expect(text).not.toContain('Warning');
  });

  it('warns when messages reappeared during the read or could not be made visible again', () => {
    const text = formatDryRun(window, 'q', { ...counts, reappeared: 2, notReleased: 1 }, 60);
    expect(text).toContain('Warning: 2 messages became visible again while the queue was read');
    expect(text).toContain(
      'Warning: 1 message could not be made visible again at once: they reappear within 60 s.',
    );
  });
});
