/**
 * How orders are indexed for analysts (SPEC §3.4): the index template that types the fields, the alias
 * spanning the rotated indices, the ingest pipeline that keeps one document per order, the ISM policy that
 * deletes old indices, and Firehose's rotated index names. Used by the index set-up function in AWS, by the
 * local stack, and by the analysts' CLI.
 */

export type IndexRotationPeriod = 'OneHour' | 'OneDay' | 'OneWeek' | 'OneMonth';
/** A delivery stream's `IndexRotationPeriod`: a rotation period, or one index that is never rotated. */
export type IndexRotation = IndexRotationPeriod | 'NoRotation';

export const INDEX_ROTATIONS: readonly IndexRotation[] = [
  'NoRotation',
  'OneHour',
  'OneDay',
  'OneWeek',
  'OneMonth',
];

/** The rotation named by `value`, or an error that lists the valid ones. */
export const parseIndexRotation = (value: unknown): IndexRotation => {
  if (INDEX_ROTATIONS.includes(value as IndexRotation)) return value as IndexRotation;
  throw new Error(
    `IndexRotationPeriod must be one of ${INDEX_ROTATIONS.join(', ')}, not ${JSON.stringify(value) ?? 'nothing'}`,
  );
};

/** How an order's `date` is written, for the mapping and for the pipeline that reads it (the same parser). */
export const ORDER_DATE_FORMAT = 'strict_date_optional_time';

const keyword = { type: 'keyword' } as const;
const text = { type: 'text' } as const;
const searchableKeyword = { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } } as const;
const money = { type: 'scaled_float', scaling_factor: 100 } as const;

/** The field types of an indexed order (the transform has reduced `payment.card` to network and last 4). */
export const ORDER_MAPPINGS = {
  dynamic: true,
  properties: {
    id: keyword,
    partner: { properties: { id: keyword, clientId: keyword } },
    // A date OpenSearch cannot parse (from a publisher other than the API, which validates it) leaves the
    // order indexed, found by everything but its date, instead of refused and only in the S3 backup.
    date: { type: 'date', format: ORDER_DATE_FORMAT, ignore_malformed: true },
    customer: { properties: { id: keyword, name: searchableKeyword, email: keyword } },
    payment: {
      properties: {
        amount: money,
        currency: keyword,
        method: keyword,
        card: { properties: { network: keyword, last4: keyword } },
      },
    },
    shipping: {
      properties: {
        name: searchableKeyword,
        line1: text,
        line2: text,
        city: searchableKeyword,
        region: keyword,
        postalCode: keyword,
        country: keyword,
        phone: keyword,
      },
    },
    items: {
      properties: { sku: keyword, name: searchableKeyword, quantity: { type: 'integer' }, unitPrice: money },
    },
    notes: text,
  },
} as const;

export interface OrderIndexSettings {
  /** The index name Firehose rotates (`orders` -> `orders-2026-11-21`); also the alias analysts query. */
  indexName: string;
  /** Replicas per shard: 0 on a single-node domain, so that it stays green. */
  replicas: number;
  /** Indices older than this are deleted by the ISM policy. */
  retentionDays: number;
  /** The delivery stream's rotation: the pipeline files each order under its own date's index the same way. */
  rotation: IndexRotation;
}

export const indexTemplateName = (indexName: string) => `${indexName}-template`;
export const retentionPolicyName = (indexName: string) => `${indexName}-retention`;
export const rotatedIndexPattern = (indexName: string) => `${indexName}-*`;
export const orderPipelineName = (indexName: string) => `${indexName}-one-per-order`;

/**
 * `PUT _index_template/<name>`: every rotated index gets the mappings, joins the alias, and runs every
 * document through the one-per-order pipeline.
 */
