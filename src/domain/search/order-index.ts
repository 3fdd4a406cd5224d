/**
 * How orders are indexed for analysts (SPEC §3.4): the index template that types the fields, the alias
 * spanning the rotated indices, the ISM policy that deletes old ones, and Firehose's rotated index names.
 * Used by the index set-up function in AWS, by the local stack, and by the analysts' CLI.
 */

export type IndexRotationPeriod = 'OneHour' | 'OneDay' | 'OneWeek' | 'OneMonth';

const keyword = { type: 'keyword' } as const;
const text = { type: 'text' } as const;
const searchableKeyword = { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 256 } } } as const;
const money = { type: 'scaled_float', scaling_factor: 100 } as const;

/** The field types of an indexed order (the transform has reduced `payment.card` to network and last 4). */
export const ORDER_MAPPINGS = {
  dynamic: true,
  properties: {
    id: keyword,
    date: { type: 'date', format: 'strict_date_optional_time' },
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
}

export const indexTemplateName = (indexName: string) => `${indexName}-template`;
export const retentionPolicyName = (indexName: string) => `${indexName}-retention`;
export const rotatedIndexPattern = (indexName: string) => `${indexName}-*`;

/** `PUT _index_template/<name>`: every rotated index gets the mappings and joins the alias. */
export const orderIndexTemplate = ({ indexName, replicas }: OrderIndexSettings) => ({
  index_patterns: [rotatedIndexPattern(indexName)],
  priority: 100,
  template: {
    settings: { number_of_shards: 1, number_of_replicas: replicas },
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
