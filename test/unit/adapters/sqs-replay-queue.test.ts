import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsReplayQueue } from '../../../src/adapters/sqs-replay-queue';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-EventReplay-ReplayQueue-1A2B';

describe('SqsReplayQueue', () => {
  const sqs = mockClient(SQSClient);
  const queue = new SqsReplayQueue(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);

  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'message-1' });
  });

  afterAll(() => sqs.restore());

  it('sends a tick that names its replay in its body and in the attribute replayTick, delayed', async () => {
    await queue.tick('replay-1', 5);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: '{"replayTick":"replay-1"}',
      MessageAttributes: { replayTick: { DataType: 'String', StringValue: 'replay-1' } },
      DelaySeconds: 5,
    });
  });

  it('puts kept orders back in the replay queue, as given', async () => {
    const attributes = { keptByReplay: { DataType: 'String', StringValue: 'replay-1' } };
    await queue.keeper.forward('{"id":"o-1"}', attributes, { delaySeconds: 10 });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: '{"id":"o-1"}',
      MessageAttributes: attributes,
      DelaySeconds: 10,
    });
  });

  it('counts the messages waiting, in flight and delayed', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        ApproximateNumberOfMessages: '12',
        ApproximateNumberOfMessagesNotVisible: '3',
        ApproximateNumberOfMessagesDelayed: '40',
      },
    });
    await expect(queue.counts()).resolves.toEqual({ waiting: 12, inFlight: 3, delayed: 40 });
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    });
  });
});
