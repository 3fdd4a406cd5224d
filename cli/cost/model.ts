/**
 * The cost model: from the inputs (orders a day and the rest), the project's settings (read from the
 * templates) and the function durations, the monthly line items of each pipeline, for this project's
 * design or for the original AWS Event Fork Pipelines design (see original-design.ts). Pure: no
 * input/output, no AWS.
 */
import { CliError } from '../shared/errors';
import { plural } from '../shared/format';
import {
  ASSUMED_KEY_CACHE_SECONDS,
  BILLING_CHUNK_BYTES,
  chunksOf,
  count,
  DAYS_PER_MONTH,
  DYNAMODB_ITEM_OVERHEAD_BYTES,
  DYNAMODB_READ_UNIT_BYTES,
  DYNAMODB_WRITE_UNIT_BYTES,
  FIREHOSE_RECORD_UNIT_BYTES,
  GB,
  HOURS_PER_MONTH,
  KB,
  type LineItem,
  lambdaItems,
  lineItem,
  MB,
  type PriceBook,
  priced,
  queueDetail,
  queueRequests,
  SECONDS_PER_DAY,
  SECONDS_PER_MONTH,
  sqsKmsRequests,
} from './line-items';
import type { DurationTable } from './measured-durations';
import { forwardingHopItems } from './original-design';
import { OPENSEARCH_INSTANCE_HOURS, PRICES } from './prices';
import type { DeliveryStreamSettings, ProjectSettings } from './template-settings';

export interface CostInputs {
  ordersPerDay: number;
  /** Bytes of an order as the API publishes it (the message body). */
  averageOrderBytes: number;
  /** Share of orders the search pipeline's filter policy takes (amount >= 100). */
  searchShare: number;
  /** Share of invocations that start a new execution environment (billed init phase). */
  coldStartShare: number;
  /** Compressed / uncompressed size of an archive object. */
  gzipRatio: number;
  /** How long a partner reuses one access token. */
  tokenLifetimeMinutes: number;
  /** Storage is priced as it stands at the end of this month of traffic (data accumulates). */
  storageMonth: number;
}

export interface Scenario {
  inputs: CostInputs;
  settings: ProjectSettings;
  durations: DurationTable;
}

export type Design = 'this' | 'original';

export const PIPELINES = ['api', 'checkout', 'storage', 'search', 'replay', 'operations'] as const;
export type PipelineId = (typeof PIPELINES)[number];

export const PIPELINE_NAMES: Record<PipelineId, string> = {
  api: 'checkout API and topic',
  checkout: 'checkout processing',
  storage: 'storage and backup',
  search: 'search and analytics',
  replay: 'event replay',
  operations: 'operations (optional)',
};

export interface PipelineCost {
  id: PipelineId;
  name: string;
  items: LineItem[];
  monthlyUsd: number;
  /** CloudWatch alarms and dashboard: shown, and left out of `totalWithoutOptionalUsd`. */
  optional: boolean;
}

export interface CostEstimate {
  design: Design;
  pipelines: PipelineCost[];
  totalUsd: number;
  totalWithoutOptionalUsd: number;
}

/**
 * Sizes and counts the model assumes about the project's own data (estimates, not prices): the message
 * attributes the API adds to each publish (amount, currency, customerId, partnerId), the attributes
 * CheckoutFunction adds to an order's item (orderId, a checksum), an idempotency record, and the writes
 * Powertools Idempotency makes per accepted order (a conditional PutItem in progress, then an UpdateItem).
 */
export const ORDER_ATTRIBUTE_BYTES = 120;
export const CHECKOUT_ITEM_EXTRA_BYTES = 90;
export const IDEMPOTENCY_RECORD_BYTES = 300;
export const IDEMPOTENCY_WRITES_PER_ORDER = 2;
/** S3 Lifecycle's default since September 2024 (all_storage_classes_128K): smaller objects never transition. */
export const S3_TRANSITION_MIN_OBJECT_BYTES = 128 * KB;
/** Each object in Glacier Flexible Retrieval adds 32 KB billed at its rate and 8 KB at S3 Standard. */
export const GLACIER_OBJECT_OVERHEAD = { glacierBytes: 32 * KB, standardBytes: 8 * KB };

