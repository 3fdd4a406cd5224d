import { GB, KB, MB, SECONDS_PER_MONTH, sqsKmsRequests } from '../../../../cli/cost/line-items';
import {
  archiveStorageAt,
  type CostEstimate,
  estimateCost,
  type StreamVolumes,
  volumesOf,
} from '../../../../cli/cost/model';
import { aPriceBook, aScenario, someSettings } from './factories';

const itemOf = (estimate: CostEstimate, id: string) => {
  const item = estimate.pipelines
    .flatMap((pipeline) => pipeline.items)
    .find((candidate) => candidate.id === id);
  if (!item) throw new Error(`no line item ${id}`);
  return item;
};

/** 100 orders a day: 3,040 orders in a month of 30.4 days (2,626,560 seconds). */
const HUNDRED_A_DAY = aScenario({ inputs: { ordersPerDay: 100 } });

describe('the cost model', () => {
  it('counts a month as 30.4 days', () => {
    expect(SECONDS_PER_MONTH).toBe(2_626_560);
    expect(volumesOf(HUNDRED_A_DAY).ordersPerMonth).toBe(3040);
  });

  it("prices CheckoutQueue's requests: SNS's sends, a receive and a batch delete per batch of 10, and the idle pollers' long polls", () => {
    const estimate = estimateCost(HUNDRED_A_DAY, 'this', aPriceBook({ sqsRequests: 0.4 }));
    const sqs = itemOf(estimate, 'checkout.sqs');

    // 3,040 sends + 304 receives + 304 deletes + 5 pollers x 2,626,560 s / 20 s = 656,640 empty receives.
    expect(sqs.quantity).toBe(3040 + 304 + 304 + 656_640);
    expect(sqs.monthlyUsd).toBeCloseTo((660_288 / 1_000_000) * 0.4, 10);
  });

  it('bills a message over 64 KB as one SQS request per 64 KB chunk', () => {
    const big = estimateCost(aScenario({ inputs: { ordersPerDay: 100, averageOrderBytes: 100 * KB } }));

    // 100 KB plus the attributes: 2 chunks per send; a batch of 10 is 1,001 KB: 16 chunks per receive.
    expect(itemOf(big, 'checkout.sqs').quantity).toBe(3040 * 2 + 304 * 16 + 304 + 656_640);
  });

  it('bills a function as requests and GB-seconds: memory x (invocation + cold-start share x init)', () => {
    const estimate = estimateCost(HUNDRED_A_DAY);
    const requests = itemOf(estimate, 'api.lambda.requests');
    const duration = itemOf(estimate, 'api.lambda.duration');

    expect(requests.quantity).toBe(3040);
    expect(requests.monthlyUsd).toBeCloseTo(3040 * 0.0000002, 12);
    // 3,040 x (50 ms + 1 % x 200 ms) x 0.5 GB = 79.04 GB-seconds, at the arm64 price.
    expect(duration.quantity).toBeCloseTo(79.04, 10);
    expect(duration.monthlyUsd).toBeCloseTo(79.04 * 0.0000133334, 12);
  });

  it('rounds each Firehose record up to the next 5 KB', () => {
    const small = estimateCost(aScenario({ inputs: { ordersPerDay: 100, averageOrderBytes: 632 } }));
    const large = estimateCost(aScenario({ inputs: { ordersPerDay: 100, averageOrderBytes: 5 * KB + 1 } }));

    expect(itemOf(small, 'storage.firehose').quantity).toBeCloseTo((3040 * 5 * KB) / GB, 12);
    expect(itemOf(large, 'storage.firehose').quantity).toBeCloseTo((3040 * 10 * KB) / GB, 12);
    // The search stream takes the orders of its filter only (half of them here).
    expect(itemOf(small, 'search.firehose').quantity).toBeCloseTo((1520 * 5 * KB) / GB, 12);
  });

  it('writes one archive object per buffer interval, or per buffer size when that fills first', () => {
    const perMinute = volumesOf(aScenario({ inputs: { ordersPerDay: 144_000 } })).archive;
    const full = volumesOf(aScenario({ inputs: { ordersPerDay: 20_000_000 } })).archive;
    const sparse = volumesOf(HUNDRED_A_DAY).archive;

    expect(perMinute.deliveries).toBe(43_776); // a 60 s buffer: 1,440 a day x 30.4
    expect(full.deliveries).toBeCloseTo(full.rawBytes / (5 * MB), 6);
    expect(full.deliveries).toBeGreaterThan(43_776);
    expect(sparse.deliveries).toBe(3040); // never more objects than records
    expect(perMinute.objectBytes).toBeCloseTo((144_000 / 1440) * 632 * 0.15, 6);
  });

  it("counts CheckoutTable's writes in 1 KB units of the order with its key and checksum", () => {
    const small = estimateCost(aScenario({ inputs: { ordersPerDay: 100, averageOrderBytes: 900 } }));
    const large = estimateCost(aScenario({ inputs: { ordersPerDay: 100, averageOrderBytes: 1000 } }));

    expect(itemOf(small, 'checkout.table-writes').quantity).toBe(3040); // 990 B: 1 unit
    expect(itemOf(large, 'checkout.table-writes').quantity).toBe(6080); // 1,090 B: 2 units
  });

  it('lets CheckoutTable grow by every month of orders, 100 bytes of overhead per item', () => {
    const month = (storageMonth: number) =>
      itemOf(
        estimateCost(aScenario({ inputs: { ordersPerDay: 100, storageMonth } })),
        'checkout.table-storage',
      );

    expect(month(1).quantity).toBeCloseTo((3040 * (632 + 90 + 100)) / GB, 12);
    expect(month(12).quantity).toBeCloseTo(12 * month(1).quantity, 12);
  });

  it('gives one access token per partner per token lifetime, never more tokens than orders', () => {
    const busy = estimateCost(
      aScenario({ inputs: { ordersPerDay: 100_000, tokenLifetimeMinutes: 30 }, settings: { partners: 2 } }),
    );
    const quiet = estimateCost(aScenario({ inputs: { ordersPerDay: 1 }, settings: { partners: 2 } }));

    expect(itemOf(busy, 'api.cognito-tokens').quantity).toBeCloseTo((2 * 2_626_560) / 1800, 10);
    expect(itemOf(quiet, 'api.cognito-tokens').quantity).toBeCloseTo(30.4, 10);
    expect(itemOf(busy, 'api.cognito-app-clients').monthlyUsd).toBe(12);
  });

  it("prices the search domain's instances and volumes whatever the traffic", () => {
    const quiet = estimateCost(aScenario({ inputs: { ordersPerDay: 1 } }));
    const busy = estimateCost(
      aScenario({ inputs: { ordersPerDay: 1_000_000 }, settings: { search: { instanceCount: 2 } } }),
    );

    expect(itemOf(quiet, 'search.opensearch-instances').monthlyUsd).toBeCloseTo(729.6 * 0.036, 10);
    expect(itemOf(busy, 'search.opensearch-instances').monthlyUsd).toBeCloseTo(2 * 729.6 * 0.036, 10);
    expect(itemOf(quiet, 'search.opensearch-storage').monthlyUsd).toBeCloseTo(10 * 0.122, 10);
  });

  it("asks KMS for an SSE-KMS queue's data keys by the SQS formula: B / D x (2 producers + consumers)", () => {
    expect(sqsKmsRequests(300, 1, 1)).toBeCloseTo((2_626_560 / 300) * 3, 10);
    expect(sqsKmsRequests(60, 2, 0)).toBeCloseTo((2_626_560 / 60) * 4, 10);
  });

  it('polls ReplayQueue only when its event source is enabled', () => {
    const off = estimateCost(HUNDRED_A_DAY);
    const on = estimateCost(
      aScenario({ inputs: { ordersPerDay: 100 }, settings: { replay: { enabled: true } } }),
    );

    expect(itemOf(off, 'replay.sqs').quantity).toBe(3040);
    expect(itemOf(on, 'replay.sqs').quantity).toBe(3040 + 304 + 304 + 656_640);
  });

  it('adds up the pipelines, and leaves the optional CloudWatch items out of the second total', () => {
    const estimate = estimateCost(HUNDRED_A_DAY);
    const sum = estimate.pipelines.reduce((total, pipeline) => total + pipeline.monthlyUsd, 0);
    const operations = estimate.pipelines.find((pipeline) => pipeline.id === 'operations');

    expect(estimate.totalUsd).toBeCloseTo(sum, 10);
    expect(operations?.monthlyUsd).toBeCloseTo(17 * 0.1 + 3, 10);
    expect(estimate.totalWithoutOptionalUsd).toBeCloseTo(sum - 4.7, 10);
  });

  it('refuses to guess the price of an instance type it has no price for', () => {
    const scenario = aScenario({ settings: { search: { instanceType: 'r7g.large.search' } } });

    expect(() => estimateCost(scenario)).toThrow(
      'no price for the OpenSearch instance type r7g.large.search: add it to OPENSEARCH_INSTANCE_HOURS in cli/cost/prices.ts',
    );
  });
});

