import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { moveMessages } from '../../../../cli/redrive/move-messages';

const message = (id: string, extra: object = {}) => ({
  MessageId: id,
  ReceiptHandle: `receipt-${id}`,
  Body: `{"id":"${id}"}`,
  MessageAttributes: {
    amount: { DataType: 'Number', StringValue: '10', StringListValues: [], BinaryListValues: [] },
    ErrorCode: { DataType: 'String', StringValue: '403', StringListValues: [], BinaryListValues: [] },
  },
  ...extra,
});

describe('moving messages by hand', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).callsFake(({ Entries = [] }) => ({
      Successful: Entries.map(({ Id }: { Id: string }) => ({
        Id,
        MessageId: `new-${Id}`,
        MD5OfMessageBody: '',
      })),
      Failed: [],
    }));
    sqs.on(DeleteMessageBatchCommand).callsFake(({ Entries = [] }) => ({
      Successful: Entries.map(({ Id }: { Id: string }) => ({ Id })),
      Failed: [],
    }));
  });

  it('sends each message with its body and attributes, then deletes it, until the queue is empty', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a'), message('b')] })
      .resolves({});

    const result = await moveMessages(new SQSClient({}), 'dlq', 'source', { waitTimeSeconds: 0 });

    expect(result).toEqual({ moved: 2, notSent: 0, notDeleted: 0, reasons: [] });
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'source',
      Entries: ['a', 'b'].map((id, index) => ({
        Id: String(index),
        MessageBody: `{"id":"${id}"}`,
        MessageAttributes: {
          amount: { DataType: 'Number', StringValue: '10' },
          ErrorCode: { DataType: 'String', StringValue: '403' },
        },
      })),
    });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'dlq',
      Entries: [
        { Id: '0', ReceiptHandle: 'receipt-a' },
        { Id: '1', ReceiptHandle: 'receipt-b' },
      ],
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: 'dlq',
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
    });
  });

  it('deletes nothing that was not sent, and reports why', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a'), message('b')] })
      .resolves({});
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '1', MessageId: 'new', MD5OfMessageBody: '' }],
      Failed: [{ Id: '0', Code: 'KMS.DisabledException', Message: 'the key is disabled', SenderFault: true }],
    });

    const result = await moveMessages(new SQSClient({}), 'dlq', 'source');

    expect(result).toEqual({ moved: 1, notSent: 1, notDeleted: 0, reasons: ['the key is disabled'] });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '1', ReceiptHandle: 'receipt-b' },
    ]);
  });

  it('deletes nothing when the send fails as a whole', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message('a')] });
    sqs.on(SendMessageBatchCommand).rejects(new Error('the destination does not exist'));
    await expect(moveMessages(new SQSClient({}), 'dlq', 'source')).rejects.toThrow(
      'the destination does not exist',
    );
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('drops the attributes it is told to drop, and keeps FIFO group and deduplication ids', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [message('a', { Attributes: { MessageGroupId: 'g', MessageDeduplicationId: 'd' } })],
      })
      .resolves({});

    await moveMessages(new SQSClient({}), 'dlq', 'source', { dropAttributes: ['ErrorCode'] });

    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]).toEqual({
      Id: '0',
      MessageBody: '{"id":"a"}',
      MessageAttributes: { amount: { DataType: 'Number', StringValue: '10' } },
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd',
    });
  });

  it('keeps to --max-per-second: smaller receives, and a pause before each next one', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a'), message('b')] })
      .resolvesOnce({ Messages: [message('c'), message('d')] })
      .resolves({});
    let clock = 1_000;
    const pauses: number[] = [];

    const result = await moveMessages(new SQSClient({}), 'dlq', 'source', {
      maxPerSecond: 2,
      now: () => clock,
      pause: async (ms) => {
        pauses.push(ms);
        clock += ms;
      },
    });

    expect(result.moved).toBe(4);
    expect(pauses).toEqual([1000, 1000]);
    expect(
      sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input.MaxNumberOfMessages),
    ).toEqual([2, 2, 2]);
  });
});
