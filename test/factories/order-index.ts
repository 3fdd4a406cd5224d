import { randomUUID } from 'node:crypto';
import { type OrderIndexSettings, rotatedIndexName } from '../../src/domain/search';
import type { AccessControlSettings } from '../../src/functions/search-index-setup/set-up-access-control';

/** The settings of the order index set-up: `orders`, single node, 30 days, rotated daily as the pipeline's default. */
export const anOrderIndexSettings = (overrides: Partial<OrderIndexSettings> = {}): OrderIndexSettings => ({
  indexName: 'orders',
  replicas: 0,
  retentionDays: 30,
  rotation: 'OneDay',
  ...overrides,
});

/** The ARN of an IAM role of the account the stack runs in. */
export const anIamRoleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

/**
 * The access control of the order index set-up: `orders`, the delivery stream's role writing and the analysts'
 * role reading.
 */
export const anAccessControlSettings = (
  overrides: Partial<AccessControlSettings> = {},
): AccessControlSettings => ({
  indexName: 'orders',
  writerRoleArns: [anIamRoleArn('checkout-SearchAnalyticsPipeline-DeliveryRole-1A2B')],
  readerRoleArns: [anIamRoleArn('checkout-SearchAnalyticsPipeline-AnalystsRole-3C4D')],
  ...overrides,
});

/** A document id as Firehose makes one (FIREHOSE_DEFAULT): its own, one per delivery, unrelated to the order. */
export const aFirehoseDocumentId = () => `${Date.now()}-${randomUUID()}`;

/**
 * The lines of a bulk request as Firehose writes it: each document under an id of its own, in the rotated
 * index of the delivery time (`deliveredAt`), not of the order's date.
 */
export const aFirehoseBulkBody = (
  documents: readonly object[],
  { deliveredAt, settings = anOrderIndexSettings() }: { deliveredAt: Date; settings?: OrderIndexSettings },
): object[] =>
  documents.flatMap((document) => [
    {
      index: {
        _index: rotatedIndexName(settings.indexName, settings.rotation, deliveredAt),
        _id: aFirehoseDocumentId(),
      },
    },
    document,
  ]);
