import { join, resolve } from 'node:path';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { RestApiServer } from '../../../../local/api/rest-api-server';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { SQS_EVENT_SOURCE } from '../../../../local/event-sources/sqs-event-source';
import { DEFAULT_FUNCTION_CONCURRENCY, FunctionHost } from '../../../../local/lambda/function-host';
import { type DeployedStack, deployStack } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aLocalRuntime, awsClients, makeTempDir, recordingLog } from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const FIXTURES = resolve(__dirname, '../../../fixtures');
const ROOT_TEMPLATE = join(FIXTURES, 'templates/local-stack/root.yaml');
const BUILD_DIR = join(FIXTURES, 'local-build');
const ARN_PREFIX = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}`;

/** The shape of an event source mapping's UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/;

describe('deployStack against moto', () => {
  const moto = useMotoServer();
  const logs = makeTempDir('deploy-stack-logs');
  const runtimes: LocalRuntime[] = [];

  const newRuntime = async (): Promise<LocalRuntime> => {
    const functions = new FunctionHost(moto.environment(), logs.path);
    const log = recordingLog();
    const api = new RestApiServer(functions, log);
    const runtime: LocalRuntime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions,
      api,
      apiBaseUrl: await api.listen('127.0.0.1', 0),
      log,
    });
    runtimes.push(runtime);
    return runtime;
  };

  const deploy = (runtime: LocalRuntime, stackName: string, parameterOverrides?: Record<string, string>) =>
    deployStack(
      {
        templatePath: ROOT_TEMPLATE,
        stackName,
        pseudo: {
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT_ID,
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: BUILD_DIR,
        parameterOverrides,
      },
      runtime,
    );

  let runtime: LocalRuntime;
  let stack: DeployedStack;

  beforeAll(async () => {
    runtime = await newRuntime();
    stack = await deploy(runtime, 'fixture');
  });

  afterAll(async () => {
    for (const each of runtimes) {
      await each.api.close();
      await each.functions.stop();
    }
    logs.remove();
  });

  const queueAttributes = async (queueUrl: string) => {
    const { Attributes = {} } = await runtime.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
    );
    return Attributes;
  };
  const queueUrlOf = async (queueName: string) =>
    (await runtime.clients.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl as string;

  describe('outputs', () => {
    it('evaluates every output, reading the nested application with !GetAtt App.Outputs.X', async () => {
      const keyArn = stack.outputs.KeyArn;
      expect(keyArn).toMatch(new RegExp(`^arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:key/`));
      expect(stack.outputs).toEqual({
        ApiUrl: runtime.apiBaseUrl,
        TopicArn: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:fixture-Topic`,
        QueueUrl: await queueUrlOf('fixture-Queue'),
        QueueArn: `${ARN_PREFIX}:fixture-Queue`,
        DeadLetterQueueUrl: await queueUrlOf('fixture-DeadLetterQueue'),
        TableName: 'fixture-Table',
        KeyArn: keyArn,
        AuditStackName: 'fixture-Audit',
        AuditQueueUrl: await queueUrlOf('fixture-Audit-AuditQueue'),
        AuditCurrencies: 'GBP,USD',
      });
    });

    it('gives the nested application its outputs as Outputs.X attributes', () => {
      expect(stack.resources.get('Audit')).toEqual({
        ref: 'fixture-Audit',
        attributes: {
          'Outputs.QueueUrl': stack.outputs.AuditQueueUrl,
          'Outputs.Currencies': 'GBP,USD',
        },
      });
    });
  });

  describe('queues', () => {
    it('get their RedrivePolicy, KMS settings and the other attributes', async () => {
      const attributes = await queueAttributes(stack.outputs.QueueUrl as string);
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: `${ARN_PREFIX}:fixture-DeadLetterQueue`,
        maxReceiveCount: 3,
      });
      expect(attributes).toMatchObject({
        KmsMasterKeyId: stack.outputs.KeyArn,
        KmsDataKeyReusePeriodSeconds: '300',
        VisibilityTimeout: '30',
        MessageRetentionPeriod: '86400',
      });
    });

    it('get a KMS alias by name, and the branch !If picks', async () => {
      expect(await queueAttributes(stack.outputs.DeadLetterQueueUrl as string)).toMatchObject({
        KmsMasterKeyId: 'alias/fixture-orders',
        MessageRetentionPeriod: '1209600',
      });
      expect(await queueAttributes(await queueUrlOf('fixture-SubscriptionDeadLetterQueue'))).toMatchObject({
        VisibilityTimeout: '45',
      });
    });

    it('get the policy of a QueuePolicy, intrinsics evaluated', async () => {
      const policy = JSON.parse((await queueAttributes(stack.outputs.QueueUrl as string)).Policy ?? '{}');
      expect(policy.Statement).toEqual([
        expect.objectContaining({
          Sid: 'TopicDelivers',
          Resource: stack.outputs.QueueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': stack.outputs.TopicArn } },
        }),
      ]);
    });
  });

  describe('the topic and its subscriptions', () => {
    const subscriptionTo = async (endpoint: string) => {
      const { Subscriptions = [] } = await runtime.clients.sns.send(
        new ListSubscriptionsByTopicCommand({ TopicArn: stack.outputs.TopicArn }),
      );
      const subscription = Subscriptions.find((each) => each.Endpoint === endpoint);
      const { Attributes = {} } = await runtime.clients.sns.send(
        new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription?.SubscriptionArn }),
      );
      return Attributes;
    };

    it('creates the topic with its KMS key', async () => {
      const { Attributes } = await runtime.clients.sns.send(
        new GetTopicAttributesCommand({ TopicArn: stack.outputs.TopicArn }),
      );
      expect(Attributes?.KmsMasterKeyId).toBe(stack.outputs.KeyArn);
    });

    it('gives a subscription RawMessageDelivery, its FilterPolicy and its RedrivePolicy', async () => {
      const attributes = await subscriptionTo(stack.outputs.QueueArn as string);
      expect(attributes.Protocol).toBe('sqs');
      expect(attributes.RawMessageDelivery).toBe('true');
      expect(JSON.parse(attributes.FilterPolicy ?? '{}')).toEqual({ currency: ['EUR'] });
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: `${ARN_PREFIX}:fixture-SubscriptionDeadLetterQueue`,
      });
    });

    it("subscribes the nested application's queue with the parameters the parent passed", async () => {
      const attributes = await subscriptionTo(`${ARN_PREFIX}:fixture-Audit-AuditQueue`);
      expect(JSON.parse(attributes.FilterPolicy ?? '{}')).toEqual({ currency: ['GBP', 'USD'] });
    });

    it('delivers a published order to the queues whose filter policy it matches, raw', async () => {
      const publish = (id: string, currency: string) =>
        runtime.clients.sns.send(
          new PublishCommand({
            TopicArn: stack.outputs.TopicArn,
            Message: JSON.stringify({ id }),
            MessageAttributes: { currency: { DataType: 'String', StringValue: currency } },
          }),
        );
      await publish('order-eur', 'EUR');
      await publish('order-gbp', 'GBP');
      const bodiesIn = async (queueUrl: string) => {
        const { Messages = [] } = await runtime.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        return Messages.map((message) => message.Body);
      };
      expect(await bodiesIn(stack.outputs.QueueUrl as string)).toEqual([JSON.stringify({ id: 'order-eur' })]);
      expect(await bodiesIn(stack.outputs.AuditQueueUrl as string)).toEqual([
        JSON.stringify({ id: 'order-gbp' }),
      ]);
    });
  });

  describe('the table and the key', () => {
    it('creates the table with point-in-time recovery and time to live', async () => {
      const { dynamodb } = runtime.clients;
      const TableName = stack.outputs.TableName;
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const backups = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName }));
      expect(
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      ).toBe('ENABLED');
      const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
      expect(ttl.TimeToLiveDescription).toMatchObject({
        AttributeName: 'expiresAt',
        TimeToLiveStatus: 'ENABLED',
      });
    });

    it('creates the key with its description and rotation, and its alias', async () => {
      const { kms } = runtime.clients;
      const KeyId = stack.outputs.KeyArn;
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId }));
      expect(KeyMetadata?.Description).toBe('Fixture key of fixture');
      expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId }))).KeyRotationEnabled).toBe(true);
      const { Aliases = [] } = await kms.send(new ListAliasesCommand({}));
      expect(Aliases.find((alias) => alias.AliasName === 'alias/fixture-orders')?.TargetKeyId).toBe(
        KeyMetadata?.KeyId,
      );
    });
  });

  describe('kinds the local stack does not emulate', () => {
    it('records them, with the path of a nested one, and warns about an undelivered subscription', () => {
      expect(runtime.notEmulated).toEqual(
        expect.arrayContaining([
          'AWS::IAM::Role ArchiveRole',
          'AWS::CloudWatch::Alarm ApiFunctionErrors',
          'AWS::CloudWatch::Alarm Audit/AuditAlarm',
          'AWS::SNS::Subscription ArchiveSubscription (protocol application)',
        ]),
      );
      expect(runtime.notEmulated).toHaveLength(4);
      expect((runtime.log as ReturnType<typeof recordingLog>).text()).toContain(
        'ArchiveSubscription: SNS application subscriptions are not delivered locally yet',
      );
    });
  });

  describe('functions', () => {
    it('hosts each function with the Globals merged into its settings', () => {
      const byName = Object.fromEntries(runtime.functions.functions.map((fn) => [fn.name, fn]));
      expect(Object.keys(byName).sort()).toEqual([
        'fixture-ApiFunction',
        'fixture-Audit-AuditFunction',
        'fixture-QueueFunction',
      ]);
      expect(byName['fixture-ApiFunction']).toMatchObject({
        artifactDir: join(BUILD_DIR, 'ApiFunction'),
        timeoutSeconds: 5,
        memoryMb: 256,
        environment: {
          STAGE: 'dev',
          SHARED: 'from-globals',
          TABLE_NAME: 'fixture-Table',
          TOPIC_ARN: stack.outputs.TopicArn,
          AUDIT_QUEUE_URL: stack.outputs.AuditQueueUrl,
        },
      });
      expect(byName['fixture-QueueFunction']).toMatchObject({
        timeoutSeconds: 10,
        memoryMb: 256,
        environment: { STAGE: 'dev', SHARED: 'from-globals' },
      });
    });

    it("runs a nested application's function from its own build folder, without the parent's Globals", async () => {
      const fn = runtime.functions.functions.find((each) => each.name === 'fixture-Audit-AuditFunction');
      expect(fn).toMatchObject({ artifactDir: join(BUILD_DIR, 'Audit/AuditFunction'), timeoutSeconds: 3 });
      expect(await runtime.functions.invoke('fixture-Audit-AuditFunction', {})).toMatchObject({
        ok: true,
        result: {
          functionName: 'fixture-Audit-AuditFunction',
          auditQueueUrl: stack.outputs.AuditQueueUrl,
          stage: null,
        },
      });
    });

    it('creates an SQS event source per SQS event, with its settings and maximum concurrency, not started', () => {
      expect(runtime.handles.ofKind(SQS_EVENT_SOURCE).map((source) => source.settings)).toEqual(
        expect.arrayContaining([
          {
            label: 'QueueFunction',
            target: 'fixture-QueueFunction',
            mapping: {
              uuid: expect.stringMatching(UUID),
              functionArn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:fixture-QueueFunction`,
            },
            queueArn: stack.outputs.QueueArn,
            queueUrl: stack.outputs.QueueUrl,
            region: LOCAL_REGION,
            batchSize: 5,
            maximumBatchingWindowInSeconds: 2,
            reportBatchItemFailures: true,
            enabled: false,
            maximumConcurrency: 2,
            retryDelaySeconds: 1,
          },
          {
            label: 'Audit/AuditFunction',
            target: 'fixture-Audit-AuditFunction',
            mapping: {
              uuid: expect.stringMatching(UUID),
              functionArn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:fixture-Audit-AuditFunction`,
            },
            queueArn: `${ARN_PREFIX}:fixture-Audit-AuditQueue`,
            queueUrl: stack.outputs.AuditQueueUrl,
            region: LOCAL_REGION,
            batchSize: 10,
            maximumBatchingWindowInSeconds: 0,
            reportBatchItemFailures: false,
            enabled: true,
            // No ScalingConfig: as many batches as the function can run (LOCAL_FUNCTION_CONCURRENCY's default).
            maximumConcurrency: DEFAULT_FUNCTION_CONCURRENCY,
            retryDelaySeconds: 1,
          },
        ]),
      );
      expect(runtime.handles.ofKind(SQS_EVENT_SOURCE)).toHaveLength(2);
    });
  });

  describe('the REST API', () => {
    const postOrder = (body: unknown) =>
      fetch(new URL('orders', stack.outputs.ApiUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('serves the function at the ApiUrl output, with its environment resolved', async () => {
      const response = await postOrder({ id: 'order-1', currency: 'EUR' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        functionName: 'fixture-ApiFunction',
        stage: 'dev',
        body: { id: 'order-1', currency: 'EUR' },
        environment: {
          STAGE: 'dev',
          SHARED: 'from-globals',
          TABLE_NAME: 'fixture-Table',
          TOPIC_ARN: stack.outputs.TopicArn,
          AUDIT_QUEUE_URL: stack.outputs.AuditQueueUrl,
        },
      });
    });

    it("validates the body against the API's model and answers with its gateway response", async () => {
      const response = await postOrder({ id: 'order-2', currency: 'JPY' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/json');
      const answer = (await response.json()) as { message: string; errors: string[] };
      expect(answer.message).toBe('Invalid order');
      expect(answer.errors[0]).toContain('currency must be one of: EUR, GBP, USD');
    });
  });

  describe('conditions and parameters', () => {
    it('skips a resource whose condition is false', async () => {
      expect(stack.resources.has('ProdOnlyQueue')).toBe(false);
      await expect(queueUrlOf('fixture-ProdOnlyQueue')).rejects.toThrow();
    });

    it('creates it, its output and the mapped settings when the parameters make the condition hold', async () => {
      const prodRuntime = await newRuntime();
      const prod = await deploy(prodRuntime, 'fixture-prod', { Stage: 'prod', MaxReceiveCount: '7' });
      expect(prod.outputs.ProdOnlyQueueUrl).toBe(await queueUrlOf('fixture-prod-ProdOnlyQueue'));
      const attributes = await queueAttributes(prod.outputs.QueueUrl as string);
      expect(attributes.MessageRetentionPeriod).toBe('1209600');
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}').maxReceiveCount).toBe(7);
      // !If [IsProd, !Ref AWS::NoValue, 45] leaves VisibilityTimeout out: the queue has the default.
      const dlq = await queueAttributes(await queueUrlOf('fixture-prod-SubscriptionDeadLetterQueue'));
      expect(dlq.VisibilityTimeout).toBe('30');
    });
  });
});
