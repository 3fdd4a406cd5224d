import {
  OrderAcceptanceInProgressError,
  type OrderEvent,
  type OrderRequest,
} from '../../../../src/domain/order';
import {
  type AcceptOrderDependencies,
  acceptOrder,
  type CheckoutRequest,
  type CheckoutResponse,
  MAX_ORDER_BYTES,
} from '../../../../src/functions/checkout-api/accept-order';
import { anOrder, anOrderInput, CHECKOUT_TIME, TEST_CARD_NUMBERS } from '../../../factories/order';
import { OTHER_PARTNER, partnerDirectory, TEST_PARTNER } from '../../../factories/partner';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { InMemoryIdempotentOrderPublisher } from '../../../helpers/in-memory-idempotent-order-publisher';
import { InMemoryOrderPublisher } from '../../../helpers/in-memory-order-publisher';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

const fromClient = (clientId: string): CheckoutRequest['requestContext'] => ({
  authorizer: { claims: { client_id: clientId, token_use: 'access', scope: 'checkout/orders.write' } },
});

const aRequest = (body: unknown, overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  headers: JSON_HEADERS,
  body: body === null || typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: fromClient(TEST_PARTNER.clientId),
  ...overrides,
});

/** The event the API should publish for a valid request: its card reduced to network and last 4. */
const eventOf = (request: OrderRequest, id = request.id ?? 'generated-order-id'): OrderEvent => {
  const { card, ...payment } = request.payment;
  const digits = card?.number.replace(/[^0-9]/g, '') ?? '';
  return {
    ...request,
    id,
    partner: TEST_PARTNER,
    payment: card
      ? { ...payment, card: { network: card.network ?? 'visa', last4: digits.slice(-4) } }
      : payment,
  } as OrderEvent;
};

const bodyOf = (response: CheckoutResponse): { orderId?: string; message?: string; errors?: string[] } =>
  JSON.parse(response.body);

