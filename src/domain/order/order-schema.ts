/**
 * The order contract (SPEC §2), the single source of truth, in its two shapes:
 * - `orderRequestSchema`: what a client posts to the API, with the card (number, expiry, holder, CVV),
 *   which only the API function's memory ever holds;
 * - `orderEventSchema`: the order as it is published, queued, stored, archived and indexed: an id, and of
 *   the card only its network and last 4 digits.
 * Both share every other field. The API Gateway request model in template.yaml is generated from the
 * request schema (`npm run schema:sync`, see `apiGatewayRequestModel`), the functions validate with both,
 * and the TypeScript types are derived from them. Draft-04 keywords only, so that API Gateway can use them.
 */
export const ORDER_SCHEMA_DRAFT = 'http://json-schema.org/draft-04/schema#';

const isoDateTimePattern =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$';
const money = { type: 'number', minimum: 0, maximum: 1_000_000 } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

const orderId = {
  description: 'Client-supplied idempotency key; generated when absent.',
  type: 'string',
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
} as const;

const cardNetwork = {
  type: 'string',
  enum: ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'maestro'],
} as const;

/** The card as the client sends it: never published, stored, logged, archived or indexed. */
const requestCard = {
  description: 'Required when method is card. Only the API function holds it, in memory.',
  type: 'object',
  additionalProperties: false,
  required: ['number', 'expiry', 'holder', 'cvv'],
  properties: {
    network: { ...cardNetwork, description: 'Optional: the number says it; when given it must agree.' },
    number: {
      description: '12-19 digits, optionally grouped with spaces or dashes.',
      type: 'string',
      pattern: '^[0-9][0-9 -]{10,26}[0-9]$',
    },
    expiry: { description: 'MM/YY', type: 'string', pattern: '^(0[1-9]|1[0-2])/[0-9]{2}$' },
    holder: text(200),
    cvv: { type: 'string', pattern: '^[0-9]{3,4}$' },
  },
} as const;

/** What is kept of the card once the API has checked it (PCI DSS 3.3.1, 3.4.1). */
const eventCard = {
  description: 'The network and the last 4 digits of the card number: nothing else of the card.',
  type: 'object',
  additionalProperties: false,
  required: ['network', 'last4'],
  properties: {
    network: cardNetwork,
    last4: { type: 'string', pattern: '^[0-9]{4}$' },
  },
} as const;

/**
 * The partner whose OAuth 2.0 client posted the order (SPEC §3.1): its name from the template's `Partners`
 * parameter, and the token's `client_id`. Absent on orders other publishers put on the topic.
 */
const partner = {
  description: 'The partner that posted the order, from its access token.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'clientId'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$' },
    clientId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
  },
} as const;

const paymentProperties = {
  amount: { ...money, minimum: 0.01 },
  currency: { description: 'ISO 4217 code.', type: 'string', pattern: '^[A-Z]{3}$' },
  method: { type: 'string', enum: ['card', 'paypal', 'bank-transfer'] },
} as const;

const paymentRequired = ['amount', 'currency', 'method'] as const;

const orderProperties = {
  date: {
    description: 'When the order was placed (ISO-8601 with offset).',
    type: 'string',
    format: 'date-time',
    pattern: isoDateTimePattern,
  },
  customer: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'email'],
    properties: {
      id: text(64),
      name: text(200),
      email: { type: 'string', format: 'email', maxLength: 254 },
    },
  },
  shipping: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'line1', 'city', 'postalCode', 'country'],
    properties: {
      name: text(200),
      line1: text(200),
      line2: { type: 'string', maxLength: 200 },
      city: text(100),
      region: { type: 'string', maxLength: 100 },
      postalCode: text(20),
      country: { description: 'ISO 3166-1 alpha-2 code.', type: 'string', pattern: '^[A-Z]{2}$' },
      phone: { type: 'string', maxLength: 32 },
    },
  },
  items: {
    type: 'array',
    minItems: 1,
    maxItems: 100,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['sku', 'name', 'quantity', 'unitPrice'],
      properties: {
        sku: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
        name: text(200),
        quantity: { type: 'integer', minimum: 1, maximum: 10_000 },
        unitPrice: money,
      },
    },
  },
  notes: { description: 'Free text from the customer.', type: 'string', maxLength: 2000 },
} as const;

export const orderRequestSchema = {
  $schema: ORDER_SCHEMA_DRAFT,
  title: 'OrderRequest',
  description:
    'A checkout order as a client posts it. Amounts are in major units of the currency, with at most 2 decimals.',
  type: 'object',
  additionalProperties: false,
  required: ['date', 'customer', 'payment', 'shipping', 'items'],
  properties: {
    id: orderId,
    ...orderProperties,
    payment: {
      type: 'object',
      additionalProperties: false,
      required: paymentRequired,
      properties: { ...paymentProperties, card: requestCard },
    },
  },
} as const;

export const orderEventSchema = {
  $schema: ORDER_SCHEMA_DRAFT,
  title: 'OrderEvent',
  description:
    'An accepted order as it is published to the topic: no card number, CVV, expiry or holder, and card numbers masked in every text.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'date', 'customer', 'payment', 'shipping', 'items'],
  properties: {
    id: orderId,
    partner,
    ...orderProperties,
    payment: {
      type: 'object',
      additionalProperties: false,
      required: paymentRequired,
      properties: { ...paymentProperties, card: eventCard },
    },
  },
} as const;

/**
 * JSON Schema keywords whose API Gateway validation messages quote the value they reject (`pattern`,
 * `enum`, `format`, lengths and bounds) or the names of unknown properties (`additionalProperties`). The
 * messages reach the 400 response and the access log, so a card number in any field would be echoed.
 */
export const VALUE_QUOTING_KEYWORDS = [
  'pattern',
  'enum',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'additionalProperties',
] as const;

const withoutValueQuotingKeywords = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(withoutValueQuotingKeywords);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([keyword]) => !(VALUE_QUOTING_KEYWORDS as readonly string[]).includes(keyword))
      .map(([keyword, value]) => [
        keyword,
        keyword === 'properties'
          ? Object.fromEntries(
              Object.entries(value as object).map(([name, property]) => [
                name,
                withoutValueQuotingKeywords(property),
              ]),
            )
          : withoutValueQuotingKeywords(value),
      ]),
  );
};

/**
 * The API Gateway request model (SPEC §2, §3.1): the request schema's structure (types, required fields,
 * item counts) without any keyword whose message could echo a value, so that neither a 400 nor an access
 * log line can quote a card number. The function checks the rest, naming fields, never values.
 */
export const apiGatewayRequestModel = (): unknown => ({
  ...(withoutValueQuotingKeywords(orderRequestSchema) as object),
  title: 'Order',
});
