import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OrderPublisher } from '../../adapters/sns-order-publisher';
import { toOrderEvent, validateOrderRequest } from '../../domain/order';
import { parseJson } from '../../shared/json';

/** Orders are small; this keeps every published message well under the SNS 256 KB limit. */
export const MAX_ORDER_BYTES = 64 * 1024;

export interface CheckoutRequest {
  headers: Record<string, string | undefined> | null;
  body: string | null;
  isBase64Encoded: boolean;
}

export interface CheckoutResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface AcceptOrderDependencies {
  publisher: OrderPublisher;
  generateOrderId: () => string;
  /** The time a card's expiry is checked against. */
  now: () => Date;
  logger: Logger;
  metrics: Metrics;
}

const json = (statusCode: number, body: unknown): CheckoutResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const rejection = (statusCode: number, message: string, errors: string[]) =>
  json(statusCode, { message, errors });

const headerValue = (headers: CheckoutRequest['headers'], name: string): string | undefined =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

const isJsonContentType = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);
  return mediaType === 'application/json' && (charset === undefined || charset.replace(/"/g, '') === 'utf-8');
};

/**
 * POST /checkout: validate the request (the card in memory), publish the order event (the card reduced to
 * network and last 4, card numbers in texts masked), answer 202 with the order id, or a 4xx naming every
 * problem, never quoting a value.
 */
export const acceptOrder = async (
  request: CheckoutRequest,
  { publisher, generateOrderId, now, logger, metrics }: AcceptOrderDependencies,
): Promise<CheckoutResponse> => {
  const reject = (response: CheckoutResponse, reason: string) => {
    metrics.addMetric('OrderRejected', MetricUnit.Count, 1);
    logger.info('Order rejected', { reason, statusCode: response.statusCode });
    return response;
  };

  if (!isJsonContentType(headerValue(request.headers, 'content-type'))) {
    return reject(
      rejection(415, 'Unsupported content type', ['Content-Type must be application/json (UTF-8)']),
      'content-type',
    );
  }

  const body = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  if (body.byteLength > MAX_ORDER_BYTES) {
    return reject(
      rejection(413, 'Order too large', [
        `The body is ${body.byteLength} bytes; the limit is ${MAX_ORDER_BYTES}`,
      ]),
      'size',
    );
  }

  const parsed = parseJson(body.toString('utf8'));
  if (!parsed.ok)
    return reject(rejection(400, 'Malformed JSON', [`The body is ${parsed.error}`]), 'malformed-json');

  const validation = validateOrderRequest(parsed.value, now());
  if (!validation.valid) return reject(rejection(400, 'Invalid order', validation.errors), 'invalid-order');

  // The card-data boundary (SPEC §2): from here on, only the event, without the card, exists.
  const order = toOrderEvent(validation.value, validation.value.id ?? generateOrderId());
  logger.setCorrelationId(order.id);
  try {
    await publisher.publish(order);
  } catch (error) {
    logger.error('Publishing the order failed', { error: error as Error });
    metrics.addMetric('OrderPublishFailed', MetricUnit.Count, 1);
    return json(503, { message: 'The order could not be accepted right now; please retry' });
  }
  metrics.addMetric('OrderAccepted', MetricUnit.Count, 1);
  logger.info('Order accepted', { orderId: order.id, itemCount: order.items.length });
  return json(202, { orderId: order.id });
};
