import { type CardContext, maskCardNumbers, mayHoldCardNumber } from './mask-card-numbers';
import { reduceCard } from './reduce-card';
import {
  isCardContextKey,
  isCardNumberKey,
  isCardObjectKey,
  isSensitiveAuthenticationKey,
} from './sensitive-keys';

export interface CardDataCounts {
  /** Card objects (`card`, `creditCard`, ...) reduced to network and last 4. */
  cardObjectsReduced: number;
  /** Properties holding sensitive authentication data (CVV, track data, PIN blocks) removed. */
  sensitiveAuthenticationDataRemoved: number;
  /** Card numbers, track data and verification codes masked in strings and property names. */
  numbersMasked: number;
}

export interface SanitisedDocument extends CardDataCounts {
  value: unknown;
  /**
   * How many numbers of 12 digits or more the document holds: they may be card numbers, which only the
   * record's text has exactly (see `quoteCardNumberLiterals`).
   */
  longNumbers: number;
}

export interface SanitiseOptions {
  /**
   * Hand every string to `maskCardNumbers`, not only those with a run of 12 or 13 digits: then a CVV named
   * in a text without a card number (`CVV 123`) and a 12-digit Maestro number after a card word are masked
   * too. For a few documents (the API's orders); the transform's throughput needs the prefilter.
   */
  everyString?: boolean;
}

/** Deeper documents are refused: the walk is recursive, and no order nests like this. */
export const MAX_DEPTH = 100;

export class DocumentTooDeepError extends Error {
  constructor() {
    super(`The document is nested more than ${MAX_DEPTH} levels deep`);
    this.name = 'DocumentTooDeepError';
  }
}

type JsonObject = Record<string, unknown>;

enum KeyRole {
  Plain = 0,
  CardContext = 1,
  CardNumber = 2,
  CardObject = 3,
  SensitiveAuthenticationData = 4,
}

/** Keys repeat from record to record: their roles are computed once. */
const keyRoles: Record<string, KeyRole> = Object.create(null);
let keysRemembered = 0;
const MAX_KEYS_REMEMBERED = 10_000;

const roleOf = (key: string): KeyRole => {
  let role = keyRoles[key];
  if (role !== undefined) return role;
  if (isSensitiveAuthenticationKey(key)) role = KeyRole.SensitiveAuthenticationData;
  else if (isCardObjectKey(key)) role = KeyRole.CardObject;
  else if (isCardNumberKey(key, false)) role = KeyRole.CardNumber;
  else if (isCardContextKey(key)) role = KeyRole.CardContext;
  else role = KeyRole.Plain;
  if (keysRemembered < MAX_KEYS_REMEMBERED) {
    keyRoles[key] = role;
    keysRemembered += 1;
  }
  return role;
};

const contextOf = (role: KeyRole): CardContext => {
  if (role === KeyRole.CardNumber || role === KeyRole.CardObject) return 'card-number';
  if (role === KeyRole.CardContext) return 'card';
  return 'none';
};

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** `object[key] = value` that stores an own property even for the key `__proto__`, as JSON.parse does. */
const setOwn = (object: JsonObject, key: string, value: unknown): void => {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    object[key] = value;
  }
};

/** The walk's counters: module state, so that a node the walk leaves alone allocates nothing. */
const counts: Omit<SanitisedDocument, 'value'> = {
  cardObjectsReduced: 0,
  sensitiveAuthenticationDataRemoved: 0,
  numbersMasked: 0,
  longNumbers: 0,
};

/** Whether the walk in progress hands every string to `maskCardNumbers` (see `SanitiseOptions`). */
let everyString = false;

const maskString = (text: string, context: CardContext): string => {
  if (!everyString && !mayHoldCardNumber(text, context === 'none' ? 13 : 12)) return text;
  const { text: masked, masked: found } = maskCardNumbers(text, context);
  counts.numbersMasked += found;
  return masked;
};

/** Integers from 12 digits up may be card numbers that `JSON.parse` has read (and maybe rounded). */
const LONG_NUMBER = 1e11;

