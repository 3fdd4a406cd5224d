import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { GetBucketEncryptionCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
} from '@aws-sdk/client-sns';
import { type Client, errors } from '@opensearch-project/opensearch';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { SQS_EVENT_SOURCE } from '../../../../local/event-sources/sqs-event-source';
import { DELIVERY_STREAM } from '../../../../local/firehose/delivery-stream';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { PROJECT_ROOT } from '../../../../local/paths';
import { OPENSEARCH_DOMAIN } from '../../../../local/provisioners/opensearch';
import { type DeployedStack, deployStack } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { plainOpenSearchClient } from '../../../../src/adapters/opensearch-client';
import { SnsOrderPublisher } from '../../../../src/adapters/sns-order-publisher';
import type { OrderEvent } from '../../../../src/domain/order';
import { anOrderOfAmount, TEST_CARD_NUMBERS } from '../../../factories/order';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  type RecordedLog,
  recordingLog,
  waitFor,
} from '../../../helpers/local-runtime';
import { QUIET_POWERTOOLS, useMotoServer } from '../../../helpers/moto';

// sam build (esbuild, a few seconds), moto and a real OpenSearch node started by the domain provisioner.
jest.setTimeout(120_000);

const TEMPLATE = join(PROJECT_ROOT, 'pipelines/search-analytics/template.yaml');
const TRANSFORM_NAME = 'search-test-CardDataTransformFunction';
const TRANSFORM_ARN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${TRANSFORM_NAME}`;

/** `sam build` of the project's template into `buildDir`, as `npm start` runs it (the functions as deployed). */
const samBuild = (buildDir: string) => {
  const result = spawnSync('bash', ['scripts/sam.sh', 'build', '--build-dir', buildDir, '--no-cached'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-30).join('\n');
    throw new Error(`sam build failed (${result.error ?? `exit ${result.status}`}):\n${output}`);
  }
};

interface Hit {
  _index: string;
  _source: Record<string, unknown> & { id: string };
}

describe('the search and analytics pipeline deployed alone on the local stack', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('search-pipeline');
  const buildDir = join(dir.path, 'build');
  let log: RecordedLog;
  let lambdaApi: LambdaApiServer;
  let runtime: LocalRuntime;
  let stack: DeployedStack;
  let topicArn: string;
  let kmsKeyArn: string;
  let search: Client;

  beforeAll(async () => {
    samBuild(buildDir);
    mkdirSync(join(dir.path, 'logs'));
    log = recordingLog();
    const functions = new FunctionHost(
      { ...moto.environment(), ...QUIET_POWERTOOLS, POWERTOOLS_TRACE_ENABLED: 'false' },
      join(dir.path, 'logs'),
    );
    // The root stack's transform, which the root passes to the pipeline as TransformFunctionArn.
    functions.register({
      name: TRANSFORM_NAME,
      logicalId: 'CardDataTransformFunction',
      artifactDir: join(buildDir, 'CardDataTransformFunction'),
      handler: 'index.handler',
      timeoutSeconds: 60,
      memoryMb: 1024,
      arn: TRANSFORM_ARN,
      environment: { POWERTOOLS_SERVICE_NAME: 'card-data-transform' },
    });
    lambdaApi = new LambdaApiServer([], log);
    await lambdaApi.listen('127.0.0.1', 0);
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions,
      log,
      customResourceResponses: lambdaApi,
      settings: { stateDir: join(dir.path, 'state'), firehoseBufferIntervalSeconds: 1, retryDelaySeconds: 1 },
    });
    const { KeyMetadata } = await runtime.clients.kms.send(new CreateKeyCommand({}));
    kmsKeyArn = KeyMetadata?.Arn as string;
    ({ TopicArn: topicArn = '' } = await runtime.clients.sns.send(
      new CreateTopicCommand({ Name: 'orders' }),
    ));

    stack = await deployStack(
      {
        templatePath: TEMPLATE,
        stackName: 'search',
        pseudo: {
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT_ID,
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: join(buildDir, 'SearchAnalyticsPipeline'),
        parameterOverrides: {
          TopicArn: topicArn,
          KmsKeyArn: kmsKeyArn,
          TransformFunctionArn: `${TRANSFORM_ARN}:live`,
        },
      },
      runtime,
    );
    await runtime.handles.startAll();
    search = plainOpenSearchClient(stack.outputs.DomainEndpoint as string);
  });

  afterAll(async () => {
    if (runtime) {
      // As the local stack stops: the event sources, then the streams, then the OpenSearch node.
      await runtime.handles.stopAll();
      await runtime.functions.stop();
    }
    await lambdaApi?.close();
    dir.remove();
  });

  /** The indexed documents, found through the alias, whose id is one of `ids`. */
  const indexedOrders = async (ids: string[]) => {
    // Until the first order arrives, there is no index behind the alias, and while its primary shard
    // starts a search answers 503: both are no order yet, not an error.
    const missing = { ignore_unavailable: true, allow_no_indices: true };
    try {
      await search.indices.refresh({ index: 'orders', ...missing });
      const { body } = await search.search({
        index: 'orders',
        ...missing,
        body: { query: { terms: { id: ids } } },
      });
      return (body as { hits: { hits: Hit[] } }).hits.hits;
    } catch (error) {
      if (error instanceof errors.ResponseError && error.statusCode === 503) return [];
      throw error;
    }
  };

  describe('the domain and its outputs', () => {
    it('starts one local OpenSearch node for the domain and gives its http URL as DomainEndpoint', async () => {
      const domains = runtime.handles.ofKind(OPENSEARCH_DOMAIN);
      expect(domains).toHaveLength(1);
      expect(stack.outputs.DomainEndpoint).toBe(domains[0]?.url);
      expect(domains[0]?.arn).toBe(stack.outputs.DomainArn);
      expect(stack.outputs.DomainEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { body } = await search.cluster.health();
      expect(['green', 'yellow']).toContain((body as { status: string }).status);
      expect(stack.outputs.DomainArn).toMatch(
        new RegExp(`^arn:aws:es:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:domain/[a-z0-9-]{3,28}$`),
      );
    });

    it('gives the alias analysts query as IndexAlias', () => {
      expect(stack.outputs.IndexAlias).toBe('orders');
    });

    it('gives as BackupBucketName a bucket encrypted with the pipeline key', async () => {
      const bucket = stack.outputs.BackupBucketName as string;
      await expect(runtime.clients.s3.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeDefined();
      const { ServerSideEncryptionConfiguration } = await runtime.clients.s3.send(
        new GetBucketEncryptionCommand({ Bucket: bucket }),
      );
      expect(ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: kmsKeyArn,
      });
    });
  });

  describe('the index set-up custom resource', () => {
    it('ran the built function, which answered with the template, the alias and no ISM policy locally', () => {
      expect(runtime.functions.functions.map((fn) => fn.logicalId)).toContain('IndexSetupFunction');
      expect(stack.resources.get('OrderIndexSetup')).toEqual({
        ref: 'orders-index-setup',
        attributes: { IndexTemplate: 'orders-template', Alias: 'orders', RetentionPolicy: 'unavailable' },
      });
    });

    it('left the typed index template with its alias on the node', async () => {
      const { body } = await search.indices.getIndexTemplate({ name: 'orders-template' });
      const [template] = (body as { index_templates: { index_template: Record<string, unknown> }[] })
        .index_templates;
      expect(template?.index_template).toMatchObject({
        index_patterns: ['orders-*'],
        template: {
          aliases: { orders: {} },
          settings: { index: { number_of_replicas: '0' } },
          mappings: { properties: { payment: { properties: { amount: { type: 'scaled_float' } } } } },
        },
      });
    });
  });

  describe('the delivery stream', () => {
    it('indexes into the domain with the parameters of the template, backing up to the backup bucket', () => {
      const [stream, ...others] = runtime.handles.ofKind(DELIVERY_STREAM);
      expect(others).toEqual([]);
      expect(stream?.definition).toMatchObject({
        bucketName: stack.outputs.BackupBucketName,
        prefix: 'failed/',
        errorOutputPrefix: 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        compression: 'GZIP',
        kmsKeyArn,
        localBufferIntervalSeconds: 1,
        processor: { functionName: TRANSFORM_NAME, functionArn: `${TRANSFORM_ARN}:live` },
        openSearch: {
          endpoint: stack.outputs.DomainEndpoint,
          indexName: 'orders',
          rotation: 'OneDay',
          retryDurationSeconds: 30,
          backupMode: 'FailedDocumentsOnly',
        },
      });
      expect(stream?.definition.name).toBe(stack.outputs.DeliveryStreamName);
    });
  });

  describe('the subscription', () => {
    it('is bridged to the stream through a queue of its own, with the filter policy and raw delivery', async () => {
      const { Subscriptions = [] } = await runtime.clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }),
      );
      expect(Subscriptions.map((subscription) => subscription.Protocol)).toEqual(['sqs']);
      const { Attributes = {} } = await runtime.clients.sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: Subscriptions[0]?.SubscriptionArn }),
      );
      expect(JSON.parse(Attributes.FilterPolicy ?? '{}')).toEqual({ amount: [{ numeric: ['>=', 100] }] });
      expect(Attributes.FilterPolicyScope ?? 'MessageAttributes').toBe('MessageAttributes');
      expect(Attributes.RawMessageDelivery).toBe('true');
      expect(runtime.handles.ofKind(SQS_EVENT_SOURCE).map((source) => source.settings.target)).toEqual([
        stack.outputs.DeliveryStreamName,
      ]);
    });

    it('indexes the orders of 100 or more, without card data, and not the smaller ones', async () => {
      const publisher = new SnsOrderPublisher(runtime.clients.sns, topicArn);
      // Whole cards, as a publisher other than the API might send them: the transform is defence in depth.
      const small = anOrderOfAmount(50);
      const large = anOrderOfAmount(150);
      await publisher.publish(small as unknown as OrderEvent);
      await publisher.publish(large as unknown as OrderEvent);

      const [hit] = await waitFor(
        `order ${large.id} in the alias orders`,
        async () => {
          const hits = await indexedOrders([large.id]);
          return hits.length > 0 && hits;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(hit?._index).toMatch(/^orders-\d{4}-\d{2}-\d{2}$/);
      expect(hit?._source.payment).toEqual({
        amount: 150,
        currency: 'EUR',
        method: 'card',
        card: { network: 'visa', last4: '1111' },
      });
      expect(JSON.stringify(hit?._source)).not.toContain(TEST_CARD_NUMBERS.visa);
      expect(log.text()).toContain(`order ${large.id} indexed in ${hit?._index}`);

      // The smaller order was published first: had the filter let it through, it would be there by now.
      await sleep(2_000);
      expect((await indexedOrders([small.id, large.id])).map((each) => each._source.id)).toEqual([large.id]);
      expect(log.text()).not.toContain(small.id);
    });
  });
});
