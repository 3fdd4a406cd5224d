/**
 * The local stack under load (SPEC §6): orders posted through the API by concurrent keep-alive partner
 * clients at a fixed rate, then the time until every order is in the table, the archive and the index; the
 * same again with 20,000 orders waiting in the replay queue. The two runs are each other's baseline: with
 * a flat cost per message, the second matches the first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION, localClientConfig } from '../../local/aws-config';
import { silentLog } from '../../local/log';
import { type LocalStack, startLocalStack } from '../../local/stack/local-stack';
import { driveLoad, type LoadResult, timeUntilCount } from '../lib/load-driver';
import { orderGenerator } from '../lib/orders';
import { median, percentile, round } from '../lib/stats';
import type { Row } from '../suite';

const numberFromEnvironment = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const RATE = numberFromEnvironment('BENCH_LOCAL_STACK_RATE', 100);
const SECONDS = numberFromEnvironment('BENCH_LOCAL_STACK_SECONDS', 60);
const CLIENTS = numberFromEnvironment('BENCH_LOCAL_STACK_CLIENTS', 16);
const WAITING = numberFromEnvironment('BENCH_LOCAL_STACK_WAITING', 20_000);
/** Seconds of load before the measured run: the functions' first environments start (cold) in it. */
const WARM_UP_SECONDS = numberFromEnvironment('BENCH_LOCAL_STACK_WARM_UP_SECONDS', 10);
/** SPEC §6: every order in every store within 15 s of the last send; the bench waits longer to measure. */
const DRAIN_TIMEOUT_MS = 120_000;
const SEARCH_MINIMUM_AMOUNT = 100;

export const name = 'local stack';
export const description = `After ${WARM_UP_SECONDS} s of warm-up, ${RATE} orders/s offered for ${SECONDS} s from ${CLIENTS} keep-alive partner clients through the API of a local stack of its own (stage and partner throttles raised by --parameter-overrides); drain lag: from the last answer until every accepted order is in the table, the archive and (orders of ${SEARCH_MINIMUM_AMOUNT} or more) the index; lost: accepted orders missing from a store after ${DRAIN_TIMEOUT_MS / 1000} s; in DLQs: messages in the stack's dead-letter queues (cumulative). Target (SPEC §6): >= 100 orders/s accepted, p99 <= 250 ms, every lag <= 15 s, nothing lost, at both replay queue depths.`;
export const columns: Record<string, string> = {
  scenario: 'scenario',
  acceptedPerSecond: 'accepted/s',
  rejected: 'rejected',
  p50Ms: 'API p50 ms',
  p99Ms: 'API p99 ms',
  tableLagS: 'table lag s',
  archiveLagS: 'archive lag s',
  indexLagS: 'index lag s',
  lost: 'lost',
  deadLettered: 'in DLQs',
  sendBatchMs: 'SendMessageBatch ms',
};

interface Partner {
  token: string;
  apiKey: string;
}

const partnerOf = async (outputs: Record<string, string>): Promise<Partner> => {
  const credentials = Buffer.from(`${outputs.PartnerClientId}:${outputs.PartnerClientSecret}`).toString(
    'base64',
  );
  const response = await fetch(outputs.TokenUrl as string, {
    method: 'POST',
    headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(outputs.OrdersWriteScope as string)}`,
  });
  if (!response.ok)
    throw new Error(`The token endpoint answered ${response.status}: ${await response.text()}`);
  const { access_token } = (await response.json()) as { access_token: string };
  return { token: access_token, apiKey: outputs.PartnerApiKey as string };
};

/** Counts, from the outside, how many of a run's orders each store holds. */
const storeCounters = (outputs: Record<string, string>) => {
  const config = localClientConfig(outputs.AwsEndpointUrl as string, outputs.Region ?? LOCAL_REGION);
  const dynamodb = new DynamoDBClient(config);
  const s3 = new S3Client(config);
  const archivedIds = new Map<string, string[]>();

  const inTable = async (ids: ReadonlySet<string>) => {
    let found = 0;
    const pages = paginateScan(
      { client: dynamodb },
      {
        TableName: outputs.CheckoutTableName,
        ProjectionExpression: '#id',
        ExpressionAttributeNames: { '#id': 'id' },
      },
    );
    for await (const page of pages)
      for (const item of page.Items ?? []) if (ids.has(item.id?.S ?? '')) found += 1;
    return found;
  };

  /** Archive objects never change once written: each is read once. */
  const inArchive = async (ids: ReadonlySet<string>) => {
    const bucket = outputs.ArchiveBucketName as string;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket })) {
      for (const { Key } of page.Contents ?? []) {
        if (!Key || archivedIds.has(Key)) continue;
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const text = gunzipSync(Buffer.from((await object.Body?.transformToByteArray()) ?? [])).toString();
        archivedIds.set(
          Key,
          text
            .split('\n')
            .filter(Boolean)
            .map((line) => String((JSON.parse(line) as { id?: unknown }).id)),
        );
      }
    }
    return [...archivedIds.values()].flat().filter((id) => ids.has(id)).length;
  };

  const inIndex = async (ids: ReadonlySet<string>) => {
    if (ids.size === 0) return 0;
    const response = await fetch(`${outputs.SearchUrl}/${outputs.SearchIndexAlias}/_count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: { terms: { id: [...ids] } } }),
    });
    // Before the first bulk request the alias does not exist; while a shard starts the search answers 503.
    if (response.status === 404 || response.status === 503) return 0;
    if (!response.ok) throw new Error(`OpenSearch answered _count with ${response.status}`);
    return ((await response.json()) as { count: number }).count;
  };

  /** Messages in every dead-letter queue of the stack (outputs named *DeadLetterQueueUrl). */
  const deadLettered = async () => {
    const sqs = new SQSClient(config);
    let total = 0;
    for (const [name, url] of Object.entries(outputs)) {
      if (!name.endsWith('DeadLetterQueueUrl')) continue;
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      total +=
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    return total;
  };

  return { inTable, inArchive, inIndex, deadLettered };
};

