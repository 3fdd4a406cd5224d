import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetKeyPolicyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { RestApiServer } from '../../../../local/api/rest-api-server';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { SQS_EVENT_SOURCE } from '../../../../local/event-sources/sqs-event-source';
import { DEFAULT_FUNCTION_CONCURRENCY, FunctionHost } from '../../../../local/lambda/function-host';
import { createDynamoDbTable } from '../../../../local/provisioners/dynamodb';
import { createKmsAlias, createKmsKey } from '../../../../local/provisioners/kms';
import { createServerlessFunction } from '../../../../local/provisioners/serverless-function';
import { createSnsSubscription, createSnsTopic } from '../../../../local/provisioners/sns';
import { createSqsQueue, createSqsQueuePolicy } from '../../../../local/provisioners/sqs';
import { provision } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  recordingLog,
  writeFile,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'prov' });

const toCreate = (logicalId: string, type: string, properties: Record<string, unknown>) =>
  aResourceToCreate(logicalId, type, properties, stack);

/** The shape of an event source mapping's UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the AWS provisioners against moto', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('provisioners');
  let runtime: LocalRuntime;

  beforeAll(() => {
    const functions = new FunctionHost(moto.environment(), dir.path);
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions,
      api: new RestApiServer(functions, recordingLog()),
      apiBaseUrl: 'http://127.0.0.1:3999/',
      log: recordingLog(),
      settings: { retryDelaySeconds: 2 },
    });
  });

  afterAll(async () => {
    await runtime.functions.stop();
    dir.remove();
  });

  describe('SQS', () => {
    it('names a queue after the stack and gives Ref the URL and GetAtt the Arn and name', async () => {
      const queue = await createSqsQueue(toCreate('Orders', 'AWS::SQS::Queue', { DelaySeconds: 2 }), runtime);
      expect(queue.ref).toMatch(/\/prov-Orders$/);
      expect(queue.attributes).toEqual({
        Arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:prov-Orders`,
        QueueName: 'prov-Orders',
        QueueUrl: queue.ref,
      });
      const { Attributes } = await runtime.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.ref, AttributeNames: ['DelaySeconds'] }),
      );
      expect(Attributes?.DelaySeconds).toBe('2');
    });

    it('keeps an explicit QueueName and gives a FIFO queue the .fifo suffix', async () => {
      const named = await createSqsQueue(
        toCreate('Named', 'AWS::SQS::Queue', { QueueName: 'my-queue' }),
        runtime,
      );
      expect(named.attributes.QueueName).toBe('my-queue');
      const fifo = await createSqsQueue(
        toCreate('Ordered', 'AWS::SQS::Queue', { FifoQueue: true, ContentBasedDeduplication: true }),
        runtime,
      );
      expect(fifo.attributes.QueueName).toBe('prov-Ordered.fifo');
      const { Attributes } = await runtime.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: fifo.ref, AttributeNames: ['All'] }),
      );
      expect(Attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    });

    it('applies a QueuePolicy to every queue it lists', async () => {
      const first = await createSqsQueue(toCreate('First', 'AWS::SQS::Queue', {}), runtime);
      const second = await createSqsQueue(toCreate('Second', 'AWS::SQS::Queue', {}), runtime);
      const document = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: '*',
          },
        ],
      };
      await createSqsQueuePolicy(
        toCreate('Policy', 'AWS::SQS::QueuePolicy', {
          Queues: [first.ref, second.ref],
          PolicyDocument: document,
        }),
        runtime,
      );
      for (const queueUrl of [first.ref, second.ref]) {
        const { Attributes } = await runtime.clients.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['Policy'] }),
        );
        expect(JSON.parse(Attributes?.Policy ?? '{}')).toEqual(document);
      }
    });
  });

  describe('SNS', () => {
    it('creates a FIFO topic with the .fifo suffix and its attributes', async () => {
      const topic = await createSnsTopic(
        toCreate('Events', 'AWS::SNS::Topic', {
          FifoTopic: true,
          ContentBasedDeduplication: true,
          DisplayName: 'Events',
        }),
        runtime,
      );
      expect(topic.ref).toBe(`arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:prov-Events.fifo`);
      expect(topic.attributes.TopicName).toBe('prov-Events.fifo');
      const { Attributes } = await runtime.clients.sns.send(
        new GetTopicAttributesCommand({ TopicArn: topic.ref }),
      );
      expect(Attributes).toMatchObject({
        FifoTopic: 'true',
        ContentBasedDeduplication: 'true',
        DisplayName: 'Events',
      });
    });

    it('records a subscription moto does not deliver, and warns, without subscribing', async () => {
      const topic = await createSnsTopic(toCreate('Alarms', 'AWS::SNS::Topic', {}), runtime);
      const subscription = await createSnsSubscription(
        toCreate('Pager', 'AWS::SNS::Subscription', {
          TopicArn: topic.ref,
          Protocol: 'lambda',
          Endpoint: 'arn:fn',
        }),
        runtime,
      );
      expect(subscription.ref).toBe(`${topic.ref}:Pager`);
      expect(runtime.notEmulated).toContain('AWS::SNS::Subscription Pager (protocol lambda)');
      const { Subscriptions } = await runtime.clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: topic.ref }),
      );
      expect(Subscriptions).toEqual([]);
    });
  });

  describe('DynamoDB', () => {
    it('creates a table with its name, keys, stream and deletion protection, and gives Arn and StreamArn', async () => {
      const table = await createDynamoDbTable(
        toCreate('Orders', 'AWS::DynamoDB::Table', {
          TableName: 'orders-table',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'customerId', AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'byCustomer',
              KeySchema: [{ AttributeName: 'customerId', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
          DeletionProtectionEnabled: 'true',
        }),
        runtime,
      );
      expect(table.ref).toBe('orders-table');
      expect(table.attributes.Arn).toBe(
        `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/orders-table`,
      );
      expect(table.attributes.StreamArn).toMatch(/^arn:aws:dynamodb:.*:table\/orders-table\/stream\//);
      const { Table } = await runtime.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: 'orders-table' }),
      );
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byCustomer']);
      expect(Table?.DeletionProtectionEnabled).toBe(true);
    });

    it('names a table after the stack and defaults to provisioned capacity', async () => {
      const table = await createDynamoDbTable(
        toCreate('Plain', 'AWS::DynamoDB::Table', {
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
        runtime,
      );
      expect(table.ref).toBe('prov-Plain');
      const { Table } = await runtime.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: 'prov-Plain' }),
      );
      expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 1, WriteCapacityUnits: 1 });
    });
  });

  describe('KMS', () => {
    it('creates a key with its policy, leaves rotation off unless asked, and gives Ref the key id', async () => {
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }],
      };
      const key = await createKmsKey(toCreate('Key', 'AWS::KMS::Key', { KeyPolicy: policy }), runtime);
      expect(key.attributes).toEqual({
        KeyId: key.ref,
        Arn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:key/${key.ref}`,
      });
      const { Policy } = await runtime.clients.kms.send(
        new GetKeyPolicyCommand({ KeyId: key.ref, PolicyName: 'default' }),
      );
      expect(JSON.parse(Policy ?? '{}')).toEqual(policy);
      const rotation = await runtime.clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: key.ref }));
      expect(rotation.KeyRotationEnabled).toBe(false);
      const alias = await createKmsAlias(
        toCreate('Alias', 'AWS::KMS::Alias', { AliasName: 'alias/prov-key', TargetKeyId: key.ref }),
        runtime,
      );
      expect(alias.ref).toBe('alias/prov-key');
    });
  });

  describe('Serverless functions with SQS events', () => {
    it('finds the queue URL from the ARN and creates an enabled event source with the defaults', async () => {
      const queue = await createSqsQueue(toCreate('Work', 'AWS::SQS::Queue', {}), runtime);
      const buildDir = join(dir.path, 'build');
      writeFile(buildDir, 'Worker/index.mjs', 'export const handler = async () => ({});');
      await provision(
        createServerlessFunction,
        {
          ...toCreate('Worker', 'AWS::Serverless::Function', {
            Handler: 'index.handler',
            Events: { Work: { Type: 'SQS', Properties: { Queue: queue.attributes.Arn } } },
          }),
          stack: { ...stack, buildDir, path: ['Nested'] },
        },
        runtime,
      );
      expect(runtime.handles.ofKind(SQS_EVENT_SOURCE).map((source) => source.settings)).toEqual([
        {
          label: 'Nested/Worker',
          target: 'prov-Worker',
          mapping: {
            uuid: expect.stringMatching(UUID),
            functionArn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:prov-Worker`,
          },
          queueArn: queue.attributes.Arn,
          queueUrl: queue.ref,
          region: LOCAL_REGION,
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          reportBatchItemFailures: false,
          enabled: true,
          maximumConcurrency: DEFAULT_FUNCTION_CONCURRENCY,
          retryDelaySeconds: 2,
        },
      ]);
    });
  });
});
