import type { FirehoseTransformationEvent } from 'aws-lambda';
import {
  type DeliveryStreamDefinition,
  invalidTransformResponse,
  LocalDeliveryStream,
  MAX_RECORD_BYTES,
} from '../../../../local/firehose/delivery-stream';
import type { InvocationResult } from '../../../../local/lambda/function-host';
import { aDeliveryStreamDefinition } from '../../../factories/delivery-stream';
import { recordingDestination } from '../../../helpers/delivery-stream';
import { recordingLog } from '../../../helpers/local-runtime';

const records = ['r-1', 'r-2', 'r-3'].map((recordId) => ({
  recordId,
  data: Buffer.from(`{"id":"${recordId}"}`),
  arrivalTimestamp: 1_700_000_000_000,
}));

const ok = (recordId: string) => ({ recordId, result: 'Ok', data: Buffer.from('x').toString('base64') });

describe('invalidTransformResponse', () => {
  it('accepts a response that answers every record once, in any order and with any valid result', () => {
    expect(
      invalidTransformResponse(records, {
        records: [
          { recordId: 'r-3', result: 'ProcessingFailed', data: '' },
          ok('r-1'),
          { recordId: 'r-2', result: 'Dropped' },
        ],
      }),
    ).toBeUndefined();
  });

  it('accepts Dropped and ProcessingFailed records without data', () => {
    expect(
      invalidTransformResponse(records, {
        records: [
          { recordId: 'r-1', result: 'Dropped' },
          { recordId: 'r-2', result: 'ProcessingFailed' },
          ok('r-3'),
        ],
      }),
    ).toBeUndefined();
  });

  it.each([
    ['nothing at all', undefined],
    ['null', null],
    ['a string', 'Ok'],
    ['an object without records', { batchItemFailures: [] }],
    ['records that are not an array', { records: { 'r-1': ok('r-1') } }],
  ])('refuses %s as having no records array', (_, response) => {
    expect(invalidTransformResponse(records, response)).toBe('the response has no records array');
  });

  it('refuses a record id that was not in the event', () => {
    expect(invalidTransformResponse(records, { records: [ok('r-1'), ok('r-2'), ok('r-3'), ok('r-4')] })).toBe(
      'record id r-4 is unknown or repeated',
    );
  });

  it('refuses a record id that is answered twice', () => {
    expect(invalidTransformResponse(records, { records: [ok('r-1'), ok('r-2'), ok('r-2'), ok('r-3')] })).toBe(
      'record id r-2 is unknown or repeated',
    );
  });

  it.each([
    ['missing', { result: 'Ok', data: 'eA==' }],
    ['not a string', { recordId: 1, result: 'Ok', data: 'eA==' }],
    ['null', null],
  ])('refuses a result whose record id is %s', (_, result) => {
    expect(invalidTransformResponse(records, { records: [ok('r-1'), ok('r-2'), ok('r-3'), result] })).toMatch(
      /^record id .* is unknown or repeated$/,
    );
  });

  it('refuses a response that leaves records out, saying how many', () => {
    expect(invalidTransformResponse(records, { records: [ok('r-2')] })).toBe(
      '2 records are missing from the response',
    );
    expect(invalidTransformResponse(records, { records: [] })).toBe(
      '3 records are missing from the response',
    );
  });

  it.each([
    ['an unknown word', 'Failed'],
    ['the wrong case', 'ok'],
    ['missing', undefined],
    ['not a string', true],
  ])('refuses a result value that is %s', (_, result) => {
    expect(
      invalidTransformResponse(records, {
        records: [ok('r-1'), { recordId: 'r-2', result, data: 'eA==' }, ok('r-3')],
      }),
    ).toBe(`record r-2 has result ${String(result)}`);
  });

  it.each([
    ['missing', undefined],
    ['not a string', { bytes: [1, 2] }],
    ['null', null],
  ])('refuses an Ok record whose data is %s', (_, data) => {
    expect(
      invalidTransformResponse(records, {
        records: [ok('r-1'), ok('r-2'), { recordId: 'r-3', result: 'Ok', data }],
      }),
    ).toBe('record r-3 is Ok without data');
  });

  it('accepts an empty response for an empty batch, and refuses answers to records it never had', () => {
    expect(invalidTransformResponse([], { records: [] })).toBeUndefined();
    expect(invalidTransformResponse([], { records: [ok('r-1')] })).toBe(
      'record id r-1 is unknown or repeated',
    );
  });
});

/**
 * A processor as the stream invokes it: each record's text upper-cased and ended with a newline; a record
 * saying "drop" is Dropped and one saying "fail" ProcessingFailed.
 */
