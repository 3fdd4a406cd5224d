/**
 * The building blocks of the cost model: the calendar, sizes, the facts about how services count what they
 * bill (each with its source or marked as an assumption), and the line items built from a quantity and a
 * price. Pure: no input/output, no AWS.
 */
import type { FunctionDuration } from './measured-durations';
import type { Price, PriceKey, PriceTable } from './prices';
import type { Architecture } from './template-settings';

/** The model's month: 30.4 days (365/12 = 30.42), as AWS's pricing examples take it. */
export const DAYS_PER_MONTH = 30.4;
export const SECONDS_PER_DAY = 86_400;
export const SECONDS_PER_MONTH = DAYS_PER_MONTH * SECONDS_PER_DAY;
export const HOURS_PER_MONTH = DAYS_PER_MONTH * 24;

/** AWS bills storage and transfer in GB of 2^30 bytes. */
export const GB = 1024 ** 3;
export const KB = 1024;
export const MB = 1024 ** 2;

/** SNS and SQS bill each 64 KB chunk of a payload as one request (their pricing pages). */
export const BILLING_CHUNK_BYTES = 64 * KB;
/** Firehose rounds each record up to the next 5 KB for Direct PUT ingestion (its pricing page). */
export const FIREHOSE_RECORD_UNIT_BYTES = 5 * KB;
/** DynamoDB: a write request unit writes up to 1 KB; a strongly consistent read unit reads up to 4 KB. */
export const DYNAMODB_WRITE_UNIT_BYTES = KB;
export const DYNAMODB_READ_UNIT_BYTES = 4 * KB;
/** DynamoDB bills 100 bytes of overhead per item in a table's storage (DynamoDB developer guide). */
export const DYNAMODB_ITEM_OVERHEAD_BYTES = 100;

/**
 * Lambda's SQS poller when the queue is idle: "When traffic is low, Lambda scales back the processing to
 * five concurrent batches, and can optimize to as few as 2 ... this optimization is not available when
 * you enable the maximum concurrency setting" (Lambda developer guide, "Configuring scaling behavior for
 * SQS event source mappings"). The model keeps 5 for every polled queue (for a queue without maximum
 * concurrency, an upper bound), each making one ReceiveMessage per long poll.
 */
export const LAMBDA_SQS_IDLE_POLLERS = 5;
/** Assumed long-poll wait of Lambda's pollers: 20 s, the SQS maximum (SQS quotas: "long polling wait time"). */
export const SQS_LONG_POLL_SECONDS = 20;

/**
 * SSE-KMS on SQS: "R = B / D * (2 * P + C)" KMS requests per queue, B the billing period, D the data key
 * reuse period, P the producing and C the consuming principals (SQS FAQ, "How do I estimate my AWS KMS
 * usage costs?").
 */
export const sqsKmsRequests = (reusePeriodSeconds: number, producers: number, consumers: number) =>
  (SECONDS_PER_MONTH / reusePeriodSeconds) * (2 * producers + consumers);

/**
 * Assumption for the other users of the customer managed key: each caches a data key (or table or bucket
 * key) for about 5 minutes, so one KMS request per 5 minutes while it is in use. DynamoDB documents this
 * ("stores ... locally for 5 minutes" per connection); for SNS topics, S3 Bucket Keys and Firehose streams
 * it is an assumption of this model.
 */
export const ASSUMED_KEY_CACHE_SECONDS = 300;

export const chunksOf = (bytes: number, chunkBytes: number) => Math.max(1, Math.ceil(bytes / chunkBytes));

/** A price as a line item shows it. */
export interface UnitPrice {
  name: string;
  usd: number;
  per: number;
  unit: string;
}

export interface LineItem {
  /** Stable key, for JSON readers and tests: `checkout.sqs`. */
  id: string;
  service: string;
  description: string;
  /** Per month, in the price's unit. */
  quantity: number;
  price: UnitPrice;
  monthlyUsd: number;
  /** How the quantity is made up. */
  detail: string;
}

