import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import { CARD_NUMBER_SEPARATOR_CLASS, isValidCardNumber } from './card-number';
import { validateOrderSchema } from './generated/order-schema-validator';
import { formatCents, toCents } from './money';
import type { OrderInput } from './order';

export type Validation<T> = { valid: true; value: T } | { valid: false; errors: string[] };

/** The order schema, compiled by Ajv when `npm run schema:sync` ran rather than at every cold start. */
const matchesOrderSchema = validateOrderSchema as ValidateFunction<OrderInput>;

/** A run of digits long enough to be a card number: never echoed, even as an unknown field's name. */
const CARD_LIKE_DIGITS = new RegExp(`[0-9](?:${CARD_NUMBER_SEPARATOR_CLASS}?[0-9]){11,}`, 'g');

/** `/items/0/sku` -> `items[0].sku`: how a client would name the field. */
export const fieldName = (pointer: string, child?: string): string => {
  const segments = pointer.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  return (
    segments
      .map((segment) => segment.replace(CARD_LIKE_DIGITS, '[redacted]'))
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
const businessRuleViolations = (candidate: unknown, schemaErrors: readonly ErrorObject[]): string[] => {
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
  if (isRecord(card) && typeof card.number === 'string' && isSound('/payment/card/number')) {
    if (!isValidCardNumber(card.number)) errors.push('payment.card.number is not a valid card number');
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

/** The schema and the business rules; all the problems of a candidate at once. */
export const validateOrderInput = (candidate: unknown): Validation<OrderInput> => {
  if (!matchesOrderSchema(candidate)) {
    const schemaErrors = matchesOrderSchema.errors ?? [];
    return {
      valid: false,
      errors: [...describeSchemaErrors(schemaErrors), ...businessRuleViolations(candidate, schemaErrors)],
    };
  }
  const errors = businessRuleViolations(candidate, []);
  return errors.length > 0 ? { valid: false, errors } : { valid: true, value: candidate };
};
