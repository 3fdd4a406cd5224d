import {
  DEFAULT_SEARCH_SIZE,
  DEFAULT_TOP_SIZE,
  parseAmount,
  parseOrdersArguments,
  parseSort,
  USAGE,
  usageOf,
} from '../../../../cli/orders/options';
import { UsageError } from '../../../../cli/shared/errors';

const NOW = new Date('2026-11-21T10:15:30Z');
const parse = (...argv: string[]) => parseOrdersArguments(argv, NOW);
const NO_FILTERS = { customers: [], skus: [], currencies: [] };
const LOCAL = {
  target: { stackName: undefined, region: undefined, outputsFile: undefined },
  endpoint: undefined,
  sign: true,
  index: undefined,
};

const usageError = (argv: string[], message: RegExp | string) => {
  expect(() => parse(...argv)).toThrow(UsageError);
  expect(() => parse(...argv)).toThrow(message);
};

describe('the orders command line', () => {
  describe('search', () => {
    it('defaults to the local stack, no filters, 20 orders, newest first, as a table', () => {
      expect(parse('search')).toEqual({
        command: 'search',
        connection: LOCAL,
        filters: NO_FILTERS,
        size: DEFAULT_SEARCH_SIZE,
        sort: { field: 'date', order: 'desc' },
        json: false,
      });
      expect(DEFAULT_SEARCH_SIZE).toBe(20);
    });

    it('reads every filter: amounts, times, customer, sku, currency and free text', () => {
      expect(
        parse(
          'search',
          '--min-amount',
          '100',
          '--max-amount',
          '250.5',
          '--since',
          '2026-11-20',
          '--until',
          '2h',
          '--customer',
          'customer-1001',
          '--sku',
          'BOOK-001',
          '--currency',
          'eur',
          '--text',
          ' brass lamp ',
        ),
      ).toMatchObject({
        filters: {
          minAmount: 100,
          maxAmount: 250.5,
          since: new Date('2026-11-20T00:00:00Z'),
          until: new Date('2026-11-21T08:15:30Z'),
          customers: ['customer-1001'],
          skus: ['BOOK-001'],
          currencies: ['EUR'],
          text: 'brass lamp',
        },
      });
    });

    it('takes a repeated --customer, --sku or --currency as any of them', () => {
      expect(
        parse(
          'search',
          '--sku',
          'A',
          '--sku',
          'B',
          '--customer',
          'c-1',
          '--customer',
          'c-2',
          '--currency',
          'EUR',
          '--currency',
          'usd',
        ),
      ).toMatchObject({
        filters: { skus: ['A', 'B'], customers: ['c-1', 'c-2'], currencies: ['EUR', 'USD'] },
      });
    });

    it('reads --size, --sort with an optional direction, and --json', () => {
      expect(parse('search', '--size', '0', '--sort', 'amount', '--json')).toMatchObject({
        size: 0,
        sort: { field: 'amount', order: 'desc' },
        json: true,
      });
      expect(parse('search', '--sort', 'amount:asc')).toMatchObject({
        sort: { field: 'amount', order: 'asc' },
      });
      expect(parse('search', '--sort', 'relevance')).toMatchObject({
        sort: { field: 'relevance', order: 'desc' },
      });
      expect(parseSort('DATE:ASC')).toEqual({ field: 'date', order: 'asc' });
    });

    it('reads the target: a stack in AWS, an outputs file, an endpoint, --no-sign and --index', () => {
      expect(parse('search', '--stack-name', 'checkout', '--region', 'eu-west-1')).toMatchObject({
        connection: { target: { stackName: 'checkout', region: 'eu-west-1' }, sign: true },
      });
      expect(parse('search', '--outputs', 'o.json', '--index', 'orders-2026-11-21')).toMatchObject({
        connection: { target: { outputsFile: 'o.json' }, index: 'orders-2026-11-21' },
      });
      expect(
        parse('search', '--endpoint', 'https://search-x.eu-west-1.es.amazonaws.com', '--no-sign'),
      ).toMatchObject({
        connection: { endpoint: 'https://search-x.eu-west-1.es.amazonaws.com', sign: false },
      });
      expect(parse('search', '--endpoint', 'search-x.eu-west-1.es.amazonaws.com')).toMatchObject({
        connection: { endpoint: 'search-x.eu-west-1.es.amazonaws.com', sign: true },
      });
    });
  });

  describe('stats', () => {
    it('counts per day by default', () => {
      expect(parse('stats')).toEqual({
        command: 'stats',
        connection: LOCAL,
        filters: NO_FILTERS,
        kind: { by: 'day' },
        size: DEFAULT_TOP_SIZE,
        json: false,
      });
    });

    it('reads --by hour, week and month', () => {
      expect(parse('stats', '--by', 'hour')).toMatchObject({ kind: { by: 'hour' } });
      expect(parse('stats', '--by', 'Week')).toMatchObject({ kind: { by: 'week' } });
      expect(parse('stats', '--by', 'month')).toMatchObject({ kind: { by: 'month' } });
    });

    it('reads --top skus and --top customers with --size, and ranks customers by orders unless told revenue', () => {
      expect(parse('stats', '--top', 'skus', '--size', '5')).toMatchObject({
        kind: { top: 'skus' },
        size: 5,
      });
      expect(parse('stats', '--top', 'customers')).toMatchObject({
        kind: { top: 'customers', sort: 'orders' },
        size: 10,
      });
      expect(parse('stats', '--top', 'customers', '--sort', 'revenue', '--json')).toMatchObject({
        kind: { top: 'customers', sort: 'revenue' },
        json: true,
      });
    });

    it('takes the same filters as search', () => {
      expect(parse('stats', '--min-amount', '100', '--sku', 'BOOK-001', '--since', '1d')).toMatchObject({
        filters: { minAmount: 100, skus: ['BOOK-001'], since: new Date('2026-11-20T10:15:30Z') },
      });
    });
  });

  describe('help', () => {
    it('prints the usage for --help, -h and help, and a command usage for <command> --help', () => {
      expect(parse('--help')).toEqual({ command: 'help', text: USAGE });
      expect(parse('-h')).toEqual({ command: 'help', text: USAGE });
      expect(parse('help')).toEqual({ command: 'help', text: USAGE });
      expect(parse('search', '--help')).toEqual({ command: 'help', text: usageOf('search') });
      expect(parse('stats', '-h', '--bogus')).toEqual({ command: 'help', text: usageOf('stats') });
    });

    it('documents every option of each command', () => {
      for (const option of ['--min-amount', '--max-amount', '--since', '--until', '--customer', '--sku']) {
        expect(usageOf('search')).toContain(option);
        expect(usageOf('stats')).toContain(option);
      }
      for (const option of [
        '--currency',
        '--text',
        '--size',
        '--sort',
        '--json',
        '--endpoint',
        '--no-sign',
      ]) {
        expect(usageOf('search')).toContain(option);
      }
      for (const option of [
        '--by day',
        '--top skus',
        '--top customers',
        '--index',
        '--stack-name',
        '--outputs',
      ]) {
        expect(usageOf('stats')).toContain(option);
      }
    });
  });

  describe('usage errors', () => {
    it('refuses a missing or unknown command', () => {
      usageError([], 'a command is needed: search, stats');
      usageError(['find'], 'unknown command "find": use one of search, stats');
      usageError(['--min-amount', '1'], 'a command comes first');
    });

    it('refuses unknown options and options of the other command', () => {
      usageError(['search', '--bogus'], 'unknown option --bogus');
      usageError(['search', '--top', 'skus'], 'unknown option --top');
      usageError(['stats', '--size'], '--size needs a value');
    });

    it('refuses amounts that are not non-negative numbers, and a maximum below the minimum', () => {
      usageError(['search', '--min-amount', 'ten'], '--min-amount: "ten" is not an amount');
      usageError(['search', '--max-amount=-5'], '--max-amount: "-5" is not an amount');
      usageError(
        ['search', '--min-amount', '200', '--max-amount', '100'],
        '--max-amount (100) is below --min-amount (200)',
      );
      expect(parseAmount('0.99', '--min-amount')).toBe(0.99);
    });

    it('refuses bad times and an --until that is not after --since', () => {
      usageError(['search', '--since', 'yesterday'], '--since: "yesterday" is not a time');
      usageError(['search', '--until', '2026-11-21T10:00'], '--until: "2026-11-21T10:00" has no offset');
      usageError(
        ['search', '--since', '2026-11-21', '--until', '2026-11-21'],
        '--until (2026-11-21T00:00:00.000Z) must be after --since',
      );
    });

    it('refuses a currency that is not three letters, and empty values', () => {
      usageError(['search', '--currency', 'EURO'], '--currency: "EURO" is not a currency code');
      usageError(['search', '--sku', ' '], '--sku needs a value');
      usageError(['search', '--text', ''], '--text needs a value');
    });

    it('refuses sizes out of range and unknown sorts', () => {
      usageError(['search', '--size', '10001'], '--size: "10001" is not a whole number from 0 to 10000');
      usageError(['search', '--size', '2.5'], 'is not a whole number');
      usageError(
        ['stats', '--top', 'skus', '--size', '0'],
        '--size: "0" is not a whole number from 1 to 1000',
      );
      usageError(
        ['search', '--sort', 'customer'],
        '--sort: "customer" is not one of date, amount, relevance',
      );
      usageError(['search', '--sort', 'amount:up'], '--sort: "amount:up"');
    });

    it('refuses --by with --top, unknown periods and tops, and options that do not apply', () => {
      usageError(['stats', '--by', 'day', '--top', 'skus'], 'give either --by or --top, not both');
      usageError(['stats', '--by', 'year'], '--by: "year" is not one of hour, day, week, month');
      usageError(['stats', '--top', 'orders'], '--top: "orders" is not one of skus, customers');
      usageError(['stats', '--size', '5'], '--size is for --top');
      usageError(['stats', '--sort', 'revenue'], '--sort is for --top customers');
      usageError(['stats', '--top', 'skus', '--sort', 'revenue'], '--sort is for --top customers');
      usageError(
        ['stats', '--top', 'customers', '--sort', 'name'],
        '--sort: "name" is not one of orders, revenue',
      );
    });

    it('refuses an endpoint that is not a URL and an index name with wildcards or commas', () => {
      usageError(['search', '--endpoint', 'not a url'], '--endpoint: "not a url" is not a URL');
      usageError(['search', '--endpoint', 'ftp://host'], 'is not a URL');
      usageError(['search', '--index', 'orders-*'], '--index: "orders-*" is not an index or alias name');
    });
  });
});