export const orderIndexTemplate = ({ indexName, replicas }: OrderIndexSettings) => ({
  index_patterns: [rotatedIndexPattern(indexName)],
  priority: 100,
  template: {
    settings: {
      number_of_shards: 1,
      number_of_replicas: replicas,
      default_pipeline: orderPipelineName(indexName),
    },
    mappings: ORDER_MAPPINGS,
    aliases: { [indexName]: {} },
  },
  _meta: { description: 'Orders indexed by the search and analytics pipeline' },
});

/** `PUT _plugins/_ism/policies/<name>`: rotated indices are deleted once older than the retention. */
export const retentionPolicy = ({ indexName, retentionDays }: OrderIndexSettings) => ({
  policy: {
    description: `Deletes ${indexName} indices older than ${retentionDays} days`,
    default_state: 'hot',
    states: [
      {
        name: 'hot',
        actions: [],
        transitions: [{ state_name: 'delete', conditions: { min_index_age: `${retentionDays}d` } }],
      },
      { name: 'delete', actions: [{ delete: {} }], transitions: [] },
    ],
    ism_template: [{ index_patterns: [rotatedIndexPattern(indexName)], priority: 100 }],
  },
});

const pad = (value: number) => String(value).padStart(2, '0');

/** ISO-8601 week number and its year (a week belongs to the year of its Thursday). */
const isoWeek = (time: Date): { year: number; week: number } => {
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  return { year: day.getUTCFullYear(), week: Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7) };
};

/** The index Firehose writes a record to: the name plus a UTC suffix for the rotation period. */
export const rotatedIndexName = (
  indexName: string,
  rotation: IndexRotationPeriod | 'NoRotation',
  time: Date,
): string => {
  const year = time.getUTCFullYear();
  const month = pad(time.getUTCMonth() + 1);
  const day = pad(time.getUTCDate());
  switch (rotation) {
    case 'NoRotation':
      return indexName;
    case 'OneHour':
      return `${indexName}-${year}-${month}-${day}-${pad(time.getUTCHours())}`;
    case 'OneDay':
      return `${indexName}-${year}-${month}-${day}`;
    case 'OneWeek': {
      const { year: weekYear, week } = isoWeek(time);
      return `${indexName}-${weekYear}-w${pad(week)}`;
    }
    case 'OneMonth':
      return `${indexName}-${year}-${month}`;
  }
};

/**
 * The longest order id that becomes the document id: the order schema's limit (128 characters), which keeps
 * it within OpenSearch's 512 bytes for an `_id` whatever the characters. A longer id, from another
 * publisher, keeps Firehose's document id.
 */
export const ORDER_ID_MAX_LENGTH = 128;

/** Painless conditions of the pipeline's processors. */
const HAS_ORDER_ID = `ctx.id instanceof String && ctx.id.length() > 0 && ctx.id.length() <= ${ORDER_ID_MAX_LENGTH}`;
const HAS_DATE = 'ctx.date instanceof String';

/**
 * How `date_index_name` writes Firehose's suffixes: the UTC period the order time falls in (`date_rounding`)
 * formatted as Firehose formats it. Digits only: these Java patterns do not depend on the node's locale.
 */
export const DATE_INDEX_NAME_SUFFIXES = {
  OneHour: { date_rounding: 'h', index_name_format: 'yyyy-MM-dd-HH' },
  OneDay: { date_rounding: 'd', index_name_format: 'yyyy-MM-dd' },
  OneMonth: { date_rounding: 'M', index_name_format: 'yyyy-MM' },
} as const;

/**
 * The field that carries the order time, in milliseconds since the epoch, from the `date` processor to the
 * routing processor; removed before the document is indexed.
 */
export const ORDER_TIME_FIELD = '_orderIndexTime';
const HAS_ORDER_TIME = `ctx.${ORDER_TIME_FIELD} != null`;

/**
 * Firehose's ISO week suffix (`-2026-w47`: the week of the year of its Thursday, from Monday 00:00 UTC), as
 * rotatedIndexName computes it. Not `date_index_name`: its week pattern (`YYYY-'w'ww`) follows the node's
 * locale data, which gives 2021-w01 to Sunday 3 January 2021 on a node without OpenSearch's own ISO calendar
 * provider (the local one), where Firehose and ISO say 2020-w53.
 */
