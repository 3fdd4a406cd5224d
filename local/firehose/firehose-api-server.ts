import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID } from '../aws-config';
import type { RuntimeLog } from '../log';
import { closeHttp, listenHttp } from '../net';
import { type LocalDeliveryStream, MAX_RECORD_BYTES } from './delivery-stream';

/** The streams the API serves, read at each request: the runtime's (a view of its handles), or a Map by ARN. */
export interface ServedDeliveryStreams {
  values(): Iterable<LocalDeliveryStream>;
}

/** Firehose's hard limits for one PutRecordBatch request. */
export const MAX_BATCH_RECORDS = 500;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Beyond this a request body is not even parsed (4 MiB of data is about 5.4 MiB of base64). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const TARGET_PREFIX = 'Firehose_20150804.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STREAM_TYPES = ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'];
const SERVED = ['PutRecord', 'PutRecordBatch', 'DescribeDeliveryStream', 'ListDeliveryStreams'];

/** An error as the service answers it: HTTP 400 unless said otherwise, `__type` and `message` in the body. */
export class FirehoseApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new FirehoseApiError('InvalidArgumentException', message);

type Input = Record<string, unknown>;

const optionalInteger = (input: Input, field: string, min: number, max: number): number | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(`${field} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return value as number;
};

const optionalString = (input: Input, field: string): string | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string, not ${JSON.stringify(value)}`);
  return value;
};

const streamNameOf = (input: Input, field = 'DeliveryStreamName'): string => {
  const name = input[field];
  if (name === undefined || name === null) throw invalid(`${field} is required`);
  if (typeof name !== 'string' || !STREAM_NAME.test(name)) {
    throw invalid(
      `${field} must be 1 to 64 letters, digits, '_', '.' or '-', not ${JSON.stringify(name).slice(0, 100)}`,
    );
  }
  return name;
};

/** A record's data: its base64 `Data` decoded, within Firehose's 1,000 KiB per record. */
const recordData = (record: unknown, where: string): Buffer => {
  const data = (record as { Data?: unknown } | null)?.Data;
  if (data === undefined || data === null) throw invalid(`${where}.Data is required`);
  if (typeof data !== 'string' || !BASE64.test(data)) {
    throw new FirehoseApiError('SerializationException', `${where}.Data must be base64-encoded bytes`);
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    throw invalid(
      `${where} has ${bytes.byteLength} bytes of data; a record is at most 1,000 KiB (${MAX_RECORD_BYTES} bytes) before base64 encoding`,
    );
  }
  return bytes;
};

/**
 * The Firehose API (JSON 1.1, `X-Amz-Target: Firehose_20150804.<Operation>`) for the local delivery
 * streams: PutRecord, PutRecordBatch, DescribeDeliveryStream and ListDeliveryStreams, so that the SDKs and
 * the AWS CLI work against it with an endpoint URL. Records put here go into the same stream (buffer,
 * processor, destination) as the SNS subscriptions'. Streams come from the templates: nothing here creates,
 * updates or deletes one. Requests are not authenticated.
 */
export class FirehoseApiServer {
  private server: Server | undefined;

  constructor(
    private readonly streams: ServedDeliveryStreams,
    private readonly log: RuntimeLog,
    private readonly accountId = LOCAL_ACCOUNT_ID,
  ) {}