/** The monthly volumes the line items count. */
export interface Volumes {
  ordersPerMonth: number;
  searchOrdersPerMonth: number;
  /** An order's message with its attributes. */
  messageBytes: number;
  checkoutItemBytes: number;
  checkoutBatches: number;
  breakerChecks: number;
  archive: StreamVolumes;
  search: StreamVolumes;
  /** Archive storage at the end of `storageMonth`, by class, in GB. */
  archiveStorage: ArchiveStorage;
  checkoutTableGb: number;
  idempotencyTableGb: number;
  /** Estimated size of the search indices kept (IndexRetentionInDays of documents). */
  searchIndexGb: number;
}

export interface StreamVolumes {
  records: number;
  rawBytes: number;
  billedGb: number;
  transformInvocations: number;
  /** Objects written to S3 (the archive) or bulk requests (the search stream). */
  deliveries: number;
  /** Compressed size of one archive object. */
  objectBytes: number;
}

export interface ArchiveStorage {
  standardGb: number;
  standardIaGb: number;
  glacierGb: number;
  transitionsToStandardIa: number;
  transitionsToGlacier: number;
  /** Whether the objects are large enough for the lifecycle's transitions to apply at all. */
  transitions: boolean;
}

/** Lambda processor invocations: per processor buffer interval, or per buffer size, never more than records. */
const transformInvocations = (records: number, rawBytes: number, stream: DeliveryStreamSettings) =>
  Math.min(
    records,
    Math.max(
      SECONDS_PER_MONTH / stream.processorBufferIntervalSeconds,
      rawBytes / (stream.processorBufferSizeMb * MB),
    ),
  );

const streamVolumes = (
  records: number,
  recordBytes: number,
  stream: DeliveryStreamSettings,
  compressionRatio: number,
): StreamVolumes => {
  const rawBytes = records * recordBytes;
  const deliveries = Math.min(
    records,
    Math.max(SECONDS_PER_MONTH / stream.bufferIntervalSeconds, rawBytes / (stream.bufferSizeMb * MB)),
  );
  return {
    records,
    rawBytes,
    billedGb: (records * chunksOf(recordBytes, FIREHOSE_RECORD_UNIT_BYTES) * FIREHOSE_RECORD_UNIT_BYTES) / GB,
    transformInvocations: transformInvocations(records, rawBytes, stream),
    deliveries,
    objectBytes: deliveries > 0 ? (rawBytes / deliveries) * compressionRatio : 0,
  };
};

/** Days of data, at the end of `ageDays` of traffic, whose age is in [from, to). */
const daysAged = (ageDays: number, from: number, to: number) => Math.max(0, Math.min(ageDays, to) - from);

/** Objects per month reaching `days` of age during the month that ends at `ageDays`. */
const reachingAge = (ageDays: number, days: number, objectsPerDay: number) =>
  objectsPerDay * Math.min(DAYS_PER_MONTH, Math.max(0, ageDays - days));

export const archiveStorageAt = (
  archive: StreamVolumes,
  settings: ProjectSettings['archive'],
  storageMonth: number,
): ArchiveStorage => {
  const ageDays = storageMonth * DAYS_PER_MONTH;
  /** Compressed GB archived a day. */
  const perDay = (archive.deliveries * archive.objectBytes) / GB / DAYS_PER_MONTH;
  const objectsPerDay = archive.deliveries / DAYS_PER_MONTH;
  const { transitionToStandardIaDays: toIa, transitionToGlacierDays: toGlacier, expirationDays } = settings;
  const transitions = archive.objectBytes >= S3_TRANSITION_MIN_OBJECT_BYTES;
  if (!transitions) {
    return {
      standardGb: perDay * daysAged(ageDays, 0, expirationDays),
      standardIaGb: 0,
      glacierGb: 0,
      transitionsToStandardIa: 0,
      transitionsToGlacier: 0,
      transitions,
    };
  }
  const glacierObjects = objectsPerDay * daysAged(ageDays, toGlacier, expirationDays);
  return {
    standardGb:
      perDay * daysAged(ageDays, 0, toIa) + (glacierObjects * GLACIER_OBJECT_OVERHEAD.standardBytes) / GB,
    standardIaGb: perDay * daysAged(ageDays, toIa, toGlacier),
    glacierGb:
      perDay * daysAged(ageDays, toGlacier, expirationDays) +
      (glacierObjects * GLACIER_OBJECT_OVERHEAD.glacierBytes) / GB,
    transitionsToStandardIa: reachingAge(ageDays, toIa, objectsPerDay),
    transitionsToGlacier: reachingAge(ageDays, toGlacier, objectsPerDay),
    transitions,
  };
};

