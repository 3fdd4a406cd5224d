import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { run } from '../../../../cli/redrive/main';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { runCli } from '../../../helpers/cli';
import { useMotoServer } from '../../../helpers/moto';
import { messagesIn } from '../../../helpers/queues';

const ACCOUNT = '123456789012';
const arnOf = (name: string) => `arn:aws:sqs:${LOCAL_REGION}:${ACCOUNT}:${name}`;

/** What the checkout API publishes with each order. */
const attributesOf = (id: string): Record<string, MessageAttributeValue> => ({
  amount: { DataType: 'Number', StringValue: '159.97' },
  currency: { DataType: 'String', StringValue: 'EUR' },
  customerId: { DataType: 'String', StringValue: `customer-${id}` },
  signature: { DataType: 'Binary', BinaryValue: Buffer.from(`sig-${id}`) },
});
/** What SNS adds to a message it could not deliver. */
const SNS_FAILURE_ATTRIBUTES: Record<string, MessageAttributeValue> = {
  ErrorCode: { DataType: 'String', StringValue: '403' },
  ErrorMessage: { DataType: 'String', StringValue: 'KMS.AccessDeniedException' },
  RequestID: { DataType: 'String', StringValue: 'b0b5d1e8-0000-0000-0000-000000000000' },
};

