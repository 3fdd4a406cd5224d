import {
  DEFAULT_AVERAGE_ORDER_BYTES,
  DEFAULT_COLD_START_SHARE,
  DEFAULT_GZIP_RATIO,
  DEFAULT_SEARCH_SHARE,
  DEFAULT_STORAGE_MONTH,
  parseCostArguments,
  USAGE,
} from '../../../../cli/cost/options';
import { UsageError } from '../../../../cli/shared/errors';
import { anOrderEvent } from '../../../factories/order';

describe('the cost command line', () => {
  it('needs only the orders a day, and takes the defaults for the rest', () => {
    expect(parseCostArguments(['--orders-per-day', '100000'])).toEqual({
      command: 'cost',
      ordersPerDay: 100_000,
      averageOrderBytes: DEFAULT_AVERAGE_ORDER_BYTES,
      searchShare: DEFAULT_SEARCH_SHARE,
      coldStartShare: DEFAULT_COLD_START_SHARE,
      gzipRatio: DEFAULT_GZIP_RATIO,
      tokenLifetimeMinutes: undefined,
      storageMonth: DEFAULT_STORAGE_MONTH,
      json: false,
    });
  });

  it('reads every option', () => {
    expect(
      parseCostArguments([
        '--orders-per-day=2500.5',
        '--average-order-bytes',
        '1500',
        '--search-share',
        '0.2',
        '--cold-start-share',
        '0',
        '--gzip-ratio',
        '.3',
        '--token-lifetime-minutes',
        '15',
        '--month',
        '24',
        '--json',
      ]),
    ).toEqual({
      command: 'cost',
      ordersPerDay: 2500.5,
      averageOrderBytes: 1500,
      searchShare: 0.2,
      coldStartShare: 0,
      gzipRatio: 0.3,
      tokenLifetimeMinutes: 15,
      storageMonth: 24,
      json: true,
    });
  });

  it('gives the usage for --help, -h and help', () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['--orders-per-day', '1', '--help']]) {
      expect(parseCostArguments(argv)).toEqual({ command: 'help', text: USAGE });
    }
  });

  it.each([
    [[], '--orders-per-day is required'],
    [['--orders-per-day', '0'], '--orders-per-day takes a number greater than 0, not "0"'],
    [['--orders-per-day=-5'], '--orders-per-day takes a number greater than 0, not "-5"'],
    [['--orders-per-day', 'many'], 'not "many"'],
    [['--orders-per-day', '1e5'], 'not "1e5"'],
    [['--orders-per-day'], '--orders-per-day needs a value'],
    [
      ['--orders-per-day', '10', '--average-order-bytes', '1.5'],
      '--average-order-bytes takes a whole number of 1 or more, not "1.5"',
    ],
    [
      ['--orders-per-day', '10', '--search-share', '1.5'],
      '--search-share takes a share from 0 to 1, not "1.5"',
    ],
    [['--orders-per-day', '10', '--cold-start-share', '2'], '--cold-start-share takes a share from 0 to 1'],
    [
      ['--orders-per-day', '10', '--gzip-ratio', '0'],
      '--gzip-ratio takes a ratio greater than 0 and at most 1, not "0"',
    ],
    [
      ['--orders-per-day', '10', '--token-lifetime-minutes', '0'],
      '--token-lifetime-minutes takes a number greater than 0',
    ],
    [['--orders-per-day', '10', '--month', '0'], '--month takes a whole number of 1 or more, not "0"'],
    [['--orders-per-day', '10', '--region', 'eu-west-1'], 'unknown option --region'],
    [['100000'], 'unexpected argument "100000": npm run cost takes options only'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseCostArguments(argv)).toThrow(UsageError);
    expect(() => parseCostArguments(argv)).toThrow(message);
  });

  it("defaults the order size to the order factory's order as the API publishes it, with its partner", () => {
    const published = JSON.stringify({
      ...anOrderEvent(),
      partner: { id: 'ExamplePartner', clientId: '4l6kcrvsv3b3hs0o9ajm2q2ts1' },
    });

    // The factory's generated ids vary in length by a few characters.
    expect(Math.abs(Buffer.byteLength(published) - DEFAULT_AVERAGE_ORDER_BYTES)).toBeLessThanOrEqual(8);
  });
});
