import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';

export const DELIVERY_STREAM_ARN = 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/checkout-archive';

let sequence = 0;

/**
 * A record as Firehose hands it to a Lambda processor. `content` is the record's bytes: a Buffer as is, a
 * string as UTF-8, anything else as JSON; `data` is their base64.
 */
export const aFirehoseRecord = (
  content: unknown,
  overrides: Partial<FirehoseTransformationEventRecord> = {},
): FirehoseTransformationEventRecord => {
  sequence += 1;
  const bytes = Buffer.isBuffer(content)
    ? content
    : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content), 'utf8');
  return {
    recordId: `49546986683135544286507457936321625675700192471156785154${String(sequence).padStart(6, '0')}`,
    approximateArrivalTimestamp: 1795256130000 + sequence,
    data: bytes.toString('base64'),
    ...overrides,
  };
};

export const aFirehoseTransformationEvent = (
  records: FirehoseTransformationEventRecord[],
): FirehoseTransformationEvent => {
  sequence += 1;
  return {
    invocationId: `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`,
    deliveryStreamArn: DELIVERY_STREAM_ARN,
    region: 'eu-west-1',
    records,
  };
};

/** The text of a record's (or a result's) base64 data. */
export const textOf = (data: string | undefined): string =>
  Buffer.from(data ?? '', 'base64').toString('utf8');
