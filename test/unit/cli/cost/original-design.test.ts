import type { LineItem } from '../../../../cli/cost/line-items';
import { type CostEstimate, estimateCost, type PipelineId } from '../../../../cli/cost/model';
import { ORIGINAL_FORWARDER } from '../../../../cli/cost/original-design';
import { aScenario } from './factories';

const itemsOf = (estimate: CostEstimate, id: PipelineId): LineItem[] =>
  estimate.pipelines.find((pipeline) => pipeline.id === id)?.items ?? [];

const sum = (items: readonly LineItem[]) => items.reduce((total, item) => total + item.monthlyUsd, 0);

const compare = (ordersPerDay: number, id: PipelineId) => {
  const scenario = aScenario({ inputs: { ordersPerDay } });
  const ours = itemsOf(estimateCost(scenario, 'this'), id);
  const original = itemsOf(estimateCost(scenario, 'original'), id);
  const ids = (items: readonly LineItem[]) => new Set(items.map((item) => item.id));
  return {
    ours,
    original,
    added: original.filter((item) => !ids(ours).has(item.id)),
    removed: ours.filter((item) => !ids(original).has(item.id)),
  };
};

describe('the original AWS Event Fork Pipelines design', () => {
  it.each(['storage', 'search'] as const)(
    'adds to the %s pipeline a queue and a forwarding function, and drops only SNS deliveries to Firehose',
    (id) => {
      const { added, removed } = compare(100_000, id);

      expect(added.map((item) => item.id)).toEqual([
        `${id}.original.sns-sqs-deliveries`,
        `${id}.original.sqs`,
        `${id}.original.forwarder.requests`,
        `${id}.original.forwarder.duration`,
      ]);
      expect(removed.map((item) => item.id)).toEqual([`${id}.sns-deliveries`]);
    },
  );

  it.each([10, 100_000, 10_000_000])(
    'costs more per forked pipeline at %d orders a day, by exactly the items it adds less the deliveries it drops',
    (ordersPerDay) => {
      for (const id of ['storage', 'search'] as const) {
        const { ours, original, added, removed } = compare(ordersPerDay, id);
        const shared = ours.filter((item) => !removed.includes(item));

        expect(sum(original)).toBeGreaterThan(sum(ours));
        expect(sum(original) - sum(ours)).toBeCloseTo(sum(added) - sum(removed), 10);
        // Everything else (Firehose, the transform, S3 or OpenSearch, KMS) is the same in both designs.
        for (const item of shared) {
          expect(original.find((candidate) => candidate.id === item.id)).toEqual(item);
        }
      }
    },
  );

  it('leaves the API, checkout, replay and operations pipelines as they are', () => {
    for (const id of ['api', 'checkout', 'replay', 'operations'] as const) {
      const { ours, original } = compare(100_000, id);

      expect(original).toEqual(ours);
    }
  });

  it("prices the forwarding queue as SNS's sends, a receive and a delete per batch of 10, and idle long polls, with no KMS", () => {
    const { added } = compare(100, 'storage');
    const queue = added.find((item) => item.id === 'storage.original.sqs');
    const forwarder = added.find((item) => item.id === 'storage.original.forwarder.duration');

    expect(queue?.quantity).toBe(3040 + 304 + 304 + 656_640);
    expect(added.some((item) => item.service === 'KMS')).toBe(false);
    // 304 batches x (100 ms + 1 % x 300 ms) x 128 MB, at the x86_64 price.
    expect(ORIGINAL_FORWARDER).toMatchObject({ memoryMb: 128, architecture: 'x86_64', batchSize: 10 });
    expect(forwarder?.quantity).toBeCloseTo((304 * 103 * 128) / 1000 / 1024, 10);
    expect(forwarder?.price.usd).toBe(0.0000166667);
  });
});