describe('the archive as it stands after some months', () => {
  const lifecycle = someSettings().archive; // Standard-IA at 30 days, Glacier at 90, expiry at 2,555
  /** 4,096 objects a day of `objectBytes` each. */
  const archiveOf = (objectBytes: number): StreamVolumes => ({
    records: 0,
    rawBytes: 0,
    billedGb: 0,
    transformInvocations: 0,
    deliveries: 4096 * 30.4,
    objectBytes,
  });

  it('moves objects of 128 KB or more to Standard-IA and Glacier, with 40 KB of metadata each in Glacier', () => {
    // 4,096 objects of 256 KB a day: 1 GB a day; month 12 ends at day 364.8.
    const stored = archiveStorageAt(archiveOf(256 * KB), lifecycle, 12);
    const glacierObjects = 4096 * (364.8 - 90);

    expect(stored.transitions).toBe(true);
    expect(stored.standardGb).toBeCloseTo(30 + (glacierObjects * 8 * KB) / GB, 6);
    expect(stored.standardIaGb).toBeCloseTo(60, 6);
    expect(stored.glacierGb).toBeCloseTo(364.8 - 90 + (glacierObjects * 32 * KB) / GB, 6);
    expect(stored.transitionsToStandardIa).toBeCloseTo(4096 * 30.4, 6);
    expect(stored.transitionsToGlacier).toBeCloseTo(4096 * 30.4, 6);
  });

  it('keeps objects under 128 KB in S3 Standard until they expire (S3 Lifecycle does not transition them)', () => {
    // 4,096 objects of 64 KB a day: 0.25 GB a day.
    const year = archiveStorageAt(archiveOf(64 * KB), lifecycle, 12);
    const decade = archiveStorageAt(archiveOf(64 * KB), lifecycle, 120);

    expect(year).toEqual({
      standardGb: expect.closeTo(0.25 * 364.8, 10),
      standardIaGb: 0,
      glacierGb: 0,
      transitionsToStandardIa: 0,
      transitionsToGlacier: 0,
      transitions: false,
    });
    expect(decade.standardGb).toBeCloseTo(0.25 * 2555, 10);
  });

  it('moves in the first month only what is older than 30 days: its last 0.4 day', () => {
    const stored = archiveStorageAt(archiveOf(256 * KB), lifecycle, 1);

    expect(stored.standardGb).toBeCloseTo(30, 6);
    expect(stored.standardIaGb).toBeCloseTo(0.4, 6);
    expect(stored.glacierGb).toBe(0);
    expect(stored.transitionsToStandardIa).toBeCloseTo(4096 * 0.4, 6);
    expect(stored.transitionsToGlacier).toBe(0);
  });
});
