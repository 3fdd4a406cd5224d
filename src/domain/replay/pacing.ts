/**
 * Pacing a replay at `rate` orders per second: one slot every 1/rate seconds, shared by every invocation
 * of the replay function through the replay's state (`nextSlotAt`, the first slot nobody holds). An
 * invocation reserves consecutive slots for the orders it forwards and sends each at its slot. Slots do
 * not pile up while nothing is forwarded (a bucket of one): after a pause the rate starts again, it does
 * not burst.
 */

/** The fastest rate `--rate` takes, in orders per second. */
export const MAXIMUM_REPLAY_RATE = 1000;

export interface SlotRequest {
  /** Orders per second. */
  rate: number;
  /** The first free slot (epoch ms) as the state holds it; undefined before the first reservation. */
  nextSlotAt: number | undefined;
  /** How many orders the invocation has to forward. */
  wanted: number;
  /** The latest slot the invocation can still use (epoch ms): it must end before its timeout. */
  deadline: number;
  now: number;
}

export interface SlotReservation {
  /** The slots (epoch ms), one per order, in order; fewer than wanted when the deadline comes first. */
  slots: number[];
  /** The first free slot after this reservation: what the state holds next. */
  nextSlotAt: number;
}

export const slotIntervalMs = (rate: number) => 1000 / rate;

export const reserveSlots = ({ rate, nextSlotAt, wanted, deadline, now }: SlotRequest): SlotReservation => {
  const interval = slotIntervalMs(rate);
  const first = Math.max(now, nextSlotAt ?? now);
  const fitting = first > deadline ? 0 : Math.floor((deadline - first) / interval) + 1;
  const count = Math.max(0, Math.min(wanted, fitting));
  return {
    slots: Array.from({ length: count }, (_, index) => first + index * interval),
    nextSlotAt: count > 0 ? first + count * interval : (nextSlotAt ?? now),
  };
};

/**
 * The event source mapping settings that carry a rate: batches of about one second of orders (1 to 10, the
 * most an SQS batch without a batching window holds), and the fewest concurrent batches that keep a
 * reservation of about two seconds ahead (Lambda's minimum of 2 up to its maximum of 1,000), so that the
 * next batch is already waiting for its slots when one ends.
 */
export const pacedMappingSettings = (rate: number) => {
  const batchSize = Math.min(10, Math.max(1, Math.round(rate)));
  const maximumConcurrency = Math.min(1000, Math.max(2, Math.ceil((2 * rate) / batchSize)));
  return { batchSize, maximumConcurrency };
};
