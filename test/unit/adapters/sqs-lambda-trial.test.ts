import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsLambdaTrial, sqsEventOf, type TrialSettings } from '../../../src/adapters/sqs-lambda-trial';
import { CHECKOUT_QUEUE_ARN } from '../../factories/sqs';

const SETTINGS: TrialSettings = {
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-CheckoutQueue-1A2B3C4D5E6F',
  queueArn: CHECKOUT_QUEUE_ARN,
  region: 'eu-west-1',
  functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-CheckoutFunction-1A2B3C:live',
  batchSize: 3,
};

let sequence = 0;
/** A message as ReceiveMessage gives it, with every attribute asked for. */
const aMessage = (overrides: Partial<Message> = {}): Message => {
  sequence += 1;
  return {
    MessageId: `message-${sequence}`,
    ReceiptHandle: `receipt-${sequence}`,
    Body: JSON.stringify({ id: `order-${sequence}` }),
    MD5OfBody: '0123456789abcdef0123456789abcdef',
    Attributes: {
      ApproximateReceiveCount: '2',
      SentTimestamp: '1795256130000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1795256130010',
    },
    MessageAttributes: {
      amount: { DataType: 'Number', StringValue: '59.97' },
      customerId: { DataType: 'String', StringValue: 'customer-1' },
    },
    ...overrides,
  };
};

const payload = (value: unknown) =>
  new TextEncoder().encode(
    value === undefined ? '' : JSON.stringify(value),
  ) as InvokeCommandOutput['Payload'];

describe('sqsEventOf', () => {
  it('builds the record Lambda would deliver: body, attributes, message attributes, queue and region', () => {
    const message = aMessage({
      MessageId: 'm-1',
      ReceiptHandle: 'r-1',
      Body: '{"id":"order-1"}',
      MessageAttributes: {
        customerId: { DataType: 'String', StringValue: 'customer-1' },
        signature: { DataType: 'Binary', BinaryValue: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) },
        amount: { DataType: 'Number.EUR', StringValue: '59.97' },
      },
    });

    expect(sqsEventOf([message], SETTINGS)).toEqual({
      Records: [
        {
          messageId: 'm-1',
          receiptHandle: 'r-1',
          body: '{"id":"order-1"}',
          attributes: {
            ApproximateReceiveCount: '2',
            SentTimestamp: '1795256130000',
            SenderId: 'AIDAIENQZJOLO23YVJ4VO',
            ApproximateFirstReceiveTimestamp: '1795256130010',
          },
          messageAttributes: {
            customerId: {
              dataType: 'String',
              stringValue: 'customer-1',
              stringListValues: [],
              binaryListValues: [],
            },
            signature: {
              dataType: 'Binary',
              binaryValue: '3q2+7w==',
              stringListValues: [],
              binaryListValues: [],
            },
            amount: {
              dataType: 'Number.EUR',
              stringValue: '59.97',
              stringListValues: [],
              binaryListValues: [],
            },
          },
          md5OfBody: '0123456789abcdef0123456789abcdef',
          eventSource: 'aws:sqs',
          eventSourceARN: CHECKOUT_QUEUE_ARN,
          awsRegion: 'eu-west-1',
        },
      ],
    } satisfies SQSEvent);
  });

  it('gives a message received without attributes the attributes of a first receive, and no message attributes', () => {
    const [record] = sqsEventOf(
      [{ MessageId: 'm-2', ReceiptHandle: 'r-2', Body: 'not json' }],
      SETTINGS,
    ).Records;
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(record?.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(record?.messageAttributes).toEqual({});
    expect(record?.body).toBe('not json');
  });

  it('keeps the messages in the order they were received', () => {
    const messages = [aMessage(), aMessage(), aMessage()];
    expect(sqsEventOf(messages, SETTINGS).Records.map(({ messageId }) => messageId)).toEqual(
      messages.map(({ MessageId }) => MessageId),
    );
  });
});