describe('the redrive CLI against moto', () => {
  const moto = useMotoServer();
  let dir: string;
  let sqs: SQSClient;
  let sns: SNSClient;
  const outputs: Record<string, string> = {};

  const runRedrive = (...argv: string[]) =>
    runCli(run, [...argv, '--outputs', 'outputs.json'], { cwd: dir, env: {} });
  const createQueue = async (name: string, deadLetterQueue?: string) => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: deadLetterQueue
          ? {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: arnOf(deadLetterQueue),
                maxReceiveCount: 5,
              }),
            }
          : {},
      }),
    );
    return QueueUrl as string;
  };
  const put = async (queueUrl: string, ids: string[], extra: Record<string, MessageAttributeValue> = {}) => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ids.map((id) => ({
          Id: id,
          MessageBody: JSON.stringify({ id }),
          MessageAttributes: { ...attributesOf(id), ...extra },
        })),
      }),
    );
  };
  const depth = (queueUrl: string) => messagesIn(sqs, queueUrl);
  const receiveAll = async (queueUrl: string) => {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
    }
  };
  const byId = (messages: Message[]) =>
    Object.fromEntries(
      messages.map((message) => [JSON.parse(message.Body ?? '{}').id, message.MessageAttributes]),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redrive-cli-'));
    sqs = new SQSClient(moto.clientConfig());
    sns = new SNSClient(moto.clientConfig());
    const topic = await sns.send(new CreateTopicCommand({ Name: 'local-CheckoutEventsTopic' }));

    // The checkout queue and its dead-letter queue.
    outputs.CheckoutDeadLetterQueueUrl = await createQueue('local-CheckoutDeadLetterQueue');
    outputs.CheckoutQueueUrl = await createQueue('local-CheckoutQueue', 'local-CheckoutDeadLetterQueue');
    // An sqs subscription of the topic, with its own dead-letter queue.
    outputs.CheckoutSubscriptionDeadLetterQueueUrl = await createQueue(
      'local-CheckoutSubscriptionDeadLetterQueue',
    );
    outputs.ReplayQueueUrl = await createQueue('local-ReplayQueue');
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn,
        Protocol: 'sqs',
        Endpoint: arnOf('local-ReplayQueue'),
        Attributes: {
          RawMessageDelivery: 'true',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: arnOf('local-CheckoutSubscriptionDeadLetterQueue'),
          }),
        },
      }),
    );
    // A firehose subscription with a dead-letter queue.
    outputs.ArchiveSubscriptionDeadLetterQueueUrl = await createQueue(
      'local-ArchiveSubscriptionDeadLetterQueue',
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: topic.TopicArn,
        Protocol: 'firehose',
        Endpoint: `arn:aws:firehose:${LOCAL_REGION}:${ACCOUNT}:deliverystream/local-Archive`,
        Attributes: {
          SubscriptionRoleArn: `arn:aws:iam::${ACCOUNT}:role/local-ArchiveSubscriptionRole`,
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: arnOf('local-ArchiveSubscriptionDeadLetterQueue'),
          }),
        },
      }),
    );
    // One dead-letter queue shared by two queues, and one that no queue uses.
    outputs.SharedDeadLetterQueueUrl = await createQueue('local-SharedDeadLetterQueue');
    outputs.FirstQueueUrl = await createQueue('local-FirstQueue', 'local-SharedDeadLetterQueue');
    outputs.SecondQueueUrl = await createQueue('local-SecondQueue', 'local-SharedDeadLetterQueue');
    outputs.LonelyQueueUrl = await createQueue('local-LonelyQueue');

    writeFileSync(
      join(dir, 'outputs.json'),
      JSON.stringify({
        ...outputs,
        TopicArn: topic.TopicArn,
        AwsEndpointUrl: moto.server.endpoint,
        Region: LOCAL_REGION,
      }),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('moves the messages of a queue dead-letter queue back to its source queue, with their attributes, and empties it', async () => {
    const ids = Array.from({ length: 13 }, (_, index) => `order-${index + 1}`);
    await put(outputs.CheckoutDeadLetterQueueUrl as string, ids.slice(0, 10));
    await put(outputs.CheckoutDeadLetterQueueUrl as string, ids.slice(10));

    const { code, stdout, stderr } = await runRedrive('CheckoutDeadLetterQueueUrl');

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      'Moved 13 messages from local-CheckoutDeadLetterQueue to local-CheckoutQueue (its source queue), with their bodies and message attributes; moved by hand (receive, send, delete), as the local stack has no SQS message move tasks.\n',
    );
    expect(await depth(outputs.CheckoutDeadLetterQueueUrl as string)).toBe(0);
    const moved = byId(await receiveAll(outputs.CheckoutQueueUrl as string));
    expect(Object.keys(moved).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(moved[id]).toEqual(attributesOf(id));
  });

  it('accepts the dead-letter queue as a URL, and says when there is nothing to redrive', async () => {
    const { code, stdout } = await runRedrive(outputs.CheckoutDeadLetterQueueUrl as string);
    expect(code).toBe(0);
    expect(stdout).toBe('local-CheckoutDeadLetterQueue is empty: nothing to redrive.\n');
  });

  it('moves the dead-letter queue of an sqs subscription to the subscribed queue, without the attributes SNS added', async () => {
    await put(
      outputs.CheckoutSubscriptionDeadLetterQueueUrl as string,
      ['sub-1', 'sub-2'],
      SNS_FAILURE_ATTRIBUTES,
    );

    const { code, stdout, stderr } = await runRedrive(
      'CheckoutSubscriptionDeadLetterQueueUrl',
      '--max-per-second',
      '50',
    );

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(
      /^Moved 2 messages from local-CheckoutSubscriptionDeadLetterQueue to local-ReplayQueue \(the queue of the sqs subscription arn:aws:sns:.*, whose dead-letter queue it is\), with their bodies and message attributes \(without SNS's delivery-failure attributes ErrorCode, ErrorMessage and RequestID\);/,
    );
    expect(await depth(outputs.CheckoutSubscriptionDeadLetterQueueUrl as string)).toBe(0);
    expect(byId(await receiveAll(outputs.ReplayQueueUrl as string))).toEqual({
      'sub-1': attributesOf('sub-1'),
      'sub-2': attributesOf('sub-2'),
    });
  });

  it('explains that the dead-letter queue of a firehose subscription cannot be redriven automatically, and leaves it', async () => {
    await put(outputs.ArchiveSubscriptionDeadLetterQueueUrl as string, ['archive-1']);

    const { code, stdout, stderr } = await runRedrive('ArchiveSubscriptionDeadLetterQueueUrl');

    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(
      /^redrive: local-ArchiveSubscriptionDeadLetterQueue is the dead-letter queue of the firehose subscription arn:aws:sns:\S+ \(endpoint arn:aws:firehose:\S+\): SQS cannot send messages to a firehose endpoint, so it cannot be redriven automatically\./,
    );
    expect(stderr).toContain('aws firehose put-record');
    expect(await depth(outputs.ArchiveSubscriptionDeadLetterQueueUrl as string)).toBe(1);
  });

  it('refuses a dead-letter queue of several queues without --to, and lists them', async () => {
    await put(outputs.SharedDeadLetterQueueUrl as string, ['shared-1', 'shared-2']);

    const { code, stderr } = await runRedrive('SharedDeadLetterQueueUrl');

    expect(code).toBe(1);
    expect(stderr).toContain('local-SharedDeadLetterQueue is the dead-letter queue of 2 queues:');
    expect(stderr).toContain(outputs.FirstQueueUrl);
    expect(stderr).toContain(outputs.SecondQueueUrl);
    expect(stderr).toContain('--to <queue URL>');
    expect(await depth(outputs.SharedDeadLetterQueueUrl as string)).toBe(2);
  });

  it('moves the messages to the queue given with --to instead', async () => {
    const { code, stdout } = await runRedrive('SharedDeadLetterQueueUrl', '--to', 'SecondQueueUrl');

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Moved 2 messages from local-SharedDeadLetterQueue to local-SecondQueue \(--to\)/,
    );
    expect(await depth(outputs.SharedDeadLetterQueueUrl as string)).toBe(0);
    expect(Object.keys(byId(await receiveAll(outputs.SecondQueueUrl as string))).sort()).toEqual([
      'shared-1',
      'shared-2',
    ]);
  });

  it('refuses a queue that is no dead-letter queue, pointing at --to', async () => {
    const { code, stderr } = await runRedrive('LonelyQueueUrl');
    expect(code).toBe(1);
    expect(stderr).toBe(
      'redrive: local-LonelyQueue is not the dead-letter queue of any SQS queue nor of a subscription of the topic local-CheckoutEventsTopic: there is nowhere to redrive it to. Give --to <queue> to move its messages to a queue of your choice\n',
    );
  });

  it('names the queue outputs when given an output the stack does not have', async () => {
    const { code, stderr } = await runRedrive('CheckoutDLQ');
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^redrive: the local stack \(outputs\.json\) has no output CheckoutDLQ: use a queue URL or one of ArchiveSubscriptionDeadLetterQueueUrl, CheckoutDeadLetterQueueUrl, /,
    );
  });
});