export const volumesOf = ({ inputs, settings }: Scenario): Volumes => {
  const ordersPerMonth = inputs.ordersPerDay * DAYS_PER_MONTH;
  const searchOrdersPerMonth = ordersPerMonth * inputs.searchShare;
  const compression = settings.archive.compression === 'UNCOMPRESSED' ? 1 : inputs.gzipRatio;
  const archive = streamVolumes(ordersPerMonth, inputs.averageOrderBytes, settings.archive, compression);
  const search = streamVolumes(searchOrdersPerMonth, inputs.averageOrderBytes, settings.search, 1);
  const checkoutItemBytes = inputs.averageOrderBytes + CHECKOUT_ITEM_EXTRA_BYTES;
  const idempotencyItems = Math.min(
    ordersPerMonth,
    (inputs.ordersPerDay * settings.orderIdRetentionSeconds) / SECONDS_PER_DAY,
  );
  return {
    ordersPerMonth,
    searchOrdersPerMonth,
    messageBytes: inputs.averageOrderBytes + ORDER_ATTRIBUTE_BYTES,
    checkoutItemBytes,
    checkoutBatches: Math.ceil(ordersPerMonth / settings.checkout.batchSize),
    breakerChecks: settings.circuitBreaker.checksPerDay * DAYS_PER_MONTH,
    archive,
    search,
    archiveStorage: archiveStorageAt(archive, settings.archive, inputs.storageMonth),
    checkoutTableGb:
      (ordersPerMonth * inputs.storageMonth * (checkoutItemBytes + DYNAMODB_ITEM_OVERHEAD_BYTES)) / GB,
    idempotencyTableGb: (idempotencyItems * (IDEMPOTENCY_RECORD_BYTES + DYNAMODB_ITEM_OVERHEAD_BYTES)) / GB,
    searchIndexGb:
      (inputs.ordersPerDay *
        inputs.searchShare *
        settings.search.indexRetentionDays *
        inputs.averageOrderBytes) /
      GB,
  };
};

/** KMS requests of a user of the key that caches what KMS gives it: at most one per operation. */
const cachedKeyRequests = (operations: number, cacheSeconds = ASSUMED_KEY_CACHE_SECONDS) =>
  Math.min(operations, SECONDS_PER_MONTH / cacheSeconds);

const kmsItem = (book: PriceBook, id: string, users: [what: string, requests: number][]): LineItem =>
  lineItem(priced(book, 'kmsRequests'), {
    id,
    service: 'KMS',
    description: 'requests for data keys (SSE-KMS)',
    quantity: users.reduce((sum, [, requests]) => sum + requests, 0),
    detail: users.map(([what, requests]) => `${what} ${count(requests)}`).join(' + '),
  });

