import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent, SQSEvent } from 'aws-lambda';
import { cardDigits, isValidCardNumber, type Order, validateOrderInput } from '../../src/domain/order';
import {
  InvalidOrderMessageError,
  parseOrderMessage,
  storeOrder,
} from '../../src/functions/checkout/store-order';
import { acceptOrder } from '../../src/functions/checkout-api/accept-order';
import { TEST_CARD_NUMBERS } from '../factories/order';
import { orderMessageAttributes } from '../factories/sqs';
import { type CapturedOutput, captureOutput } from '../helpers/capture-output';
import { InMemoryOrderPublisher } from '../helpers/in-memory-order-publisher';
import { InMemoryOrderRepository } from '../helpers/in-memory-order-repository';
import { testPowertools } from '../helpers/powertools';

// The sample events for `sam local invoke`, checked against the real logic so that they cannot rot.
const EVENTS = path.join(__dirname, '..', '..', 'events');
const readEvent = <T>(name: string): T => JSON.parse(readFileSync(path.join(EVENTS, name), 'utf8')) as T;

const errorsOf = (candidate: unknown): string[] => {
  const validation = validateOrderInput(candidate);
  return validation.valid ? [] : validation.errors;
};

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe.each(['valid-order.json', 'invalid-order.json'])('events/checkout-api/%s', (name) => {
  const event = readEvent<APIGatewayProxyEvent>(`checkout-api/${name}`);

  it('is a REST API proxy event (payload v1) for POST /checkout with a JSON body', () => {
    expect(event).toMatchObject({
      resource: '/checkout',
      path: '/checkout',
      httpMethod: 'POST',
      isBase64Encoded: false,
      requestContext: { resourcePath: '/checkout', httpMethod: 'POST', stage: expect.any(String) },
    });
    expect(event.headers['Content-Type']).toBe('application/json');
    expect(event.multiValueHeaders).toEqual(
      Object.fromEntries(Object.entries(event.headers).map(([header, value]) => [header, [value]])),
    );
    expect(() => JSON.parse(event.body ?? '')).not.toThrow();
  });

  it('carries a published test card number, never a real one', () => {
    const number = JSON.parse(event.body ?? '{}').payment.card.number as string;
    expect(Object.values(TEST_CARD_NUMBERS)).toContain(cardDigits(number));
    expect(isValidCardNumber(number)).toBe(true);
  });
});

describe('events/checkout-api/valid-order.json', () => {
  const event = readEvent<APIGatewayProxyEvent>('checkout-api/valid-order.json');

  it('holds an order that passes validation', () => {
    expect(errorsOf(JSON.parse(event.body ?? ''))).toEqual([]);
  });

  it('is accepted with 202 and published under its id', async () => {
    const publisher = new InMemoryOrderPublisher();
    const response = await acceptOrder(event, {
      publisher,
      generateOrderId: () => 'generated',
      ...testPowertools('checkout-api'),
    });
    const order = JSON.parse(event.body ?? '') as Order;
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ orderId: order.id });
    expect(publisher.published).toEqual([order]);
  });
});

describe('events/checkout-api/invalid-order.json', () => {
  const event = readEvent<APIGatewayProxyEvent>('checkout-api/invalid-order.json');
  const expectedProblems = [
    'coupon is not allowed',
    'customer.email must match format "email"',
    'payment.amount 50.00 does not equal the sum of the items 59.97',
    'payment.currency must match pattern "^[A-Z]{3}$"',
  ];

  it('holds an order with schema violations and an amount that is not the sum of its items', () => {
    expect(errorsOf(JSON.parse(event.body ?? '')).sort()).toEqual(expectedProblems);
  });

  it('is rejected with 400 naming every problem, and nothing is published', async () => {
    const publisher = new InMemoryOrderPublisher();
    const response = await acceptOrder(event, {
      publisher,
      generateOrderId: () => 'generated',
      ...testPowertools('checkout-api'),
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).errors.sort()).toEqual(expectedProblems);
    expect(publisher.published).toEqual([]);
  });
});

describe('events/checkout/sqs-batch-with-poison-message.json', () => {
  const event = readEvent<SQSEvent>('checkout/sqs-batch-with-poison-message.json');
  const parse = (body: string) => {
    try {
      return parseOrderMessage(body);
    } catch (error) {
      if (error instanceof InvalidOrderMessageError) return error;
      throw error;
    }
  };
  const parsed = event.Records.map((record) => ({ record, result: parse(record.body) }));
  const valid = parsed.filter(({ result }) => !(result instanceof InvalidOrderMessageError));

  it('is an SQS event from a queue, in the shape Lambda delivers', () => {
    expect(event.Records).toHaveLength(3);
    for (const record of event.Records) {
      expect(record).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: expect.stringMatching(/^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$/),
        attributes: { ApproximateReceiveCount: expect.stringMatching(/^[0-9]+$/) },
      });
      expect(record.eventSourceARN.split(':')[3]).toBe(record.awsRegion);
      expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
    }
    expect(new Set(event.Records.map(({ messageId }) => messageId)).size).toBe(3);
  });

  it('has exactly one poison message, which is rejected as an invalid order', () => {
    expect(parsed.filter(({ result }) => result instanceof InvalidOrderMessageError)).toHaveLength(1);
    expect(valid).toHaveLength(2);
  });

  it('carries each valid order as a raw body with the amount, currency and customerId attributes', () => {
    for (const { record, result } of valid) {
      expect(record.messageAttributes).toEqual(orderMessageAttributes(result as Order));
    }
  });

  it('has valid orders that the checkout function stores', async () => {
    const repository = new InMemoryOrderRepository();
    for (const { result } of valid) {
      await expect(storeOrder(result as Order, { repository, ...testPowertools('checkout') })).resolves.toBe(
        'stored',
      );
    }
    expect(repository.size).toBe(2);
  });
});
