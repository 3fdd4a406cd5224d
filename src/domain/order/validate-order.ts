import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { holdsCardNumber } from '../card-data';
import { checkCardNumber, hasExpired } from './card-number';
import { validateOrderEventSchema } from './generated/order-event-validator';
import { validateOrderRequestSchema } from './generated/order-request-validator';
import { formatCents, toCents } from './money';
import type { OrderEvent, OrderRequest } from './order';

export type Validation<T> = { valid: true; value: T } | { valid: false; errors: string[] };

/** The schemas, compiled by Ajv when `npm run schema:sync` ran rather than at every cold start. */
const matchesOrderRequestSchema = validateOrderRequestSchema as ValidateFunction<OrderRequest>;
const matchesOrderEventSchema = validateOrderEventSchema as ValidateFunction<OrderEvent>;

/** A run of 6 digits or more, however separated (URL encodings too): never echoed, even as a field's name. */
const DIGIT_RUNS = /\p{Nd}(?:(?:%[0-9A-Fa-f]{2}|[^\p{L}\p{Nd}]){0,9}\p{Nd}){5,}/gu;

/** `/items/0/sku` -> `items[0].sku`: how a client would name the field. */
export const fieldName = (pointer: string, child?: string): string => {
  const segments = pointer.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  return (
    segments
      .map((segment) => segment.replace(DIGIT_RUNS, '[redacted]'))
      .reduce(
        (name, segment) =>
          /^[0-9]{1,3}$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment,
        '',
      ) || 'order'
  );
};

/** One readable sentence per schema violation; never includes the offending value. */
export const describeSchemaErrors = (errors: readonly ErrorObject[]): string[] => {
  const sentences = errors.map((error) => {
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        return `${fieldName(error.instancePath, String(params.missingProperty))} is required`;
      case 'additionalProperties':
        return `${fieldName(error.instancePath, String(params.additionalProperty))} is not allowed`;
      case 'enum':
        return `${fieldName(error.instancePath)} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
      default:
        return `${fieldName(error.instancePath)} ${error.message ?? 'is invalid'}`;
    }
  });
  return [...new Set(sentences)];
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The rules a schema cannot say (amount = sum of items, card rules), checked on every part of the
 * candidate that is sound enough to check, so that one answer names every problem, not just the
 * schema's. For a candidate that matches the schema, every part is sound.
 */
const businessRuleViolations = (
  candidate: unknown,
  schemaErrors: readonly ErrorObject[],
  cardRules?: { now: Date },
): string[] => {
  const errors: string[] = [];
  const isSound = (pointer: string) =>
    !schemaErrors.some(
      ({ instancePath }) => instancePath === pointer || instancePath.startsWith(`${pointer}/`),
    );
  const order = isRecord(candidate) ? candidate : {};
  const payment = isRecord(order.payment) ? order.payment : {};
  const items = Array.isArray(order.items) ? (order.items as unknown[]) : [];

  if (typeof payment.method === 'string' && isSound('/payment/method')) {
    if (payment.method === 'card' && payment.card === undefined)
      errors.push('payment.card is required when payment.method is card');
    if (payment.method !== 'card' && payment.card !== undefined)
      errors.push('payment.card is only allowed when payment.method is card');
  }
  const card = payment.card;
  if (cardRules && isRecord(card)) {
    if (typeof card.number === 'string' && isSound('/payment/card/number')) {
      const check = checkCardNumber(card.number);
      if (!check.valid && check.problem === 'luhn')
        errors.push('payment.card.number is not a valid card number (check digit)');
      else if (!check.valid) errors.push('payment.card.number is not a number any card network issues');
      else if (
        typeof card.network === 'string' &&
        isSound('/payment/card/network') &&
        card.network !== check.network
      )
        errors.push('payment.card.network does not match the card number');
    }
    if (
      typeof card.expiry === 'string' &&
      isSound('/payment/card/expiry') &&
      hasExpired(card.expiry, cardRules.now)
    )
      errors.push('payment.card.expiry is in the past: the card has expired');
  }

  // An identifier becomes a key and a log correlation id: it must not hold a card number.
  const identifiers: [string, unknown][] = [
    ['id', order.id],
    ['customer.id', isRecord(order.customer) ? order.customer.id : undefined],
    ...items.map((item, index): [string, unknown] => [
      `items[${index}].sku`,
      isRecord(item) ? item.sku : undefined,
    ]),
  ];
  for (const [field, value] of identifiers) {
    // Refused wherever the event's masking would change it: an identifier must come out as it went in.
    if (typeof value === 'string' && (holdsCardNumber(value, 'identifier') || holdsCardNumber(value, 'none')))
      errors.push(`${field} must not hold a card number`);
  }

  const amountCents = typeof payment.amount === 'number' ? toCents(payment.amount) : undefined;
  if (typeof payment.amount === 'number' && amountCents === undefined)
    errors.push('payment.amount must have at most 2 decimals');

  // The sum is only worth comparing when the amount and every quantity and unit price are sound.
  let itemsCents: number | undefined = items.length > 0 ? 0 : undefined;
  items.forEach((item, index) => {
    const unitPrice = isRecord(item) ? item.unitPrice : undefined;
    const quantity = isRecord(item) ? item.quantity : undefined;
    const unitCents = typeof unitPrice === 'number' ? toCents(unitPrice) : undefined;
    if (typeof unitPrice === 'number' && unitCents === undefined)
      errors.push(`items[${index}].unitPrice must have at most 2 decimals`);
    const sound = isSound(`/items/${index}/quantity`) && isSound(`/items/${index}/unitPrice`);
    if (itemsCents === undefined || unitCents === undefined || typeof quantity !== 'number' || !sound)
      itemsCents = undefined;
    else itemsCents += unitCents * quantity;
  });

  if (
    amountCents !== undefined &&
    itemsCents !== undefined &&
    isSound('/payment/amount') &&
    amountCents !== itemsCents
  ) {
    errors.push(
      `payment.amount ${formatCents(amountCents)} does not equal the sum of the items ${formatCents(itemsCents)}`,
    );
  }
  return errors;
};

const validateWith = <T>(
  matchesSchema: ValidateFunction<T>,
  candidate: unknown,
  cardRules?: { now: Date },
): Validation<T> => {
  if (!matchesSchema(candidate)) {
    const schemaErrors = matchesSchema.errors ?? [];
    return {
      valid: false,
      errors: [
        ...describeSchemaErrors(schemaErrors),
        ...businessRuleViolations(candidate, schemaErrors, cardRules),
      ],
    };
  }
  const errors = businessRuleViolations(candidate, [], cardRules);
  return errors.length > 0 ? { valid: false, errors } : { valid: true, value: candidate };
};

/**
 * A request as the API receives it: the schema, the amount, the card (Luhn, issuer prefix and length,
 * network, expiry at `now`) and identifiers free of card numbers; all the problems at once, each naming a
 * field, never quoting a value.
 */
export const validateOrderRequest = (candidate: unknown, now: Date): Validation<OrderRequest> =>
  validateWith(matchesOrderRequestSchema, candidate, { now });

/** A published order event: the event schema (no card but network and last 4), the amount, identifiers. */
export const validateOrderEvent = (candidate: unknown): Validation<OrderEvent> =>
  validateWith(matchesOrderEventSchema, candidate);