const apiItems = (
  book: PriceBook,
  { inputs, settings, durations }: Scenario,
  volumes: Volumes,
): LineItem[] => {
  const orders = volumes.ordersPerMonth;
  const tokens = Math.min(
    orders,
    (settings.partners * SECONDS_PER_MONTH) / (inputs.tokenLifetimeMinutes * 60),
  );
  const publishChunks = chunksOf(volumes.messageBytes, BILLING_CHUNK_BYTES);
  const idempotencyWrites =
    orders * IDEMPOTENCY_WRITES_PER_ORDER * chunksOf(IDEMPOTENCY_RECORD_BYTES, DYNAMODB_WRITE_UNIT_BYTES);
  return [
    lineItem(priced(book, 'apiGatewayRestRequests'), {
      id: 'api.api-gateway',
      service: 'API Gateway',
      description: 'REST API requests (POST /checkout)',
      quantity: orders,
      detail: 'one per order',
    }),
    lineItem(priced(book, 'cognitoTokenRequests'), {
      id: 'api.cognito-tokens',
      service: 'Cognito',
      description: 'access tokens (client credentials)',
      quantity: tokens,
      detail: `${plural(settings.partners, 'partner')}, each reusing a token for ${inputs.tokenLifetimeMinutes} min`,
    }),
    lineItem(priced(book, 'cognitoAppClients'), {
      id: 'api.cognito-app-clients',
      service: 'Cognito',
      description: 'machine-to-machine app clients',
      quantity: settings.partners,
      detail: 'one per partner (Partners)',
    }),
    ...lambdaItems(book, {
      id: 'api.lambda',
      functionName: 'CheckoutApiFunction',
      invocations: orders,
      duration: durations.CheckoutApiFunction,
      ...settings.functions.CheckoutApiFunction,
      coldStartShare: inputs.coldStartShare,
    }),
    lineItem(priced(book, 'dynamodbWriteRequestUnits'), {
      id: 'api.idempotency-writes',
      service: 'DynamoDB',
      description: 'IdempotencyTable writes',
      quantity: idempotencyWrites,
      detail: `${IDEMPOTENCY_WRITES_PER_ORDER} writes per order (in progress, completed), records under 1 KB`,
    }),
    lineItem(priced(book, 'dynamodbStorage'), {
      id: 'api.idempotency-storage',
      service: 'DynamoDB',
      description: 'IdempotencyTable storage',
      quantity: volumes.idempotencyTableGb,
      detail: `order ids kept ${settings.orderIdRetentionSeconds} s (TTL), ${IDEMPOTENCY_RECORD_BYTES} B + ${DYNAMODB_ITEM_OVERHEAD_BYTES} B each`,
    }),
    lineItem(priced(book, 'dynamodbPitrStorage'), {
      id: 'api.idempotency-pitr',
      service: 'DynamoDB',
      description: 'IdempotencyTable point-in-time recovery',
      quantity: volumes.idempotencyTableGb,
      detail: 'on the table size',
    }),
    lineItem(priced(book, 'snsPublishes'), {
      id: 'api.sns-publishes',
      service: 'SNS',
      description: 'publishes to CheckoutEventsTopic',
      quantity: orders * publishChunks,
      detail: `one per order (${count(volumes.messageBytes)} B with attributes: ${publishChunks} x 64 KB chunk)`,
    }),
    lineItem(priced(book, 'kmsKeys'), {
      id: 'api.kms-key',
      service: 'KMS',
      description: 'the customer managed key (EncryptionKey)',
      quantity: 1,
      detail: 'one key for every pipeline',
    }),
    kmsItem(book, 'api.kms-requests', [
      ['topic (publisher: 2 per 5 min)', 2 * cachedKeyRequests(orders)],
      ['IdempotencyTable', cachedKeyRequests(idempotencyWrites)],
    ]),
  ];
};

