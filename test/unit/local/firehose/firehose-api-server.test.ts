import {
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  InvalidArgumentException,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-firehose';
import { LOCAL_ACCOUNT_ID } from '../../../../local/aws-config';
import {
  type DeliveryStreamDefinition,
  LocalDeliveryStream,
} from '../../../../local/firehose/delivery-stream';
import { FirehoseApiServer } from '../../../../local/firehose/firehose-api-server';
import { aDeliveryStreamDefinition } from '../../../factories/delivery-stream';
import { recordingDestination } from '../../../helpers/delivery-stream';
import { recordingLog } from '../../../helpers/local-runtime';

const KIB = 1024;

describe('the local Firehose API', () => {
  let server: FirehoseApiServer;
  let url: string;
  let client: FirehoseClient;
  /** The streams it serves, by ARN (the local stack serves a view of its handles instead). */
  const streams = new Map<string, LocalDeliveryStream>();

  const addStream = (definition: Partial<DeliveryStreamDefinition> = {}) => {
    const destination = recordingDestination();
    const stream = new LocalDeliveryStream(aDeliveryStreamDefinition(definition), {
      destination,
      invoke: () => Promise.reject(new Error('no processor')),
      log: recordingLog(),
    });
    streams.set(stream.definition.arn, stream);
    return { stream, destination };
  };

  /** What a stream's destination got once the stream has flushed. */
  const deliveredTo = async ({ stream, destination }: ReturnType<typeof addStream>) => {
    await stream.flush();
    return destination.delivered.flat().map((record) => record.data.toString());
  };

  beforeAll(async () => {
    server = new FirehoseApiServer(streams, recordingLog());
    url = await server.listen('127.0.0.1', 0);
    client = new FirehoseClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    await Promise.all([...streams.values()].map((stream) => stream.stop()));
    streams.clear();
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  /** A request as the SDK sends it, for what the SDK would not send. */
  const post = (operation: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `Firehose_20150804.${operation}`,
        ...headers,
      },
      body,
    });

  const errorOf = async (response: Response) => ({
    status: response.status,
    contentType: response.headers.get('content-type'),
    errorType: response.headers.get('x-amzn-errortype'),
    body: (await response.json()) as { __type: string; message: string },
  });

  const data = (text: string) => new TextEncoder().encode(text);

  describe('PutRecord', () => {
    it('puts the record into the stream of that name and answers its record id, unencrypted', async () => {
      const archive = addStream({ name: 'archive' });
      addStream({ name: 'other' });

      const answer = await client.send(
        new PutRecordCommand({ DeliveryStreamName: 'archive', Record: { Data: data('{"id":"o-1"}\n') } }),
      );

      expect(answer.RecordId).toMatch(/^\d+$/);
      expect(answer.Encrypted).toBe(false);
      expect(await deliveredTo(archive)).toEqual(['{"id":"o-1"}\n']);
      expect(archive.destination.delivered[0]?.[0]?.recordId).toBe(answer.RecordId);
    });

    it('answers Encrypted for a stream with server-side encryption', async () => {
      addStream({ name: 'sealed', encryption: { keyType: 'AWS_OWNED_CMK' } });
      const answer = await client.send(
        new PutRecordCommand({ DeliveryStreamName: 'sealed', Record: { Data: data('x') } }),
      );
      expect(answer.Encrypted).toBe(true);
    });

    it('takes a record of exactly 1,000 KiB and refuses a larger one, saying the limit', async () => {
      const stream = addStream({ name: 'archive' });
      await client.send(
        new PutRecordCommand({ DeliveryStreamName: 'archive', Record: { Data: new Uint8Array(1000 * KIB) } }),
      );
      const refused = client.send(
        new PutRecordCommand({
          DeliveryStreamName: 'archive',
          Record: { Data: new Uint8Array(1000 * KIB + 1) },
        }),
      );
      await expect(refused).rejects.toBeInstanceOf(InvalidArgumentException);
      await expect(refused).rejects.toThrow(
        'Record has 1024001 bytes of data; a record is at most 1,000 KiB (1024000 bytes) before base64 encoding',
      );
      expect((await deliveredTo(stream)).map((text) => text.length)).toEqual([1000 * KIB]);
    });
  });

  describe('PutRecordBatch', () => {
    it('puts every record into the stream in order and answers a record id for each, in the same order', async () => {
      const archive = addStream({ name: 'archive' });
      const texts = ['a\n', 'b\n', 'c\n'];

      const answer = await client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'archive',
          Records: texts.map((text) => ({ Data: data(text) })),
        }),
      );

      expect(answer.FailedPutCount).toBe(0);
      expect(answer.Encrypted).toBe(false);
      expect(answer.RequestResponses).toHaveLength(3);
      expect(await deliveredTo(archive)).toEqual(texts);
      expect(answer.RequestResponses?.map((entry) => entry.RecordId)).toEqual(
        archive.destination.delivered[0]?.map((record) => record.recordId),
      );
    });

    it('takes 500 records of up to 4 MiB in all', async () => {
      const archive = addStream({ name: 'archive', bufferSizeBytes: 128 * 1024 * 1024 });
      const record = new Uint8Array(Math.floor((4 * 1024 * KIB) / 500));
      const answer = await client.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: 'archive',
          Records: Array.from({ length: 500 }, () => ({ Data: record })),
        }),
      );
      expect(answer.FailedPutCount).toBe(0);
      expect(await deliveredTo(archive)).toHaveLength(500);
    });

    it.each([
      [
        'more than 500 records',
        Array.from({ length: 501 }, () => ({ Data: data('x') })),
        'PutRecordBatch takes at most 500 records per request; this one has 501. Split the batch.',
      ],
      [
        'more than 4 MiB of data',
        Array.from({ length: 5 }, () => ({ Data: new Uint8Array(1000 * KIB) })),
        'PutRecordBatch takes at most 4 MiB (4194304 bytes) of record data per request; these 5 records have 5120000 bytes. Split the batch.',
      ],
      [
        'a record over 1,000 KiB',
        [{ Data: data('fine') }, { Data: new Uint8Array(1000 * KIB + 1) }],
        'Records[1] has 1024001 bytes of data; a record is at most 1,000 KiB (1024000 bytes) before base64 encoding',
      ],
      ['no records', [], 'Records must hold at least 1 record'],
    ])(
      'refuses %s as InvalidArgumentException, saying why, and puts none of it',
      async (_, records, message) => {
        const archive = addStream({ name: 'archive' });
        const refused = client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: 'archive', Records: records }),
        );
        await expect(refused).rejects.toBeInstanceOf(InvalidArgumentException);
        await expect(refused).rejects.toThrow(message);
        expect(await deliveredTo(archive)).toEqual([]);
      },
    );
  });

  describe('errors', () => {
    it('answers ResourceNotFoundException for a stream it does not have, as the service does', async () => {
      addStream({ name: 'archive' });
      const refused = client.send(
        new PutRecordBatchCommand({ DeliveryStreamName: 'missing', Records: [{ Data: data('x') }] }),
      );
      await expect(refused).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(refused).rejects.toThrow(`Firehose missing under account ${LOCAL_ACCOUNT_ID} not found.`);

      const raw = await post('DescribeDeliveryStream', '{"DeliveryStreamName":"missing"}');
      expect(await errorOf(raw)).toEqual({
        status: 400,
        contentType: 'application/x-amz-json-1.1',
        errorType: 'ResourceNotFoundException',
        body: {
          __type: 'ResourceNotFoundException',
          message: `Firehose missing under account ${LOCAL_ACCOUNT_ID} not found.`,
        },
      });
    });

    it.each([
      ['no stream name', '{"Record":{"Data":"eA=="}}', 'DeliveryStreamName is required'],
      [
        'a stream name Firehose would not accept',
        '{"DeliveryStreamName":"no spaces","Record":{"Data":"eA=="}}',
        `DeliveryStreamName must be 1 to 64 letters, digits, '_', '.' or '-', not "no spaces"`,
      ],
      ['no record', '{"DeliveryStreamName":"archive"}', 'Record.Data is required'],
    ])('refuses a PutRecord with %s as InvalidArgumentException', async (_, body, message) => {
      addStream({ name: 'archive' });
      expect(await errorOf(await post('PutRecord', body))).toMatchObject({
        status: 400,
        errorType: 'InvalidArgumentException',
        body: { __type: 'InvalidArgumentException', message },
      });
    });

    it.each([
      ['a body that is not JSON', 'PutRecord', '{"DeliveryStreamName":', /^The request body is not JSON: /],
      ['a body that is not an object', 'PutRecord', '[1,2]', /^The request body must be a JSON object$/],
      [
        'data that is not base64',
        'PutRecordBatch',
        '{"DeliveryStreamName":"archive","Records":[{"Data":"eA=="},{"Data":"not base64!"}]}',
        /^Records\[1\]\.Data must be base64-encoded bytes$/,
      ],
    ])('refuses %s as SerializationException', async (_, operation, body, message) => {
      addStream({ name: 'archive' });
      const { status, errorType, body: answer } = await errorOf(await post(operation, body));
      expect([status, errorType, answer.__type]).toEqual([
        400,
        'SerializationException',
        'SerializationException',
      ]);
      expect(answer.message).toMatch(message);
    });

    it('answers UnknownOperationException for an operation it does not serve, naming those it does', async () => {
      const unknown = await errorOf(await post('CreateDeliveryStream', '{}'));
      expect(unknown).toMatchObject({ status: 400, errorType: 'UnknownOperationException' });
      expect(unknown.body.message).toContain('Firehose_20150804.PutRecordBatch');

      const get = await errorOf(await fetch(url));
      expect(get).toMatchObject({ status: 400, errorType: 'UnknownOperationException' });
    });
  });

  describe('DescribeDeliveryStream', () => {
    it("answers the stream's description, its timestamps as the SDK reads them", async () => {
      const { stream } = addStream({ name: 'archive' });
      const { DeliveryStreamDescription: description } = await client.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'archive' }),
      );
      const expected = stream.describe();
      expect(description).toEqual({
        ...expected,
        CreateTimestamp: new Date(expected.CreateTimestamp * 1000),
      });
      expect(description?.Destinations?.[0]?.DestinationId).toBe('destinationId-000000000001');
    });

    it('lists no destination after the last one', async () => {
      addStream({ name: 'archive' });
      const { DeliveryStreamDescription: description } = await client.send(
        new DescribeDeliveryStreamCommand({
          DeliveryStreamName: 'archive',
          ExclusiveStartDestinationId: 'destinationId-000000000001',
        }),
      );
      expect(description?.Destinations).toEqual([]);
      expect(description?.HasMoreDestinations).toBe(false);
    });
  });

  describe('ListDeliveryStreams', () => {
    const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo'];

    it('lists the names in alphabetical order, 10 at most by default', async () => {
      for (const name of names) addStream({ name });
      expect(await client.send(new ListDeliveryStreamsCommand({}))).toMatchObject({
        DeliveryStreamNames: ['alpha', 'bravo', 'charlie', 'delta', 'echo'],
        HasMoreDeliveryStreams: false,
      });
    });

    it('pages with Limit and ExclusiveStartDeliveryStreamName, saying when there are more', async () => {
      for (const name of names) addStream({ name });
      const first = await client.send(new ListDeliveryStreamsCommand({ Limit: 2 }));
      expect(first).toMatchObject({ DeliveryStreamNames: ['alpha', 'bravo'], HasMoreDeliveryStreams: true });
      const second = await client.send(
        new ListDeliveryStreamsCommand({ Limit: 2, ExclusiveStartDeliveryStreamName: 'bravo' }),
      );
      expect(second).toMatchObject({
        DeliveryStreamNames: ['charlie', 'delta'],
        HasMoreDeliveryStreams: true,
      });
      const last = await client.send(
        new ListDeliveryStreamsCommand({ Limit: 2, ExclusiveStartDeliveryStreamName: 'delta' }),
      );
      expect(last).toMatchObject({ DeliveryStreamNames: ['echo'], HasMoreDeliveryStreams: false });
    });

    it('lists every stream as DirectPut, and none of another type', async () => {
      addStream({ name: 'archive' });
      const direct = await client.send(new ListDeliveryStreamsCommand({ DeliveryStreamType: 'DirectPut' }));
      const kinesis = await client.send(
        new ListDeliveryStreamsCommand({ DeliveryStreamType: 'KinesisStreamAsSource' }),
      );
      expect([direct.DeliveryStreamNames, kinesis.DeliveryStreamNames]).toEqual([['archive'], []]);
    });

    it.each([
      ['a Limit of 0', { Limit: 0 }, 'Limit must be a whole number from 1 to 10000, not 0'],
      ['an unknown type', { DeliveryStreamType: 'Kafka' }, 'DeliveryStreamType must be one of'],
    ])('refuses %s as InvalidArgumentException', async (_, input, message) => {
      const refused = client.send(new ListDeliveryStreamsCommand(input as never));
      await expect(refused).rejects.toBeInstanceOf(InvalidArgumentException);
      await expect(refused).rejects.toThrow(message);
    });

    it('serves the streams its caller adds after it started listening', async () => {
      expect((await client.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual([]);
      addStream({ name: 'late' });
      expect((await client.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual(['late']);
    });
  });
});
