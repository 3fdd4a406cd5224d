import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OncePerIdOrderPublisher } from '../../adapters/idempotent-order-publisher';
import type { OrderPublisher } from '../../adapters/sns-order-publisher';
import {
  OrderAcceptanceInProgressError,
  OrderIdConflictError,
  type Partner,
  toOrderEvent,
  validateOrderRequest,
} from '../../domain/order';
import { parseJson } from '../../shared/json';

/** Orders are small; this keeps every published message well under the SNS 256 KB limit. */
export const MAX_ORDER_BYTES = 64 * 1024;

export interface CheckoutRequest {
  headers: Record<string, string | undefined> | null;
  body: string | null;
  isBase64Encoded: boolean;
  /** The access token's claims, which the API's Cognito authorizer has checked (signature, expiry, scope). */
  requestContext?: { authorizer?: { claims?: Record<string, unknown> } | null };
}

export interface CheckoutResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface AcceptOrderDependencies {
  /** Publishes an order whose id the API generated. */
  publisher: OrderPublisher;
  /** Publishes an order whose id the client gave, once per partner and id within the idempotency window. */
  idempotentPublisher: OncePerIdOrderPublisher;
  /** Partner names by OAuth 2.0 client id: the clients the template declares. */
  partners: ReadonlyMap<string, string>;
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

/** The partner whose client the access token was issued to; undefined for a client the stack does not know. */
const partnerOf = (request: CheckoutRequest, partners: ReadonlyMap<string, string>): Partner | undefined => {
  const clientId = request.requestContext?.authorizer?.claims?.client_id;
  if (typeof clientId !== 'string') return undefined;
  const id = partners.get(clientId);
  return id === undefined ? undefined : { id, clientId };
};

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
  {
    publisher,
    idempotentPublisher,
    partners,
    generateOrderId,
    now,
    logger,
    metrics,
  }: AcceptOrderDependencies,
): Promise<CheckoutResponse> => {
  const reject = (response: CheckoutResponse, reason: string) => {
    metrics.addMetric('OrderRejected', MetricUnit.Count, 1);
    logger.info('Order rejected', { reason, statusCode: response.statusCode });
    return response;
  };

  const partner = partnerOf(request, partners);
  if (!partner) {
    return reject(
      rejection(403, 'Forbidden', ['The access token was not issued to a partner of this API']),
      'unknown-client',
    );
  }
  logger.appendKeys({ partnerId: partner.id });

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
  const clientGaveId = validation.value.id !== undefined;
  const order = toOrderEvent(validation.value, validation.value.id ?? generateOrderId(), partner);
  logger.setCorrelationId(order.id);
  let outcome: 'published' | 'already-accepted';
  try {
    outcome = clientGaveId
      ? await idempotentPublisher.publishOnce(order)
      : await publisher.publish(order).then(() => 'published' as const);
  } catch (error) {
    return failedAcceptance(error, { reject, logger, metrics });
  }
  if (outcome === 'already-accepted') {
    metrics.addMetric('OrderAlreadyAccepted', MetricUnit.Count, 1);
    logger.info('Order already accepted: answered again, not published again', { orderId: order.id });
  } else {
    metrics.addMetric('OrderAccepted', MetricUnit.Count, 1);
    logger.info('Order accepted', { orderId: order.id, itemCount: order.items.length });
  }
  return json(202, { orderId: order.id });
};

const failedAcceptance = (
  error: unknown,
  {
    reject,
    logger,
    metrics,
  }: Pick<AcceptOrderDependencies, 'logger' | 'metrics'> & {
    reject: (response: CheckoutResponse, reason: string) => CheckoutResponse;
  },
): CheckoutResponse => {
  if (error instanceof OrderIdConflictError) {
    return reject(
      rejection(409, 'Order id conflict', [
        'id was already used for an order with different content; send a new id for a new order',
      ]),
      'id-conflict',
    );
  }
  if (error instanceof OrderAcceptanceInProgressError) {
    const response = rejection(409, 'Order being accepted', [
      'An order with this id is being accepted by another request; retry shortly for its answer',
    ]);
    return reject({ ...response, headers: { ...response.headers, 'retry-after': '1' } }, 'in-progress');
  }
  logger.error('Publishing the order failed', { error: error as Error });
  metrics.addMetric('OrderPublishFailed', MetricUnit.Count, 1);
  return json(503, { message: 'The order could not be accepted right now; please retry' });
};
