/**
 * Holds the calls made to it in the same turn of the event loop (e.g. the writes of a batch's records
 * processed concurrently) and lets them go on in the reverse order of their arrival, once nothing more
 * arrives: the last write started is answered first. Calls made one at a time (records processed one
 * after another) go on in turn, each after a turn of the event loop.
 */
export const reverseOrderGate = () => {
  const held: (() => void)[] = [];
  let releaseScheduled = false;
  /** How many calls were held with others, and so went on out of order. */
  let crossed = 0;
  return {
    /** Resolves when this call's turn comes. */
    hold: (): Promise<void> =>
      new Promise<void>((resolve) => {
        held.push(resolve);
        // setImmediate runs once every pending promise callback has run: every concurrent call has arrived.
        if (releaseScheduled) return;
        releaseScheduled = true;
        setImmediate(() => {
          releaseScheduled = false;
          if (held.length > 1) crossed += held.length;
          for (const next of held.splice(0).reverse()) next();
        });
      }),
    get crossed() {
      return crossed;
    },
  };
};
