import { parseReplayArguments, USAGE, usageOf } from '../../../../cli/replay/options';
import { UsageError } from '../../../../cli/shared/errors';

const NOW = new Date('2026-11-21T18:00:00Z');
const parse = (...argv: string[]) => parseReplayArguments(argv, NOW);
const LOCAL = { stackName: undefined, region: undefined, outputsFile: undefined };

describe('the replay command line', () => {
  it('reads start with its window and the local stack', () => {
    expect(parse('start', '--since', '2026-11-21T10:00Z', '--until', '2026-11-21T12:00Z')).toEqual({
      command: 'start',
      target: LOCAL,
      window: { since: new Date('2026-11-21T10:00Z'), until: new Date('2026-11-21T12:00Z') },
      dryRun: false,
    });
  });

  it('defaults --until to now and reads relative times and offsets as instants', () => {
    expect(parse('start', '--since', '2h')).toMatchObject({
      window: { since: new Date('2026-11-21T16:00:00Z'), until: NOW },
    });
    expect(parse('start', '--since', '2026-11-21T11:00+01:00', '--until', '2026-11-22')).toMatchObject({
      window: { since: new Date('2026-11-21T10:00Z'), until: new Date('2026-11-22T00:00Z') },
    });
  });

  it('reads --dry-run and the AWS target', () => {
    expect(
      parse('start', '--since', '1d', '--dry-run', '--stack-name', 'checkout', '--region', 'eu-west-1'),
    ).toMatchObject({
      dryRun: true,
      target: { stackName: 'checkout', region: 'eu-west-1', outputsFile: undefined },
    });
  });

  it('reads status with --json, and stop', () => {
    expect(parse('status', '--json', '--outputs', 'o.json')).toEqual({
      command: 'status',
      target: { ...LOCAL, outputsFile: 'o.json' },
      json: true,
    });
    expect(parse('status')).toMatchObject({ json: false });
    expect(parse('status')).not.toHaveProperty('watchSeconds');
    expect(parse('stop')).toEqual({ command: 'stop', target: LOCAL });
  });

  it('reads --rate in orders per second, decimals included', () => {
    expect(parse('start', '--since', '2h', '--rate', '5')).toMatchObject({ rate: 5 });
    expect(parse('start', '--since', '2h', '--rate', '0.5')).toMatchObject({ rate: 0.5 });
    expect(parse('start', '--since', '2h', '--rate', '1000', '--dry-run')).toMatchObject({
      rate: 1000,
      dryRun: true,
    });
    expect(parse('start', '--since', '2h')).not.toHaveProperty('rate');
  });

  it('reads status --watch, every 2 s unless --interval says otherwise', () => {
    expect(parse('status', '--watch')).toMatchObject({ watchSeconds: 2 });
    expect(parse('status', '--watch', '--interval', '0.5', '--json')).toMatchObject({
      watchSeconds: 0.5,
      json: true,
    });
  });

  it.each([
    [['start'], '--since is required: use ISO-8601'],
    [['start', '--since', 'yesterday'], '--since: "yesterday" is not a time'],
    [['start', '--since', '2026-11-21T10:00:00'], '--since: "2026-11-21T10:00:00" has no offset'],
    [
      ['start', '--since', '2026-11-21T12:00Z', '--until', '2026-11-21T12:00Z'],
      '--since/--until: the window is empty',
    ],
    [
      ['start', '--since', '2026-11-21T12:00Z', '--until', '2026-11-21T11:00Z'],
      '--since/--until: the window is empty',
    ],
    [['start', '--since', '2026-11-21T19:00Z', '--until', '2026-11-21T20:00Z'], 'is in the future'],
    [['start', '--since', '1h', '--json'], 'unknown option --json'],
    [['status', '--since', '1h'], 'unknown option --since'],
    [['stop', 'now'], 'unexpected argument "now"'],
    [
      ['start', '--since', '1h', '--rate', '0'],
      '--rate takes orders per second, more than 0 and at most 1000',
    ],
    [['start', '--since', '1h', '--rate', '1001'], 'not "1001"'],
    [['start', '--since', '1h', '--rate', 'fast'], 'not "fast"'],
    [['start', '--since', '1h', '--rate', '-5'], '--rate needs a value'],
    [['status', '--interval', '5'], '--interval goes with --watch'],
    [['status', '--watch', '--interval', '0.1'], '--interval takes seconds, at least 0.5'],
    [['stop', '--rate', '5'], 'unknown option --rate'],
    [['replay'], 'unknown command "replay": use one of start, status, stop'],
    [[], 'a command is needed: start, status, stop'],
    [['--since', '1h', 'start'], 'a command comes first (start, status, stop), before --since'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it('gives the general usage for --help and help, and a command usage for <command> --help', () => {
    expect(parse('--help')).toEqual({ command: 'help', text: USAGE });
    expect(parse('help')).toEqual({ command: 'help', text: USAGE });
    expect(parse('start', '--help')).toEqual({ command: 'help', text: usageOf('start') });
    expect(parse('status', '-h')).toEqual({ command: 'help', text: usageOf('status') });
  });

  it('documents how the pace is kept, and that a replay completes by itself', () => {
    expect(usageOf('start')).toContain('the replay function spaces the');
    expect(usageOf('start')).toContain('The replay completes by itself once the');
    expect(usageOf('status')).toContain('--watch');
  });

  it('documents that a dry run counts as one receive of each message, and the window bounds', () => {
    expect(usageOf('start')).toContain('a dry run counts as one receive of each message');
    expect(usageOf('start')).toContain(
      'replay queue moves a message to its dead-letter queue after 10 receives',
    );
    expect(usageOf('start')).toContain('the start is inclusive, the end exclusive');
  });
});