const upperCasing = async (_: string, event: FirehoseTransformationEvent): Promise<InvocationResult> => ({
  ok: true,
  requestId: 'request-1',
  durationMs: 1,
  result: {
    records: event.records.map(({ recordId, data }) => {
      const text = Buffer.from(data, 'base64').toString('utf8');
      if (text.includes('drop')) return { recordId, result: 'Dropped' };
      if (text.includes('fail')) return { recordId, result: 'ProcessingFailed', data };
      return { recordId, result: 'Ok', data: Buffer.from(`${text.toUpperCase()}\n`).toString('base64') };
    }),
  },
});

const PROCESSOR = {
  functionName: 'transform',
  functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:transform:live',
  numberOfRetries: 1,
  bufferSizeBytes: 1024 * 1024,
};

describe('LocalDeliveryStream', () => {
  const streams: LocalDeliveryStream[] = [];

  const aStream = (
    definition: Partial<DeliveryStreamDefinition> = {},
    invoke: (name: string, event: FirehoseTransformationEvent) => Promise<InvocationResult> = upperCasing,
  ) => {
    const destination = recordingDestination();
    const log = recordingLog();
    const stream = new LocalDeliveryStream(aDeliveryStreamDefinition(definition), {
      destination,
      invoke,
      log,
      retryDelayMs: 1,
    });
    streams.push(stream);
    return { stream, destination, log };
  };

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.stop()));
  });

  const texts = (records: { data: Buffer }[] | undefined) => records?.map((record) => record.data.toString());

  it('hands its destination the records of a flush as they were put, in order, without a processor', async () => {
    const { stream, destination } = aStream();
    const before = Date.now();
    const ids = ['one', 'two', 'three'].map((text) => stream.putRecord(Buffer.from(text)));
    await stream.flush();

    expect(destination.delivered).toHaveLength(1);
    const [batch] = destination.delivered;
    expect(batch?.map((record) => record.recordId)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect(texts(batch)).toEqual(['one', 'two', 'three']);
    for (const record of batch ?? []) expect(record.arrivalTimestamp).toBeGreaterThanOrEqual(before);
    expect(destination.processingFailures).toEqual([]);
  });

  it('hands nothing to its destination while nothing is buffered', async () => {
    const { stream, destination } = aStream();
    await stream.flush();
    expect(destination.delivered).toEqual([]);
  });

  it('flushes by itself once the buffered records reach the buffer size', async () => {
    const { stream, destination } = aStream({ bufferSizeBytes: 10 });
    stream.putRecord(Buffer.from('12345'));
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 50));
    expect(destination.delivered).toEqual([]);

    stream.putRecord(Buffer.from('67890'));
    await stream.flush();
    expect(texts(destination.delivered[0])).toEqual(['12345', '67890']);
  });

  it('refuses a record over 1,000 KiB and keeps nothing of it', async () => {
    const { stream, destination } = aStream();
    expect(() => stream.putRecord(Buffer.alloc(MAX_RECORD_BYTES + 1))).toThrow(
      `A record is at most ${MAX_RECORD_BYTES} bytes; this one has ${MAX_RECORD_BYTES + 1}`,
    );
    await stream.flush();
    expect(destination.delivered).toEqual([]);
  });

  it('hands over the Ok records transformed, the ProcessingFailed ones as error records, and counts the Dropped', async () => {
    const { stream, destination, log } = aStream({ processor: PROCESSOR });
    stream.putRecord(Buffer.from('keep me'));
    stream.putRecord(Buffer.from('drop me'));
    const failing = Buffer.from('fail me');
    stream.putRecord(failing);
    await stream.flush();

    expect(destination.delivered.map(texts)).toEqual([['KEEP ME\n']]);
    expect(destination.processingFailures).toEqual([
      [
        expect.objectContaining({
          attemptsMade: 1,
          errorCode: 'Lambda.ProcessingFailedStatus',
          rawData: failing.toString('base64'),
          lambdaArn: PROCESSOR.functionArn,
        }),
      ],
    ]);
    expect(log.text()).toContain('1 records dropped by the transform');
  });

  it('gives the processor the region of its ARN and its own ARN', async () => {
    const events: FirehoseTransformationEvent[] = [];
    const { stream } = aStream(
      {
        arn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/orders-archive',
        processor: PROCESSOR,
      },
      (name, event) => {
        events.push(event);
        return upperCasing(name, event);
      },
    );
    stream.putRecord(Buffer.from('x'));
    await stream.flush();

    expect(events.map(({ region, deliveryStreamArn }) => ({ region, deliveryStreamArn }))).toEqual([
      { region: 'eu-west-1', deliveryStreamArn: stream.definition.arn },
    ]);
  });

  it('hands every record over as a Lambda.FunctionError once the processor has failed all its retries', async () => {
    const { stream, destination } = aStream({ processor: { ...PROCESSOR, numberOfRetries: 2 } }, () =>
      Promise.reject(new TypeError('cannot start')),
    );
    stream.putRecord(Buffer.from('a'));
    stream.putRecord(Buffer.from('b'));
    await stream.flush();

    expect(destination.delivered).toEqual([]);
    const [failed] = destination.processingFailures;
    expect(
      failed?.map(({ attemptsMade, errorCode, errorMessage }) => [attemptsMade, errorCode, errorMessage]),
    ).toEqual([
      [3, 'Lambda.FunctionError', 'TypeError: cannot start'],
      [3, 'Lambda.FunctionError', 'TypeError: cannot start'],
    ]);
  });

  it('logs a delivery its destination fails, without rejecting, and still delivers the next flush', async () => {
    const { stream, destination, log } = aStream();
    destination.failWith = new Error('the bucket is gone');
    stream.putRecord(Buffer.from('lost'));
    await expect(stream.flush()).resolves.toBeUndefined();
    destination.failWith = undefined;
    stream.putRecord(Buffer.from('kept'));
    await stream.flush();

    expect(log.lines).toContainEqual({
      level: 'warn',
      component: stream.definition.label,
      message: 'delivering 1 records failed: the bucket is gone',
    });
    expect(destination.delivered.map(texts)).toEqual([['kept']]);
  });

  it('delivers what it still buffers when stopped, then closes its destination', async () => {
    const { stream, destination } = aStream();
    stream.putRecord(Buffer.from('last'));
    await stream.stop();

    expect(destination.delivered.map(texts)).toEqual([['last']]);
    expect(destination.closedAfter).toBe(1);
  });

  it('says nothing of what the records hold in its own log lines', async () => {
    const { stream, log } = aStream({ processor: PROCESSOR });
    stream.putRecord(Buffer.from('{"id":"order-secret-1","drop":true}'));
    stream.putRecord(Buffer.from('{"id":"order-secret-2","fail":true}'));
    await stream.flush();

    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.text()).not.toContain('order-secret');
  });

  describe('its description', () => {
    it("is DescribeDeliveryStream's: active DirectPut, its destination under the destination id, with its buffering and processor", () => {
      const { stream } = aStream({
        bufferSizeBytes: 5 * 1024 * 1024,
        bufferIntervalSeconds: 60,
        localBufferIntervalSeconds: 1,
        processor: { ...PROCESSOR, bufferIntervalSeconds: 60 },
      });

      expect(stream.describe()).toEqual({
        DeliveryStreamName: 'orders-archive',
        DeliveryStreamARN: stream.definition.arn,
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
        DeliveryStreamType: 'DirectPut',
        VersionId: '1',
        CreateTimestamp: stream.createdAt.getTime() / 1000,
        Destinations: [
          {
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationDescription: {
              BucketARN: 'arn:aws:s3:::recorded',
              BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
              ProcessingConfiguration: {
                Enabled: true,
                Processors: [
                  {
                    Type: 'Lambda',
                    Parameters: [
                      { ParameterName: 'LambdaArn', ParameterValue: PROCESSOR.functionArn },
                      { ParameterName: 'NumberOfRetries', ParameterValue: '1' },
                      { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
                      { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
                    ],
                  },
                ],
              },
            },
          },
        ],
        HasMoreDestinations: false,
      });
      expect(stream.encrypted).toBe(false);
    });

    it('says processing is disabled without a processor', () => {
      const { stream } = aStream();
      expect(stream.describe().Destinations[0]?.ExtendedS3DestinationDescription).toMatchObject({
        ProcessingConfiguration: { Enabled: false, Processors: [] },
      });
    });

    it('gives its server-side encryption, and the stream answers puts as encrypted', () => {
      const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/0b6c2d1e-1111-4222-8333-944445555666';
      const { stream } = aStream({ encryption: { keyType: 'CUSTOMER_MANAGED_CMK', keyArn } });
      expect(stream.describe().DeliveryStreamEncryptionConfiguration).toEqual({
        KeyARN: keyArn,
        KeyType: 'CUSTOMER_MANAGED_CMK',
        Status: 'ENABLED',
      });
      expect(stream.encrypted).toBe(true);
    });
  });
});