describe('acceptOrder', () => {
  let publisher: InMemoryOrderPublisher;
  let idempotentPublisher: InMemoryIdempotentOrderPublisher;
  let dependencies: AcceptOrderDependencies;
  let output: CapturedOutput;

  beforeEach(() => {
    output = captureOutput();
    publisher = new InMemoryOrderPublisher();
    idempotentPublisher = new InMemoryIdempotentOrderPublisher(publisher);
    dependencies = {
      publisher,
      idempotentPublisher,
      partners: partnerDirectory(),
      generateOrderId: () => 'generated-order-id',
      now: () => CHECKOUT_TIME,
      ...testPowertools('checkout-api'),
    };
  });

  afterEach(() => output.restore());

  describe('an order it accepts', () => {
    it('answers 202 with the order id the client gave and publishes the order event', async () => {
      const order = anOrder({ id: 'client-order-1' });
      const response = await acceptOrder(aRequest(order), dependencies);
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ orderId: 'client-order-1' });
      expect(publisher.published).toEqual([eventOf(order)]);
    });

    it('generates an id when the order has none, and publishes the order under it', async () => {
      const input = anOrderInput();
      const response = await acceptOrder(aRequest(input), dependencies);
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ orderId: 'generated-order-id' });
      expect(publisher.published).toEqual([eventOf(input, 'generated-order-id')]);
    });

    it('publishes of the card only its network and last 4 digits', async () => {
      const order = anOrder({ payment: { card: { network: 'mastercard', number: '5555 5555 5555 4444' } } });
      await acceptOrder(aRequest(order), dependencies);
      expect(publisher.published[0]?.payment.card).toEqual({ network: 'mastercard', last4: '4444' });
    });

    it('publishes the network the number says when the client names none', async () => {
      const order = structuredClone(anOrder()) as OrderRequest;
      order.payment.card = {
        number: TEST_CARD_NUMBERS.amex,
        expiry: '12/29',
        holder: 'A HOLDER',
        cvv: '1234',
      };
      expect((await acceptOrder(aRequest(order), dependencies)).statusCode).toBe(202);
      expect(publisher.published[0]?.payment.card).toEqual({ network: 'amex', last4: '0005' });
    });

    it('accepts a card that expires at the end of the current month', async () => {
      const order = anOrder({ payment: { card: { expiry: '11/26' } } });
      expect((await acceptOrder(aRequest(order), dependencies)).statusCode).toBe(202);
    });

    it('keeps the order id hold-1795937317-802 as it is', async () => {
      const response = await acceptOrder(aRequest(anOrder({ id: 'hold-1795937317-802' })), dependencies);
      expect(bodyOf(response)).toEqual({ orderId: 'hold-1795937317-802' });
      expect(publisher.published[0]?.id).toBe('hold-1795937317-802');
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
      expect(publisher.published).toEqual([eventOf(order)]);
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
      [
        'a card number that fails the Luhn check',
        400,
        'Invalid order',
        aRequest(anOrderInput({ payment: { card: { number: '4111111111111112' } } })),
      ],
      [
        'a card number no network issues',
        400,
        'Invalid order',
        aRequest(anOrderInput({ payment: { card: { number: '411111111111116' } } })),
      ],
      [
        'a network that does not match the number',
        400,
        'Invalid order',
        aRequest(anOrderInput({ payment: { card: { network: 'amex' } } })),
      ],
      [
        'an expired card',
        400,
        'Invalid order',
        aRequest(anOrderInput({ payment: { card: { expiry: '10/26' } } })),
      ],
      [
        'an order id holding a card number',
        400,
        'Invalid order',
        aRequest(anOrder({ id: `order-${TEST_CARD_NUMBERS.visa}` })),
      ],
      [
        'a customer id holding a card number',
        400,
        'Invalid order',
        aRequest(anOrderInput({ customer: { id: TEST_CARD_NUMBERS.mastercard } })),
      ],
      [
        'a SKU holding a card number',
        400,
        'Invalid order',
        aRequest(
          anOrderInput({
            items: [{ sku: `SKU-${TEST_CARD_NUMBERS.amex}`, name: 'A', quantity: 1, unitPrice: 59.97 }],
          }),
        ),
      ],
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

  describe('the partner', () => {
    it('records the partner whose client the access token was issued to on the published order', async () => {
      const order = anOrder({ id: 'partner-order-1' });
      await acceptOrder(
        aRequest(order, { requestContext: fromClient(OTHER_PARTNER.clientId) }),
        dependencies,
      );
      expect(publisher.published.map(({ partner }) => partner)).toEqual([OTHER_PARTNER]);
    });

    it('records the partner on an order whose id it generated, too', async () => {
      await acceptOrder(aRequest(anOrderInput()), dependencies);
      expect(publisher.published[0]?.partner).toEqual(TEST_PARTNER);
    });

    it.each<[string, CheckoutRequest['requestContext']]>([
      ['issued to a client that is not a partner of this stack', fromClient('unknown-client-id')],
      ['without a client id', { authorizer: { claims: { token_use: 'access' } } }],
      ['that no authorizer has seen', { authorizer: null }],
      ['without a request context', undefined],
    ])('answers 403 to a request %s, and publishes nothing', async (_, requestContext) => {
      const response = await acceptOrder(aRequest(anOrder(), { requestContext }), dependencies);
      expect(response.statusCode).toBe(403);
      expect(bodyOf(response)).toEqual({
        message: 'Forbidden',
        errors: ['The access token was not issued to a partner of this API'],
      });
      expect(publisher.published).toEqual([]);
      expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderRejected: 1 });
    });

    it('refuses an order that names a partner itself: only the token says who posted it', async () => {
      const response = await acceptOrder(aRequest({ ...anOrder(), partner: OTHER_PARTNER }), dependencies);
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toEqual(['partner is not allowed']);
      expect(publisher.published).toEqual([]);
    });

    it('adds the partner to its log lines', async () => {
      await acceptOrder(aRequest(anOrder({ id: 'partner-order-2' })), dependencies);
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({ message: 'Order accepted', partnerId: TEST_PARTNER.id }),
      );
    });
  });

  describe('an order posted again', () => {
    it('answers the same 202 with the same order id, and publishes the order once', async () => {
      const order = anOrder({ id: 'retried-order-1' });
      const responses = [];
      for (let attempt = 0; attempt < 3; attempt += 1)
        responses.push(await acceptOrder(aRequest(order), dependencies));
      expect(responses.map(({ statusCode }) => statusCode)).toEqual([202, 202, 202]);
      expect(new Set(responses.map(({ body }) => body))).toEqual(new Set(['{"orderId":"retried-order-1"}']));
      expect(publisher.published).toEqual([eventOf(order)]);
    });

    it('counts and logs a repeat apart from an accepted order', async () => {
      const order = anOrder({ id: 'retried-order-2' });
      await acceptOrder(aRequest(order), dependencies);
      recordedMetrics(dependencies.metrics);
      dependencies.metrics.clearMetrics();
      await acceptOrder(aRequest(order), dependencies);
      expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderAlreadyAccepted: 1 });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          message: 'Order already accepted: answered again, not published again',
          orderId: 'retried-order-2',
        }),
      );
    });

    it('answers 409 naming the conflict, never quoting the body, when the id comes with other content', async () => {
      await acceptOrder(aRequest(anOrder({ id: 'conflicting-order' })), dependencies);
      const other = anOrder({ id: 'conflicting-order', notes: 'Leave it with the neighbour at number 12' });
      const response = await acceptOrder(aRequest(other), dependencies);
      expect(response.statusCode).toBe(409);
      expect(bodyOf(response)).toEqual({
        message: 'Order id conflict',
        errors: ['id was already used for an order with different content; send a new id for a new order'],
      });
      expect(response.body).not.toContain('neighbour');
      expect(response.body).not.toContain('conflicting-order');
      expect(publisher.published).toHaveLength(1);
    });

    it('keeps the order ids of two partners apart', async () => {
      const order = anOrder({ id: 'shared-order-id' });
      await acceptOrder(aRequest(order), dependencies);
      const response = await acceptOrder(
        aRequest(order, { requestContext: fromClient(OTHER_PARTNER.clientId) }),
        dependencies,
      );
      expect(response.statusCode).toBe(202);
      expect(publisher.published.map(({ partner }) => partner?.id)).toEqual([
        TEST_PARTNER.id,
        OTHER_PARTNER.id,
      ]);
    });

    it('publishes an order without an id every time it is posted, under a new id', async () => {
      const ids = ['generated-1', 'generated-2'];
      dependencies.generateOrderId = () => ids.shift() ?? 'generated-too-many';
      const input = anOrderInput();
      await acceptOrder(aRequest(input), dependencies);
      await acceptOrder(aRequest(input), dependencies);
      expect(publisher.published.map(({ id }) => id)).toEqual(['generated-1', 'generated-2']);
    });

    it('answers 409 with Retry-After while the same order is still being accepted by another request', async () => {
      idempotentPublisher.failWith(new OrderAcceptanceInProgressError());
      const response = await acceptOrder(aRequest(anOrder({ id: 'in-flight-order' })), dependencies);
      expect(response.statusCode).toBe(409);
      expect(response.headers).toEqual({ 'content-type': 'application/json', 'retry-after': '1' });
      expect(bodyOf(response)).toEqual({
        message: 'Order being accepted',
        errors: ['An order with this id is being accepted by another request; retry shortly for its answer'],
      });
    });

    it('answers 503 when the store of accepted order ids cannot be reached', async () => {
      idempotentPublisher.failWith(new Error('Failed to save in progress record to idempotency store'));
      const response = await acceptOrder(aRequest(anOrder({ id: 'store-down-order' })), dependencies);
      expect(response.statusCode).toBe(503);
      expect(publisher.published).toEqual([]);
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

    const toDigits = (text: string, zero: number) =>
      text.replace(/[0-9]/g, (digit) => String.fromCodePoint(zero + Number(digit)));
    /** The card number as people and systems write it in a text. */
    const written: [string, string][] = [
      ['plain', card.number],
      ['spaced', '5555 5555 5555 4444'],
      ['dashed', '5555-5555-5555-4444'],
      ['dotted', '5555.5555.5555.4444'],
      ['slashed', '5555/5555/5555/4444'],
      ['underscored', '5555_5555_5555_4444'],
      ['em-dashed', '5555\u20145555\u20145555\u20144444'],
      ['with thin spaces', '5555\u20095555\u20095555\u20094444'],
      ['with zero-width joiners', '5555\u200d5555\u200d5555\u200d4444'],
      ['URL-encoded', '5555%205555%205555%204444'],
      ['in full-width digits', toDigits(card.number, 0xff10)],
      ['in Arabic-Indic digits', toDigits(card.number, 0x0660)],
    ];
    /** Whether a text holds the card number in any of the ways it is written here, digits of any script. */
    const holdsTheNumber = (text: string) =>
      cardDataIn(text, card).length > 0 ||
      written.some(([, form]) => text.includes(form)) ||
      text
        .normalize('NFKC')
        .replace(/[^0-9]/g, '')
        .includes(card.number.slice(0, 12));

    it.each(written)(
      'is not in the published message when the client writes it %s in its texts',
      async (_, number) => {
        const request = anOrder({
          notes: `Charge ${number}, CVV ${card.cvv}`,
          shipping: { line2: `card ${number}` },
          items: [{ sku: 'GIFT-1', name: `Gift card ${number}`, quantity: 1, unitPrice: 59.97 }],
          payment: {
            amount: 59.97,
            card: { network: 'mastercard', ...card, expiry: '07/31', holder: 'A CARDHOLDER' },
          },
        });
        const response = await acceptOrder(aRequest(request), dependencies);
        expect(response.statusCode).toBe(202);
        const message = JSON.stringify(publisher.published);
        expect(holdsTheNumber(message)).toBe(false);
        for (const secret of [
          '07/31',
          'A CARDHOLDER',
          '"cvv"',
          '"expiry"',
          '"holder"',
          '"number"',
          card.cvv,
        ]) {
          expect(message).not.toContain(secret);
        }
        expect(publisher.published[0]?.payment.card).toEqual({ network: 'mastercard', last4: '4444' });
        expect(holdsTheNumber(output.text())).toBe(false);
      },
    );

    it.each(['5555 5555 5555 4444', '5555-5555-5555-4444', '5555 - 5555 - 5555 - 4444'])(
      'is not in the published message when the card number is written %s',
      async (number) => {
        await acceptOrder(aRequest(withCard({ payment: { card: { number } } })), dependencies);
        expect(publisher.published).toHaveLength(1);
        expect(holdsTheNumber(JSON.stringify(publisher.published))).toBe(false);
      },
    );

    /** The request with every string replaced by `text`. */
    const everywhere = (value: unknown, text: string): unknown => {
      if (typeof value === 'string') return text;
      if (Array.isArray(value)) return value.map((child) => everywhere(child, text));
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(
          Object.entries(value).map(([key, child]) => [key, everywhere(child, text)]),
        );
      return value;
    };

    it.each(written)(
      'is not in a 400 that names the fields, when it is in every field written %s',
      async (_, number) => {
        const request = { ...(everywhere(anOrder({ notes: 'n' }), number) as object), [number]: number };
        const response = await acceptOrder(aRequest(request), dependencies);
        expect(response.statusCode).toBe(400);
        const { errors } = bodyOf(response);
        expect(errors?.length).toBeGreaterThan(5);
        expect(errors).toEqual(
          expect.arrayContaining([
            'id must not hold a card number',
            'customer.id must not hold a card number',
          ]),
        );
        expect(holdsTheNumber(response.body)).toBe(false);
        expect(holdsTheNumber(output.text())).toBe(false);
        expect(publisher.published).toEqual([]);
      },
    );
  });

  describe('the card rules, checked in memory', () => {
    const errorsOf = async (request: unknown) => {
      const response = await acceptOrder(aRequest(request), dependencies);
      expect(response.statusCode).toBe(400);
      expect(publisher.published).toEqual([]);
      return bodyOf(response).errors;
    };

    it('refuses a card number that fails the Luhn check, naming the field', async () => {
      expect(await errorsOf(anOrderInput({ payment: { card: { number: '4111 1111 1111 1112' } } }))).toEqual([
        'payment.card.number is not a valid card number (check digit)',
      ]);
    });

    it('refuses a card number no network issues, naming the field', async () => {
      expect(await errorsOf(anOrderInput({ payment: { card: { number: '0000 0000 0000 0000' } } }))).toEqual([
        'payment.card.number is not a number any card network issues',
      ]);
    });

    it('refuses a network that does not match the number', async () => {
      expect(await errorsOf(anOrderInput({ payment: { card: { network: 'jcb' } } }))).toEqual([
        'payment.card.network does not match the card number',
      ]);
    });

    it('refuses an expired card, judged at the time `now` gives', async () => {
      const request = anOrderInput({ payment: { card: { expiry: '12/29' } } });
      const later = { ...dependencies, now: () => new Date('2030-01-01T00:00:00Z') };
      const response = await acceptOrder(aRequest(request), later);
      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toEqual(['payment.card.expiry is in the past: the card has expired']);
      expect(publisher.published).toEqual([]);
    });

    it('asks for the time once per request', async () => {
      const now = jest.fn(() => CHECKOUT_TIME);
      await acceptOrder(aRequest(anOrderInput()), { ...dependencies, now });
      expect(now).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['id', anOrder({ id: `order-${TEST_CARD_NUMBERS.visa}` })],
      ['customer.id', anOrderInput({ customer: { id: `customer-${TEST_CARD_NUMBERS.amex}` } })],
      [
        'items[0].sku',
        anOrderInput({
          items: [{ sku: TEST_CARD_NUMBERS.mastercard, name: 'A', quantity: 1, unitPrice: 59.97 }],
        }),
      ],
    ])('refuses an identifier holding a card number, naming %s and not the value', async (field, request) => {
      const errors = await errorsOf(request);
      expect(errors).toEqual([`${field} must not hold a card number`]);
    });
  });
});
