import { orderAttributes, withOrderId } from '../../../../src/domain/order';
import { anOrder, anOrderInput } from '../../../factories/order';

describe('withOrderId', () => {
  it('keeps the id the client gave, without generating one', () => {
    const generateId = jest.fn(() => 'generated');
    const input = { ...anOrderInput(), id: 'client-key-1' };
    expect(withOrderId(input, generateId)).toEqual({ ...input, id: 'client-key-1' });
    expect(generateId).not.toHaveBeenCalled();
  });

  it('generates an id when the client gave none', () => {
    const input = anOrderInput();
    expect(withOrderId(input, () => 'generated-1')).toEqual({ ...input, id: 'generated-1' });
  });

  it('does not change the input', () => {
    const input = anOrderInput();
    withOrderId(input, () => 'generated-2');
    expect(input).not.toHaveProperty('id');
  });
});

describe('orderAttributes', () => {
  it('takes the amount, currency and customer id that filter policies select on', () => {
    const order = anOrder({ customer: { id: 'customer-42' }, payment: { amount: 59.97, currency: 'USD' } });
    expect(orderAttributes(order)).toEqual({ amount: 59.97, currency: 'USD', customerId: 'customer-42' });
  });
});
