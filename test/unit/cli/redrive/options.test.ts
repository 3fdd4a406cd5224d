import { parseMaxPerSecond, parseRedriveArguments, USAGE } from '../../../../cli/redrive/options';
import { UsageError } from '../../../../cli/shared/errors';
import { ROOT_TEMPLATE } from '../../../../local/paths';
import { loadTemplate } from '../../../../local/template/parse-template';

const LOCAL = { stackName: undefined, region: undefined, outputsFile: undefined };

describe('the redrive command line', () => {
  it('reads the queue, --to, --max-per-second and the target', () => {
    expect(parseRedriveArguments(['CheckoutDeadLetterQueueUrl'])).toEqual({
      command: 'redrive',
      queue: 'CheckoutDeadLetterQueueUrl',
      to: undefined,
      maxPerSecond: undefined,
      target: LOCAL,
    });
    expect(
      parseRedriveArguments([
        'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
        '--to',
        'CheckoutQueueUrl',
        '--max-per-second',
        '50',
        '--stack-name',
        'checkout',
      ]),
    ).toEqual({
      command: 'redrive',
      queue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
      to: 'CheckoutQueueUrl',
      maxPerSecond: 50,
      target: { ...LOCAL, stackName: 'checkout' },
    });
  });

  it('gives the usage for --help, -h and help', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['CheckoutDeadLetterQueueUrl', '--help']]) {
      expect(parseRedriveArguments(argv)).toEqual({ command: 'help', text: USAGE });
    }
  });

  it('names every dead-letter queue output of the root template in its usage', () => {
    const outputs = Object.keys(loadTemplate(ROOT_TEMPLATE).Outputs ?? {}).filter((name) =>
      name.endsWith('DeadLetterQueueUrl'),
    );
    expect(outputs).toHaveLength(6);
    expect(outputs.filter((output) => !USAGE.includes(output))).toEqual([]);
  });

  it.each([
    [[], 'which dead-letter queue?'],
    [['--to', 'q', 'dlq'], 'the queue comes first (a stack output name or a queue URL), before --to'],
    [['dlq', 'other'], 'unexpected argument "other"'],
    [['dlq', '--to'], '--to needs a value'],
    [['dlq', '--to', 'dlq'], '--to names the dead-letter queue itself'],
    [['dlq', '--max-per-second', '0'], '--max-per-second takes a whole number from 1 to 500, not "0"'],
    [['dlq', '--max-per-second', '501'], 'not "501"'],
    [['dlq', '--max-per-second', '2.5'], 'not "2.5"'],
    [['dlq', '--dry-run'], 'unknown option --dry-run'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseRedriveArguments(argv)).toThrow(UsageError);
    expect(() => parseRedriveArguments(argv)).toThrow(message);
  });

  it('reads a rate from 1 to 500 messages per second', () => {
    expect(parseMaxPerSecond(undefined)).toBeUndefined();
    expect(parseMaxPerSecond('1')).toBe(1);
    expect(parseMaxPerSecond('500')).toBe(500);
  });
});
