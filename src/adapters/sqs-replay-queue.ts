import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReplayQueueCounts } from '../domain/replay';
import { type OrderForwarder, SqsOrderForwarder } from './sqs-order-forwarder';

/** The message attribute of a tick: the replay it belongs to. */
export const REPLAY_TICK_ATTRIBUTE = 'replayTick';

const count = (value: string | undefined) => Number(value ?? 0) || 0;

/**
 * The replay queue as the replay function uses it besides reading it (its event source does that): it
 * puts kept orders back, sends itself ticks, and counts what the queue holds.
 */
export class SqsReplayQueue {
  /** Kept orders go back to the replay queue as they came, delayed. */
  readonly keeper: OrderForwarder;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.keeper = new SqsOrderForwarder(sqs, queueUrl);
  }

  /** A message that comes back to the replay function after `delaySeconds`, so that it looks again. */
  async tick(replayId: string, delaySeconds: number): Promise<void> {
    await this.keeper.forward(
      JSON.stringify({ replayTick: replayId }),
      { [REPLAY_TICK_ATTRIBUTE]: { DataType: 'String', StringValue: replayId } },
      { delaySeconds },
    );
  }

  /** What the queue holds, as SQS counts it (approximately). */
  async counts(): Promise<ReplayQueueCounts> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      waiting: count(Attributes.ApproximateNumberOfMessages),
      inFlight: count(Attributes.ApproximateNumberOfMessagesNotVisible),
      delayed: count(Attributes.ApproximateNumberOfMessagesDelayed),
    };
  }
}
