import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEvent, CloudFormationCustomResourceCreateEvent, SQSEvent } from 'aws-lambda';
import { ROOT_TEMPLATE } from '../../local/paths';
import { loadStacks, resourcesOfType } from '../../scripts/lib/project-templates';
import {
  cardDigits,
  checkCardNumber,
  type OrderEvent,
  type OrderRequest,
  validateOrderEvent,
  validateOrderRequest,
} from '../../src/domain/order';
import { replayDecision } from '../../src/domain/replay';
import {
  InvalidOrderMessageError,
  parseOrderMessage,
  storeOrder,
} from '../../src/functions/checkout/store-order';
import { acceptOrder } from '../../src/functions/checkout-api/accept-order';
import { TEST_CARD_NUMBERS } from '../factories/order';
import { partnerDirectory, TEST_PARTNER } from '../factories/partner';
import { orderMessageAttributes } from '../factories/sqs';
import { type CapturedOutput, captureOutput } from '../helpers/capture-output';
import { cardDataIn } from '../helpers/card-data';
import { InMemoryIdempotentOrderPublisher } from '../helpers/in-memory-idempotent-order-publisher';
import { InMemoryOrderPublisher } from '../helpers/in-memory-order-publisher';
import { InMemoryOrderRepository } from '../helpers/in-memory-order-repository';
import { testPowertools } from '../helpers/powertools';

// The sample events for `sam local invoke`, checked against the real logic so that they cannot rot.
const EVENTS = path.join(__dirname, '..', '..', 'events');
const readEvent = <T>(name: string): T => JSON.parse(readFileSync(path.join(EVENTS, name), 'utf8')) as T;

/**
 * The samples are invoked with `sam local invoke` at the current time: a sample whose card has expired
 * would be rejected, so they are checked against the current time too.
 */
const now = () => new Date();

const errorsOf = (candidate: unknown): string[] => {
  const validation = validateOrderRequest(candidate, now());
  return validation.valid ? [] : validation.errors;
};

/** What the API publishes for a request of the sample partner: the card reduced to network and last 4. */
const eventOf = (request: OrderRequest & { id: string }): OrderEvent => {
  const { card, ...payment } = request.payment;
  const check = card && checkCardNumber(card.number);
  return {
    ...request,
    partner: TEST_PARTNER,
    payment: check?.valid ? { ...payment, card: { network: check.network, last4: check.last4 } } : payment,
  } as OrderEvent;
};

/** A message on a queue holds no card number, CVV, expiry or holder (SPEC §2). */
const expectNoCardData = (body: string) => {
  for (const number of Object.values(TEST_CARD_NUMBERS)) {
    expect(cardDataIn(body, { number, cvv: '123' })).toEqual([]);
  }
  expect(body).not.toMatch(/"(number|cvv|expiry|holder)"/);
};

/** An SQS event of `count` distinct messages from one queue, as Lambda delivers it. */
const expectAnSqsEventOf = (event: SQSEvent, count: number) => {
  expect(event.Records).toHaveLength(count);
  for (const record of event.Records) {
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$/),
      attributes: { ApproximateReceiveCount: expect.stringMatching(/^[0-9]+$/) },
    });
    expect(record.eventSourceARN.split(':')[3]).toBe(record.awsRegion);
    expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
  }
  expect(new Set(event.Records.map(({ messageId }) => messageId)).size).toBe(count);
};

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('events/order.json', () => {
  const order = readEvent<OrderRequest>('order.json');

  it('is a request the API accepts, without an id, so that every POST of it is a new order', () => {
    expect(errorsOf(order)).toEqual([]);
    expect(order).not.toHaveProperty('id');
  });

  it('carries a published test card number, never a real one', () => {
    const number = order.payment.card?.number ?? '';
    expect(Object.values(TEST_CARD_NUMBERS)).toContain(cardDigits(number));
  });
});

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
    expect(checkCardNumber(number).valid).toBe(true);
  });
});