export const lineItem = (
  price: Price & { name: string },
  fields: { id: string; service: string; description: string; quantity: number; detail: string },
): LineItem => ({
  ...fields,
  price: { name: price.name, usd: price.usd, per: price.per, unit: price.unit },
  monthlyUsd: (fields.quantity / price.per) * price.usd,
});

/** The prices the model is given, and the instance-hour prices of the search domain. */
export interface PriceBook {
  table: PriceTable;
  openSearchInstanceHours: Record<string, Price>;
}

export const priced = (book: PriceBook, key: PriceKey): Price & { name: string } => ({
  ...book.table[key],
  name: key,
});

/** How many requests one queue's traffic makes. */
export interface QueueRequests {
  /** SendMessage (by SNS, or a forwarder), per 64 KB chunk. */
  sends: number;
  /** ReceiveMessage calls that return a batch, per 64 KB chunk of the batch. */
  receives: number;
  /** DeleteMessageBatch, one per batch. */
  deletes: number;
  /** Empty long polls of Lambda's idle pollers. */
  idlePolls: number;
  total: number;
}

export const queueRequests = (args: {
  messages: number;
  messageBytes: number;
  batchSize: number;
  /** Whether a Lambda event source mapping polls the queue. */
  polled: boolean;
}): QueueRequests => {
  const { messages, messageBytes, batchSize, polled } = args;
  const sends = messages * chunksOf(messageBytes, BILLING_CHUNK_BYTES);
  const batches = polled ? Math.ceil(messages / batchSize) : 0;
  const receives = batches * chunksOf(Math.min(messages, batchSize) * messageBytes, BILLING_CHUNK_BYTES);
  const deletes = batches;
  const idlePolls = polled ? (LAMBDA_SQS_IDLE_POLLERS * SECONDS_PER_MONTH) / SQS_LONG_POLL_SECONDS : 0;
  return { sends, receives, deletes, idlePolls, total: sends + receives + deletes + idlePolls };
};

export const queueDetail = (requests: QueueRequests) =>
  [
    `${count(requests.sends)} sends`,
    requests.receives > 0 ? `${count(requests.receives)} receives` : '',
    requests.deletes > 0 ? `${count(requests.deletes)} batch deletes` : '',
    requests.idlePolls > 0
      ? `${count(requests.idlePolls)} empty long polls (${LAMBDA_SQS_IDLE_POLLERS} pollers, one per ${SQS_LONG_POLL_SECONDS} s)`
      : '',
  ]
    .filter(Boolean)
    .join(' + ');

/** A whole number with thousands separators (rounded). */
export const count = (value: number) => Math.round(value).toLocaleString('en-US');

export interface LambdaUse {
  id: string;
  service?: string;
  functionName: string;
  invocations: number;
  duration: FunctionDuration;
  memoryMb: number;
  architecture: Architecture;
  coldStartShare: number;
}

/** A function's requests and its billed duration (invocations, plus the init phase of the cold starts). */
export const lambdaItems = (book: PriceBook, use: LambdaUse): LineItem[] => {
  const { id, functionName, invocations, duration, memoryMb, architecture, coldStartShare } = use;
  const arm = architecture === 'arm64';
  const millisecondsEach = duration.invocationMs + coldStartShare * duration.initMs;
  const gbSeconds = (invocations * millisecondsEach * memoryMb) / 1000 / 1024;
  return [
    lineItem(priced(book, arm ? 'lambdaArmRequests' : 'lambdaX86Requests'), {
      id: `${id}.requests`,
      service: 'Lambda',
      description: `${functionName} requests`,
      quantity: invocations,
      detail: `one per ${duration.invocationOf}`,
    }),
    lineItem(priced(book, arm ? 'lambdaArmDuration' : 'lambdaX86Duration'), {
      id: `${id}.duration`,
      service: 'Lambda',
      description: `${functionName} duration (${architecture}, ${memoryMb} MB)`,
      quantity: gbSeconds,
      detail: `${count(invocations)} x (${duration.invocationMs} ms + ${formatShare(coldStartShare)} cold starts x ${duration.initMs} ms init) x ${memoryMb} MB`,
    }),
  ];
};

export const formatShare = (share: number) => `${Number((share * 100).toPrecision(4))} %`;