  async listen(host: string, port: number): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        this.log.warn('firehose-api', `request failed: ${error.message}`);
        this.error(response, new FirehoseApiError('InternalFailure', error.message, 500));
      });
    });
    return listenHttp(this.server, host, port);
  }

  async close() {
    await closeHttp(this.server);
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const body = await this.readBody(request);
    try {
      if (request.method !== 'POST' || !SERVED.includes(operation)) {
        throw new FirehoseApiError(
          'UnknownOperationException',
          `${request.method} ${target || '(no X-Amz-Target)'} is not served by the local Firehose API, which serves POST with X-Amz-Target ${SERVED.map((name) => TARGET_PREFIX + name).join(', ')}`,
        );
      }
      if (body === undefined) {
        throw invalid(
          `The request is larger than ${MAX_BODY_BYTES} bytes; PutRecordBatch takes at most 4 MiB (${MAX_BATCH_BYTES} bytes) of record data`,
        );
      }
      this.json(response, this.run(operation, this.parse(body)));
    } catch (error) {
      if (!(error instanceof FirehoseApiError)) throw error;
      this.error(response, error);
    }
  }

  private run(operation: string, input: Input): unknown {
    switch (operation) {
      case 'PutRecord':
        return this.putRecord(input);
      case 'PutRecordBatch':
        return this.putRecordBatch(input);
      case 'DescribeDeliveryStream':
        return this.describeDeliveryStream(input);
      default:
        return this.listDeliveryStreams(input);
    }
  }

  private putRecord(input: Input) {
    const name = streamNameOf(input);
    const data = recordData(input.Record, 'Record');
    const stream = this.stream(name);
    return { RecordId: stream.putRecord(data), Encrypted: stream.encrypted };
  }

  private putRecordBatch(input: Input) {
    const name = streamNameOf(input);
    const { Records: records } = input;
    if (!Array.isArray(records)) throw invalid('Records is required: a list of 1 to 500 records');
    if (records.length === 0) throw invalid('Records must hold at least 1 record');
    if (records.length > MAX_BATCH_RECORDS) {
      throw invalid(
        `PutRecordBatch takes at most ${MAX_BATCH_RECORDS} records per request; this one has ${records.length}. Split the batch.`,
      );
    }
    const data = records.map((record, index) => recordData(record, `Records[${index}]`));
    const total = data.reduce((sum, bytes) => sum + bytes.byteLength, 0);
    if (total > MAX_BATCH_BYTES) {
      throw invalid(
        `PutRecordBatch takes at most 4 MiB (${MAX_BATCH_BYTES} bytes) of record data per request; these ${records.length} records have ${total} bytes. Split the batch.`,
      );
    }
    const stream = this.stream(name);
    let failed = 0;
    const responses = data.map((bytes) => {
      try {
        return { RecordId: stream.putRecord(bytes) };
      } catch (error) {
        failed += 1;
        return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: (error as Error).message };
      }
    });
    return { FailedPutCount: failed, Encrypted: stream.encrypted, RequestResponses: responses };
  }

  private describeDeliveryStream(input: Input) {
    const name = streamNameOf(input);
    optionalInteger(input, 'Limit', 1, 10_000);
    const exclusiveStart = optionalString(input, 'ExclusiveStartDestinationId');
    const description = this.stream(name).describe();
    if (exclusiveStart !== undefined) {
      // Destinations in the order of their ids, after the one given: none after the stream's only one.
      description.Destinations = description.Destinations.filter(
        ({ DestinationId }) => DestinationId > exclusiveStart,
      );
    }
    return { DeliveryStreamDescription: description };
  }

  private listDeliveryStreams(input: Input) {
    const limit = optionalInteger(input, 'Limit', 1, 10_000) ?? 10;
    const type = optionalString(input, 'DeliveryStreamType');
    if (type !== undefined && !STREAM_TYPES.includes(type)) {
      throw invalid(
        `DeliveryStreamType must be one of ${STREAM_TYPES.join(', ')}, not ${JSON.stringify(type)}`,
      );
    }
    const exclusiveStart =
      input.ExclusiveStartDeliveryStreamName === undefined || input.ExclusiveStartDeliveryStreamName === null
        ? undefined
        : streamNameOf(input, 'ExclusiveStartDeliveryStreamName');
    // Every local stream is DirectPut.
    const names = (type === undefined || type === 'DirectPut' ? this.names() : []).filter(
      (name) => exclusiveStart === undefined || name > exclusiveStart,
    );
    return {
      DeliveryStreamNames: names.slice(0, limit),
      HasMoreDeliveryStreams: names.length > limit,
    };
  }

  /** The names of the streams, in the order Firehose lists them (by code point, as its names are ASCII). */
  private names() {
    return [...this.streams.values()].map((stream) => stream.definition.name).sort();
  }

  private stream(name: string): LocalDeliveryStream {
    const stream = [...this.streams.values()].find((candidate) => candidate.definition.name === name);
    if (!stream) {
      throw new FirehoseApiError(
        'ResourceNotFoundException',
        `Firehose ${name} under account ${this.accountId} not found.`,
      );
    }
    return stream;
  }

  /** The body, or undefined when it is over the size limit (read to its end all the same). */
  private async readBody(request: IncomingMessage): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
    return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
  }

  private parse(body: string): Input {
    let input: unknown;
    try {
      input = JSON.parse(body || '{}');
    } catch (error) {
      throw new FirehoseApiError(
        'SerializationException',
        `The request body is not JSON: ${(error as Error).message}`,
      );
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new FirehoseApiError('SerializationException', 'The request body must be a JSON object');
    }
    return input as Input;
  }

  private json(response: ServerResponse, body: unknown) {
    response
      .writeHead(200, { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() })
      .end(JSON.stringify(body));
  }

  private error(response: ServerResponse, error: FirehoseApiError) {
    if (response.headersSent) return void response.end();
    response
      .writeHead(error.status, {
        'content-type': CONTENT_TYPE,
        'x-amzn-requestid': randomUUID(),
        'x-amzn-errortype': error.type,
      })
      .end(JSON.stringify({ __type: error.type, message: error.message }));
  }
}