const checkoutItems = (
  book: PriceBook,
  { inputs, settings, durations }: Scenario,
  volumes: Volumes,
): LineItem[] => {
  const orders = volumes.ordersPerMonth;
  const queue = queueRequests({
    messages: orders,
    messageBytes: volumes.messageBytes,
    batchSize: settings.checkout.batchSize,
    polled: true,
  });
  const writes = orders * chunksOf(volumes.checkoutItemBytes, DYNAMODB_WRITE_UNIT_BYTES);
  const checks = volumes.breakerChecks;
  const reuse = settings.checkout.kmsDataKeyReusePeriodSeconds;
  return [
    lineItem(priced(book, 'snsSqsDeliveries'), {
      id: 'checkout.sns-deliveries',
      service: 'SNS',
      description: 'deliveries to CheckoutQueue',
      quantity: orders,
      detail: 'one per order; not charged',
    }),
    lineItem(priced(book, 'sqsRequests'), {
      id: 'checkout.sqs',
      service: 'SQS',
      description: 'CheckoutQueue requests',
      quantity: queue.total,
      detail: queueDetail(queue),
    }),
    ...lambdaItems(book, {
      id: 'checkout.lambda',
      functionName: 'CheckoutFunction',
      invocations: volumes.checkoutBatches,
      duration: durations.CheckoutFunction,
      ...settings.functions.CheckoutFunction,
      coldStartShare: inputs.coldStartShare,
    }),
    lineItem(priced(book, 'dynamodbWriteRequestUnits'), {
      id: 'checkout.table-writes',
      service: 'DynamoDB',
      description: 'CheckoutTable writes',
      quantity: writes,
      detail: `one conditional put per order, ${count(volumes.checkoutItemBytes)} B item = ${plural(chunksOf(volumes.checkoutItemBytes, DYNAMODB_WRITE_UNIT_BYTES), 'unit')}`,
    }),
    lineItem(priced(book, 'dynamodbStorage'), {
      id: 'checkout.table-storage',
      service: 'DynamoDB',
      description: `CheckoutTable storage (end of month ${inputs.storageMonth})`,
      quantity: volumes.checkoutTableGb,
      detail: `${count(orders * inputs.storageMonth)} orders kept (no expiry), ${count(volumes.checkoutItemBytes + DYNAMODB_ITEM_OVERHEAD_BYTES)} B each`,
    }),
    lineItem(priced(book, 'dynamodbPitrStorage'), {
      id: 'checkout.table-pitr',
      service: 'DynamoDB',
      description: 'CheckoutTable point-in-time recovery',
      quantity: volumes.checkoutTableGb,
      detail: 'on the table size',
    }),
    lineItem(priced(book, 'schedulerInvocations'), {
      id: 'checkout.breaker-schedule',
      service: 'EventBridge Scheduler',
      description: 'circuit breaker checks',
      quantity: checks,
      detail: `${count(settings.circuitBreaker.checksPerDay)} a day (CircuitBreakerSchedule)`,
    }),
    ...lambdaItems(book, {
      id: 'checkout.breaker-lambda',
      functionName: 'CircuitBreakerFunction',
      invocations: checks,
      duration: durations.CircuitBreakerFunction,
      ...settings.functions.CircuitBreakerFunction,
      coldStartShare: inputs.coldStartShare,
    }),
    lineItem(priced(book, 'dynamodbReadRequestUnits'), {
      id: 'checkout.breaker-reads',
      service: 'DynamoDB',
      description: 'CircuitBreakerTable reads',
      quantity: checks * chunksOf(1, DYNAMODB_READ_UNIT_BYTES),
      detail: 'one strongly consistent read per check (a closed circuit writes nothing)',
    }),
    kmsItem(book, 'checkout.kms-requests', [
      [`CheckoutQueue (SNS produces, Lambda consumes, key reused ${reuse} s)`, sqsKmsRequests(reuse, 1, 1)],
      ['CheckoutTable', cachedKeyRequests(writes)],
      ['CircuitBreakerTable', cachedKeyRequests(checks)],
    ]),
  ];
};

/** SNS's delivery of a pipeline's orders to its Firehose stream (this design) or to a forwarding queue. */
const intoFirehose = (
  book: PriceBook,
  design: Design,
  pipelineId: 'storage' | 'search',
  { inputs, durations }: Scenario,
  volumes: Volumes,
  records: number,
): LineItem[] =>
  design === 'this'
    ? [
        lineItem(priced(book, 'snsFirehoseDeliveries'), {
          id: `${pipelineId}.sns-deliveries`,
          service: 'SNS',
          description: 'deliveries to the Firehose stream',
          quantity: records * chunksOf(volumes.messageBytes, BILLING_CHUNK_BYTES),
          detail: 'one per order, per 64 KB chunk',
        }),
      ]
    : forwardingHopItems(book, {
        pipelineId,
        messages: records,
        messageBytes: volumes.messageBytes,
        durations,
        coldStartShare: inputs.coldStartShare,
      });

const firehoseItems = (
  book: PriceBook,
  pipelineId: 'storage' | 'search',
  stream: StreamVolumes,
  { inputs, settings, durations }: Scenario,
): LineItem[] => [
  lineItem(priced(book, 'firehoseIngestion'), {
    id: `${pipelineId}.firehose`,
    service: 'Firehose',
    description: 'ingestion (Direct PUT)',
    quantity: stream.billedGb,
    detail: `${count(stream.records)} records of ${count(inputs.averageOrderBytes)} B, each billed as ${chunksOf(inputs.averageOrderBytes, FIREHOSE_RECORD_UNIT_BYTES) * 5} KB; no format conversion`,
  }),
  ...lambdaItems(book, {
    id: `${pipelineId}.transform`,
    functionName: 'CardDataTransformFunction',
    invocations: stream.transformInvocations,
    duration: durations.CardDataTransformFunction,
    ...settings.functions.CardDataTransformFunction,
    coldStartShare: inputs.coldStartShare,
  }),
];

