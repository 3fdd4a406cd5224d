import { HELP_OPTION, parseOptions, splitCommand, targetFlags, wantsHelp } from '../../../../cli/shared/args';
import { UsageError } from '../../../../cli/shared/errors';

const OPTIONS = { ...HELP_OPTION, since: { type: 'string' }, 'show-raw': { type: 'boolean' } } as const;

describe('parsing a command line', () => {
  it('splits the command from its options', () => {
    expect(splitCommand(['list', '--since', '2h'])).toEqual({ command: 'list', args: ['--since', '2h'] });
  });

  it('finds no command when the line is empty or starts with an option', () => {
    expect(splitCommand([])).toEqual({ args: [] });
    expect(splitCommand(['--help'])).toEqual({ args: ['--help'] });
  });

  it('sees --help and -h anywhere among the options', () => {
    expect(wantsHelp(['--since', '2h', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--since', '2h'])).toBe(false);
  });
});

describe('parsing the options of a command', () => {
  it('returns the values of string and boolean options, in both spellings', () => {
    expect(parseOptions(['--since', '2h', '--show-raw'], OPTIONS)).toEqual({ since: '2h', 'show-raw': true });
    expect(parseOptions(['--since=2026-11-21T10:00Z'], OPTIONS)).toEqual({ since: '2026-11-21T10:00Z' });
    expect(parseOptions(['-h'], OPTIONS)).toEqual({ help: true });
  });

  it.each([
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--since'], '--since needs a value'],
    [
      ['--since', '--show-raw'],
      '--since needs a value (write --since=<value> for a value that starts with -)',
    ],
    [['--show-raw=yes'], '--show-raw does not take a value'],
    [['extra'], 'unexpected argument "extra"'],
    [['--since', ''], '--since needs a value'],
  ])('turns %j into the usage error "%s"', (args, message) => {
    expect(() => parseOptions(args, OPTIONS)).toThrow(new UsageError(message));
  });
});

describe('repeating the target in suggested commands', () => {
  it('gives the target options as given, quoted where the shell needs it, or nothing for the local stack', () => {
    expect(targetFlags({})).toBe('');
    expect(targetFlags({ stackName: 'checkout', region: 'eu-west-1' })).toBe(
      ' --stack-name checkout --region eu-west-1',
    );
    expect(targetFlags({ outputsFile: "my stack's.json" })).toBe(` --outputs 'my stack'\\''s.json'`);
  });
});
