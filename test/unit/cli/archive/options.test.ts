import { parseArchiveArguments, USAGE, usageOf } from '../../../../cli/archive/options';
import { UsageError } from '../../../../cli/shared/errors';

const NOW = new Date('2026-11-21T10:15:30Z');
const parse = (...argv: string[]) => parseArchiveArguments(argv, NOW);

describe('the archive command line', () => {
  it('reads list with its time range, the default prefix and the local stack', () => {
    expect(parse('list', '--since', '2026-11-21T08:00Z', '--until', '2026-11-21T09:00Z')).toEqual({
      command: 'list',
      target: { stackName: undefined, region: undefined, outputsFile: undefined },
      bucket: undefined,
      range: { since: new Date('2026-11-21T08:00Z'), until: new Date('2026-11-21T09:00Z') },
      prefix: 'orders/',
    });
  });

  it('reads a relative --since and defaults --until to now', () => {
    expect(parse('list', '--since', '2h')).toMatchObject({
      range: { since: new Date('2026-11-21T08:15:30Z'), until: NOW },
    });
  });

  it('reads the target and bucket options', () => {
    expect(
      parse(
        'list',
        '--since',
        '1d',
        '--stack-name',
        'checkout',
        '--region',
        'eu-west-1',
        '--bucket',
        'b',
        '--prefix',
        'archive',
      ),
    ).toMatchObject({
      target: { stackName: 'checkout', region: 'eu-west-1' },
      bucket: 'b',
      prefix: 'archive/',
    });
    expect(parse('list', '--since', '1d', '--outputs', 'o.json')).toMatchObject({
      target: { outputsFile: 'o.json' },
    });
  });

  it('reads the filters of orders', () => {
    expect(parse('orders', '--since', '1d', '--id', 'o-1', '--customer', 'c-1')).toMatchObject({
      command: 'orders',
      id: 'o-1',
      customer: 'c-1',
      prefix: 'orders/',
    });
  });

  it('reads errors with the errors/ prefix, --type and --show-raw (off by default)', () => {
    expect(parse('errors', '--since', '1d')).toMatchObject({
      command: 'errors',
      prefix: 'errors/',
      showRaw: false,
    });
    expect(parse('errors', '--since', '1d', '--show-raw', '--type', 'processing-failed')).toMatchObject({
      showRaw: true,
      type: 'processing-failed',
    });
  });

  it('answers --help with the usage, for the whole CLI and for each command', () => {
    expect(parse('--help')).toEqual({ command: 'help', text: USAGE });
    expect(parse('-h')).toEqual({ command: 'help', text: USAGE });
    expect(parse('help')).toEqual({ command: 'help', text: USAGE });
    expect(parse('orders', '--help')).toEqual({ command: 'help', text: usageOf('orders') });
    expect(usageOf('orders')).toContain('--customer <id>');
    expect(usageOf('errors')).toContain('--show-raw');
  });

  it.each([
    [[], 'a command is needed: list, orders, errors'],
    [['--since', '2h'], 'a command comes first (list, orders, errors), before --since'],
    [['read', '--since', '2h'], 'unknown command "read": use one of list, orders, errors'],
    [['list'], '--since is required'],
    [['list', '--since', 'yesterday'], '--since: "yesterday" is not a time'],
    [['list', '--since', '1h', '--until', '2h'], '--until (2026-11-21T08:15:30.000Z) is before --since'],
    [['list', '--since', '1h', '--id', 'o-1'], 'unknown option --id'],
    [['orders', '--since', '1h', '--show-raw'], 'unknown option --show-raw'],
    [['list', '--since', '1h', 'extra'], 'unexpected argument "extra"'],
    [['list', '--since', '1h', '--bucket'], '--bucket needs a value'],
    [['errors', '--since', '1h', '--type', 'processing-failed/2026'], '--type is one folder name'],
  ])('refuses %j with the usage error "%s"', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});