describe('SqsLambdaTrial', () => {
  const sqs = mockClient(SQSClient);
  const lambda = mockClient(LambdaClient);
  let trial: SqsLambdaTrial;

  beforeEach(() => {
    sqs.reset();
    lambda.reset();
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    trial = new SqsLambdaTrial(
      new SQSClient({ region: 'eu-west-1' }),
      new LambdaClient({ region: 'eu-west-1' }),
      SETTINGS,
    );
  });

  afterAll(() => {
    sqs.restore();
    lambda.restore();
  });

  const receives = () => sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input);
  const invocations = () => lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input);
  const invokedEvent = () => JSON.parse(String(invocations()[0]?.Payload)) as SQSEvent;
  const deletes = () => sqs.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input);
  const sends = () => sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
  const deletedHandles = () =>
    deletes().flatMap(({ Entries = [] }) => Entries.map((entry) => entry.ReceiptHandle));

  const receiving = (messages: Message[]) => sqs.on(ReceiveMessageCommand).resolves({ Messages: messages });
  const answering = (response: unknown) =>
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(response) });

  describe('run', () => {
    it('receives one batch of the trial size, with every attribute, waiting a second at most', async () => {
      receiving([]);
      await trial.run();
      expect(receives()).toEqual([
        {
          QueueUrl: SETTINGS.queueUrl,
          MaxNumberOfMessages: 3,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          WaitTimeSeconds: 1,
        },
      ]);
    });

    it.each([
      [0, 1],
      [25, 10],
    ])('asks for a batch size of %i as %i, what SQS allows', async (batchSize, asked) => {
      receiving([]);
      await new SqsLambdaTrial(new SQSClient({}), new LambdaClient({}), { ...SETTINGS, batchSize }).run();
      expect(receives()[0]?.MaxNumberOfMessages).toBe(asked);
    });

    it('invokes nothing and deletes nothing when the queue is empty', async () => {
      sqs.on(ReceiveMessageCommand).resolves({});
      await expect(trial.run()).resolves.toEqual({ received: 0, failed: [] });
      expect(invocations()).toEqual([]);
      expect(deletes()).toEqual([]);
    });

    it('invokes the function synchronously with the SQS event of the batch', async () => {
      const messages = [aMessage(), aMessage()];
      receiving(messages);
      answering({ batchItemFailures: [] });
      await trial.run();
      expect(invocations()).toEqual([
        expect.objectContaining({ FunctionName: SETTINGS.functionName, InvocationType: 'RequestResponse' }),
      ]);
      expect(invokedEvent()).toEqual(sqsEventOf(messages, SETTINGS));
    });

    it('deletes every message of a batch the function processed, in one request', async () => {
      const messages = [aMessage(), aMessage(), aMessage()];
      receiving(messages);
      answering({ batchItemFailures: [] });
      await expect(trial.run()).resolves.toEqual({ received: 3, failed: [] });
      expect(deletes()).toEqual([
        {
          QueueUrl: SETTINGS.queueUrl,
          Entries: messages.map((message, index) => ({
            Id: `m${index}`,
            ReceiptHandle: message.ReceiptHandle,
          })),
        },
      ]);
    });

    it('deletes only the messages the function did not report as failures, and gives back the others', async () => {
      const [stored, failed, alsoStored] = [aMessage(), aMessage(), aMessage()];
      receiving([stored, failed, alsoStored] as Message[]);
      answering({ batchItemFailures: [{ itemIdentifier: failed?.MessageId }] });
      await expect(trial.run()).resolves.toEqual({ received: 3, failed: [failed] });
      expect(deletedHandles()).toEqual([stored?.ReceiptHandle, alsoStored?.ReceiptHandle]);
    });

    it('deletes nothing when the function reported every message as failed', async () => {
      const messages = [aMessage(), aMessage()];
      receiving(messages);
      answering({ batchItemFailures: messages.map(({ MessageId }) => ({ itemIdentifier: MessageId })) });
      await expect(trial.run()).resolves.toEqual({ received: 2, failed: messages });
      expect(deletes()).toEqual([]);
    });

    it('counts a function that answered nothing (null) as having processed the whole batch', async () => {
      const messages = [aMessage()];
      receiving(messages);
      answering(null);
      await expect(trial.run()).resolves.toEqual({ received: 1, failed: [] });
      expect(deletedHandles()).toEqual([messages[0]?.ReceiptHandle]);
    });

    it.each([
      [
        'the batch failed as a whole',
        'Unhandled',
        { errorType: 'FullBatchFailureError', errorMessage: 'All records failed processing.' },
        'FullBatchFailureError',
      ],
      [
        'the function timed out',
        'Unhandled',
        { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 10.00 seconds' },
        'Sandbox.Timedout',
      ],
      ['the error payload has no type', 'Unhandled', {}, 'Unhandled'],
      ['there is no error payload', 'Unhandled', undefined, 'Unhandled'],
    ])(
      'keeps every message and reports the error type from the payload when %s',
      async (_, functionError, errorPayload, reported) => {
        const messages = [aMessage(), aMessage()];
        receiving(messages);
        lambda
          .on(InvokeCommand)
          .resolves({ StatusCode: 200, FunctionError: functionError, Payload: payload(errorPayload) });
        await expect(trial.run()).resolves.toEqual({
          received: 2,
          failed: messages,
          functionError: reported,
        });
        expect(deletes()).toEqual([]);
      },
    );

    it('lets a failing invocation through, deleting nothing', async () => {
      receiving([aMessage()]);
      lambda.on(InvokeCommand).rejects(new Error('TooManyRequestsException: Rate Exceeded.'));
      await expect(trial.run()).rejects.toThrow('Rate Exceeded');
      expect(deletes()).toEqual([]);
    });
  });

  describe('requeue', () => {
    it('sends fresh copies with the same bodies and attributes, then deletes the originals', async () => {
      const binary = { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) };
      const messages = [
        aMessage(),
        aMessage({ MessageAttributes: { signature: binary } }),
        aMessage({ MessageAttributes: undefined }),
      ];
      await trial.requeue(messages);

      expect(sends()).toEqual([
        {
          QueueUrl: SETTINGS.queueUrl,
          Entries: messages.map((message, index) => ({
            Id: `m${index}`,
            MessageBody: message.Body,
            MessageAttributes: message.MessageAttributes,
          })),
        },
      ]);
      expect(deletedHandles()).toEqual(messages.map(({ ReceiptHandle }) => ReceiptHandle));
      expect(sqs.calls().map((call) => call.args[0].constructor.name)).toEqual([
        'SendMessageBatchCommand',
        'DeleteMessageBatchCommand',
      ]);
    });

    it('deletes only the originals that were copied: a message that could not be copied stays as it is', async () => {
      const messages = [aMessage(), aMessage(), aMessage()];
      sqs.on(SendMessageBatchCommand).resolves({
        Successful: [
          { Id: 'm0', MessageId: 'copy-0', MD5OfMessageBody: '' },
          { Id: 'm2', MessageId: 'copy-2', MD5OfMessageBody: '' },
        ],
        Failed: [{ Id: 'm1', SenderFault: false, Code: 'InternalError' }],
      });
      await trial.requeue(messages);
      expect(deletedHandles()).toEqual([messages[0]?.ReceiptHandle, messages[2]?.ReceiptHandle]);
    });

    it('deletes nothing when no copy could be sent', async () => {
      const messages = [aMessage(), aMessage()];
      sqs.on(SendMessageBatchCommand).resolves({
        Successful: [],
        Failed: messages.map((_, index) => ({ Id: `m${index}`, SenderFault: false, Code: 'InternalError' })),
      });
      await trial.requeue(messages);
      expect(deletes()).toEqual([]);
    });

    it('deletes nothing when sending the copies fails', async () => {
      sqs.on(SendMessageBatchCommand).rejects(new Error('KMS.KMSThrottlingException'));
      await expect(trial.requeue([aMessage()])).rejects.toThrow('KMS');
      expect(deletes()).toEqual([]);
    });

    it('sends nothing for no messages', async () => {
      await trial.requeue([]);
      expect(sqs.calls()).toEqual([]);
    });
  });
});
