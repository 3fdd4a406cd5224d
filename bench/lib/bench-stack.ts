/**
 * What the suites that run a local stack of their own share: starting one in-process (free ports, its state
 * in a temporary folder, throttles raised), the partner's credentials, posting orders through its API at a
 * fixed rate, and waiting until the accepted orders are in the table, the archive and the index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION, localClientConfig } from '../../local/aws-config';
import { silentLog } from '../../local/log';
import { type LocalStack, startLocalStack } from '../../local/stack/local-stack';
import { driveLoad, type LoadPlan, type LoadResult, timeUntilCount } from './load-driver';
import { orderGenerator } from './orders';

/** A positive number from the environment variable `name`, or `fallback` when it is unset. */
export const numberFromEnvironment = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

/** The search pipeline's filter policy takes the orders of this amount or more. */
export const SEARCH_MINIMUM_AMOUNT = 100;

/** A local stack of the bench's own, and how to stop it and remove its state. */
export interface BenchStack {
  stack: LocalStack;
  stop(): Promise<void>;
}

/**
 * Starts a local stack named "bench" in-process on free ports, its state in a fresh temporary folder whose
 * name starts with `stateDirPrefix`, with the stage and partner throttles raised (--parameter-overrides) so
 * that the load is not throttled. It runs `sam build` first unless LOCAL_SKIP_BUILD=1 (as `npm start`: when
 * `.aws-sam/build` is current).
 */
export const startBenchStack = async (stateDirPrefix: string): Promise<BenchStack> => {
  const stateDir = mkdtempSync(join(tmpdir(), stateDirPrefix));
  try {
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
      build: process.env.LOCAL_SKIP_BUILD !== '1',
      log: silentLog,
    });
    return {
      stack,
      stop: async () => {
        try {
          await stack.stop();
        } finally {
          rmSync(stateDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
};

interface Partner {
  token: string;
  apiKey: string;
}

/** The stack's first partner: an access token (client credentials) and its API key. */
export const partnerOf = async (outputs: Record<string, string>): Promise<Partner> => {
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

/** What a run of posted orders gives: the load's answers, and the ids of the orders accepted. */
export interface PostedOrders {
  result: LoadResult;
  accepted: Set<string>;
  /** The accepted orders the search pipeline takes (amount of SEARCH_MINIMUM_AMOUNT or more). */
  searchable: Set<string>;
}

/**
 * Posts orders (seeded: `seed` gives the same orders every run) to POST /checkout as the stack's first
 * partner, at the plan's rate from its keep-alive clients.
 */
export const postOrders = async (stack: LocalStack, plan: LoadPlan, seed: number): Promise<PostedOrders> => {
  const { outputs } = stack;
  const partner = await partnerOf(outputs);
  const nextOrder = orderGenerator({ seed });
  const accepted = new Set<string>();
  const searchable = new Set<string>();
  const checkoutUrl = `${outputs.ApiUrl}checkout`;

  const result = await driveLoad(
    plan,
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
  return { result, accepted, searchable };
};

/** Counts, from the outside, how many of a run's orders each store holds. */
export const storeCounters = (outputs: Record<string, string>) => {
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

/**
 * Waits until every accepted order is in the table and the archive, and every searchable one in the index,
 * or `timeoutMs` passes: for each store, the milliseconds it took (undefined: timed out) and what it holds.
 */
export const waitForStores = async (
  counters: ReturnType<typeof storeCounters>,
  { accepted, searchable }: Pick<PostedOrders, 'accepted' | 'searchable'>,
  timeoutMs: number,
) => {
  const [table, archive, index] = await Promise.all([
    timeUntilCount(() => counters.inTable(accepted), accepted.size, timeoutMs),
    timeUntilCount(() => counters.inArchive(accepted), accepted.size, timeoutMs, 1000),
    timeUntilCount(() => counters.inIndex(searchable), searchable.size, timeoutMs, 1000),
  ]);
  return { table, archive, index };
};
