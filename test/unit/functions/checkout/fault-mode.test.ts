import { storedOrderChecksum } from '../../../../src/domain/order';
import {
  corruptedCopy,
  FAULT_MODES,
  parseFaultMode,
  SimulatedOutageError,
} from '../../../../src/functions/checkout/fault-mode';
import { anOrderEvent } from '../../../factories/order';

describe('parseFaultMode', () => {
  it.each(FAULT_MODES)('reads %s', (mode) => {
    expect(parseFaultMode(mode)).toBe(mode);
  });

  it.each([
    ['FAIL', 'fail'],
    ['Corrupt', 'corrupt'],
    [' off\n', 'off'],
    ['\tfail ', 'fail'],
  ])('reads %j regardless of case and surrounding blanks, as %s', (value, mode) => {
    expect(parseFaultMode(value)).toBe(mode);
  });

  it.each([undefined, '', ' ', 'on', 'true', 'failing', 'of f', 'fail,corrupt', 'null'])(
    'knows no mode %j (the function then processes normally)',
    (value) => {
      expect(parseFaultMode(value)).toBeUndefined();
    },
  );
});

describe('SimulatedOutageError', () => {
  it('names the order and the game day', () => {
    const error = new SimulatedOutageError('order-42');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SimulatedOutageError');
    expect(error.message).toBe(
      'Order order-42 not processed: the checkout fault switch is set to "fail" (game day)',
    );
  });
});

describe('corruptedCopy', () => {
  const stored = anOrderEvent({ id: 'order-fault-1' });

  it('loses the items and the amount, and keeps everything else', () => {
    const damaged = corruptedCopy(stored);
    expect(damaged).toEqual({ ...stored, items: [], payment: { ...stored.payment, amount: 0 } });
    expect(damaged.id).toBe('order-fault-1');
    expect(damaged.payment.card).toEqual(stored.payment.card);
  });

  it('has content that no longer matches the checksum of the order', () => {
    expect(storedOrderChecksum(corruptedCopy(stored))).not.toBe(storedOrderChecksum(stored));
  });

  it('leaves the order it copies untouched', () => {
    const before = structuredClone(stored);
    corruptedCopy(stored);
    expect(stored).toEqual(before);
  });
});
