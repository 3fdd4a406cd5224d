import {
  type EventCard,
  type OrderEvent,
  type OrderRequest,
  orderAttributes,
  type RequestCard,
} from '../../../../src/domain/order';
import { anOrderEvent, anOrderInput } from '../../../factories/order';

describe('orderAttributes', () => {
  it('takes the amount, currency and customer id that filter policies select on', () => {
    const order = anOrderEvent({
      customer: { id: 'customer-42' },
      payment: { amount: 59.97, currency: 'USD' },
    });
    expect(orderAttributes(order)).toEqual({ amount: 59.97, currency: 'USD', customerId: 'customer-42' });
  });

  it('takes nothing of the card', () => {
    expect(JSON.stringify(orderAttributes(anOrderEvent()))).not.toMatch(/1111|visa|last4/);
  });
});

describe('the order types, derived from the schemas', () => {
  it('give a request the whole card and an optional id', () => {
    const card: RequestCard = {
      number: '4111111111111111',
      expiry: '12/29',
      holder: 'ADA LOVELACE',
      cvv: '123',
    };
    const request: OrderRequest = anOrderInput({ payment: { card } });
    expect(request.id).toBeUndefined();
    expect(request.payment.card?.cvv).toBe('123');
  });

  it('give an event an id and a card of network and last 4 digits only', () => {
    const card: EventCard = { network: 'visa', last4: '1111' };
    const event: OrderEvent = { ...anOrderEvent(), payment: { ...anOrderEvent().payment, card } };
    expect(typeof event.id).toBe('string');
    // @ts-expect-error an event's card has no number
    expect(event.payment.card?.number).toBeUndefined();
    // @ts-expect-error an event's card has no CVV
    const withCvv: EventCard = { network: 'visa', last4: '1111', cvv: '123' };
    expect(withCvv).toBeDefined();
  });

  it('do not let a request pass for an event', () => {
    // @ts-expect-error the card of a request is not the card of an event
    const event: OrderEvent = { ...anOrderInput(), id: 'order-1' };
    expect(event).toBeDefined();
  });
});
