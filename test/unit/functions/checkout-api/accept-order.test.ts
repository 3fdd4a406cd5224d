import {
  type AcceptOrderDependencies,
  acceptOrder,
  type CheckoutRequest,
  type CheckoutResponse,
  MAX_ORDER_BYTES,
} from '../../../../src/functions/checkout-api/accept-order';
import { anOrder, anOrderInput, TEST_CARD_NUMBERS } from '../../../factories/order';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { InMemoryOrderPublisher } from '../../../helpers/in-memory-order-publisher';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

const aRequest = (body: unknown, overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  headers: JSON_HEADERS,
  body: body === null || typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded: false,
  ...overrides,
});

const bodyOf = (response: CheckoutResponse): { orderId?: string; message?: string; errors?: string[] } =>
  JSON.parse(response.body);

describe('acceptOrder', () => {
  let publisher: InMemoryOrderPublisher;
  let dependencies: AcceptOrderDependencies;
  let output: CapturedOutput;

  beforeEach(() => {
    output = captureOutput();
    publisher = new InMemoryOrderPublisher();
    dependencies = {
      publisher,
      generateOrderId: () => 'generated-order-id',
      ...testPowertools('checkout-api'),
    };
  });

  afterEach(() => output.restore());

  describe('an order it accepts', () => {
    it('answers 202 with the order id the client gave and publishes the order', async () => {
      const order = anOrder({ id: 'client-order-1' });
      const response = await acceptOrder(aRequest(order), dependencies);
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ orderId: 'client-order-1' });
      expect(publisher.published).toEqual([order]);
    });

    it('generates an id when the order has none, and publishes the order under it', async () => {
      const input = anOrderInput();
      const response = await acceptOrder(aRequest(input), dependencies);
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ orderId: 'generated-order-id' });
      expect(publisher.published).toEqual([{ ...input, id: 'generated-order-id' }]);
    });

    it('publishes the full order, card included, since replay re-feeds checkout processing from it', async () => {
      const order = anOrder();
      await acceptOrder(aRequest(order), dependencies);
      expect(publisher.published[0]?.payment.card).toEqual(order.payment.card);
    });

    it('answers with a JSON content type', async () => {
      const response = await acceptOrder(aRequest(anOrder()), dependencies);
      expect(response.headers).toEqual({ 'content-type': 'application/json' });
    });

    it.each([
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'Application/JSON',
      'application/json; charset="utf-8"',
    ])('accepts the content type "%s"', async (contentType) => {
      const response = await acceptOrder(
        aRequest(anOrder(), { headers: { 'content-type': contentType } }),
        dependencies,
      );
      expect(response.statusCode).toBe(202);
    });

    it('finds the content type whatever the case of the header name', async () => {
      const response = await acceptOrder(
        aRequest(anOrder(), { headers: { 'CONTENT-TYPE': 'application/json' } }),
        dependencies,
      );
      expect(response.statusCode).toBe(202);
    });

    it('reads a base64-encoded body', async () => {
      const order = anOrder({ notes: 'Ünïcödé notes' });
      const body = Buffer.from(JSON.stringify(order), 'utf8').toString('base64');
      const response = await acceptOrder(aRequest(body, { isBase64Encoded: true }), dependencies);
      expect(response.statusCode).toBe(202);
      expect(publisher.published).toEqual([order]);
    });

    it('accepts a body of exactly the size limit', async () => {
      const json = JSON.stringify(anOrder());
      const body = json + ' '.repeat(MAX_ORDER_BYTES - Buffer.byteLength(json));
      expect(Buffer.byteLength(body)).toBe(MAX_ORDER_BYTES);
      expect((await acceptOrder(aRequest(body), dependencies)).statusCode).toBe(202);
    });

    it('counts the order as accepted and logs it with its id as correlation id', async () => {
      await acceptOrder(aRequest(anOrder({ id: 'client-order-2' })), dependencies);
      expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderAccepted: 1 });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          message: 'Order accepted',
          orderId: 'client-order-2',
          correlation_id: 'client-order-2',
        }),
      );
    });
  });

  describe('a request it rejects', () => {
    const tooLarge = JSON.stringify({ ...anOrder(), notes: 'x'.repeat(MAX_ORDER_BYTES) });
    const rejected: [string, number, string, CheckoutRequest][] = [
      ['no content type', 415, 'Unsupported content type', aRequest(anOrder(), { headers: {} })],
      ['no headers at all', 415, 'Unsupported content type', aRequest(anOrder(), { headers: null })],
      [
        'a text content type',
        415,
        'Unsupported content type',
        aRequest(anOrder(), { headers: { 'Content-Type': 'text/plain' } }),
      ],
      [
        'form data',
        415,
        'Unsupported content type',
        aRequest(anOrder(), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
      ],
      [
        'JSON in another charset',
        415,
        'Unsupported content type',
        aRequest(anOrder(), { headers: { 'Content-Type': 'application/json; charset=iso-8859-1' } }),
      ],
      ['a body over the size limit', 413, 'Order too large', aRequest(tooLarge)],
      [
        'a base64 body over the size limit',
        413,
        'Order too large',
        aRequest(Buffer.from(tooLarge).toString('base64'), { isBase64Encoded: true }),
      ],
      ['malformed JSON', 400, 'Malformed JSON', aRequest('{"id": "order-1",')],
      ['an empty body', 400, 'Malformed JSON', aRequest(null)],
      [
        'a base64 body that is not JSON',
        400,
        'Malformed JSON',
        aRequest(Buffer.from('not json').toString('base64'), { isBase64Encoded: true }),
      ],
      ['a schema violation', 400, 'Invalid order', aRequest({ ...anOrderInput(), coupon: 'FREE' })],
      ['an amount mismatch', 400, 'Invalid order', aRequest(anOrderInput({ payment: { amount: 1 } }))],
      ['JSON that is not an object', 400, 'Invalid order', aRequest([anOrder()])],
    ];

    it.each(rejected)('rejects %s with %d and publishes nothing', async (_, statusCode, message, request) => {
      const response = await acceptOrder(request, dependencies);
      expect(response.statusCode).toBe(statusCode);
      expect(bodyOf(response)).toEqual({ message, errors: [expect.any(String)] });
      expect(response.headers).toEqual({ 'content-type': 'application/json' });
      expect(publisher.published).toEqual([]);
    });

    it.each(rejected)('counts and logs the rejection of %s', async (_, statusCode, _message, request) => {
      await acceptOrder(request, dependencies);
      expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderRejected: 1 });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({ level: 'INFO', message: 'Order rejected', statusCode }),
      );
    });

    it('tells the client which content type it expects', async () => {
      const response = await acceptOrder(aRequest(anOrder(), { headers: {} }), dependencies);
      expect(bodyOf(response).errors).toEqual(['Content-Type must be application/json (UTF-8)']);
    });

    it('rejects a body one byte over the size limit', async () => {
      const json = JSON.stringify(anOrder());
      const body = json + ' '.repeat(MAX_ORDER_BYTES + 1 - Buffer.byteLength(json));
      const response = await acceptOrder(aRequest(body), dependencies);
      expect(response.statusCode).toBe(413);
      expect(bodyOf(response).errors).toEqual([
        `The body is ${MAX_ORDER_BYTES + 1} bytes; the limit is ${MAX_ORDER_BYTES}`,
      ]);
    });

    it('counts the size in bytes, not characters', async () => {
      const json = JSON.stringify(anOrder({ notes: '€' }));
      const body =
        json.replace('"€"', `"${'€'.repeat(1000)}"`) + ' '.repeat(MAX_ORDER_BYTES - json.length - 2000);
      expect(body.length).toBeLessThan(MAX_ORDER_BYTES);
      const response = await acceptOrder(aRequest(body), dependencies);
      expect(response.statusCode).toBe(413);
      expect(bodyOf(response).errors).toEqual([
        `The body is ${Buffer.byteLength(body)} bytes; the limit is ${MAX_ORDER_BYTES}`,
      ]);
    });

    it('says where the JSON is malformed without quoting it', async () => {
      const body = `{"payment": {"card": {"number": "${TEST_CARD_NUMBERS.visa}", "cvv": "8642",}}}`;
      const response = await acceptOrder(aRequest(body), dependencies);
      expect(bodyOf(response).errors).toEqual([expect.stringMatching(/^The body is not valid JSON/)]);
      expect(cardDataIn(response.body, { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
    });

    it('lists every problem of an invalid order, schema and business rules alike', async () => {
      const input = anOrderInput({ payment: { amount: 10, currency: 'eur' }, customer: { email: 'nope' } });
      const response = await acceptOrder(aRequest(input), dependencies);
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toEqual({
        message: 'Invalid order',
        errors: [
          'customer.email must match format "email"',
          'payment.currency must match pattern "^[A-Z]{3}$"',
          'payment.amount 10.00 does not equal the sum of the items 59.97',
        ],
      });
    });

    it('rejects before it generates an id', async () => {
      const generateOrderId = jest.fn(() => 'never');
      await acceptOrder(aRequest({ ...anOrderInput(), extra: 1 }), { ...dependencies, generateOrderId });
      expect(generateOrderId).not.toHaveBeenCalled();
    });
  });

  describe('when publishing fails', () => {
    const failure = Object.assign(new Error('connect ETIMEDOUT sns.eu-west-1.amazonaws.com:443'), {
      $metadata: { httpStatusCode: 500 },
    });

    it('answers 503 with a generic message and no details of the error', async () => {
      publisher.failWith(failure);
      const response = await acceptOrder(aRequest(anOrder()), dependencies);
      expect(response.statusCode).toBe(503);
      expect(bodyOf(response)).toEqual({
        message: 'The order could not be accepted right now; please retry',
      });
      for (const detail of ['ETIMEDOUT', 'amazonaws', 'stack', 'Error', '    at ']) {
        expect(response.body).not.toContain(detail);
      }
    });

    it('logs the failure and counts it, not as an accepted order', async () => {
      publisher.failWith(failure);
      await acceptOrder(aRequest(anOrder({ id: 'client-order-3' })), dependencies);
      expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderPublishFailed: 1 });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message: 'Publishing the order failed',
          correlation_id: 'client-order-3',
          error: expect.objectContaining({ message: failure.message }),
        }),
      );
    });
  });

  describe('card data', () => {
    const card = { number: TEST_CARD_NUMBERS.mastercard, cvv: '8642' };
    const withCard = (overrides: Parameters<typeof anOrderInput>[0] = {}) =>
      anOrderInput({
        ...overrides,
        payment: { ...overrides.payment, card: { network: 'mastercard', ...card } },
      });

    it.each<[string, () => CheckoutRequest, (publisher: InMemoryOrderPublisher) => void]>([
      ['an accepted order', () => aRequest(withCard()), () => undefined],
      ['an invalid order', () => aRequest(withCard({ payment: { amount: 1 } })), () => undefined],
      ['a schema-invalid order', () => aRequest({ ...withCard(), pan: card.number }), () => undefined],
      ['malformed JSON', () => aRequest(`${JSON.stringify(withCard())},`), () => undefined],
      [
        'a publishing failure',
        () => aRequest(withCard()),
        (p) => p.failWith(new Error('Service unavailable')),
      ],
    ])('is never logged, nor answered, for %s', async (_, request, arrange) => {
      arrange(publisher);
      const response = await acceptOrder(request(), dependencies);
      expect(output.jsonLines().length).toBeGreaterThan(0);
      expect(cardDataIn(output.text(), card)).toEqual([]);
      expect(cardDataIn(response.body, card)).toEqual([]);
    });
  });
});
