import { writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { run, type StatusIo } from '../../../../cli/status/main';
import type { StatusJson } from '../../../../cli/status/report';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { SqsEventSource } from '../../../../local/event-sources/sqs-event-source';
import { DELIVERY_STREAM } from '../../../../local/firehose/delivery-stream';
import { FirehoseApiServer } from '../../../../local/firehose/firehose-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { type OpenSearchNode, startOpenSearchNode } from '../../../../local/opensearch/opensearch-node';
import { createFirehoseDeliveryStream } from '../../../../local/provisioners/firehose';
import { createSnsSubscription } from '../../../../local/provisioners/sns';
import { provision } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { DynamoDbCircuitBreakerStore } from '../../../../src/adapters/dynamodb-circuit-breaker-store';
import { recordFailures } from '../../../../src/domain/circuit-breaker';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import { runCli } from '../../../helpers/cli';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  recordingLog,
  stopHandles,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

// A real OpenSearch node (local/opensearch/runner): without a JDK 17+ this fails and says why.
jest.setTimeout(120_000);

const NOW = new Date('2026-11-21T18:00:00Z');
const stack = aStackFrame({ stackName: 'local' });
const arnOf = (service: string, resource: string) =>
  `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${resource}`;
const CHECKOUT_MAPPING = '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const REPLAY_MAPPING = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const QUEUES = [
  'CheckoutQueue',
  'CheckoutDeadLetterQueue',
  'CheckoutSubscriptionDeadLetterQueue',
  'ArchiveSubscriptionDeadLetterQueue',
  'SearchSubscriptionDeadLetterQueue',
  'ReplayQueue',
  'ReplayDeadLetterQueue',
  'ReplaySubscriptionDeadLetterQueue',
] as const;
type QueueName = (typeof QUEUES)[number];
/** A port nothing listens on: one the OS gave a server that is closed again. */
const closedPort = async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};
const BREAKER_SETTINGS = { failureThreshold: 5, windowSeconds: 60, coolDownSeconds: 300 };

/**
 * A stack built piece by piece as the local runtime builds it: moto's queues, topic and tables, the
 * topic's subscriptions through the runtime's own provisioner (firehose ones bridged by a queue), two
 * delivery streams served by the local Firehose API, the checkout and replay mappings served by the
 * local Lambda API, and a real OpenSearch node.
 */
