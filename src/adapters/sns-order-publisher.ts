import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type OrderEvent, orderAttributes } from '../domain/order';

export interface OrderPublisher {
  publish(order: OrderEvent): Promise<void>;
}

/** Publishes the order as the message body, with the attributes subscription filter policies select on. */
export class SnsOrderPublisher implements OrderPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(order: OrderEvent): Promise<void> {
    const { amount, currency, customerId, partnerId } = orderAttributes(order);
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(order),
        MessageAttributes: {
          amount: { DataType: 'Number', StringValue: String(amount) },
          currency: { DataType: 'String', StringValue: currency },
          customerId: { DataType: 'String', StringValue: customerId },
          ...(partnerId ? { partnerId: { DataType: 'String', StringValue: partnerId } } : {}),
        },
      }),
    );
  }
}
