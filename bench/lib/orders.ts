/**
 * Realistic orders for benchmarks, like test/factories/order.ts makes them but varied and reproducible (a
 * seeded generator), without importing anything from test/.
 */

/** mulberry32: a small, fast, seeded PRNG; the same seed always gives the same orders. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const FIRST_NAMES = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Margaret',
  'Tim',
  'Frances',
  'Ken',
];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Berners-Lee'];
const STREETS = ['Analytical Row', 'Compiler Lane', 'Difference Street', 'Babbage Road', 'Engine Way'];
const CITIES: [string, string, string, string][] = [
  // city, region, country, phone prefix
  ['London', '', 'GB', '+44 20'],
  ['Manchester', 'Greater Manchester', 'GB', '+44 161'],
  ['Paris', 'Île-de-France', 'FR', '+33 1'],
  ['Berlin', '', 'DE', '+49 30'],
  ['Seattle', 'WA', 'US', '+1 206'],
  ['Toronto', 'ON', 'CA', '+1 416'],
];
const PRODUCTS = [
  'Notes on the Analytical Engine',
  'Fountain pen',
  'Mechanical keyboard',
  'USB-C cable, 2 m',
  'Noise-cancelling headphones',
  'The Art of Computer Programming, Vol. 1',
  'Desk lamp (warm white)',
  'Notebook, dotted, A5',
  'Coffee beans — single origin, 1 kg',
  'Ergonomic mouse',
];
const NOTES = [
  'Please leave the parcel with the neighbour at number 14.',
  'Gift wrap, please. Call me on {phone} if anything is unclear.',
  'Deliver after 6 pm; the concierge code is 4521.',
  'Re: order {orderRef}, the previous one arrived damaged.',
  'No plastic packaging if possible.',
];
/** Luhn-valid test numbers, in the formats people type them. */
const CARDS: [string, string][] = [
  ['visa', '4111111111111111'],
  ['visa', '4012 8888 8888 1881'],
  ['mastercard', '5555-5555-5555-4444'],
  ['amex', '3782 822463 10005'],
  ['discover', '6011111111111117'],
];

export interface OrderGeneratorOptions {
  seed?: number;
  /** Share of orders whose free-text notes contain a card number (the transform must mask it). */
  cardNumberInNotesRate?: number;
}

/** An endless, reproducible source of order documents (plain JSON values). */
export const orderGenerator = ({ seed = 42, cardNumberInNotesRate = 0.01 }: OrderGeneratorOptions = {}) => {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
  const hex = (count: number) =>
    Array.from({ length: count }, () => Math.floor(random() * 16).toString(16)).join('');
  let sequence = 0;

  return (): Record<string, unknown> => {
    sequence += 1;
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const name = `${first} ${last}`;
    const [city, region, country, phonePrefix] = pick(CITIES);
    const phone = `${phonePrefix} ${digits(4)} ${digits(4)}`;
    const items = Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
      sku: `${pick(['BOOK', 'PEN', 'KBD', 'CBL', 'AUD', 'LMP', 'NTB', 'COF', 'MSE'])}-${digits(3)}`,
      name: pick(PRODUCTS),
      quantity: 1 + Math.floor(random() * 3),
      unitPrice: Math.round(1 + random() * 20_000) / 100,
    }));
    const amountCents = items.reduce(
      (sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity,
      0,
    );
    const method = random() < 0.8 ? 'card' : pick(['paypal', 'bank-transfer']);
    const [network, number] = pick(CARDS);
    const order: Record<string, unknown> = {
      id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      date: `2026-11-${String(1 + (sequence % 28)).padStart(2, '0')}T${String(sequence % 24).padStart(2, '0')}:15:30.${digits(3)}Z`,
      customer: {
        id: `customer-${digits(6)}`,
        name,
        email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com`,
      },
      payment: {
        amount: amountCents / 100,
        currency: pick(['EUR', 'GBP', 'USD', 'CAD']),
        method,
        ...(method === 'card'
          ? { card: { network, number, expiry: '12/29', holder: name.toUpperCase(), cvv: digits(3) } }
          : {}),
      },
      shipping: {
        name,
        line1: `${1 + Math.floor(random() * 200)} ${pick(STREETS)}`,
        ...(random() < 0.3 ? { line2: `Flat ${1 + Math.floor(random() * 40)}` } : {}),
        city,
        ...(region ? { region } : {}),
        postalCode: `${digits(5)}`,
        country,
        phone,
      },
      items,
    };
    const notes = random() < 0.3 ? pick(NOTES) : undefined;
    if (random() < cardNumberInNotesRate) {
      order.notes = `Please charge my other card ${pick(CARDS)[1]} instead, thanks.`;
    } else if (notes) {
      order.notes = notes.replace('{phone}', phone).replace('{orderRef}', `ORD-${digits(10)}`);
    }
    return order;
  };
};
