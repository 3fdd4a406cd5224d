import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { aCheckoutRequestEvent } from '../../../factories/api-gateway';
import { anOrder, anOrderEvent, anOrderInput, TEST_CARD_NUMBERS } from '../../../factories/order';
import { OTHER_PARTNER, partnerClientIdVariables, TEST_PARTNER } from '../../../factories/partner';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import {
  expectStartUpToFailWithout,
  setEnvironment,
  useFunctionHandler,
} from '../../../helpers/handler-environment';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:checkout-CheckoutEventsTopic-1A2B3C';
const IDEMPOTENCY_TABLE = 'checkout-IdempotencyTable-1A2B3C';
const MODULE = '../../../../src/functions/checkout-api/index';

describe('the checkout API handler', () => {
  const sns = mockClient(SNSClient);
  const dynamodb = mockClient(DynamoDBClient);
  let output: CapturedOutput;
  const handler = useFunctionHandler<APIGatewayProxyEvent, APIGatewayProxyResult>(
    'checkout-api',
    {
      ORDER_TOPIC_ARN: TOPIC_ARN,
      IDEMPOTENCY_TABLE_NAME: IDEMPOTENCY_TABLE,
      ORDER_ID_RETENTION_SECONDS: '86400',
      ...partnerClientIdVariables(),
    },
    () => import(MODULE),
  );

  afterAll(() => {
    sns.restore();
    dynamodb.restore();
  });

  beforeEach(() => {
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
    dynamodb.reset();
    dynamodb.on(PutItemCommand).resolves({});
    dynamodb.on(UpdateItemCommand).resolves({});
    output = captureOutput();
  });

  afterEach(() => output.restore());

  const bodyOf = (response: APIGatewayProxyResult) => JSON.parse(response.body);

  it('publishes a valid order to the topic and answers 202 with its id', async () => {
    const order = anOrder({ id: 'api-order-1' });
    const response = await handler(aCheckoutRequestEvent(order));
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ orderId: 'api-order-1' });
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      TopicArn: TOPIC_ARN,
      MessageAttributes: { amount: { DataType: 'Number', StringValue: '59.97' } },
    });
    expect(JSON.parse(calls[0]?.args[0].input.Message ?? '')).toEqual({
      ...anOrderEvent({ ...order, payment: order.payment }),
      partner: TEST_PARTNER,
    });
  });

  it('records the partner on the order and as its partnerId message attribute', async () => {
    await handler(
      aCheckoutRequestEvent(anOrder({ id: 'api-order-4' }), { clientId: OTHER_PARTNER.clientId }),
    );
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(JSON.parse(input?.Message ?? '').partner).toEqual(OTHER_PARTNER);
    expect(input?.MessageAttributes?.partnerId).toEqual({
      DataType: 'String',
      StringValue: OTHER_PARTNER.id,
    });
  });

  it('remembers an order id the client gave in the idempotency table, for the retention configured', async () => {
    const before = Math.floor(Date.now() / 1000);
    await handler(aCheckoutRequestEvent(anOrder({ id: 'api-order-5' })));
    const put = dynamodb.commandCalls(PutItemCommand)[0]?.args[0].input;
    expect(put?.TableName).toBe(IDEMPOTENCY_TABLE);
    const expiration = Number(put?.Item?.expiration?.N);
    expect(expiration).toBeGreaterThanOrEqual(before + 86_400);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 86_400);
    expect(JSON.stringify(put)).not.toContain('api-order-5');
  });

  it('does not use the idempotency table for an order whose id it generates', async () => {
    expect((await handler(aCheckoutRequestEvent(anOrderInput()))).statusCode).toBe(202);
    expect(dynamodb.calls()).toHaveLength(0);
  });

  it('answers 403 to a token of a client that is not one of the partners, and publishes nothing', async () => {
    const response = await handler(aCheckoutRequestEvent(anOrder(), { clientId: 'someone-else' }));
    expect(response.statusCode).toBe(403);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('answers 503 with a generic message when the idempotency table cannot be reached, and publishes nothing', async () => {
    dynamodb.on(PutItemCommand).rejects(new Error('connect ECONNREFUSED dynamodb.eu-west-1.amazonaws.com'));
    const response = await handler(aCheckoutRequestEvent(anOrder({ id: 'api-order-6' })));
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('publishes the card only as its network and last 4 digits', async () => {
    const order = anOrder({
      id: 'api-order-3',
      notes: `Charge 5555-5555-5555-4444 please`,
      payment: {
        card: {
          network: 'mastercard',
          number: '5555 5555 5555 4444',
          cvv: '8642',
          expiry: '07/31',
          holder: 'A CARDHOLDER',
        },
      },
    });
    expect((await handler(aCheckoutRequestEvent(order))).statusCode).toBe(202);
    const message = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(JSON.parse(message).payment.card).toEqual({ network: 'mastercard', last4: '4444' });
    expect(JSON.parse(message).notes).toBe('Charge ****-****-****-4444 please');
    expect(cardDataIn(message, { number: TEST_CARD_NUMBERS.mastercard, cvv: '8642' })).toEqual([]);
    for (const secret of ['07/31', 'A CARDHOLDER', '"cvv"', '"expiry"', '"holder"', '"number"']) {
      expect(message).not.toContain(secret);
    }
  });

  it('gives an order without an id a UUID', async () => {
    const response = await handler(aCheckoutRequestEvent(anOrderInput()));
    const { orderId } = bodyOf(response);
    expect(orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '').id).toBe(orderId);
  });

  it('gives two orders without an id two different ids', async () => {
    const first = bodyOf(await handler(aCheckoutRequestEvent(anOrderInput()))).orderId;
    const second = bodyOf(await handler(aCheckoutRequestEvent(anOrderInput()))).orderId;
    expect(first).not.toBe(second);
  });

  it.each<[string, number, APIGatewayProxyEvent]>([
    ['an invalid order', 400, aCheckoutRequestEvent(anOrderInput({ payment: { amount: 1 } }))],
    ['malformed JSON', 400, aCheckoutRequestEvent('{"id":')],
    [
      'a wrong content type',
      415,
      aCheckoutRequestEvent(anOrder(), { headers: { 'Content-Type': 'text/plain' } }),
    ],
    ['no headers', 415, aCheckoutRequestEvent(anOrder(), { headers: null })],
    ['an expired card', 400, aCheckoutRequestEvent(anOrderInput({ payment: { card: { expiry: '01/20' } } }))],
    [
      'an order id holding a card number',
      400,
      aCheckoutRequestEvent(anOrder({ id: `order-${TEST_CARD_NUMBERS.visa}` })),
    ],
    [
      'a card number that fails the Luhn check',
      400,
      aCheckoutRequestEvent(anOrderInput({ payment: { card: { number: '4111111111111112' } } })),
    ],
  ])('answers %s with %d and publishes nothing', async (_, statusCode, event) => {
    const response = await handler(event);
    expect(response.statusCode).toBe(statusCode);
    expect(bodyOf(response).errors.length).toBeGreaterThan(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('names the field, never the value, when an identifier holds a card number', async () => {
    const response = await handler(
      aCheckoutRequestEvent(anOrderInput({ customer: { id: `customer-${TEST_CARD_NUMBERS.amex}` } })),
    );
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({
      message: 'Invalid order',
      errors: ['customer.id must not hold a card number'],
    });
    expect(
      cardDataIn(response.body + output.text(), { number: TEST_CARD_NUMBERS.amex, cvv: '8642' }),
    ).toEqual([]);
  });

  it('checks the expiry against the current time', async () => {
    const response = await handler(
      aCheckoutRequestEvent(anOrderInput({ payment: { card: { expiry: '01/20' } } })),
    );
    expect(bodyOf(response).errors).toEqual(['payment.card.expiry is in the past: the card has expired']);
  });

  it('answers 503 with a generic message when the topic cannot be reached', async () => {
    sns.on(PublishCommand).rejects(new Error('getaddrinfo ENOTFOUND sns.eu-west-1.amazonaws.com'));
    const response = await handler(aCheckoutRequestEvent(anOrder()));
    expect(response).toEqual({
      statusCode: 503,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'The order could not be accepted right now; please retry' }),
    });
  });

  it('writes structured logs with the function context and the order id as correlation id, and EMF metrics', async () => {
    await handler(aCheckoutRequestEvent(anOrder({ id: 'api-order-2' })));
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Order accepted',
        service: 'checkout-api',
        function_name: 'checkout-api',
        correlation_id: 'api-order-2',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        OrderAccepted: 1,
        _aws: expect.objectContaining({
          CloudWatchMetrics: [expect.objectContaining({ Namespace: 'CheckoutOrdersTest' })],
        }),
      }),
    );
  });

  describe('card data', () => {
    const card = { number: TEST_CARD_NUMBERS.amex, cvv: '8642' };
    const withCard = (overrides: Parameters<typeof anOrderInput>[0] = {}) =>
      anOrderInput({ ...overrides, payment: { ...overrides.payment, card: { network: 'amex', ...card } } });
    const spaced = { ...card, number: '3782 822463 10005' };

    it.each<[string, number, () => APIGatewayProxyEvent, () => void]>([
      ['a valid order', 202, () => aCheckoutRequestEvent(withCard()), () => undefined],
      [
        'a valid order with a grouped number',
        202,
        () => aCheckoutRequestEvent(withCard({ payment: { card: spaced } })),
        () => undefined,
      ],
      [
        'an invalid order',
        400,
        () => aCheckoutRequestEvent(withCard({ payment: { amount: 2 } })),
        () => undefined,
      ],
      [
        'a schema-invalid order',
        400,
        () => aCheckoutRequestEvent({ ...withCard(), cardNumber: card.number }),
        () => undefined,
      ],
      [
        'malformed JSON',
        400,
        () => aCheckoutRequestEvent(JSON.stringify(withCard()).slice(0, -3)),
        () => undefined,
      ],
      [
        'a publishing failure',
        503,
        () => aCheckoutRequestEvent(withCard()),
        () => sns.on(PublishCommand).rejects(new Error('Service unavailable')),
      ],
    ])('is never logged, at any level, for %s (%d)', async (_, statusCode, event, arrange) => {
      arrange();
      const response = await handler(event());
      expect(response.statusCode).toBe(statusCode);
      expect(output.jsonLines().length).toBeGreaterThan(0);
      expect(cardDataIn(output.text(), card)).toEqual([]);
    });
  });

  it.each(['ORDER_TOPIC_ARN', 'IDEMPOTENCY_TABLE_NAME', 'ORDER_ID_RETENTION_SECONDS'])(
    'fails at start-up, naming the variable, when %s is not set',
    (variable) => expectStartUpToFailWithout(variable, () => import(MODULE)),
  );

  it('fails at start-up when no partner client id is set', async () => {
    const restore = setEnvironment(
      Object.fromEntries(Object.keys(partnerClientIdVariables()).map((name) => [name, ''])),
    );
    try {
      await jest.isolateModulesAsync(async () => {
        await expect(import(MODULE)).rejects.toThrow(
          'Environment variable PARTNER_CLIENT_ID_<name> is required but not set',
        );
      });
    } finally {
      restore();
    }
  });
});
