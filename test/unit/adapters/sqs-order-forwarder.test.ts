import { GetQueueUrlCommand, QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsOrderForwarder } from '../../../src/adapters/sqs-order-forwarder';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:210987654321:checkout-CheckoutQueue-9Z8Y7X';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/210987654321/checkout-CheckoutQueue-9Z8Y7X';
const ATTRIBUTES = { replayId: { DataType: 'String', StringValue: 'replay-1' } };

const noSuchQueue = () =>
  new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} });

describe('SqsOrderForwarder', () => {
  const sqs = mockClient(SQSClient);
  let forwarder: SqsOrderForwarder;

  beforeEach(() => {
    sqs.reset();
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: QUEUE_URL });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'message-1' });
    forwarder = new SqsOrderForwarder(new SQSClient({ region: 'eu-west-1' }), QUEUE_ARN);
  });

  afterAll(() => sqs.restore());

  const lookups = () => sqs.commandCalls(GetQueueUrlCommand).map((call) => call.args[0].input);
  const sent = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);

  it('sends the body and attributes, unchanged, to the queue the ARN names', async () => {
    await forwarder.forward('{"id":"order-1"}', ATTRIBUTES);
    expect(lookups()).toEqual([
      { QueueName: 'checkout-CheckoutQueue-9Z8Y7X', QueueOwnerAWSAccountId: '210987654321' },
    ]);
    expect(sent()).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: '{"id":"order-1"}', MessageAttributes: ATTRIBUTES },
    ]);
  });

  it('looks the queue URL up once, for sequential and concurrent sends alike', async () => {
    await forwarder.forward('1', ATTRIBUTES);
    await Promise.all(['2', '3', '4'].map((body) => forwarder.forward(body, ATTRIBUTES)));
    expect(lookups()).toHaveLength(1);
    expect(sent().map((input) => input.MessageBody)).toEqual(['1', '2', '3', '4']);
  });

  it('shares one lookup between concurrent first sends', async () => {
    await Promise.all(['1', '2', '3'].map((body) => forwarder.forward(body, ATTRIBUTES)));
    expect(lookups()).toHaveLength(1);
    expect(sent()).toHaveLength(3);
  });

  it('fails the send when the lookup fails, and looks the URL up again next time', async () => {
    sqs.on(GetQueueUrlCommand).rejectsOnce(noSuchQueue()).resolves({ QueueUrl: QUEUE_URL });
    await expect(forwarder.forward('1', ATTRIBUTES)).rejects.toThrow(QueueDoesNotExist);
    expect(sent()).toEqual([]);
    await forwarder.forward('2', ATTRIBUTES);
    await forwarder.forward('3', ATTRIBUTES);
    expect(lookups()).toHaveLength(2);
    expect(sent().map((input) => input.MessageBody)).toEqual(['2', '3']);
  });

  it('fails every concurrent send that waited on a failed lookup', async () => {
    sqs.on(GetQueueUrlCommand).rejectsOnce(noSuchQueue()).resolves({ QueueUrl: QUEUE_URL });
    const results = await Promise.allSettled(['1', '2'].map((body) => forwarder.forward(body, ATTRIBUTES)));
    expect(results.map(({ status }) => status)).toEqual(['rejected', 'rejected']);
    await forwarder.forward('3', ATTRIBUTES);
    expect(lookups()).toHaveLength(2);
  });

  it('lets a SendMessage failure through, keeping the URL it found', async () => {
    sqs.on(SendMessageCommand).rejectsOnce(new Error('Throttled')).resolves({});
    await expect(forwarder.forward('1', ATTRIBUTES)).rejects.toThrow('Throttled');
    await forwarder.forward('2', ATTRIBUTES);
    expect(lookups()).toHaveLength(1);
  });

  it('sends to a queue given by URL without looking anything up, delayed when asked', async () => {
    const byUrl = new SqsOrderForwarder(new SQSClient({ region: 'eu-west-1' }), QUEUE_URL);
    await byUrl.forward('1', ATTRIBUTES, { delaySeconds: 30 });
    await byUrl.forward('2', ATTRIBUTES);
    expect(lookups()).toEqual([]);
    expect(sent()).toEqual([
      { QueueUrl: QUEUE_URL, MessageBody: '1', MessageAttributes: ATTRIBUTES, DelaySeconds: 30 },
      { QueueUrl: QUEUE_URL, MessageBody: '2', MessageAttributes: ATTRIBUTES },
    ]);
  });
});
