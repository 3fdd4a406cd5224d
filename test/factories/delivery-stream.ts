import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/aws-config';
import type { DeliveryStreamDefinition } from '../../local/firehose/delivery-stream';

const MIB = 1024 * 1024;

/**
 * A local delivery stream's definition, as the provisioner makes it of the storage pipeline's stream: S3,
 * time-partitioned prefix, GZIP, 5 MiB or 60 s (locally too), no processor, no SSE. Its ARN follows its
 * name, in the local region and account, unless given.
 */
export const aDeliveryStreamDefinition = (
  overrides: Partial<DeliveryStreamDefinition> = {},
): DeliveryStreamDefinition => {
  const name = overrides.name ?? 'orders-archive';
  return {
    name,
    arn: `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/${name}`,
    label: `Storage/${name}`,
    bucketName: 'orders-archive-bucket',
    prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
    errorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
    bufferIntervalSeconds: 60,
    localBufferIntervalSeconds: 60,
    bufferSizeBytes: 5 * MIB,
    compression: 'GZIP',
    ...overrides,
  };
};

/** The search pipeline's OpenSearch settings on `endpoint`: index `orders` rotated daily, 30 s of retries. */
export const anOpenSearchDestination = (
  endpoint: string,
  overrides: Partial<NonNullable<DeliveryStreamDefinition['openSearch']>> = {},
): NonNullable<DeliveryStreamDefinition['openSearch']> => ({
  endpoint,
  indexName: 'orders',
  rotation: 'OneDay',
  retryDurationSeconds: 30,
  backupMode: 'FailedDocumentsOnly',
  ...overrides,
});