describe('the status CLI against moto, the local Firehose and Lambda APIs and OpenSearch', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('status-cli');
  let runtime: LocalRuntime;
  let node: OpenSearchNode;
  let firehoseApi: FirehoseApiServer;
  let lambdaApi: LambdaApiServer;
  const sources: SqsEventSource[] = [];
  let sqs: SQSClient;
  let dynamodb: DynamoDBClient;
  const queueUrls = {} as Record<QueueName, string>;
  let outputs: Record<string, string>;

  const writeOutputs = (file: string, values: Record<string, string>) =>
    writeFileSync(join(dir.path, file), JSON.stringify(values));
  const runStatus = (...argv: string[]) =>
    runCli(run, [...(argv.includes('--outputs') ? argv : [...argv, '--outputs', 'outputs.json'])], {
      now: () => NOW,
      cwd: dir.path,
      env: {},
    });
  const runJson = async (...argv: string[]) => {
    const { code, stdout, stderr } = await runStatus('--json', ...argv);
    return { code, stderr, status: JSON.parse(stdout) as StatusJson };
  };

  const eventSource = async (name: 'CheckoutQueue' | 'ReplayQueue', uuid: string, enabled: boolean) => {
    const source = new SqsEventSource(
      {
        mapping: { uuid, functionArn: arnOf('lambda', `function:local-${name}Function`) },
        label: name,
        target: `local-${name}Function`,
        queueUrl: queueUrls[name],
        queueArn: arnOf('sqs', `local-${name}`),
        region: LOCAL_REGION,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        enabled,
        retryDelaySeconds: 1,
        quiet: true,
      },
      sqs,
      async () => ({ ok: true as const, result: { batchItemFailures: [] } }),
      recordingLog(),
    );
    await source.start();
    sources.push(source);
  };

  const subscribe = (logicalId: string, protocol: string, endpoint: string, deadLetterQueue: QueueName) =>
    provision(
      createSnsSubscription,
      aResourceToCreate(
        logicalId,
        'AWS::SNS::Subscription',
        {
          TopicArn: outputs.TopicArn,
          Protocol: protocol,
          Endpoint: endpoint,
          RawMessageDelivery: true,
          RedrivePolicy: { deadLetterTargetArn: arnOf('sqs', `local-${deadLetterQueue}`) },
        },
        stack,
      ),
      runtime,
    );

  const stream = (logicalId: string, name: string, destination: Record<string, unknown>) =>
    provision(
      createFirehoseDeliveryStream,
      aResourceToCreate(
        logicalId,
        'AWS::KinesisFirehose::DeliveryStream',
        { DeliveryStreamName: name, DeliveryStreamType: 'DirectPut', ...destination },
        stack,
      ),
      runtime,
    );

  beforeAll(async () => {
    node = await startOpenSearchNode({
      dataDir: join(dir.path, 'opensearch'),
      logFile: join(dir.path, 'opensearch.log'),
    });
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions: new FunctionHost(moto.environment(), dir.path),
      log: recordingLog(),
    });
    ({ sqs, dynamodb } = runtime.clients);
    for (const name of QUEUES) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `local-${name}` }));
      queueUrls[name] = QueueUrl as string;
    }
    for (const [table, key] of [
      ['local-CircuitBreakerTable', 'circuit'],
      ['local-ReplayStateTable', 'replay'],
    ]) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        }),
      );
    }
    await runtime.clients.s3.send(new CreateBucketCommand({ Bucket: 'local-archive' }));
    await runtime.clients.s3.send(new CreateBucketCommand({ Bucket: 'local-search-backup' }));
    await stream('ArchiveDeliveryStream', 'local-archive', {
      ExtendedS3DestinationConfiguration: { BucketARN: 'arn:aws:s3:::local-archive', Prefix: 'orders/' },
    });
    await stream('SearchDeliveryStream', 'local-search', {
      AmazonopensearchserviceDestinationConfiguration: {
        ClusterEndpoint: node.url,
        IndexName: 'orders',
        S3Configuration: { BucketARN: 'arn:aws:s3:::local-search-backup' },
      },
    });
    firehoseApi = new FirehoseApiServer(runtime.handles.view(DELIVERY_STREAM), runtime.log);
    const firehoseEndpoint = await firehoseApi.listen('127.0.0.1', 0);

    await eventSource('CheckoutQueue', CHECKOUT_MAPPING, true);
    await eventSource('ReplayQueue', REPLAY_MAPPING, false);
    lambdaApi = new LambdaApiServer(sources, recordingLog());
    const lambdaEndpoint = await lambdaApi.listen('127.0.0.1', 0);

    const { TopicArn } = await runtime.clients.sns.send(
      new CreateTopicCommand({ Name: 'local-CheckoutEventsTopic' }),
    );
    outputs = {
      AwsEndpointUrl: moto.server.endpoint,
      LambdaEndpointUrl: lambdaEndpoint,
      FirehoseEndpointUrl: firehoseEndpoint,
      Region: LOCAL_REGION,
      TopicArn: TopicArn as string,
      CheckoutQueueUrl: queueUrls.CheckoutQueue,
      CheckoutDeadLetterQueueUrl: queueUrls.CheckoutDeadLetterQueue,
      CheckoutSubscriptionDeadLetterQueueUrl: queueUrls.CheckoutSubscriptionDeadLetterQueue,
      CircuitBreakerTableName: 'local-CircuitBreakerTable',
      CheckoutEventSourceMappingId: CHECKOUT_MAPPING,
      ArchiveDeliveryStreamName: 'local-archive',
      ArchiveSubscriptionDeadLetterQueueUrl: queueUrls.ArchiveSubscriptionDeadLetterQueue,
      SearchDeliveryStreamName: 'local-search',
      SearchSubscriptionDeadLetterQueueUrl: queueUrls.SearchSubscriptionDeadLetterQueue,
      SearchUrl: node.url,
      SearchDomainArn: arnOf('es', 'domain/local-search'),
      ReplayQueueUrl: queueUrls.ReplayQueue,
      ReplayDeadLetterQueueUrl: queueUrls.ReplayDeadLetterQueue,
      ReplaySubscriptionDeadLetterQueueUrl: queueUrls.ReplaySubscriptionDeadLetterQueue,
      ReplayEventSourceMappingId: REPLAY_MAPPING,
      ReplayStateTableName: 'local-ReplayStateTable',
    };
    writeOutputs('outputs.json', outputs);

    await subscribe(
      'CheckoutSubscription',
      'sqs',
      arnOf('sqs', 'local-CheckoutQueue'),
      'CheckoutSubscriptionDeadLetterQueue',
    );
    await subscribe(
      'ArchiveSubscription',
      'firehose',
      arnOf('firehose', 'deliverystream/local-archive'),
      'ArchiveSubscriptionDeadLetterQueue',
    );
    await subscribe(
      'SearchSubscription',
      'firehose',
      arnOf('firehose', 'deliverystream/local-search'),
      'SearchSubscriptionDeadLetterQueue',
    );
    await subscribe(
      'ReplaySubscription',
      'sqs',
      arnOf('sqs', 'local-ReplayQueue'),
      'ReplaySubscriptionDeadLetterQueue',
    );
  });

  afterAll(async () => {
    for (const source of sources) await source.stop();
    await lambdaApi?.close();
    await firehoseApi?.close();
    if (runtime) {
      await stopHandles(runtime);
      await runtime.functions.stop();
    }
    await node?.stop();
    dir.remove();
  });

  it('finds every pipeline of the stack healthy and exits with 0', async () => {
    const { code, stdout, stderr } = await runStatus();

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.split('\n').slice(0, 7)).toEqual([
      `Status of the local stack (outputs.json) at ${NOW.toISOString()}`,
      '',
      'checkout processing   healthy    (queue 0 waiting, 0 in flight; DLQ 0; subscription DLQ 0; breaker closed)',
      'storage and backup    healthy    (stream ACTIVE; subscription DLQ 0)',
      expect.stringMatching(
        /^search and analytics {2}healthy {4}\(stream ACTIVE; domain (green|yellow); subscription DLQ 0\)$/,
      ),
      'event replay          healthy    (queue 0 waiting, 0 in flight; DLQ 0; subscription DLQ 0; no replay)',
      '',
    ]);
    expect(stdout).toContain(
      '  Delivery stream   local-archive: ACTIVE, to S3 bucket local-archive, encryption DISABLED\n',
    );
    expect(stdout).toContain(
      `  Delivery stream   local-search: ACTIVE, to OpenSearch ${node.url} (index orders)`,
    );
    expect(stdout).toMatch(
      new RegExp(`^  Search domain     ${node.url}: cluster health (green|yellow), 1 node`, 'm'),
    );
    expect(stdout).toContain(`  Event source      ${CHECKOUT_MAPPING}: Enabled\n`);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Every pipeline is healthy.');
  });

  it("recognises the local runtime's stand-in queues of the firehose subscriptions by their dead-letter queues", async () => {
    const { status } = await runJson();
    const subscriptions = (id: keyof StatusJson['pipelines']) => status.pipelines[id].subscriptions;

    expect(subscriptions('checkoutProcessing')).toEqual([
      expect.objectContaining({
        protocol: 'sqs',
        endpoint: arnOf('sqs', 'local-CheckoutQueue'),
        deadLetterQueueOutput: 'CheckoutSubscriptionDeadLetterQueueUrl',
        bridgeQueue: null,
      }),
    ]);
    for (const [id, output] of [
      ['storageBackup', 'ArchiveSubscriptionDeadLetterQueueUrl'],
      ['searchAnalytics', 'SearchSubscriptionDeadLetterQueueUrl'],
    ] as const) {
      expect(subscriptions(id)).toEqual([
        expect.objectContaining({
          protocol: 'firehose',
          deadLetterQueueOutput: output,
          deadLetterQueue: expect.objectContaining({ waiting: 0, inFlight: 0 }),
          bridgeQueue: expect.objectContaining({ name: expect.stringMatching(/-FirehoseBridge$/) }),
        }),
      ]);
    }
    expect(status.otherSubscriptions).toBeNull();
  });

  it('gives every figure and verdict as one JSON object with --json', async () => {
    const { code, status } = await runJson();

    expect(code).toBe(0);
    expect(status).toMatchObject({
      target: 'the local stack (outputs.json)',
      checkedAt: NOW.toISOString(),
      health: 'healthy',
      healthy: true,
      pipelines: {
        checkoutProcessing: {
          name: 'checkout processing',
          health: 'healthy',
          problems: [],
          queue: { name: 'local-CheckoutQueue', url: queueUrls.CheckoutQueue, waiting: 0, inFlight: 0 },
          deadLetterQueue: { name: 'local-CheckoutDeadLetterQueue', waiting: 0, inFlight: 0 },
          circuitBreaker: { state: 'closed', trips: 0, failures: 0 },
          eventSourceMapping: { uuid: CHECKOUT_MAPPING, state: 'Enabled' },
        },
        storageBackup: {
          health: 'healthy',
          deliveryStream: {
            name: 'local-archive',
            arn: arnOf('firehose', 'deliverystream/local-archive'),
            status: 'ACTIVE',
            destination: 'S3 bucket local-archive',
          },
          subscriptionDeadLetterQueue: { name: 'local-ArchiveSubscriptionDeadLetterQueue', waiting: 0 },
        },
        searchAnalytics: {
          health: 'healthy',
          deliveryStream: { name: 'local-search', status: 'ACTIVE' },
          domain: {
            kind: 'cluster',
            url: node.url,
            health: expect.stringMatching(/^(green|yellow)$/),
            nodes: 1,
          },
        },
        eventReplay: {
          health: 'healthy',
          queue: { name: 'local-ReplayQueue', waiting: 0 },
          replay: {
            replay: null,
            eventSourceMapping: { uuid: REPLAY_MAPPING, state: 'Disabled' },
            verdict: { code: 'no-replay' },
          },
        },
      },
    });
  });

  it('finds a pipeline unhealthy while a dead-letter queue of it holds a message, and exits with 1', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrls.ArchiveSubscriptionDeadLetterQueue,
        MessageBody: '{"id":"o-1"}',
      }),
    );
    try {
      const { code, stdout } = await runStatus();

      expect(code).toBe(1);
      expect(stdout).toContain('storage and backup    unhealthy  (stream ACTIVE; subscription DLQ 1)\n');
      expect(stdout).toContain(
        '  Problem           the subscription dead-letter queue local-ArchiveSubscriptionDeadLetterQueue holds 1 message: fix the cause, then npm run redrive -- ArchiveSubscriptionDeadLetterQueueUrl --outputs outputs.json\n',
      );
      expect(stdout).toMatch(/^checkout processing +healthy /m);
      expect(stdout.trimEnd().split('\n').at(-1)).toBe('Unhealthy: storage and backup.');
    } finally {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrls.ArchiveSubscriptionDeadLetterQueue }));
    }
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrls.ArchiveSubscriptionDeadLetterQueue,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('0');
  });

  it("finds checkout processing unhealthy while the breaker is open, with the breaker's reason", async () => {
    const store = new DynamoDbCircuitBreakerStore(dynamodb, 'local-CircuitBreakerTable', () => NOW);
    await store.change((breaker, now) => recordFailures(breaker, 5, now, BREAKER_SETTINGS));
    try {
      const { code, status } = await runJson();

      expect(code).toBe(1);
      expect(status.pipelines.checkoutProcessing).toMatchObject({
        health: 'unhealthy',
        summary: 'queue 0 waiting, 0 in flight; DLQ 0; subscription DLQ 0; breaker open',
        problems: [
          `the circuit breaker is open since ${NOW.toISOString()}: 5 failures of the dependencies within 60 s (threshold 5): orders wait in the checkout queue (0 orders waiting) until a trial batch succeeds`,
        ],
        circuitBreaker: { state: 'open', trips: 1, openedAt: NOW.toISOString() },
      });
      expect(status.pipelines.storageBackup.health).toBe('healthy');
    } finally {
      await dynamodb.send(
        new DeleteItemCommand({
          TableName: 'local-CircuitBreakerTable',
          Key: { circuit: { S: 'checkout' } },
        }),
      );
    }
  });

  it('reports the parts it cannot reach as unknown, with the reason, and still shows the rest', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    writeOutputs('unreachable.json', { ...outputs, FirehoseEndpointUrl: closed, SearchUrl: closed });
    const { code, stdout, stderr } = await runStatus('--outputs', 'unreachable.json');

    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toContain('storage and backup    unknown    (stream ?; subscription DLQ 0)\n');
    expect(stdout).toContain('search and analytics  unknown    (stream ?; domain ?; subscription DLQ 0)\n');
    expect(stdout).toMatch(/^checkout processing +healthy /m);
    expect(stdout).toContain(
      `  Search domain     unknown: cannot reach the local stack at ${closed} (ECONNREFUSED): is it running? Start it with npm start\n`,
    );
    expect(stdout).toContain(
      `  Delivery stream   unknown: cannot reach the local stack at ${closed} (ECONNREFUSED): is it running? Start it with npm start\n`,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(
      'Not known (could not be read): storage and backup, search and analytics.',
    );
  });

  it('notes a stack started without the circuit breaker instead of failing', async () => {
    const { CircuitBreakerTableName: _table, CheckoutEventSourceMappingId: _mapping, ...older } = outputs;
    writeOutputs('older.json', older);
    const { code, stdout } = await runStatus('--outputs', 'older.json');

    expect(code).toBe(0);
    expect(stdout).toContain(
      'checkout processing   healthy    (queue 0 waiting, 0 in flight; DLQ 0; subscription DLQ 0; no breaker)\n',
    );
    expect(stdout).toContain('  Circuit breaker   none\n');
    expect(stdout).toContain(
      '  Note              no circuit breaker in this stack (no output CircuitBreakerTableName)\n',
    );
  });

  it('shows the status again until interrupted with --watch, and exits with the last status shown', async () => {
    const controller = new AbortController();
    const written: string[] = [];
    const io: StatusIo = {
      stdout: {
        write: (text: string) => {
          written.push(text);
          if (written.length === 2) controller.abort();
          return true;
        },
      },
      stderr: { write: () => true },
      now: () => NOW,
      cwd: dir.path,
      env: {},
      signal: controller.signal,
    };
    const code = await run(['--watch', '--interval', '1', '--json', '--outputs', 'outputs.json'], io);

    expect(code).toBe(0);
    expect(written).toHaveLength(2);
    for (const line of written) {
      expect(line.endsWith('\n')).toBe(true);
      expect(JSON.parse(line)).toMatchObject({ health: 'healthy', checkedAt: NOW.toISOString() });
    }
  });
});
