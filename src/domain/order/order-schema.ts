/**
 * The order contract (SPEC §2), the single source of truth: the API Gateway request model in
 * template.yaml is generated from it (`npm run schema:sync`), the functions validate with it, and the
 * TypeScript types are derived from it. Draft-04 keywords only, so that API Gateway can use it.
 */
export const ORDER_SCHEMA_DRAFT = 'http://json-schema.org/draft-04/schema#';

const isoDateTimePattern =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$';
const money = { type: 'number', minimum: 0, maximum: 1_000_000 } as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

export const orderSchema = {
  $schema: ORDER_SCHEMA_DRAFT,
  title: 'Order',
  description: 'A checkout order. Amounts are in major units of the currency, with at most 2 decimals.',
  type: 'object',
  additionalProperties: false,
  required: ['date', 'customer', 'payment', 'shipping', 'items'],
  properties: {
    id: {
      description: 'Client-supplied idempotency key; generated when absent.',
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
    },
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
    payment: {
      type: 'object',
      additionalProperties: false,
      required: ['amount', 'currency', 'method'],
      properties: {
        amount: { ...money, minimum: 0.01 },
        currency: { description: 'ISO 4217 code.', type: 'string', pattern: '^[A-Z]{3}$' },
        method: { type: 'string', enum: ['card', 'paypal', 'bank-transfer'] },
        card: {
          description: 'Required when method is card. Never stored, logged, archived or indexed.',
          type: 'object',
          additionalProperties: false,
          required: ['network', 'number', 'expiry', 'holder', 'cvv'],
          properties: {
            network: {
              type: 'string',
              enum: ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'unionpay', 'maestro'],
            },
            number: {
              description: '12-19 digits, optionally grouped with spaces or dashes.',
              type: 'string',
              pattern: '^[0-9][0-9 -]{10,26}[0-9]$',
            },
            expiry: { description: 'MM/YY', type: 'string', pattern: '^(0[1-9]|1[0-2])/[0-9]{2}$' },
            holder: text(200),
            cvv: { type: 'string', pattern: '^[0-9]{3,4}$' },
          },
        },
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
  },
} as const;