const storageItems = (book: PriceBook, design: Design, scenario: Scenario, volumes: Volumes): LineItem[] => {
  const { inputs, settings } = scenario;
  const { archive, archiveStorage: stored } = volumes;
  const lifecycle = stored.transitions
    ? `Standard-IA after ${settings.archive.transitionToStandardIaDays} days, Glacier after ${settings.archive.transitionToGlacierDays}, expiry after ${settings.archive.expirationDays}`
    : `objects of ${count(archive.objectBytes)} B are under S3 Lifecycle's 128 KB minimum: no transitions, expiry after ${settings.archive.expirationDays} days`;
  const transitionItems: LineItem[] = stored.transitions
    ? [
        lineItem(priced(book, 's3StandardIaStorage'), {
          id: 'storage.s3-standard-ia',
          service: 'S3',
          description: `archive in Standard-IA (end of month ${inputs.storageMonth})`,
          quantity: stored.standardIaGb,
          detail: lifecycle,
        }),
        lineItem(priced(book, 's3GlacierFlexibleStorage'), {
          id: 'storage.s3-glacier',
          service: 'S3',
          description: `archive in Glacier Flexible Retrieval (end of month ${inputs.storageMonth})`,
          quantity: stored.glacierGb,
          detail: 'with 32 KB of metadata per object',
        }),
        lineItem(priced(book, 's3TransitionsToStandardIa'), {
          id: 'storage.s3-transitions-ia',
          service: 'S3',
          description: 'lifecycle transitions to Standard-IA',
          quantity: stored.transitionsToStandardIa,
          detail: 'one per object',
        }),
        lineItem(priced(book, 's3TransitionsToGlacierFlexible'), {
          id: 'storage.s3-transitions-glacier',
          service: 'S3',
          description: 'lifecycle transitions to Glacier Flexible Retrieval',
          quantity: stored.transitionsToGlacier,
          detail: 'one per object',
        }),
      ]
    : [];
  return [
    ...intoFirehose(book, design, 'storage', scenario, volumes, archive.records),
    ...firehoseItems(book, 'storage', archive, scenario),
    lineItem(priced(book, 's3StandardPuts'), {
      id: 'storage.s3-puts',
      service: 'S3',
      description: 'archive objects written',
      quantity: archive.deliveries,
      detail: `one per ${settings.archive.bufferIntervalSeconds} s buffer or ${settings.archive.bufferSizeMb} MB, ${count(archive.objectBytes)} B each after ${settings.archive.compression}`,
    }),
    lineItem(priced(book, 's3StandardStorage'), {
      id: 'storage.s3-standard',
      service: 'S3',
      description: `archive in S3 Standard (end of month ${inputs.storageMonth})`,
      quantity: stored.standardGb,
      detail: lifecycle,
    }),
    ...transitionItems,
    kmsItem(book, 'storage.kms-requests', [
      ['delivery stream', cachedKeyRequests(archive.records)],
      [
        settings.archive.bucketKeyEnabled ? 'archive bucket (S3 Bucket Key)' : 'archive objects',
        settings.archive.bucketKeyEnabled ? cachedKeyRequests(archive.deliveries) : archive.deliveries,
      ],
    ]),
  ];
};

const searchItems = (book: PriceBook, design: Design, scenario: Scenario, volumes: Volumes): LineItem[] => {
  const { settings } = scenario;
  const { search } = settings;
  const hourly = book.openSearchInstanceHours[search.instanceType];
  if (!hourly) {
    throw new CliError(
      `no price for the OpenSearch instance type ${search.instanceType}: add it to OPENSEARCH_INSTANCE_HOURS in cli/cost/prices.ts`,
    );
  }
  if (search.volumeType !== 'gp3') {
    throw new CliError(`no price for ${search.volumeType} volumes: only gp3 is in cli/cost/prices.ts`);
  }
  return [
    ...intoFirehose(book, design, 'search', scenario, volumes, volumes.search.records),
    ...firehoseItems(book, 'search', volumes.search, scenario),
    lineItem(
      { ...hourly, name: `openSearch:${search.instanceType}` },
      {
        id: 'search.opensearch-instances',
        service: 'OpenSearch',
        description: `${search.instanceType} instances`,
        quantity: search.instanceCount * HOURS_PER_MONTH,
        detail: `${plural(search.instanceCount, 'instance')} all month; fixed, whatever the traffic`,
      },
    ),
    lineItem(priced(book, 'openSearchGp3Storage'), {
      id: 'search.opensearch-storage',
      service: 'OpenSearch',
      description: `EBS ${search.volumeType} volumes`,
      quantity: search.instanceCount * search.volumeGib,
      detail: `${search.instanceCount} x ${search.volumeGib} GiB; fixed`,
    }),
    kmsItem(book, 'search.kms-requests', [['delivery stream', cachedKeyRequests(volumes.search.records)]]),
  ];
};