const seconds = (ms: number | undefined) => (ms === undefined ? 'timed out' : round(ms / 1000, 1));

const runLoad = async (
  stack: LocalStack,
  scenario: string,
  seed: number,
  durationSeconds = SECONDS,
): Promise<Row> => {
  const { outputs } = stack;
  const partner = await partnerOf(outputs);
  const nextOrder = orderGenerator({ seed });
  const accepted = new Set<string>();
  const searchable = new Set<string>();
  const checkoutUrl = `${outputs.ApiUrl}checkout`;

  const result: LoadResult = await driveLoad(
    { ratePerSecond: RATE, durationSeconds, clients: CLIENTS },
    async () => {
      const order = nextOrder();
      const response = await fetch(checkoutUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${partner.token}`,
          'x-api-key': partner.apiKey,
          'content-type': 'application/json',
        },
        body: JSON.stringify(order),
      });
      await response.arrayBuffer();
      if (response.status === 202) {
        const id = order.id as string;
        accepted.add(id);
        if (((order.payment as { amount: number }).amount ?? 0) >= SEARCH_MINIMUM_AMOUNT) searchable.add(id);
      }
      return response.status;
    },
    202,
  );

  const counters = storeCounters(outputs);
  const [table, archive, index] = await Promise.all([
    timeUntilCount(() => counters.inTable(accepted), accepted.size, DRAIN_TIMEOUT_MS),
    timeUntilCount(() => counters.inArchive(accepted), accepted.size, DRAIN_TIMEOUT_MS, 1000),
    timeUntilCount(() => counters.inIndex(searchable), searchable.size, DRAIN_TIMEOUT_MS, 1000),
  ]);
  const rejected = Object.entries(result.rejected)
    .map(([status, count]) => `${count} x ${status === '0' ? 'no answer' : status}`)
    .join(', ');
  return {
    scenario,
    acceptedPerSecond: round(result.accepted / (result.elapsedMs / 1000), 1),
    rejected: rejected || '0',
    p50Ms: round(median(result.latenciesMs), 1),
    p99Ms: round(percentile(result.latenciesMs, 99), 1),
    tableLagS: seconds(table.ms),
    archiveLagS: seconds(archive.ms),
    indexLagS: seconds(index.ms),
    lost: accepted.size - table.found + (accepted.size - archive.found) + (searchable.size - index.found),
    deadLettered: await counters.deadLettered(),
  };
};

/** Fills the replay queue with `count` orders as SNS delivers them; gives the median SendMessageBatch ms. */
const fillReplayQueue = async (stack: LocalStack, count: number) => {
  const { outputs } = stack;
  const sqs = new SQSClient(
    localClientConfig(outputs.AwsEndpointUrl as string, outputs.Region ?? LOCAL_REGION),
  );
  const nextOrder = orderGenerator({ seed: 7 });
  const timings: number[] = [];
  let sent = 0;
  const sender = async () => {
    while (sent < count) {
      const size = Math.min(10, count - sent);
      sent += size;
      const entries = Array.from({ length: size }, (_, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(nextOrder()),
      }));
      const started = performance.now();
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: outputs.ReplayQueueUrl, Entries: entries }),
      );
      timings.push(performance.now() - started);
      if (Failed.length > 0) throw new Error(`Filling the replay queue failed: ${Failed[0]?.Message}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  const tenth = Math.max(1, Math.floor(timings.length / 10));
  return { first: median(timings.slice(0, tenth)), last: median(timings.slice(-tenth)) };
};

export const run = async (): Promise<Row[]> => {
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-local-stack-'));
  const stack = await startLocalStack({
    host: '127.0.0.1',
    apiPort: 0,
    motoPort: 0,
    lambdaPort: 0,
    cognitoPort: 0,
    parameterOverrides: {
      ApiThrottlingRateLimit: '10000',
      ApiThrottlingBurstLimit: '5000',
      PartnerThrottlingRateLimit: '10000',
      PartnerThrottlingBurstLimit: '5000',
    },
    stateDir,
    region: LOCAL_REGION,
    stackName: 'bench',
    retryDelaySeconds: 2,
    firehoseBufferIntervalSeconds: 5,
    build: true,
    log: silentLog,
  });
  try {
    await runLoad(stack, 'warm-up', 99, WARM_UP_SECONDS);
    const empty = await runLoad(stack, 'replay queue empty', 1);
    const fill = await fillReplayQueue(stack, WAITING);
    const waiting = await runLoad(stack, `${WAITING.toLocaleString('en-US')} waiting in the replay queue`, 2);
    return [
      { ...empty, sendBatchMs: round(fill.first, 1) },
      { ...waiting, sendBatchMs: round(fill.last, 1) },
    ];
  } finally {
    await stack.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
};
