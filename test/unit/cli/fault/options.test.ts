import { COMMANDS, parseFaultArguments, USAGE } from '../../../../cli/fault/options';
import { UsageError } from '../../../../cli/shared/errors';
import { FAULT_MODES } from '../../../../src/functions/checkout/fault-mode';

const LOCAL = { stackName: undefined, region: undefined, outputsFile: undefined };

describe('the fault command line', () => {
  it('offers status and every fault mode of the checkout function', () => {
    expect(COMMANDS).toEqual(['status', ...FAULT_MODES]);
  });

  it('reads status, and each mode as a value to set', () => {
    expect(parseFaultArguments(['status'])).toEqual({ command: 'status', target: LOCAL });
    for (const mode of FAULT_MODES) {
      expect(parseFaultArguments([mode])).toEqual({ command: 'set', mode, target: LOCAL });
    }
  });

  it('validates the value as the checkout function does (case and spaces do not matter)', () => {
    expect(parseFaultArguments(['FAIL'])).toMatchObject({ command: 'set', mode: 'fail' });
  });

  it('reads the AWS target', () => {
    expect(parseFaultArguments(['off', '--stack-name', 'checkout', '--region', 'eu-west-1'])).toEqual({
      command: 'set',
      mode: 'off',
      target: { ...LOCAL, stackName: 'checkout', region: 'eu-west-1' },
    });
  });

  it('gives the usage for --help, and documents the pick-up delay and the reset by sam deploy', () => {
    expect(parseFaultArguments(['--help'])).toEqual({ command: 'help', text: USAGE });
    expect(parseFaultArguments(['fail', '-h'])).toEqual({ command: 'help', text: USAGE });
    expect(USAGE).toContain('within about 5 seconds');
    expect(USAGE).toContain(
      'the next `sam deploy` sets the parameter back to the template parameter CheckoutFaultMode',
    );
  });

  it.each([
    [[], 'a command is needed: status, off, fail, corrupt'],
    [['explode'], 'unknown command "explode": use one of status, off, fail, corrupt'],
    [['--stack-name', 'x', 'fail'], 'a command comes first'],
    [['fail', 'now'], 'unexpected argument "now"'],
    [['fail', '--force'], 'unknown option --force'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseFaultArguments(argv)).toThrow(UsageError);
    expect(() => parseFaultArguments(argv)).toThrow(message);
  });
});