const replayItems = (book: PriceBook, { settings }: Scenario, volumes: Volumes): LineItem[] => {
  const orders = volumes.ordersPerMonth;
  const queue = queueRequests({
    messages: orders,
    messageBytes: volumes.messageBytes,
    batchSize: settings.replay.batchSize,
    polled: settings.replay.enabled,
  });
  const reuse = settings.replay.kmsDataKeyReusePeriodSeconds;
  return [
    lineItem(priced(book, 'snsSqsDeliveries'), {
      id: 'replay.sns-deliveries',
      service: 'SNS',
      description: 'deliveries to ReplayQueue',
      quantity: orders,
      detail: 'one per order; not charged',
    }),
    lineItem(priced(book, 'sqsRequests'), {
      id: 'replay.sqs',
      service: 'SQS',
      description: 'ReplayQueue requests',
      quantity: queue.total,
      detail: settings.replay.enabled
        ? queueDetail(queue)
        : `${queueDetail(queue)}; the replay event source is disabled: no polling, orders expire after 14 days`,
    }),
    kmsItem(book, 'replay.kms-requests', [
      [
        `ReplayQueue (SNS produces${settings.replay.enabled ? ', Lambda consumes' : ''}, key reused ${reuse} s)`,
        sqsKmsRequests(reuse, 1, settings.replay.enabled ? 1 : 0),
      ],
    ]),
  ];
};

const operationsItems = (book: PriceBook, { settings }: Scenario): LineItem[] => [
  lineItem(priced(book, 'cloudwatchAlarms'), {
    id: 'operations.alarms',
    service: 'CloudWatch',
    description: 'alarms',
    quantity: settings.cloudwatch.alarms,
    detail: 'every AWS::CloudWatch::Alarm of the templates',
  }),
  lineItem(priced(book, 'cloudwatchDashboards'), {
    id: 'operations.dashboards',
    service: 'CloudWatch',
    description: 'dashboards',
    quantity: settings.cloudwatch.dashboards,
    detail: 'OperationsDashboard',
  }),
];

export const DEFAULT_PRICE_BOOK: PriceBook = {
  table: PRICES,
  openSearchInstanceHours: OPENSEARCH_INSTANCE_HOURS,
};

const sum = (items: readonly { monthlyUsd: number }[]) =>
  items.reduce((total, item) => total + item.monthlyUsd, 0);

/** The monthly cost of every pipeline of `design` for the scenario. */
export const estimateCost = (
  scenario: Scenario,
  design: Design = 'this',
  book: PriceBook = DEFAULT_PRICE_BOOK,
): CostEstimate => {
  const volumes = volumesOf(scenario);
  const itemsOf: Record<PipelineId, () => LineItem[]> = {
    api: () => apiItems(book, scenario, volumes),
    checkout: () => checkoutItems(book, scenario, volumes),
    storage: () => storageItems(book, design, scenario, volumes),
    search: () => searchItems(book, design, scenario, volumes),
    replay: () => replayItems(book, scenario, volumes),
    operations: () => operationsItems(book, scenario),
  };
  const pipelines = PIPELINES.map((id): PipelineCost => {
    const items = itemsOf[id]();
    return { id, name: PIPELINE_NAMES[id], items, monthlyUsd: sum(items), optional: id === 'operations' };
  });
  return {
    design,
    pipelines,
    totalUsd: sum(pipelines),
    totalWithoutOptionalUsd: sum(pipelines.filter((pipeline) => !pipeline.optional)),
  };
};
