import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { countReplayQueue } from '../../../../cli/replay/dry-run';

const WINDOW = { since: new Date('2026-11-21T10:00Z'), until: new Date('2026-11-21T12:00Z') };
const message = (id: string, date?: string) => ({
  MessageId: id,
  ReceiptHandle: `receipt-${id}`,
  Body: JSON.stringify({ id, ...(date ? { date } : {}) }),
});
const aTick = (id: string) => ({
  MessageId: id,
  ReceiptHandle: `receipt-${id}`,
  Body: JSON.stringify({ replayTick: 'replay-0' }),
  MessageAttributes: { replayTick: { DataType: 'String', StringValue: 'replay-0' } },
});

describe('counting the replay queue in a dry run', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    sqs.reset();
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it('reads until the queue returns nothing, judges each order as a replay would, leaves ticks out, and makes every message visible again', async () => {
    const many = Array.from({ length: 10 }, (_, index) => message(`m-${index}`, '2026-11-21T11:00:00Z'));
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: many })
      .resolvesOnce({
        Messages: [
          message('after', '2026-11-21T12:00:00Z'),
          message('before', '2026-11-21T09:59:59Z'),
          message('none'),
          aTick('tick'),
        ],
      })
      .resolves({ Messages: [] });

    const counts = await countReplayQueue(new SQSClient({}), 'q', WINDOW, { waitTimeSeconds: 0 });

    expect(counts).toEqual({
      read: 13,
      replay: 10,
      beforeWindow: 1,
      afterWindow: 1,
      noTime: 1,
      reappeared: 0,
      notReleased: 0,
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'q',
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 60,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
    });
    const released = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(released.map((input) => input.Entries?.length)).toEqual([10, 4]);
    expect(
      released.flatMap((input) => input.Entries ?? []).every((entry) => entry.VisibilityTimeout === 0),
    ).toBe(true);
  });

  it('stops when only messages already read come back, and counts each once', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a', '2026-11-21T11:00:00Z')] })
      .resolvesOnce({ Messages: [{ ...message('a', '2026-11-21T11:00:00Z'), ReceiptHandle: 'receipt-a-2' }] })
      .resolves({ Messages: [message('never')] });

    const counts = await countReplayQueue(new SQSClient({}), 'q', WINDOW);

    expect(counts).toMatchObject({ read: 1, replay: 1, reappeared: 1 });
    const entries = sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries;
    expect(entries?.map((entry) => entry.ReceiptHandle)).toEqual(['receipt-a-2']);
  });

  it('counts the messages that could not be made visible again', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a'), message('b')] })
      .resolves({});
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolves({ Failed: [{ Id: '1', Code: 'x', SenderFault: true }] });
    expect((await countReplayQueue(new SQSClient({}), 'q', WINDOW)).notReleased).toBe(1);
  });

  it('still makes the messages read visible again when a receive fails', async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message('a')] })
      .rejects(new Error('throttled'));
    await expect(countReplayQueue(new SQSClient({}), 'q', WINDOW)).rejects.toThrow('throttled');
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1);
  });
});
