import type { OrderRecord } from '../../../../src/adapters/dynamodb-order-repository';
import { type OrderEvent, storedOrderChecksum } from '../../../../src/domain/order';
import { corruptedCopy, SimulatedOutageError } from '../../../../src/functions/checkout/fault-mode';
import {
  ConflictingOrderError,
  InvalidOrderMessageError,
  parseOrderMessage,
  type StoreOrderDependencies,
  storeOrder,
} from '../../../../src/functions/checkout/store-order';
import { anOrder, anOrderEvent, anOrderInput, TEST_CARD_NUMBERS } from '../../../factories/order';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { cardDataIn } from '../../../helpers/card-data';
import { ChecksumMismatchError, InMemoryOrderRepository } from '../../../helpers/in-memory-order-repository';
import { recordedMetrics, testPowertools } from '../../../helpers/powertools';

const recordOf = (order: OrderEvent): OrderRecord => ({ order, checksum: storedOrderChecksum(order) });

const problemsOf = (body: string): string[] => {
  try {
    parseOrderMessage(body);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOrderMessageError);
    return (error as InvalidOrderMessageError).problems;
  }
  throw new Error('expected the message to be rejected');
};

describe('parseOrderMessage', () => {
  it('returns the order event a message carries', () => {
    const order = anOrderEvent({ id: 'order-parse-1' });
    expect(parseOrderMessage(JSON.stringify(order))).toEqual(order);
  });

  it('reduces a whole card from another publisher to its network and last 4 digits, rather than rejecting it', () => {
    const order = anOrder({ id: 'order-parse-2', payment: { card: { cvv: '8642' } } });
    const event = parseOrderMessage(JSON.stringify(order));
    expect(event).toEqual(anOrderEvent({ ...order, payment: order.payment }));
    expect(event.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(cardDataIn(JSON.stringify(event), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
  });

  it('takes the network of a whole card without one from its number', () => {
    const order = structuredClone(anOrder({ id: 'order-parse-3' }));
    order.payment.card = { number: TEST_CARD_NUMBERS.amex, expiry: '12/29', holder: 'A HOLDER', cvv: '1234' };
    expect(parseOrderMessage(JSON.stringify(order)).payment.card).toEqual({ network: 'amex', last4: '0005' });
  });

  it('masks card numbers in the texts of a message from another publisher', () => {
    const order = anOrder({ id: 'hold-1795937317-802', notes: `Charge 4111 1111 1111 1111 again, CVV 8642` });
    const event = parseOrderMessage(JSON.stringify(order));
    expect(event.notes).toBe('Charge **** **** **** 1111 again, CVV ****');
    expect(event.id).toBe('hold-1795937317-802');
  });

  it('rejects malformed JSON without quoting it', () => {
    const body = `{"id": "order-1", "payment": {"card": {"number": "${TEST_CARD_NUMBERS.visa}", "cvv": "8642"`;
    const problems = problemsOf(body);
    expect(problems).toEqual([expect.stringMatching(/^the body is not valid JSON/)]);
    expect(cardDataIn(problems.join('\n'), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
  });

  it('rejects an order that breaks the schema, naming every problem', () => {
    const order = { ...anOrderEvent(), coupon: 'FREE', customer: { id: 'c', name: 'n', email: 'bad' } };
    expect(problemsOf(JSON.stringify(order)).sort()).toEqual([
      'coupon is not allowed',
      'customer.email must match format "email"',
    ]);
  });

  it('rejects an order that breaks a business rule', () => {
    expect(problemsOf(JSON.stringify(anOrderEvent({ payment: { amount: 1 } })))).toEqual([
      'payment.amount 1.00 does not equal the sum of the items 59.97',
    ]);
  });

  it('rejects an order without an id, which the API always gives it', () => {
    const { id: _id, ...withoutId } = anOrderEvent();
    expect(problemsOf(JSON.stringify(withoutId))).toEqual(['id is required']);
    expect(problemsOf(JSON.stringify(anOrderInput()))).toEqual(['id is required']);
  });

  it('rejects an order whose id holds a card number, naming the field only', () => {
    const problems = problemsOf(JSON.stringify(anOrderEvent({ id: `order-${TEST_CARD_NUMBERS.visa}` })));
    expect(problems).toEqual(['id must not hold a card number']);
  });

  it('names no card data among the problems of a message full of it', () => {
    const message = {
      ...anOrder({ id: 'order-parse-4', payment: { card: { cvv: '8642' } } }),
      [TEST_CARD_NUMBERS.visa]: true,
      pan: TEST_CARD_NUMBERS.visa,
      extra: { cvv: '8642', memo: `card ${TEST_CARD_NUMBERS.visa}` },
    };
    const problems = problemsOf(JSON.stringify(message));
    expect(problems.length).toBeGreaterThan(0);
    expect(cardDataIn(problems.join('\n'), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
  });

  it('describes the problems in the error message too', () => {
    expect(() => parseOrderMessage('[]')).toThrow('The message is not a valid order: order must be object');
  });
});

describe('storeOrder', () => {
  let repository: InMemoryOrderRepository;
  let dependencies: StoreOrderDependencies;
  let output: CapturedOutput;

  beforeEach(() => {
    output = captureOutput();
    repository = new InMemoryOrderRepository();
    dependencies = { repository, ...testPowertools('checkout') };
  });

  afterEach(() => output.restore());

  it('stores a message with a whole card from another publisher reduced, holding no card number or CVV', async () => {
    const message = anOrder({
      id: 'order-store-0',
      notes: 'card 4111-1111-1111-1111',
      payment: { card: { cvv: '8642' } },
    });
    await expect(storeOrder(parseOrderMessage(JSON.stringify(message)), dependencies)).resolves.toBe(
      'stored',
    );
    const item = repository.get('order-store-0');
    expect(item?.order.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(item?.order.notes).toBe('card ****-****-****-1111');
    expect(cardDataIn(JSON.stringify(item), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
    expect(JSON.stringify(item)).not.toMatch(/"(cvv|expiry|holder|number)"/);
  });

  it('stores the order event as it is, with the checksum of its content', async () => {
    const order = anOrderEvent({ id: 'order-store-1' });
    await expect(storeOrder(order, dependencies)).resolves.toBe('stored');
    const item = repository.get('order-store-1');
    expect(item).toEqual(recordOf(order));
    expect(item?.order.payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(cardDataIn(JSON.stringify(item), { number: TEST_CARD_NUMBERS.visa, cvv: '123' })).toEqual([]);
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderStored: 1 });
  });

  it('leaves exactly the same single item when the same order comes twice, writing it once', async () => {
    const order = anOrderEvent({ id: 'order-store-2' });
    await storeOrder(order, dependencies);
    const first = repository.get('order-store-2');
    await expect(storeOrder(structuredClone(order), dependencies)).resolves.toBe('duplicate');
    expect(repository.size).toBe(1);
    expect(repository.get('order-store-2')).toEqual(first);
    expect(repository.writes).toHaveLength(1);
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderStored: 1, DuplicateOrderSkipped: 1 });
  });

  it('treats the same order with its keys in another order as a duplicate', async () => {
    const order = anOrderEvent({ id: 'order-store-3' });
    await storeOrder(order, dependencies);
    const { items, shipping, payment, customer, date, id } = order;
    const reordered = { items, shipping, payment, customer, date, id } as OrderEvent;
    await expect(storeOrder(reordered, dependencies)).resolves.toBe('duplicate');
  });

  it('repairs an item whose content no longer matches its checksum', async () => {
    const order = anOrderEvent({ id: 'order-store-4' });
    const good = recordOf(order);
    const damaged: OrderRecord = {
      order: { ...good.order, items: good.order.items.slice(1) },
      checksum: good.checksum,
    };
    repository.seed(damaged);
    await expect(storeOrder(order, dependencies)).resolves.toBe('repaired');
    expect(repository.get('order-store-4')).toEqual(good);
    expect(repository.writes).toEqual([good]);
    expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderRepaired: 1 });
  });

  it('refuses a different order under an id that is already stored, and keeps the stored one', async () => {
    const original = anOrderEvent({ id: 'order-store-5' });
    await storeOrder(original, dependencies);
    const conflicting = anOrderEvent({
      id: 'order-store-5',
      payment: { amount: 19.99 },
      items: [{ sku: 'X', name: 'X', quantity: 1, unitPrice: 19.99 }],
    });
    const attempt = storeOrder(conflicting, dependencies);
    await expect(attempt).rejects.toThrow(ConflictingOrderError);
    await expect(attempt).rejects.toMatchObject({ orderId: 'order-store-5' });
    expect(repository.get('order-store-5')).toEqual(recordOf(original));
    expect(repository.writes).toHaveLength(1);
  });

  it('sees a different card as different content', async () => {
    const order = anOrderEvent({ id: 'order-store-6' });
    await storeOrder(order, dependencies);
    const otherCard = anOrderEvent({
      id: 'order-store-6',
      customer: order.customer,
      payment: { card: { network: 'mastercard', number: TEST_CARD_NUMBERS.mastercard } },
    });
    expect(otherCard.payment.card).toEqual({ network: 'mastercard', last4: '4444' });
    await expect(storeOrder(otherCard, dependencies)).rejects.toThrow(
      'Order order-store-6 is already stored with different content',
    );
  });

  it('lets a failed repair fail the message, so that it is retried', async () => {
    const order = anOrderEvent({ id: 'order-store-7' });
    const good = recordOf(order);
    repository.seed({ order: { ...good.order, notes: 'damaged' }, checksum: good.checksum });
    jest.spyOn(repository, 'replace').mockRejectedValueOnce(new ChecksumMismatchError('changed meanwhile'));
    await expect(storeOrder(order, dependencies)).rejects.toThrow(ChecksumMismatchError);
  });

  it('logs the outcome with the order id and no card data', async () => {
    // A whole card from another publisher, as the checkout function reads it.
    const order = parseOrderMessage(
      JSON.stringify(anOrder({ id: 'order-store-8', payment: { card: { cvv: '8642' } } })),
    );
    await storeOrder(order, dependencies);
    await storeOrder(order, dependencies);
    const lines = output.jsonLines();
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'Order stored', orderId: 'order-store-8' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'Order duplicate', orderId: 'order-store-8', outcome: 'duplicate' }),
    );
    expect(cardDataIn(output.text(), { number: TEST_CARD_NUMBERS.visa, cvv: '8642' })).toEqual([]);
  });

  describe('with the game-day fault switch', () => {
    it('writes nothing and fails with a SimulatedOutageError when it is "fail"', async () => {
      const order = anOrderEvent({ id: 'order-fault-1' });
      const attempt = storeOrder(order, { ...dependencies, faultMode: 'fail' });
      await expect(attempt).rejects.toThrow(SimulatedOutageError);
      await expect(attempt).rejects.toThrow('Order order-fault-1 not processed');
      expect(repository.size).toBe(0);
      expect(repository.writes).toEqual([]);
      expect(recordedMetrics(dependencies.metrics)).toEqual({});
    });

    it('fails even an order that is already stored when it is "fail", leaving the item as it is', async () => {
      const order = anOrderEvent({ id: 'order-fault-2' });
      await storeOrder(order, dependencies);
      await expect(storeOrder(order, { ...dependencies, faultMode: 'fail' })).rejects.toThrow(
        SimulatedOutageError,
      );
      expect(repository.get('order-fault-2')).toEqual(recordOf(order));
      expect(repository.writes).toHaveLength(1);
    });

    it('stores a damaged item that keeps the real checksum when it is "corrupt"', async () => {
      const order = anOrderEvent({ id: 'order-fault-3' });
      const good = recordOf(order);
      await expect(storeOrder(order, { ...dependencies, faultMode: 'corrupt' })).resolves.toBe('stored');
      const item = repository.get('order-fault-3');
      expect(item).toEqual({ order: corruptedCopy(good.order), checksum: good.checksum });
      expect(item?.order.items).toEqual([]);
      expect(item?.order.payment.amount).toBe(0);
      expect(storedOrderChecksum(item?.order ?? good.order)).not.toBe(item?.checksum);
    });

    it('warns that it stored a damaged item, with the order id', async () => {
      await storeOrder(anOrderEvent({ id: 'order-fault-4' }), { ...dependencies, faultMode: 'corrupt' });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: 'Order stored corrupted: the checkout fault switch is "corrupt" (game day)',
          orderId: 'order-fault-4',
        }),
      );
    });

    it('lets a later normal delivery of the same order repair the damaged item', async () => {
      const order = anOrderEvent({ id: 'order-fault-5' });
      await storeOrder(order, { ...dependencies, faultMode: 'corrupt' });

      await expect(storeOrder(structuredClone(order), dependencies)).resolves.toBe('repaired');

      expect(repository.get('order-fault-5')).toEqual(recordOf(order));
      expect(repository.writes).toEqual([
        { order: corruptedCopy(recordOf(order).order), checksum: recordOf(order).checksum },
        recordOf(order),
      ]);
      expect(recordedMetrics(dependencies.metrics)).toEqual({ OrderStored: 1, OrderRepaired: 1 });
    });

    it('leaves the repaired item alone on a further delivery', async () => {
      const order = anOrderEvent({ id: 'order-fault-6' });
      await storeOrder(order, { ...dependencies, faultMode: 'corrupt' });
      await storeOrder(order, dependencies);
      await expect(storeOrder(order, dependencies)).resolves.toBe('duplicate');
      expect(repository.get('order-fault-6')).toEqual(recordOf(order));
      expect(repository.writes).toHaveLength(2);
    });

    it('does not damage an order that is already stored well when it is "corrupt"', async () => {
      const order = anOrderEvent({ id: 'order-fault-7' });
      await storeOrder(order, dependencies);
      await expect(storeOrder(order, { ...dependencies, faultMode: 'corrupt' })).resolves.toBe('duplicate');
      expect(repository.get('order-fault-7')).toEqual(recordOf(order));
      expect(repository.writes).toHaveLength(1);
    });

    it('still refuses a different order under a stored id when it is "corrupt"', async () => {
      const order = anOrderEvent({ id: 'order-fault-8' });
      await storeOrder(order, { ...dependencies, faultMode: 'corrupt' });
      const other = anOrderEvent({ id: 'order-fault-8', customer: { id: 'someone-else' } });
      await expect(storeOrder(other, dependencies)).rejects.toThrow(ConflictingOrderError);
    });

    it('stores normally when it is "off"', async () => {
      const order = anOrderEvent({ id: 'order-fault-9' });
      await expect(storeOrder(order, { ...dependencies, faultMode: 'off' })).resolves.toBe('stored');
      expect(repository.get('order-fault-9')).toEqual(recordOf(order));
    });
  });
});
