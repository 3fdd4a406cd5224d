import {
  CANDIDATE_TEST_PATTERN,
  MIN_CARD_DIGITS,
  maskCardNumbersFast,
  maskedByLastCall,
} from './mask-card-numbers';

export interface SanitisedDocument {
  value: unknown;
  /** How many `card` properties with an object (or array) value were removed. */
  cardObjectsRemoved: number;
  /** How many card numbers were masked in string values and property names. */
  numbersMasked: number;
}

/** The property whose object value is dropped wherever it sits: the order's `payment.card`, or any other. */
const CARD_PROPERTY = 'card';

// Counters of the walk in progress: module state rather than closures or result objects per node, so the
// walk allocates nothing for a node it does not change. The walk is synchronous, so calls cannot interleave.
let cardObjectsRemoved = 0;
let numbersMasked = 0;

type JsonObject = Record<string, unknown>;

/**
 * `mayHoldCardNumber`, defined here rather than imported: it runs for every string and property name, and
 * a call into another module costs a getter per call where modules are compiled to CommonJS (Jest, tsx).
 */
const HAS_CANDIDATE = new RegExp(CANDIDATE_TEST_PATTERN);
const MIN_LENGTH = MIN_CARD_DIGITS;
const mayHoldCardNumber = (text: string): boolean => text.length >= MIN_LENGTH && HAS_CANDIDATE.test(text);

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** `object[key] = value` that stores an own property even for the key `__proto__`, as JSON.parse does. */
const setOwn = (object: JsonObject, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
};

const maskString = (text: string): string => {
  const masked = maskCardNumbersFast(text);
  if (masked !== text) numbersMasked += maskedByLastCall();
  return masked;
};

/**
 * Rebuilds the properties of `object` in their order with masked names. Rare (a card number in a
 * property name), so it may allocate. Two names that mask to the same one keep the later value.
 */
const maskPropertyNames = (object: JsonObject): void => {
  const keys = Object.keys(object);
  const values = keys.map((key) => object[key]);
  for (const key of keys) delete object[key];
  keys.forEach((key, index) => {
    Object.defineProperty(object, maskString(key), {
      value: values[index],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });
};

const sanitiseArray = (array: unknown[]): void => {
  for (let index = 0; index < array.length; index += 1) {
    const item = array[index];
    if (typeof item === 'string') {
      if (mayHoldCardNumber(item)) array[index] = maskString(item);
    } else if (isObject(item)) {
      if (Array.isArray(item)) sanitiseArray(item);
      else sanitiseObject(item as JsonObject);
    }
  }
};

const sanitiseObject = (object: JsonObject): void => {
  let namesToMask = false;
  for (const key in object) {
    const child = object[key];
    if (typeof child === 'string') {
      if (mayHoldCardNumber(child)) setOwn(object, key, maskString(child));
    } else if (isObject(child)) {
      if (key === CARD_PROPERTY) {
        delete object[key];
        cardObjectsRemoved += 1;
        continue;
      }
      if (Array.isArray(child)) sanitiseArray(child);
      else sanitiseObject(child as JsonObject);
    }
    if (!namesToMask && mayHoldCardNumber(key) && maskCardNumbersFast(key) !== key) namesToMask = true;
  }
  if (namesToMask) maskPropertyNames(object);
};

/**
 * Removes card data from a JSON value (SPEC §2): every property named `card` whose value is an object or
 * an array is removed, at any depth, and `maskCardNumbers` is applied to every string value and every
 * property name, at any depth, arrays included. Everything else is left as it is: numbers, booleans,
 * null, and the order of properties.
 *
 * It MUTATES `value` and returns it (for a primitive, the masked primitive): pass a freshly parsed
 * document, or a `structuredClone` of one that must be kept. Objects are expected to be plain data, as
 * JSON.parse makes them (own enumerable properties, no cycles); very deep nesting exhausts the stack
 * and throws a RangeError.
 */
export const sanitiseDocument = (value: unknown): SanitisedDocument => {
  cardObjectsRemoved = 0;
  numbersMasked = 0;
  let sanitised = value;
  if (typeof value === 'string') sanitised = maskString(value);
  else if (Array.isArray(value)) sanitiseArray(value);
  else if (isObject(value)) sanitiseObject(value as JsonObject);
  return { value: sanitised, cardObjectsRemoved, numbersMasked };
};
