import { CliError } from '../../../../cli/shared/errors';
import {
  chunks,
  isQueueUrl,
  parseQueueArn,
  queueNameOf,
  resolveQueueUrl,
  sendableAttributes,
} from '../../../../cli/shared/queues';
import type { Target } from '../../../../cli/shared/target';

const targetWith = (outputs: Record<string, string>): Target => ({
  kind: 'local',
  description: 'the local stack (outputs.json)',
  clientConfig: {},
  failureContext: {},
  outputs: async () => outputs,
  output: async (name) => outputs[name] as string,
});

describe('naming queues on the command line', () => {
  const target = targetWith({
    CheckoutDeadLetterQueueUrl: 'http://127.0.0.1:5050/123456789012/local-CheckoutDeadLetterQueue',
    CheckoutQueueUrl: 'http://127.0.0.1:5050/123456789012/local-CheckoutQueue',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:local-CheckoutEventsTopic',
  });

  it('takes a queue URL as given and an output name as the URL it holds', async () => {
    expect(await resolveQueueUrl(target, 'https://sqs.eu-west-1.amazonaws.com/1/q')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/1/q',
    );
    expect(await resolveQueueUrl(target, 'CheckoutQueueUrl')).toBe(
      'http://127.0.0.1:5050/123456789012/local-CheckoutQueue',
    );
  });

  it('lists the queue outputs for an unknown output or one that is no queue', async () => {
    await expect(resolveQueueUrl(target, 'Nope')).rejects.toThrow(
      new CliError(
        'the local stack (outputs.json) has no output Nope: use a queue URL or one of CheckoutDeadLetterQueueUrl, CheckoutQueueUrl',
      ),
    );
    await expect(resolveQueueUrl(target, 'TopicArn')).rejects.toThrow(
      'the output TopicArn of the local stack (outputs.json) is not a queue URL',
    );
  });

  it('reads names and ARNs', () => {
    expect(isQueueUrl('http://127.0.0.1:5050/1/q')).toBe(true);
    expect(isQueueUrl('CheckoutQueueUrl')).toBe(false);
    expect(queueNameOf('https://sqs.eu-west-1.amazonaws.com/1/checkout-Queue')).toBe('checkout-Queue');
    expect(queueNameOf('arn:aws:sqs:eu-west-1:123456789012:checkout-Queue')).toBe('checkout-Queue');
    expect(parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:checkout-Queue')).toEqual({
      region: 'eu-west-1',
      accountId: '123456789012',
      name: 'checkout-Queue',
    });
    expect(parseQueueArn('arn:aws:sns:eu-west-1:123456789012:topic')).toBeUndefined();
  });
});

describe('copying a received message', () => {
  it('keeps the data type and the string or binary value of each attribute, minus those dropped', () => {
    expect(
      sendableAttributes(
        {
          MessageAttributes: {
            amount: { DataType: 'Number', StringValue: '1', StringListValues: [], BinaryListValues: [] },
            blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2) },
            ErrorCode: { DataType: 'String', StringValue: '500' },
          },
        },
        ['ErrorCode'],
      ),
    ).toEqual({
      amount: { DataType: 'Number', StringValue: '1' },
      blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2) },
    });
    expect(sendableAttributes({})).toEqual({});
  });

  it('splits entries into batches of 10', () => {
    expect(chunks(Array.from({ length: 23 }, (_, index) => index)).map((chunk) => chunk.length)).toEqual([
      10, 10, 3,
    ]);
    expect(chunks([])).toEqual([]);
  });
});
