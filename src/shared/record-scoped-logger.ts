import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogAttributes,
  LogItemExtraInput,
  LogItemMessage,
} from '@aws-lambda-powertools/logger/types';

/** The keys Logger refuses in appended keys and log calls (its `ReservedKeys`, which it does not export). */
const RESERVED_KEYS = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

/**
 * What a record changed in its own view of the temporary keys: a value it appended, or `undefined` for a
 * key it removed.
 */
type RecordKeys = LogAttributes;

/**
 * A Powertools Logger whose temporary keys can be scoped to one record of a batch, so that the records of a
 * batch can be processed concurrently with every line carrying its own record's keys (its order's
 * correlation id, its replay id). Logger 2.35 keeps temporary keys per invocation, and a child logger per
 * record has a cold-start flag of its own (it reports `cold_start: true` on its first line, every time);
 * see the RFC aws-powertools/powertools-lambda-typescript discussion #5832.
 *
 * Outside `withRecordScope` it is exactly a Logger. Inside one (and in everything the scope's function
 * awaits or starts, through AsyncLocalStorage):
 * - the record starts from the keys the invocation has (`appendKeys` outside any scope, e.g. by the
 *   handler before the batch, stay on the record's lines too), read live rather than copied;
 * - `appendKeys`, `removeKeys`, `resetKeys`, and so `setCorrelationId` and `getCorrelationId`, act on the
 *   record's keys only: nothing reaches another record, the invocation, or the lines after the scope;
 * - reserved keys are refused, with Logger's own warning; a log call's own attributes win over the
 *   record's keys, as they do over temporary keys; persistent keys are untouched (`appendPersistentKeys`
 *   acts on the whole logger, as ever).
 *
 * A key appended in a record replaces the invocation's value for that key: Logger would merge two plain
 * objects under the same key; a record does not.
 *
 * Children (`createChild`) are plain Loggers: they have their own cold-start flag, as in Powertools, and one
 * created inside a record scope starts with that record's keys (and keeps them).
 */
export class RecordScopedLogger extends Logger {
  readonly #records = new AsyncLocalStorage<RecordKeys>();
  /**
   * The names of the temporary keys appended outside any scope (Logger does not list them): `resetKeys` in a
   * record hides them. Names of keys since removed or reset may remain; hiding a key that is not there
   * changes nothing.
   */
  readonly #invocationKeyNames = new Set<string>();

  /**
   * Runs `fn` with keys of its own: the invocation's temporary keys (and, in a nested scope, the enclosing
   * record's) plus what `fn` appends, minus what it removes. Returns what `fn` returns.
   */
  public withRecordScope<T>(fn: () => T): T {
    return this.#records.run({ ...RecordScopedLogger.#recordOf(this) }, fn);
  }

  public override appendKeys(attributes: LogAttributes): void {
    const record = RecordScopedLogger.#recordOf(this);
    if (!record) {
      if (#invocationKeyNames in this) {
        for (const key of Object.keys(attributes))
          if (!RESERVED_KEYS.has(key)) this.#invocationKeyNames.add(key);
      }
      super.appendKeys(attributes);
      return;
    }
    for (const [key, value] of Object.entries(attributes)) {
      if (RESERVED_KEYS.has(key)) this.warn(`The key "${key}" is a reserved key and will be dropped.`);
      else record[key] = value;
    }
  }

  public override removeKeys(keys: string[]): void {
    const record = RecordScopedLogger.#recordOf(this);
    if (!record) {
      super.removeKeys(keys);
      return;
    }
    // A reserved key is never among the temporary keys: there is nothing to remove.
    for (const key of keys) if (!RESERVED_KEYS.has(key)) record[key] = undefined;
  }

  public override resetKeys(): void {
    const record = RecordScopedLogger.#recordOf(this);
    if (!record) {
      super.resetKeys();
      return;
    }
    for (const key of [...Object.keys(record), ...this.#invocationKeyNames]) record[key] = undefined;
  }

  public override getCorrelationId(): unknown {
    const record = RecordScopedLogger.#recordOf(this);
    if (record && Object.hasOwn(record, 'correlation_id')) return record.correlation_id;
    return super.getCorrelationId();
  }

  public override createChild(options?: ConstructorOptions): Logger {
    const child = super.createChild(options);
    const record = RecordScopedLogger.#recordOf(this);
    if (record) {
      const removed = Object.keys(record).filter((key) => record[key] === undefined);
      if (removed.length > 0) child.removeKeys(removed);
      const appended = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
      if (Object.keys(appended).length > 0) child.appendKeys(appended);
    }
    return child;
  }

  /**
   * The record's keys go in as the first extra input, after the invocation's (persistent and temporary)
   * keys, which they override, and before the call's own attributes, which override them. A key the record
   * removed goes in as its persistent value, if it has one (as Logger's `removeKeys` reveals it), or as
   * `undefined`, which the formatter drops.
   */
  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ): LogItem {
    const record = RecordScopedLogger.#recordOf(this);
    if (!record || Object.keys(record).length === 0) {
      return super.createAndPopulateLogItem(logLevel, input, extraInput);
    }
    const keys = this.#visibleKeys(record);
    if (typeof input === 'string') {
      return super.createAndPopulateLogItem(logLevel, input, [keys, ...extraInput] as LogItemExtraInput);
    }
    // Logger adds a message object's attributes before the extra input: they go after the record's keys.
    const { message, ...attributes } = input;
    return super.createAndPopulateLogItem(logLevel, { message }, [
      keys,
      attributes,
      ...extraInput,
    ] as LogItemExtraInput);
  }

  /**
   * The current record's keys, if there is a record scope. Logger's constructor may print (its own
   * warnings) before this class's fields and methods are on the instance: there is no scope then.
   */
  static #recordOf(logger: RecordScopedLogger): RecordKeys | undefined {
    return #records in logger ? logger.#records.getStore() : undefined;
  }

  #visibleKeys(record: RecordKeys): LogAttributes {
    if (!Object.values(record).includes(undefined)) return record;
    const persistent = this.getPersistentLogAttributes();
    return Object.fromEntries(
      Object.entries(record).map(([key, value]) => [key, value === undefined ? persistent[key] : value]),
    );
  }
}
