import { describeAcceptedOrder, orderIdOf } from '../../../local/log';

describe('orderIdOf', () => {
  it('gives the id of an order in a JSON body', () => {
    expect(orderIdOf(JSON.stringify({ id: 'order-1', customer: { id: 'c-1' } }))).toBe('order-1');
  });

  it('says so when the body has no string id', () => {
    expect(orderIdOf(JSON.stringify({ orderId: 'x' }))).toBe('(no id)');
    expect(orderIdOf(JSON.stringify({ id: 42 }))).toBe('(no id)');
  });

  it('says so when the body is not JSON or is missing, and never echoes it', () => {
    expect(orderIdOf('card 4111 1111 1111 1111')).toBe('(not JSON)');
    expect(orderIdOf(undefined)).toBe('(not JSON)');
  });
});

describe('describeAcceptedOrder', () => {
  it('names the order of a checkout response', () => {
    expect(describeAcceptedOrder(JSON.stringify({ orderId: 'order-1' }))).toBe('order order-1');
  });

  it('says so when the response is not JSON, and never echoes it', () => {
    expect(describeAcceptedOrder('card 4111 1111 1111 1111')).toBe('order (unknown)');
    expect(describeAcceptedOrder('null')).toBe('order (unknown)');
  });
});