export const ISO_WEEK_SCRIPT = [
  `long millis = Long.parseLong(ctx.${ORDER_TIME_FIELD}.toString());`,
  'LocalDate day = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();',
  'LocalDate thursday = day.plusDays(4 - day.getDayOfWeek().getValue());',
  'int week = (thursday.getDayOfYear() - 1) / 7 + 1;',
  "ctx._index = params.prefix + thursday.getYear() + (week < 10 ? '-w0' : '-w') + week;",
].join('\n');

/** The processor that sets `_index` to the rotated index of the order time (in ORDER_TIME_FIELD). */
const routingProcessor = (indexName: string, rotation: IndexRotationPeriod): Record<string, unknown> => {
  const common = {
    description: `Files the order under the ${rotation} index of its own date, as Firehose would have on that date`,
    if: HAS_ORDER_TIME,
    ignore_failure: true,
  };
  if (rotation === 'OneWeek') {
    return {
      script: { ...common, lang: 'painless', source: ISO_WEEK_SCRIPT, params: { prefix: `${indexName}-` } },
    };
  }
  return {
    date_index_name: {
      ...common,
      field: ORDER_TIME_FIELD,
      date_formats: ['UNIX_MS'],
      timezone: 'UTC',
      index_name_prefix: `${indexName}-`,
      ...DATE_INDEX_NAME_SUFFIXES[rotation],
    },
  };
};

/**
 * The processors that move a document to the rotated index of its order's date (none without rotation): the
 * date read as the mapping reads it, turned into milliseconds since the epoch, because `date_index_name`
 * rounds and formats a date in the offset it was written with (`2026-11-21T22:30:00-05:00` would go to the
 * 21st, where Firehose's UTC names put 03:30 UTC on the 22nd); then the routing; then the time taken out.
 * A date that does not parse leaves the document in the index Firehose sent it to.
 */
const routingByOrderDate = (indexName: string, rotation: IndexRotation): Record<string, unknown>[] => {
  if (rotation === 'NoRotation') return [];
  return [
    {
      date: {
        description: 'Reads the order date as the mapping does (UTC when it has no offset)',
        if: HAS_DATE,
        field: 'date',
        target_field: ORDER_TIME_FIELD,
        formats: [ORDER_DATE_FORMAT],
        timezone: 'UTC',
        output_format: 'epoch_millis',
        ignore_failure: true,
      },
    },
    routingProcessor(indexName, rotation),
    { remove: { field: ORDER_TIME_FIELD, ignore_missing: true } },
  ];
};

/**
 * `PUT _ingest/pipeline/<name>`, the default pipeline of every rotated index: one document per order, however
 * often it is delivered. Firehose gives every delivery its own document id (it cannot take one from the
 * record) and files it under the index of the delivery time; this pipeline replaces both with the order's:
 * the id becomes the order id, and the index the rotated index of the order's date, so a second delivery,
 * even on another day, replaces the first. Documents without an order id (the transform's quarantined
 * records) or without a date that parses keep Firehose's id or index, and are still indexed.
 *
 * OpenSearch runs an index's default pipeline once: when it moves a document to another index, that index's
 * default pipeline does not run again (the new index's final pipeline would).
 */
export const orderIngestPipeline = ({ indexName, rotation }: OrderIndexSettings) => ({
  description: `One document per order in the ${indexName} indices: the order id as document id, the rotated index of the order's date`,
  processors: [
    {
      set: {
        description: 'The order id is the document id',
        if: HAS_ORDER_ID,
        field: '_id',
        // Triple braces: the id as it is, not HTML-escaped.
        value: '{{{id}}}',
      },
    },
    ...routingByOrderDate(indexName, rotation),
  ],
});
