import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { type OrderEvent, orderAttributes } from '../../src/domain/order';
import type { OrderRequestWithId } from './order';

/**
 * What a message on the checkout queue carries: an order event as the API publishes it, or, from another
 * publisher to the topic, a whole order with its card.
 */
export type OrderMessage = OrderEvent | OrderRequestWithId;

export const CHECKOUT_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:checkout-CheckoutQueue-1A2B3C4D5E6F';

let sequence = 0;

/** An SQS record as Lambda's event source mapping delivers it; `body` is the raw message. */
export const anSqsRecord = (body: string, overrides: Partial<SQSRecord> = {}): SQSRecord => {
  sequence += 1;
  return {
    messageId: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`,
    receiptHandle: `AQEB-receipt-handle-${sequence}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795256130000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1795256130010',
    },
    messageAttributes: {},
    md5OfBody: '0123456789abcdef0123456789abcdef',
    eventSource: 'aws:sqs',
    eventSourceARN: CHECKOUT_QUEUE_ARN,
    awsRegion: 'eu-west-1',
    ...overrides,
  };
};

/** The message attributes SNS raw delivery puts on an order, in Lambda's SQS event shape. */
export const orderMessageAttributes = (order: OrderMessage): SQSMessageAttributes => {
  const { amount, currency, customerId } = orderAttributes(order as OrderEvent);
  return {
    amount: { dataType: 'Number', stringValue: String(amount), stringListValues: [], binaryListValues: [] },
    currency: { dataType: 'String', stringValue: currency, stringListValues: [], binaryListValues: [] },
    customerId: { dataType: 'String', stringValue: customerId, stringListValues: [], binaryListValues: [] },
  };
};

/** An order message delivered by the topic to the checkout queue with raw message delivery. */
export const anOrderRecord = (order: OrderMessage, overrides: Partial<SQSRecord> = {}): SQSRecord =>
  anSqsRecord(JSON.stringify(order), { messageAttributes: orderMessageAttributes(order), ...overrides });

export const anSqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records });