describe('events/checkout-api/valid-order.json', () => {
  const event = readEvent<APIGatewayProxyEvent>('checkout-api/valid-order.json');

  it('holds an order that passes validation', () => {
    expect(errorsOf(JSON.parse(event.body ?? ''))).toEqual([]);
  });

  it('is accepted with 202 and published under its id, its card reduced to network and last 4', async () => {
    const publisher = new InMemoryOrderPublisher();
    const response = await acceptOrder(event, {
      publisher,
      idempotentPublisher: new InMemoryIdempotentOrderPublisher(publisher),
      partners: partnerDirectory([TEST_PARTNER]),
      generateOrderId: () => 'generated',
      now,
      ...testPowertools('checkout-api'),
    });
    const order = JSON.parse(event.body ?? '') as OrderRequest & { id: string };
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ orderId: order.id });
    expect(publisher.published).toEqual([eventOf(order)]);
    expect(publisher.published[0]?.payment.card).toEqual({ network: 'visa', last4: '1111' });
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
      idempotentPublisher: new InMemoryIdempotentOrderPublisher(publisher),
      partners: partnerDirectory([TEST_PARTNER]),
      generateOrderId: () => 'generated',
      now,
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
    expectAnSqsEventOf(event, 3);
  });

  it('has exactly one poison message, which is rejected as an invalid order', () => {
    expect(parsed.filter(({ result }) => result instanceof InvalidOrderMessageError)).toHaveLength(1);
    expect(valid).toHaveLength(2);
  });

  it('carries each valid order as a raw body with the amount, currency and customerId attributes', () => {
    for (const { record, result } of valid) {
      expect(record.messageAttributes).toEqual(orderMessageAttributes(result as OrderEvent));
    }
  });

  it('carries order events as the API publishes them: no card number, CVV, expiry or holder', () => {
    for (const { record } of parsed) expectNoCardData(record.body);
    for (const { record } of valid) {
      expect(validateOrderEvent(JSON.parse(record.body))).toEqual({
        valid: true,
        value: JSON.parse(record.body),
      });
    }
    expect(valid.some(({ record }) => JSON.parse(record.body).payment.card)).toBe(true);
  });

  it('has valid orders that the checkout function stores', async () => {
    const repository = new InMemoryOrderRepository();
    for (const { result } of valid) {
      await expect(
        storeOrder(result as OrderEvent, { repository, ...testPowertools('checkout') }),
      ).resolves.toBe('stored');
    }
    expect(repository.size).toBe(2);
  });
});

describe('events/replay/sqs-batch-from-the-replay-queue.json', () => {
  const event = readEvent<SQSEvent>('replay/sqs-batch-from-the-replay-queue.json');
  /** The window the README starts before invoking ReplayFunction with this event. */
  const window = { since: new Date('2026-11-21T10:00:00Z'), until: new Date('2026-11-21T12:00:00Z') };

  it('is an SQS event from the replay queue, in the shape Lambda delivers', () => {
    expectAnSqsEventOf(event, 3);
    expect(event.Records.every(({ eventSourceARN }) => /ReplayQueue/.test(eventSourceARN))).toBe(true);
  });

  it('holds one order inside the window of 10:00 to 12:00 UTC, one before it and one without a date', () => {
    expect(event.Records.map(({ body }) => replayDecision(body, window))).toEqual([
      'replay',
      'outside-window',
      'no-time',
    ]);
  });

  it('carries the dated orders as valid orders with their message attributes', () => {
    for (const record of event.Records.slice(0, 2)) {
      const order = parseOrderMessage(record.body);
      expect(record.messageAttributes).toEqual(orderMessageAttributes(order));
    }
  });

  it('carries order events as the API publishes them: no card number, CVV, expiry or holder', () => {
    for (const record of event.Records) {
      expectNoCardData(record.body);
      const body = JSON.parse(record.body);
      if (body.payment.card) expect(body.payment.card).toEqual({ network: 'visa', last4: '1111' });
    }
    for (const record of event.Records.slice(0, 2)) {
      expect(validateOrderEvent(JSON.parse(record.body)).valid).toBe(true);
    }
  });
});

