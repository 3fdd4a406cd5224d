import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  type MessageAttributeValue,
  PublishCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { SQS_EVENT_SOURCE } from '../../../../local/event-sources/sqs-event-source';
import { MAX_RECORD_BYTES } from '../../../../local/firehose/delivery-stream';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { createSnsSubscription } from '../../../../local/provisioners/sns';
import { provision } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aDeliveryStreamDefinition } from '../../../factories/delivery-stream';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import { aLocalDeliveryStream } from '../../../helpers/delivery-stream';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  type RecordedLog,
  recordingLog,
  stopHandles,
  waitFor,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'bridge', path: ['Storage'] });

describe('the SNS firehose subscription bridge against moto', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('sns-firehose-bridge');
  let runtime: LocalRuntime;
  let fixtures = 0;

  beforeAll(() => {
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions: new FunctionHost(moto.environment(), dir.path),
      log: recordingLog(),
    });
  });

  afterEach(async () => {
    await stopHandles(runtime);
  });

  afterAll(async () => {
    await runtime.functions.stop();
    dir.remove();
  });

  /**
   * A topic, a subscription dead-letter queue, a bucket and an uncompressed delivery stream that writes
   * every second; then the firehose subscription through the SNS provisioner, its bridge started.
   */
  const setUp = async (subscription: Record<string, unknown>) => {
    fixtures += 1;
    const { sns, sqs, s3 } = runtime.clients;
    const { TopicArn: topicArn = '' } = await sns.send(
      new CreateTopicCommand({ Name: `orders-${fixtures}` }),
    );
    const { QueueUrl: dlqUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: `dlq-${fixtures}` }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const bucket = `archive-${fixtures}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const name = `archive-stream-${fixtures}`;
    const streamArn = `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/${name}`;
    const stream = aLocalDeliveryStream(
      aDeliveryStreamDefinition({
        name,
        arn: streamArn,
        label: `Storage/${name}`,
        bucketName: bucket,
        prefix: 'orders/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        localBufferIntervalSeconds: 1,
        compression: 'UNCOMPRESSED',
      }),
      { s3, invoke: () => Promise.reject(new Error('no processor')), log: runtime.log },
    );
    runtime.handles.add(stream);

    const created = await provision(
      createSnsSubscription,
      aResourceToCreate(
        `Archive${fixtures}`,
        'AWS::SNS::Subscription',
        {
          TopicArn: topicArn,
          Protocol: 'firehose',
          Endpoint: streamArn,
          SubscriptionRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/sns-to-firehose`,
          RedrivePolicy: { deadLetterTargetArn: Attributes?.QueueArn },
          ...subscription,
        },
        stack,
      ),
      runtime,
    );
    const [source] = runtime.handles.ofKind(SQS_EVENT_SOURCE);
    await source?.start();

    /** What the stream wrote so far: one entry per object. */
    const objects = async () => {
      const { Contents = [] } = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: 'orders/' }),
      );
      return Promise.all(
        Contents.map(async ({ Key }) => {
          const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
          return (await Body?.transformToString()) ?? '';
        }),
      );
    };
    const publish = (message: string, attributes: Record<string, MessageAttributeValue> = {}) =>
      sns.send(new PublishCommand({ TopicArn: topicArn, Message: message, MessageAttributes: attributes }));
    return { topicArn, dlqUrl, stream, subscriptionArn: created.ref, objects, publish };
  };

  const amount = (value: string, DataType = 'Number'): Record<string, MessageAttributeValue> => ({
    amount: { DataType, StringValue: value },
  });

  it('subscribes a queue of its own with raw delivery, runs a bridge into the stream, and returns its ARN', async () => {
    const fixture = await setUp({ RawMessageDelivery: true });
    const { Attributes } = await runtime.clients.sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: fixture.subscriptionArn }),
    );
    expect(Attributes).toMatchObject({
      TopicArn: fixture.topicArn,
      Protocol: 'sqs',
      RawMessageDelivery: 'true',
    });
    expect(Attributes?.Endpoint).toMatch(/:bridge-Archive\d+-FirehoseBridge$/);
    expect(runtime.handles.ofKind(SQS_EVENT_SOURCE).map((source) => source.settings)).toEqual([
      expect.objectContaining({
        label: `Storage/Archive${fixtures}`,
        target: fixture.stream.definition.name,
      }),
    ]);
  });

  it('puts the message body alone into the stream with raw message delivery', async () => {
    const fixture = await setUp({ RawMessageDelivery: true });
    const body = JSON.stringify({ id: 'raw-1', amount: 120 });
    await fixture.publish(body, amount('120'));

    const objects = await waitFor('the order in the archive', async () => {
      const found = await fixture.objects();
      return found.length > 0 && found;
    });
    expect(objects).toEqual([body]);
  });

  it('puts the SNS JSON envelope, with Message and TopicArn, into the stream without raw delivery', async () => {
    const fixture = await setUp({ RawMessageDelivery: false });
    const body = JSON.stringify({ id: 'enveloped-1', amount: 120 });
    await fixture.publish(body, amount('120'));

    const [object, ...others] = await waitFor('the envelope in the archive', async () => {
      const found = await fixture.objects();
      return found.length > 0 && found;
    });
    expect(others).toEqual([]);
    const envelope = JSON.parse(object as string) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      Type: 'Notification',
      TopicArn: fixture.topicArn,
      Message: body,
      MessageAttributes: { amount: { Type: 'Number', Value: '120' } },
    });
    expect(typeof envelope.MessageId).toBe('string');
    expect(Number.isNaN(Date.parse(String(envelope.Timestamp)))).toBe(false);
  });

  it("delivers only the messages that match the subscription's filter policy", async () => {
    const fixture = await setUp({
      RawMessageDelivery: true,
      FilterPolicy: { amount: [{ numeric: ['>=', 100] }] },
    });
    await fixture.publish('{"id":"small"}', amount('99.99'));
    await fixture.publish('{"id":"no-amount"}');
    await fixture.publish('{"id":"boundary"}', amount('100'));
    await fixture.publish('{"id":"large"}', amount('2500'));

    await waitFor('both matching orders in the archive', async () => {
      const text = (await fixture.objects()).join('');
      return text.includes('boundary') && text.includes('large');
    });
    // Time for a message that should not have matched to arrive, had it been delivered.
    await sleep(1500);
    await fixture.stream.flush();
    const delivered = (await fixture.objects()).join('').match(/"id":"[^"]+"/g);
    expect(delivered?.sort()).toEqual(['"id":"boundary"', '"id":"large"']);
  });

  it("moves a message the stream refuses to the subscription's dead-letter queue after its retries", async () => {
    const fixture = await setUp({ RawMessageDelivery: true });
    // 260,000 four-byte characters: within SNS's 256 Ki-character limit as moto counts it, but more than
    // the 1,000 KiB that Firehose takes in one record.
    const huge = '\u{1F600}'.repeat(260_000);
    expect(Buffer.byteLength(huge)).toBeGreaterThan(MAX_RECORD_BYTES);
    await fixture.publish(huge);
    await fixture.publish('{"id":"small-neighbour"}');

    const [moved, ...others] = await waitFor(
      'the refused message in the dead-letter queue',
      async () => {
        const { Messages = [] } = await runtime.clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: fixture.dlqUrl,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        return Messages.length > 0 && Messages;
      },
      { timeoutMs: 15_000 },
    );
    expect(others).toEqual([]);
    expect(moved?.Body === huge).toBe(true);
    expect(Number(moved?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(3);

    await fixture.stream.flush();
    expect(await fixture.objects()).toEqual(['{"id":"small-neighbour"}']);
    const refusals = (runtime.log as RecordedLog).lines.filter((line) =>
      line.message.startsWith('record refused'),
    );
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(refusals[0]?.component).toBe(`Storage/${fixture.stream.definition.name}`);
  });

  it('refuses a firehose subscription whose endpoint is not a delivery stream of the local stack', async () => {
    await expect(
      provision(
        createSnsSubscription,
        aResourceToCreate(
          'Nowhere',
          'AWS::SNS::Subscription',
          {
            TopicArn: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:whatever`,
            Protocol: 'firehose',
            Endpoint: `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/absent`,
          },
          stack,
        ),
        runtime,
      ),
    ).rejects.toThrow('deliverystream/absent is not a delivery stream of the local stack');
    expect(runtime.handles.ofKind(SQS_EVENT_SOURCE)).toEqual([]);
  });
});
