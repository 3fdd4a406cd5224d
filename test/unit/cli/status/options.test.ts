import { UsageError } from '../../../../cli/shared/errors';
import {
  DEFAULT_INTERVAL_SECONDS,
  parseInterval,
  parseStatusArguments,
  USAGE,
} from '../../../../cli/status/options';

const LOCAL = { stackName: undefined, region: undefined, outputsFile: undefined };

describe('the status command line', () => {
  it('shows the local stack once by default', () => {
    expect(parseStatusArguments([])).toEqual({
      command: 'status',
      target: LOCAL,
      json: false,
      watch: false,
      intervalSeconds: DEFAULT_INTERVAL_SECONDS,
    });
  });

  it('reads --json, --watch, --interval and the target', () => {
    expect(
      parseStatusArguments([
        '--json',
        '--watch',
        '--interval',
        '2.5',
        '--stack-name',
        'checkout',
        '--region',
        'eu-west-1',
      ]),
    ).toEqual({
      command: 'status',
      target: { ...LOCAL, stackName: 'checkout', region: 'eu-west-1' },
      json: true,
      watch: true,
      intervalSeconds: 2.5,
    });
    expect(parseStatusArguments(['--outputs', 'other.json'])).toMatchObject({
      target: { ...LOCAL, outputsFile: 'other.json' },
    });
  });

  it('gives the usage for --help, -h and help', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['--json', '--help']]) {
      expect(parseStatusArguments(argv)).toEqual({ command: 'help', text: USAGE });
    }
  });

  it('refuses arguments, unknown options and --interval without --watch', () => {
    expect(() => parseStatusArguments(['checkout'])).toThrow(
      new UsageError('unexpected argument "checkout": npm run status takes options only'),
    );
    expect(() => parseStatusArguments(['--verbose'])).toThrow(new UsageError('unknown option --verbose'));
    expect(() => parseStatusArguments(['--interval', '2'])).toThrow(
      new UsageError('--interval needs --watch'),
    );
  });

  it('takes an interval of 1 to 3600 seconds', () => {
    expect(parseInterval(undefined)).toBe(5);
    expect(parseInterval('1')).toBe(1);
    expect(parseInterval('3600')).toBe(3600);
    for (const text of ['0', '0.5', '3601', '-1', 'soon', '1e3', '']) {
      expect(() => parseInterval(text)).toThrow(UsageError);
    }
  });

  it('documents the verdict rules, the exit codes and what Ctrl-C does in the usage', () => {
    expect(USAGE).toContain('Exit codes: 0 every pipeline is healthy, 1 one is not');
    expect(USAGE).toContain('Ctrl-C exits with the code of the last status shown');
    expect(USAGE).toContain('A pipeline is unhealthy when');
  });
});