const reduceCardObject = (card: JsonObject): JsonObject => {
  let reduced = false;
  for (const key in card) {
    const value = card[key];
    // A card number written as a JSON number: only the record's text has all its digits.
    if (typeof value === 'number' && (value >= LONG_NUMBER || value <= -LONG_NUMBER)) counts.longNumbers += 1;
    if (!reduced && key !== 'network' && key !== 'last4') {
      counts.cardObjectsReduced += 1;
      reduced = true;
    }
  }
  return reduceCard(card) as JsonObject;
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
    Object.defineProperty(object, maskString(key, 'none'), {
      value: values[index],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });
};

const sanitiseValue = (value: unknown, role: KeyRole, depth: number): unknown => {
  if (typeof value === 'string') return maskString(value, contextOf(role));
  if (typeof value === 'number') {
    if (value >= LONG_NUMBER || value <= -LONG_NUMBER) counts.longNumbers += 1;
    return value;
  }
  if (!isObject(value)) return value;
  if (depth > MAX_DEPTH) throw new DocumentTooDeepError();
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index];
      if (role === KeyRole.CardObject && isObject(item) && !Array.isArray(item)) {
        value[index] = reduceCardObject(item as JsonObject);
      } else {
        const sanitised = sanitiseValue(item, role, depth + 1);
        if (sanitised !== item) value[index] = sanitised;
      }
    }
    return value;
  }
  if (role === KeyRole.CardObject) return reduceCardObject(value as JsonObject);
  sanitiseObject(value as JsonObject, depth);
  return value;
};

const sanitiseObject = (object: JsonObject, depth: number): void => {
  let namesToMask = false;
  for (const key in object) {
    const role = roleOf(key);
    if (role === KeyRole.SensitiveAuthenticationData) {
      delete object[key];
      counts.sensitiveAuthenticationDataRemoved += 1;
      continue;
    }
    const child = object[key];
    if (typeof child === 'string') {
      const masked = maskString(child, contextOf(role));
      if (masked !== child) setOwn(object, key, masked);
    } else if (typeof child === 'number') {
      if (child >= LONG_NUMBER || child <= -LONG_NUMBER) counts.longNumbers += 1;
    } else if (child !== null && typeof child === 'object') {
      const sanitised = sanitiseValue(child, role, depth + 1);
      if (sanitised !== child) setOwn(object, key, sanitised);
    }
    if (!namesToMask && key.length >= 13 && mayHoldCardNumber(key, 13)) {
      namesToMask = maskCardNumbers(key).masked > 0;
    }
  }
  if (namesToMask) maskPropertyNames(object);
};

/**
 * Removes card data from a JSON value (SPEC §2), at any depth, arrays included:
 * - card objects under any usual name (`card`, `creditCard`, `paymentCard`, `cardDetails`, any case) are
 *   reduced to `{network, last4}` (`reduceCard`);
 * - properties holding sensitive authentication data (CVV/CVC/CID, security codes, track data, PIN blocks,
 *   under any spelling: `isSensitiveAuthenticationKey`) are removed;
 * - card numbers in every string value and property name are masked (`maskCardNumbers`), with the
 *   property name as context (`pan`, `cardNumber` -> any 12-19 digits; `cardMemo` -> a card is talked about).
 * Numbers, booleans, null and the order of properties stay as they are.
 *
 * It MUTATES `value` and returns it (for a primitive, the masked primitive): pass a freshly parsed
 * document. Throws `DocumentTooDeepError` for a document nested deeper than `MAX_DEPTH`.
 */
export const sanitiseDocument = (value: unknown, options: SanitiseOptions = {}): SanitisedDocument => {
  everyString = options.everyString ?? false;
  counts.cardObjectsReduced = 0;
  counts.sensitiveAuthenticationDataRemoved = 0;
  counts.numbersMasked = 0;
  counts.longNumbers = 0;
  const sanitised = sanitiseValue(value, KeyRole.Plain, 0);
  return {
    value: sanitised,
    cardObjectsReduced: counts.cardObjectsReduced,
    sensitiveAuthenticationDataRemoved: counts.sensitiveAuthenticationDataRemoved,
    numbersMasked: counts.numbersMasked,
    longNumbers: counts.longNumbers,
  };
};
