import type { PriceBook } from '../../../../cli/cost/line-items';
import type { DurationTable, FunctionDuration } from '../../../../cli/cost/measured-durations';
import type { CostInputs, Scenario } from '../../../../cli/cost/model';
import { OPENSEARCH_INSTANCE_HOURS, PRICES, type Price, type PriceTable } from '../../../../cli/cost/prices';
import type { ProjectSettings } from '../../../../cli/cost/template-settings';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const merge = <T>(base: T, overrides: unknown): T => {
  if (!isPlainObject(base) || !isPlainObject(overrides))
    return (overrides === undefined ? base : overrides) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = merge(merged[key], value);
  return merged as T;
};

/** Settings like the project's defaults, written out so that the arithmetic can be checked by hand. */
export const someSettings = (overrides: DeepPartial<ProjectSettings> = {}): ProjectSettings =>
  merge<ProjectSettings>(
    {
      functions: {
        CheckoutApiFunction: { memoryMb: 512, architecture: 'arm64' },
        CheckoutFunction: { memoryMb: 512, architecture: 'arm64' },
        CircuitBreakerFunction: { memoryMb: 512, architecture: 'arm64' },
        CardDataTransformFunction: { memoryMb: 1024, architecture: 'arm64' },
        ReplayFunction: { memoryMb: 512, architecture: 'arm64' },
      },
      partners: 1,
      accessTokenValidityMinutes: 60,
      orderIdRetentionSeconds: 86_400,
      checkout: {
        batchSize: 10,
        batchingWindowSeconds: 1,
        kmsDataKeyReusePeriodSeconds: 300,
        maximumConcurrency: 10,
      },
      circuitBreaker: { checksPerDay: 1440 },
      archive: {
        bufferIntervalSeconds: 60,
        bufferSizeMb: 5,
        processorBufferIntervalSeconds: 60,
        processorBufferSizeMb: 1,
        compression: 'GZIP',
        bucketKeyEnabled: true,
        transitionToStandardIaDays: 30,
        transitionToGlacierDays: 90,
        expirationDays: 2555,
      },
      search: {
        bufferIntervalSeconds: 60,
        bufferSizeMb: 5,
        processorBufferIntervalSeconds: 60,
        processorBufferSizeMb: 1,
        instanceType: 't3.small.search',
        instanceCount: 1,
        volumeGib: 10,
        volumeType: 'gp3',
        indexRetentionDays: 90,
      },
      replay: { batchSize: 10, enabled: false, kmsDataKeyReusePeriodSeconds: 300 },
      cloudwatch: { alarms: 17, dashboards: 1 },
    },
    overrides,
  );

const duration = (initMs: number, invocationMs: number, invocationOf: string): FunctionDuration => ({
  initMs,
  initSource: 'test figure',
  invocationMs,
  invocationOf,
  invocationSource: 'test figure',
});

/**
 * Durations written out, round, so that the arithmetic can be checked by hand and does not change when the
 * measured figures (cli/cost/measured-durations.ts) are measured again.
 */
export const someDurations = (overrides: Partial<DurationTable> = {}): DurationTable => ({
  CheckoutApiFunction: duration(200, 50, 'API request'),
  CheckoutFunction: duration(200, 100, 'batch of 10 orders'),
  CircuitBreakerFunction: duration(200, 50, 'scheduled check (circuit closed)'),
  CardDataTransformFunction: duration(50, 20, 'Firehose batch'),
  ReplayFunction: duration(200, 100, 'batch of 10 orders'),
  IndexSetupFunction: duration(100, 0, 'stack operation (not modelled)'),
  OriginalForwarderFunction: duration(300, 100, 'batch of 10 messages (10 sequential PutRecord calls)'),
  ...overrides,
});

export const someInputs = (overrides: Partial<CostInputs> = {}): CostInputs => ({
  ordersPerDay: 100,
  averageOrderBytes: 632,
  searchShare: 0.5,
  coldStartShare: 0.01,
  gzipRatio: 0.15,
  tokenLifetimeMinutes: 60,
  storageMonth: 12,
  ...overrides,
});

export const aScenario = (
  overrides: {
    inputs?: Partial<CostInputs>;
    settings?: DeepPartial<ProjectSettings>;
    durations?: DurationTable;
  } = {},
): Scenario => ({
  inputs: someInputs(overrides.inputs),
  settings: someSettings(overrides.settings),
  durations: overrides.durations ?? someDurations(),
});

/** The real prices with some replaced: `{ sqsRequests: 1 }` makes SQS requests $1 per million. */
export const aPriceBook = (usd: Partial<Record<keyof PriceTable, number>> = {}): PriceBook => ({
  table: Object.fromEntries(
    Object.entries(PRICES).map(([key, price]) => [
      key,
      { ...price, usd: usd[key as keyof PriceTable] ?? price.usd } satisfies Price,
    ]),
  ) as PriceTable,
  openSearchInstanceHours: OPENSEARCH_INSTANCE_HOURS,
});
