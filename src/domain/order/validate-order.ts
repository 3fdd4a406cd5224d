import Ajv, { type ErrorObject } from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { isValidCardNumber } from './card-number';
import { formatCents, toCents } from './money';
import type { OrderInput } from './order';
import { orderSchema } from './order-schema';

export type Validation<T> = { valid: true; value: T } | { valid: false; errors: string[] };

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv, ['date-time', 'email']);
const matchesOrderSchema = ajv.compile<OrderInput>(orderSchema);

/** `/items/0/sku` -> `items[0].sku`: how a client would name the field. */
export const fieldName = (pointer: string, child?: string): string => {
  const segments = pointer.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  return (
    segments.reduce(
      (name, segment) =>
        /^[0-9]+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment,
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

const businessRuleViolations = (order: OrderInput): string[] => {
  const errors: string[] = [];
  const { payment, items } = order;

  if (payment.method === 'card' && !payment.card)
    errors.push('payment.card is required when payment.method is card');
  if (payment.method !== 'card' && payment.card)
    errors.push('payment.card is only allowed when payment.method is card');
  if (payment.card && !isValidCardNumber(payment.card.number)) {
    errors.push('payment.card.number is not a valid card number');
  }

  const amountCents = toCents(payment.amount);
  if (amountCents === undefined) errors.push('payment.amount must have at most 2 decimals');

  let itemsCents = 0;
  items.forEach((item, index) => {
    const unitCents = toCents(item.unitPrice);
    if (unitCents === undefined) errors.push(`items[${index}].unitPrice must have at most 2 decimals`);
    else itemsCents += unitCents * item.quantity;
  });

  const pricesAreExact = errors.every((error) => !error.endsWith('at most 2 decimals'));
  if (amountCents !== undefined && pricesAreExact && amountCents !== itemsCents) {
    errors.push(
      `payment.amount ${formatCents(amountCents)} does not equal the sum of the items ${formatCents(itemsCents)}`,
    );
  }
  return errors;
};

/** The schema, then the rules a schema cannot say (amount = sum of items, card rules). */
export const validateOrderInput = (candidate: unknown): Validation<OrderInput> => {
  if (!matchesOrderSchema(candidate)) {
    return { valid: false, errors: describeSchemaErrors(matchesOrderSchema.errors ?? []) };
  }
  const errors = businessRuleViolations(candidate);
  return errors.length > 0 ? { valid: false, errors } : { valid: true, value: candidate };
};
