import type { DeliveryStreamDefinition } from '../delivery-stream';
import type { DeliveryDestination, RecordDescriber } from '../destination';
import { OpenSearchDestination } from './opensearch';
import { type S3Dependencies, S3Destination } from './s3';

/**
 * The destination a stream's definition configures: OpenSearch (backing up to the definition's bucket)
 * when it has `openSearch`, else the bucket itself.
 */
export const createDestination = (
  definition: DeliveryStreamDefinition,
  dependencies: S3Dependencies & { describeRecord: RecordDescriber },
): DeliveryDestination => {
  const { openSearch, bucketName, prefix, errorOutputPrefix, compression, kmsKeyArn, roleArn } = definition;
  const s3 = { bucketName, prefix, errorOutputPrefix, compression, kmsKeyArn, roleArn };
  return openSearch
    ? new OpenSearchDestination(definition, openSearch, s3, dependencies)
    : new S3Destination(definition, s3, dependencies);
};
