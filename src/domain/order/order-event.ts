import { sanitiseDocument } from '../card-data';
import type { OrderEvent, OrderRequest, Partner } from './order';

/**
 * The order event of an accepted request (SPEC §2, the API is the card-data boundary): the id, the card
 * reduced to its network and last 4 digits (the network the number's issuer prefix says), and every card
 * number in a text masked. The CVV, expiry and holder are gone. A network the request names was checked
 * against the number by the validation. The partner that posted it, when one did, is
 * recorded with it.
 */
export const toOrderEvent = (request: OrderRequest, id: string, partner?: Partner): OrderEvent => {
  const { card, ...payment } = request.payment;
  const event = {
    ...request,
    id,
    ...(partner ? { partner } : {}),
    payment: card
      ? { ...payment, card: { ...(card.network ? { network: card.network } : {}), number: card.number } }
      : payment,
  };
  // The copy is the walk's to change: sanitiseDocument reduces the card and masks the texts in place.
  return sanitiseDocument(structuredClone(event), { everyString: true }).value as OrderEvent;
};

/**
 * An order message from any publisher, made card-free before anything else reads it: card objects reduced,
 * sensitive authentication data removed and card numbers masked, wherever they are (`sanitiseDocument`).
 * What comes back is then validated as an `OrderEvent`.
 */
export const withoutCardData = (message: unknown): unknown =>
  sanitiseDocument(message, { everyString: true }).value;
