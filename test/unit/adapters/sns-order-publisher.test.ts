import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsOrderPublisher } from '../../../src/adapters/sns-order-publisher';
import { anOrderEvent } from '../../factories/order';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:checkout-CheckoutEventsTopic-1A2B3C';

describe('SnsOrderPublisher', () => {
  const sns = mockClient(SNSClient);
  const publisher = new SnsOrderPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC_ARN);

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  });

  afterAll(() => sns.restore());

  it('publishes the order as the message body to the topic, once', async () => {
    const order = anOrderEvent({ id: 'order-sns-1' });
    await publisher.publish(order);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.TopicArn).toBe(TOPIC_ARN);
    expect(JSON.parse(input?.Message ?? '')).toEqual(order);
  });

  it('adds the amount (as a Number), currency and customer id as message attributes for filter policies', async () => {
    await publisher.publish(
      anOrderEvent({ customer: { id: 'customer-7' }, payment: { amount: 59.97, currency: 'GBP' } }),
    );
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes).toEqual({
      amount: { DataType: 'Number', StringValue: '59.97' },
      currency: { DataType: 'String', StringValue: 'GBP' },
      customerId: { DataType: 'String', StringValue: 'customer-7' },
    });
  });

  it('writes a whole amount as a plain number that a numeric filter can compare', async () => {
    await publisher.publish(anOrderEvent({ payment: { amount: 100 } }));
    const amount = sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes?.amount;
    expect(amount).toEqual({ DataType: 'Number', StringValue: '100' });
  });

  it('lets a failure of SNS reach the caller', async () => {
    const failure = new SNSServiceException({
      name: 'InternalErrorException',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
      message: 'Internal error',
    });
    sns.on(PublishCommand).rejects(failure);
    await expect(publisher.publish(anOrderEvent())).rejects.toBe(failure);
  });
});