describe('events/search-index-setup/create.json', () => {
  const event = readEvent<CloudFormationCustomResourceCreateEvent>('search-index-setup/create.json');
  const [search] = loadStacks(ROOT_TEMPLATE).filter(
    ({ stackPath }) => stackPath.join('/') === 'SearchAnalyticsPipeline',
  );
  const [[, setUp] = []] = resourcesOfType(search?.template ?? { Resources: {} }, 'Custom::OrderIndexSetup');

  it('is a CloudFormation Create request for the order index set-up of the search pipeline', () => {
    expect(event).toMatchObject({
      RequestType: 'Create',
      ResourceType: 'Custom::OrderIndexSetup',
      LogicalResourceId: 'OrderIndexSetup',
      ResponseURL: expect.stringMatching(/^https:\/\//),
      StackId: expect.stringMatching(/^arn:aws:cloudformation:/),
    });
    expect(event.ResourceProperties.ServiceToken).toBe(event.ServiceToken);
  });

  it('has exactly the properties the template gives the custom resource, as CloudFormation sends them', () => {
    expect(Object.keys(event.ResourceProperties).sort()).toEqual(
      Object.keys((setUp?.Properties ?? {}) as Record<string, unknown>).sort(),
    );
    // CloudFormation sends every scalar property as a string, and a list as an array of strings.
    const inTemplate = (setUp?.Properties ?? {}) as Record<string, unknown>;
    const isString = (value: unknown) => typeof value === 'string';
    const malformed = Object.entries(event.ResourceProperties).filter(([name, value]) =>
      Array.isArray(inTemplate[name]) ? !(Array.isArray(value) && value.every(isString)) : !isString(value),
    );
    expect(malformed).toEqual([]);
    expect(event.ResourceProperties.IndexName).toBe('orders');
    expect(event.ResourceProperties.IndexWriterRoleArns).toEqual([
      expect.stringMatching(/^arn:aws:iam::\d{12}:role\//),
    ]);
  });
});

describe('events/circuit-breaker/scheduled-check.json', () => {
  it('is the payload the breaker schedule sends CircuitBreakerFunction (its Target.Input)', () => {
    const [root] = loadStacks(ROOT_TEMPLATE);
    const [[, schedule] = []] = resourcesOfType(
      root?.template ?? { Resources: {} },
      'AWS::Scheduler::Schedule',
    );
    const target = (
      (schedule as { Properties: unknown }).Properties as { Target: { Input: string; Arn: unknown } }
    ).Target;
    expect(readEvent('circuit-breaker/scheduled-check.json')).toEqual(JSON.parse(target.Input));
    expect(target.Arn).toEqual({ Ref: 'CircuitBreakerFunction.Alias' });
  });
});

describe('events/env.example.json', () => {
  const environment = readEvent<Record<string, Record<string, string>>>('env.example.json');

  /** The variables `sam local` cannot resolve by itself: those set from a resource or a stack parameter. */
  const functionsAndTheirReferences = loadStacks(ROOT_TEMPLATE).flatMap(({ stackPath, template }) =>
    resourcesOfType(template, 'AWS::Serverless::Function').map(([id, resource]) => {
      const variables = ((resource.Properties?.Environment as { Variables?: Record<string, unknown> })
        ?.Variables ?? {}) as Record<string, unknown>;
      return {
        path: [...stackPath, id].join('/'),
        names: Object.keys(variables)
          .filter((name) => typeof variables[name] !== 'string' && !name.startsWith('POWERTOOLS_'))
          .sort(),
      };
    }),
  );

  it.each(functionsAndTheirReferences.filter(({ names }) => names.length > 0))(
    'gives $path every variable the template sets from a resource or a parameter',
    ({ path: functionPath, names }) => {
      expect(Object.keys(environment[functionPath] ?? {}).sort()).toEqual(names);
    },
  );

  it('names only functions of the templates', () => {
    const paths = functionsAndTheirReferences.map(({ path: functionPath }) => functionPath);
    expect(Object.keys(environment).filter((name) => !paths.includes(name))).toEqual([]);
  });
});
