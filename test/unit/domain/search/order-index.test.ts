import {
  DATE_INDEX_NAME_SUFFIXES,
  INDEX_ROTATIONS,
  type IndexRotation,
  type IndexRotationPeriod,
  ISO_WEEK_SCRIPT,
  indexTemplateName,
  ORDER_DATE_FORMAT,
  ORDER_MAPPINGS,
  ORDER_TIME_FIELD,
  orderIndexTemplate,
  orderIngestPipeline,
  orderPipelineName,
  parseIndexRotation,
  retentionPolicy,
  retentionPolicyName,
  rotatedIndexName,
  rotatedIndexPattern,
} from '../../../../src/domain/search';
import { anOrderIndexSettings } from '../../../factories/order-index';

const at = (iso: string) => new Date(iso);

describe('rotatedIndexName', () => {
  // Jest cannot change the process's time zone, so local-time getters are made to fail instead: a name
  // built from local time would differ from the UTC one on any machine that is not on UTC.
  const localGetters = ['getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours'] as const;
  beforeEach(() => {
    for (const getter of localGetters) {
      jest.spyOn(Date.prototype, getter).mockImplementation(() => {
        throw new Error(`Date.prototype.${getter} reads local time; index names are UTC`);
      });
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it.each<[IndexRotationPeriod | 'NoRotation', string]>([
    ['NoRotation', 'orders'],
    ['OneHour', 'orders-2026-11-21-09'],
    ['OneDay', 'orders-2026-11-21'],
    ['OneWeek', 'orders-2026-w47'],
    ['OneMonth', 'orders-2026-11'],
  ])('names the index of %s as Firehose does (%s)', (rotation, expected) => {
    expect(rotatedIndexName('orders', rotation, at('2026-11-21T09:41:07.123Z'))).toBe(expected);
  });

  it('pads months, days and hours to two digits', () => {
    const time = at('2027-02-03T04:05:06Z');
    expect(rotatedIndexName('orders', 'OneHour', time)).toBe('orders-2027-02-03-04');
    expect(rotatedIndexName('orders', 'OneDay', time)).toBe('orders-2027-02-03');
    expect(rotatedIndexName('orders', 'OneMonth', time)).toBe('orders-2027-02');
    expect(rotatedIndexName('orders', 'OneWeek', time)).toBe('orders-2027-w05');
  });

  it.each([
    // A week belongs to the year of its Thursday.
    [
      '2021-01-03T12:00:00Z',
      'orders-2020-w53',
      'a Sunday in January that ends the last week of the year before',
    ],
    ['2021-01-04T00:00:00Z', 'orders-2021-w01', 'the Monday that starts week 1'],
    ['2020-12-31T23:59:59Z', 'orders-2020-w53', 'the last day of a year with 53 weeks'],
    ['2026-12-31T10:00:00Z', 'orders-2026-w53', 'a Thursday that makes week 53'],
    ['2027-01-01T10:00:00Z', 'orders-2026-w53', 'New Year’s Day in the previous year’s week 53'],
    ['2027-01-04T10:00:00Z', 'orders-2027-w01', 'the first Monday of 2027'],
    ['2024-12-29T23:00:00Z', 'orders-2024-w52', 'the Sunday before a year starts early'],
    ['2024-12-30T00:00:00Z', 'orders-2025-w01', 'a December Monday already in the next year’s week 1'],
    ['2025-12-29T08:00:00Z', 'orders-2026-w01', 'another December Monday in week 1'],
    ['2026-01-01T00:00:00Z', 'orders-2026-w01', 'a Thursday New Year’s Day in week 1'],
  ])('names the week of %s %s (%s)', (iso, expected) => {
    expect(rotatedIndexName('orders', 'OneWeek', at(iso))).toBe(expected);
  });

  it('uses UTC on either side of midnight, whatever the local time zone', () => {
    const before = at('2026-12-31T23:59:59.999Z');
    const after = at('2027-01-01T00:00:00.000Z');
    expect(rotatedIndexName('orders', 'OneHour', before)).toBe('orders-2026-12-31-23');
    expect(rotatedIndexName('orders', 'OneHour', after)).toBe('orders-2027-01-01-00');
    expect(rotatedIndexName('orders', 'OneDay', before)).toBe('orders-2026-12-31');
    expect(rotatedIndexName('orders', 'OneDay', after)).toBe('orders-2027-01-01');
    expect(rotatedIndexName('orders', 'OneMonth', before)).toBe('orders-2026-12');
    expect(rotatedIndexName('orders', 'OneMonth', after)).toBe('orders-2027-01');
    // The same instant written with an offset is the same index: 01:30 in Paris is 00:30 UTC.
    expect(rotatedIndexName('orders', 'OneDay', at('2027-01-01T01:30:00+01:00'))).toBe('orders-2027-01-01');
    expect(rotatedIndexName('orders', 'OneDay', at('2026-12-31T20:00:00-05:00'))).toBe('orders-2027-01-01');
  });

  it('starts a new week at Monday 00:00 UTC', () => {
    expect(rotatedIndexName('orders', 'OneWeek', at('2026-11-22T23:59:59.999Z'))).toBe('orders-2026-w47');
    expect(rotatedIndexName('orders', 'OneWeek', at('2026-11-23T00:00:00.000Z'))).toBe('orders-2026-w48');
  });

  it('keeps any index name as it is, with NoRotation and as the prefix of the others', () => {
    const time = at('2026-11-21T09:00:00Z');
    expect(rotatedIndexName('shop-orders', 'NoRotation', time)).toBe('shop-orders');
    expect(rotatedIndexName('shop-orders', 'OneDay', time)).toBe('shop-orders-2026-11-21');
  });
});

describe('the names of the index set-up', () => {
  it('derives the template, the policy, the pipeline and the pattern of the rotated indices from the index name', () => {
    expect(indexTemplateName('orders')).toBe('orders-template');
    expect(retentionPolicyName('orders')).toBe('orders-retention');
    expect(orderPipelineName('orders')).toBe('orders-one-per-order');
    expect(rotatedIndexPattern('orders')).toBe('orders-*');
  });
});

describe('orderIndexTemplate', () => {
  const template = orderIndexTemplate(anOrderIndexSettings({ retentionDays: 90 }));

  it('applies to every rotated index, orders-*', () => {
    expect(template.index_patterns).toEqual(['orders-*']);
    expect(template.priority).toBeGreaterThan(0);
  });

  it('puts every rotated index behind an alias named as the index', () => {
    expect(template.template.aliases).toEqual({ orders: {} });
    expect(
      orderIndexTemplate(anOrderIndexSettings({ indexName: 'sales', retentionDays: 1 })).template.aliases,
    ).toEqual({
      sales: {},
    });
  });

  it('gives each index one shard and the replicas asked for', () => {
    expect(template.template.settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 0 });
    const replicated = orderIndexTemplate(anOrderIndexSettings({ replicas: 1 }));
    expect(replicated.template.settings.number_of_replicas).toBe(1);
  });

  it('runs every document of every rotated index through the one-per-order pipeline', () => {
    expect(template.template.settings.default_pipeline).toBe('orders-one-per-order');
    expect(
      orderIndexTemplate(anOrderIndexSettings({ indexName: 'sales' })).template.settings.default_pipeline,
    ).toBe(orderPipelineName('sales'));
  });

  it('uses the order mappings', () => {
    expect(template.template.mappings).toBe(ORDER_MAPPINGS);
  });
});

describe('ORDER_MAPPINGS', () => {
  const { properties } = ORDER_MAPPINGS;
  const money = { type: 'scaled_float', scaling_factor: 100 };
  const searchableText = { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } };

  it('types amounts and unit prices as numbers with cents', () => {
    expect(properties.payment.properties.amount).toEqual(money);
    expect(properties.items.properties.unitPrice).toEqual(money);
    expect(properties.items.properties.quantity).toEqual({ type: 'integer' });
  });

  it('types the order date as a date', () => {
    expect(properties.date).toMatchObject({ type: 'date' });
    expect(properties.date.format).toContain('strict_date_optional_time');
  });

  it('keeps an order whose date does not parse, rather than refusing it', () => {
    expect(properties.date).toMatchObject({ ignore_malformed: true });
  });

  it('keeps ids, skus, e-mail addresses, currencies and countries as exact keywords', () => {
    for (const field of [
      properties.id,
      properties.customer.properties.id,
      properties.customer.properties.email,
      properties.items.properties.sku,
      properties.payment.properties.currency,
      properties.payment.properties.method,
      properties.shipping.properties.country,
      properties.shipping.properties.postalCode,
    ]) {
      expect(field).toEqual({ type: 'keyword' });
    }
  });

  it('makes names searchable by word, with a raw keyword for exact matches and aggregations', () => {
    expect(properties.customer.properties.name).toEqual(searchableText);
    expect(properties.items.properties.name).toEqual(searchableText);
    expect(properties.shipping.properties.name).toEqual(searchableText);
    expect(properties.shipping.properties.city).toEqual(searchableText);
    expect(properties.notes).toEqual({ type: 'text' });
  });

  it('types of the card only what the transform keeps: its network and last 4 digits, as keywords', () => {
    expect(Object.keys(properties.payment.properties).sort()).toEqual([
      'amount',
      'card',
      'currency',
      'method',
    ]);
    expect(properties.payment.properties.card).toEqual({
      properties: { network: { type: 'keyword' }, last4: { type: 'keyword' } },
    });
    expect(JSON.stringify(ORDER_MAPPINGS)).not.toMatch(/number|cvv|cvc|expiry|holder|pan"/i);
  });
});

describe('retentionPolicy', () => {
  const { policy } = retentionPolicy(anOrderIndexSettings({ retentionDays: 30 }));

  it('moves an index from hot to delete once it is older than the retention in days', () => {
    expect(policy.default_state).toBe('hot');
    const hot = policy.states.find((state) => state.name === 'hot');
    expect(hot?.transitions).toEqual([{ state_name: 'delete', conditions: { min_index_age: '30d' } }]);
    expect(hot?.actions).toEqual([]);
  });

  it('deletes the index in the delete state and goes nowhere after', () => {
    const deleting = policy.states.find((state) => state.name === 'delete');
    expect(deleting?.actions).toEqual([{ delete: {} }]);
    expect(deleting?.transitions).toEqual([]);
  });

  it('is attached to every new rotated index by its ISM template', () => {
    expect(policy.ism_template).toEqual([{ index_patterns: ['orders-*'], priority: 100 }]);
  });

  it('follows the retention and the index name it is given', () => {
    const other = retentionPolicy(
      anOrderIndexSettings({ indexName: 'sales', replicas: 1, retentionDays: 7 }),
    ).policy;
    expect(other.states[0]?.transitions[0]?.conditions).toEqual({ min_index_age: '7d' });
    expect(other.ism_template[0]?.index_patterns).toEqual(['sales-*']);
    expect(other.description).toBe('Deletes sales indices older than 7 days');
  });
});

describe('parseIndexRotation', () => {
  it.each(INDEX_ROTATIONS)('accepts the delivery stream rotation %s', (rotation) => {
    expect(parseIndexRotation(rotation)).toBe(rotation);
  });

  it('refuses anything else, naming the rotations it accepts', () => {
    expect(() => parseIndexRotation('Daily')).toThrow(
      'IndexRotationPeriod must be one of NoRotation, OneHour, OneDay, OneWeek, OneMonth, not "Daily"',
    );
    expect(() => parseIndexRotation(undefined)).toThrow(/, not nothing$/);
  });
});

describe('orderIngestPipeline', () => {
  type Processor = Record<string, Record<string, unknown>>;
  const processorsOf = (rotation: IndexRotation, indexName = 'orders') =>
    orderIngestPipeline(anOrderIndexSettings({ indexName, rotation })).processors as Processor[];
  const kinds = (rotation: IndexRotation) =>
    processorsOf(rotation).map((processor) => Object.keys(processor)[0]);

  it('makes the order id the document id, first, and only for an id the order schema allows', () => {
    for (const rotation of INDEX_ROTATIONS) {
      expect(processorsOf(rotation)[0]).toEqual({
        set: {
          description: expect.any(String),
          if: 'ctx.id instanceof String && ctx.id.length() > 0 && ctx.id.length() <= 128',
          field: '_id',
          value: '{{{id}}}',
        },
      });
    }
  });

  it('leaves the document in its index without rotation', () => {
    expect(kinds('NoRotation')).toEqual(['set']);
  });

  it('reads the order date as the mapping does, into milliseconds since the epoch, and takes them out after', () => {
    for (const rotation of ['OneHour', 'OneDay', 'OneWeek', 'OneMonth'] as const) {
      const processors = processorsOf(rotation);
      expect(processors[1]?.date).toEqual({
        description: expect.any(String),
        if: 'ctx.date instanceof String',
        field: 'date',
        target_field: ORDER_TIME_FIELD,
        formats: [ORDER_DATE_FORMAT],
        timezone: 'UTC',
        output_format: 'epoch_millis',
        ignore_failure: true,
      });
      expect(processors.at(-1)).toEqual({ remove: { field: ORDER_TIME_FIELD, ignore_missing: true } });
    }
  });

  it.each([
    ['OneHour', 'h', 'yyyy-MM-dd-HH'],
    ['OneDay', 'd', 'yyyy-MM-dd'],
    ['OneMonth', 'M', 'yyyy-MM'],
  ] as const)(
    'files the order under the %s index of its UTC time with date_index_name',
    (rotation, rounding, format) => {
      expect(kinds(rotation)).toEqual(['set', 'date', 'date_index_name', 'remove']);
      expect(processorsOf(rotation, 'sales')[2]?.date_index_name).toEqual({
        description: expect.stringContaining(rotation),
        if: `ctx.${ORDER_TIME_FIELD} != null`,
        field: ORDER_TIME_FIELD,
        date_formats: ['UNIX_MS'],
        timezone: 'UTC',
        index_name_prefix: 'sales-',
        date_rounding: rounding,
        index_name_format: format,
        ignore_failure: true,
      });
    },
  );

  it('files the order under its ISO week of its UTC time with a script', () => {
    expect(kinds('OneWeek')).toEqual(['set', 'date', 'script', 'remove']);
    expect(processorsOf('OneWeek', 'sales')[2]?.script).toEqual({
      description: expect.stringContaining('OneWeek'),
      if: `ctx.${ORDER_TIME_FIELD} != null`,
      lang: 'painless',
      source: ISO_WEEK_SCRIPT,
      params: { prefix: 'sales-' },
      ignore_failure: true,
    });
  });

  it('never fails a document: reading the date and routing ignore their failures', () => {
    for (const rotation of ['OneHour', 'OneDay', 'OneWeek', 'OneMonth'] as const) {
      for (const processor of processorsOf(rotation).slice(1, -1)) {
        expect(Object.values(processor)[0]).toMatchObject({ ignore_failure: true });
      }
    }
  });

  describe('names the index as rotatedIndexName does (date_index_name formats, as Java formats them)', () => {
    /** A Java DateTimeFormatter pattern of digit fields only, formatted in UTC. */
    const formatJava = (pattern: string, time: Date) =>
      pattern.replace(/yyyy|MM|dd|HH/g, (field) => {
        const value = {
          yyyy: time.getUTCFullYear(),
          MM: time.getUTCMonth() + 1,
          dd: time.getUTCDate(),
          HH: time.getUTCHours(),
        }[field] as number;
        return String(value).padStart(field.length, '0');
      });
    const times = [
      '2026-11-21T09:41:07.123Z',
      '2026-12-31T23:59:59.999Z',
      '2027-01-01T00:00:00.000Z',
      '2027-02-03T04:05:06Z',
      '2024-02-29T12:00:00Z',
      '2026-11-21T00:30:00+01:00',
    ].map((iso) => new Date(iso));

    it.each(Object.keys(DATE_INDEX_NAME_SUFFIXES) as (keyof typeof DATE_INDEX_NAME_SUFFIXES)[])(
      'for %s',
      (rotation: IndexRotationPeriod & keyof typeof DATE_INDEX_NAME_SUFFIXES) => {
        const processor = processorsOf(rotation)[2]?.date_index_name as
          | { index_name_prefix: string; index_name_format: string }
          | undefined;
        if (!processor) throw new Error(`no date_index_name processor for ${rotation}`);
        const { index_name_prefix: prefix, index_name_format: format } = processor;
        for (const time of times) {
          expect(`${prefix}${formatJava(format, time)}`).toBe(rotatedIndexName('orders', rotation, time));
        }
      },
    );
  });
});
