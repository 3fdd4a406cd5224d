import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SqsEventSource, SqsEventSourceChanges } from '../event-sources/sqs-event-source';
import type { RuntimeLog } from '../log';
import { closeHttp, listenHttp } from '../net';
import { functionReference, type InvocationError, type InvocationResult, THROTTLED } from './function-host';

const CUSTOM_RESOURCE_RESPONSES = /^\/custom-resource-responses\/([^/]+)$/;

const MAPPINGS_PATH = /^\/2015-03-31\/event-source-mappings\/?(.*)$/;

/** Invoke: the SDKs put the FunctionName (a name, or an ARN with its colons as %3A) in the path. */
const INVOCATIONS_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'];

/** Lambda's limit on an invocation's request payload (synchronous; the local runtime applies it to Event too). */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The functions Invoke reaches: the local function host, or none. */
export interface InvokableFunctions {
  has(name: string): boolean;
  invoke(name: string, event: unknown): Promise<InvocationResult>;
}

/** Serves no function: every Invoke answers ResourceNotFoundException. */
export const NO_FUNCTIONS: InvokableFunctions = {
  has: () => false,
  invoke: (name) => Promise.reject(new Error(`No function named ${name} is served`)),
};

/** A function error as Lambda's Invoke answers it (with X-Amz-Function-Error: Unhandled). */
const functionErrorPayload = ({ errorType, errorMessage, stackTrace }: InvocationError) => ({
  errorType,
  errorMessage,
  ...(stackTrace
    ? { trace: [`${errorType}: ${errorMessage}`, ...stackTrace.map((line) => `    ${line}`)] }
    : {}),
});

/** The event sources it serves, read at each request: the runtime's (a view of its handles), or an array. */
export interface ServedEventSources {
  values(): Iterable<SqsEventSource>;
}

/** An event source mapping as Lambda's GetEventSourceMapping answers. */
const describeMapping = (source: SqsEventSource) => {
  const { settings } = source;
  return {
    UUID: settings.mapping?.uuid,
    FunctionArn: settings.mapping?.functionArn,
    EventSourceArn: settings.queueArn,
    BatchSize: settings.batchSize,
    MaximumBatchingWindowInSeconds: settings.maximumBatchingWindowInSeconds,
    FunctionResponseTypes: settings.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
    ...(settings.maximumConcurrency !== undefined
      ? { ScalingConfig: { MaximumConcurrency: settings.maximumConcurrency } }
      : {}),
    State: settings.enabled ? 'Enabled' : 'Disabled',
    StateTransitionReason: 'USER_INITIATED',
    LastModified: source.lastModified.getTime() / 1000,
  };
};

/** What UpdateEventSourceMapping may change on an SQS mapping here, as its request body gives it. */
interface MappingUpdateRequest {
  Enabled?: unknown;
  BatchSize?: unknown;
  MaximumBatchingWindowInSeconds?: unknown;
  ScalingConfig?: { MaximumConcurrency?: unknown } | null;
}

const isIntegerIn = (value: unknown, minimum: number, maximum: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum;

/**
 * The changes an UpdateEventSourceMapping request makes to an SQS mapping, checked as Lambda checks them
 * (BatchSize 1 to 10 for a FIFO queue or without a batching window, up to 10,000 with one;
 * MaximumBatchingWindowInSeconds 0 to 300; ScalingConfig.MaximumConcurrency 2 to 1,000), or what is wrong
 * with it (Lambda answers InvalidParameterValueException, and changes nothing).
 */
export const mappingUpdateOf = (
  request: MappingUpdateRequest,
  settings: SqsEventSource['settings'],
): { changes: SqsEventSourceChanges } | { invalid: string } => {
  const changes: SqsEventSourceChanges = {};
  if (request.Enabled !== undefined) {
    if (typeof request.Enabled !== 'boolean') return { invalid: 'Enabled must be true or false' };
    changes.enabled = request.Enabled;
  }
  if (request.MaximumBatchingWindowInSeconds !== undefined) {
    if (!isIntegerIn(request.MaximumBatchingWindowInSeconds, 0, 300))
      return { invalid: 'MaximumBatchingWindowInSeconds must be an integer from 0 to 300' };
    changes.maximumBatchingWindowInSeconds = request.MaximumBatchingWindowInSeconds;
  }
  if (request.BatchSize !== undefined) {
    const window = changes.maximumBatchingWindowInSeconds ?? settings.maximumBatchingWindowInSeconds;
    const fifo = settings.queueArn.endsWith('.fifo');
    const maximum = fifo || window === 0 ? 10 : 10_000;
    if (!isIntegerIn(request.BatchSize, 1, maximum)) {
      return {
        invalid:
          maximum === 10 && isIntegerIn(request.BatchSize, 11, 10_000)
            ? fifo
              ? 'BatchSize must be at most 10 for a FIFO queue'
              : 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'
            : `BatchSize must be an integer from 1 to ${maximum}`,
      };
    }
    changes.batchSize = request.BatchSize;
  }
  if (request.ScalingConfig !== undefined && request.ScalingConfig !== null) {
    const maximum = request.ScalingConfig.MaximumConcurrency;
    if (maximum !== undefined) {
      if (!isIntegerIn(maximum, 2, 1000))
        return { invalid: 'ScalingConfig.MaximumConcurrency must be an integer from 2 to 1000' };
      changes.maximumConcurrency = maximum;
    }
  }
  return { changes };
};

/**
 * The part of the Lambda API that operators use on event source mappings (Get, List, Update), served
 * for the local stack's SQS event sources, so that the replay CLI enables and disables the replay
 * function's mapping locally exactly as it does in AWS; and Invoke (RequestResponse, Event, DryRun) of the
 * functions the local runtime hosts, so that a function's or a CLI's LambdaClient invokes them. Other Lambda
 * operations are not served.
 */
export class LambdaApiServer {
  private server: Server | undefined;
  private baseUrl: string | undefined;
  /** Custom resource requests waiting for their answer: deliver it, or give up (on close). */
  private readonly pendingResponses = new Map<
    string,
    { deliver(body: unknown): void; cancel(reason: Error): void }
  >();

  constructor(
    private readonly sources: ServedEventSources,
    private readonly log: RuntimeLog,
    /** What Invoke runs (the function host); without it, no function is served. */
    private readonly functions: InvokableFunctions = NO_FUNCTIONS,
  ) {}

  async listen(host: string, port: number): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) =>
        this.error(response, 500, 'ServiceException', error.message),
      );
    });
    this.baseUrl = await listenHttp(this.server, host, port);
    return this.baseUrl;
  }

  /**
   * A ResponseURL for a custom resource request, and the response the function sends to it (as
   * CloudFormation's pre-signed S3 URL receives it in AWS).
   */
  expect(requestId: string, timeoutMs: number): { url: string; response: Promise<unknown> } {
    if (!this.baseUrl) throw new Error('The local Lambda API is not listening yet');
    const response = new Promise<unknown>((resolveResponse, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.pendingResponses.delete(requestId);
      };
      const timer = setTimeout(() => {
        settle();
        reject(new Error(`no custom resource response within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pendingResponses.set(requestId, {
        deliver: (body) => {
          settle();
          resolveResponse(body);
        },
        cancel: (reason) => {
          settle();
          reject(reason);
        },
      });
    });
    return { url: `${this.baseUrl}/custom-resource-responses/${requestId}`, response };
  }

  /** Stops serving; requests still waiting for a custom resource answer fail rather than wait on. */
  async close() {
    for (const pending of [...this.pendingResponses.values()]) {
      pending.cancel(new Error('the local Lambda API stopped before the custom resource answered'));
    }
    await closeHttp(this.server);
  }

  private mappings() {
    return [...this.sources.values()].filter((source) => source.settings.mapping);
  }

  private json(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private error(response: ServerResponse, status: number, type: string, message: string) {
    response
      .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
      .end(JSON.stringify({ Type: 'User', Message: message, message }));
  }

  /**
   * Lambda's Invoke, by X-Amz-Invocation-Type: RequestResponse (the default) answers 200 with the function's
   * result, or with its error and `X-Amz-Function-Error: Unhandled`; Event answers 202 and runs the function
   * in the background (a failure is logged; Lambda's retries of asynchronous invocations are not emulated);
   * DryRun answers 204. Any qualifier runs the one local version of the function.
   */
  private async invoke(request: IncomingMessage, response: ServerResponse, functionName: string, url: URL) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    }
    const reference = functionReference(functionName);
    if (!reference || !this.functions.has(reference.name)) {
      return this.error(response, 404, 'ResourceNotFoundException', `Function not found: ${functionName}`);
    }
    const qualifier = url.searchParams.get('Qualifier');
    if (qualifier !== null && reference.qualifier !== undefined && qualifier !== reference.qualifier) {
      return this.error(
        response,
        400,
        'InvalidParameterValueException',
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!INVOCATION_TYPES.includes(type)) {
      return this.error(
        response,
        400,
        'ValidationException',
        `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [${INVOCATION_TYPES.join(', ')}]`,
      );
    }
    if (size > MAX_PAYLOAD_BYTES) {
      return this.error(
        response,
        413,
        'RequestTooLargeException',
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
    }
    const body = Buffer.concat(chunks).toString('utf8');
    let event: unknown;
    try {
      // Lambda gives a function invoked without a payload an empty object.
      event = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      return this.error(
        response,
        400,
        'InvalidRequestContentException',
        `Could not parse request body into json: ${(error as Error).message}`,
      );
    }
    const { name } = reference;
    if (type === 'DryRun') return void response.writeHead(204, { 'x-amzn-requestid': randomUUID() }).end();
    if (type === 'Event') {
      const requestId = randomUUID();
      this.functions.invoke(name, event).then(
        (result) => {
          if (!result.ok) {
            this.log.warn(
              'lambda-api',
              `${name} failed on an Event invocation (${requestId}): ${result.error.errorType}: ${result.error.errorMessage}`,
            );
          }
        },
        (error: Error) =>
          this.log.warn(
            'lambda-api',
            `${name} could not run an Event invocation (${requestId}): ${error.message}`,
          ),
      );
      return void response.writeHead(202, { 'x-amzn-requestid': requestId }).end();
    }
    const result = await this.functions.invoke(name, event);
    if (!result.ok && result.error === THROTTLED) {
      return this.error(response, 429, THROTTLED.errorType, THROTTLED.errorMessage);
    }
    const headers = {
      'content-type': 'application/json',
      'x-amzn-requestid': result.requestId || randomUUID(),
      'x-amz-executed-version': '$LATEST',
    };
    if (result.ok) return void response.writeHead(200, headers).end(JSON.stringify(result.result));
    response
      .writeHead(200, { ...headers, 'x-amz-function-error': 'Unhandled' })
      .end(JSON.stringify(functionErrorPayload(result.error)));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const customResource = CUSTOM_RESOURCE_RESPONSES.exec(url.pathname);
    if (customResource && request.method === 'PUT') {
      let body = '';
      for await (const chunk of request) body += chunk;
      const pending = this.pendingResponses.get(decodeURIComponent(customResource[1] ?? ''));
      if (!pending)
        return this.error(
          response,
          404,
          'NoSuchKey',
          'No custom resource request is waiting for this response',
        );
      pending.deliver(JSON.parse(body));
      return void response.writeHead(200).end();
    }
    const invocation = INVOCATIONS_PATH.exec(url.pathname);
    if (invocation && request.method === 'POST') {
      return this.invoke(request, response, decodeURIComponent(invocation[1] ?? ''), url);
    }
    const path = MAPPINGS_PATH.exec(url.pathname);
    if (!path) {
      return this.error(
        response,
        404,
        'ResourceNotFoundException',
        `${request.method} ${url.pathname} is not served by the local Lambda API`,
      );
    }
    const uuid = decodeURIComponent(path[1] ?? '');
    if (uuid === '' && request.method === 'GET') {
      const functionName = url.searchParams.get('FunctionName');
      const eventSourceArn = url.searchParams.get('EventSourceArn');
      const matching = this.mappings().filter(
        ({ settings }) =>
          (!functionName ||
            settings.target === functionName ||
            settings.mapping?.functionArn === functionName) &&
          (!eventSourceArn || settings.queueArn === eventSourceArn),
      );
      return this.json(response, 200, { EventSourceMappings: matching.map(describeMapping) });
    }
    const source = this.mappings().find(({ settings }) => settings.mapping?.uuid === uuid);
    if (!source)
      return this.error(
        response,
        404,
        'ResourceNotFoundException',
        `The event source mapping ${uuid} does not exist`,
      );
    if (request.method === 'GET') return this.json(response, 200, describeMapping(source));
    if (request.method === 'PUT') {
      let body = '';
      for await (const chunk of request) body += chunk;
      const update = mappingUpdateOf(JSON.parse(body || '{}') as MappingUpdateRequest, source.settings);
      if ('invalid' in update)
        return this.error(response, 400, 'InvalidParameterValueException', update.invalid);
      const changed = source.update(update.changes);
      if (changed.length > 0)
        this.log.info(source.settings.label, `event source mapping ${uuid}: ${changed.join(', ')}`);
      return this.json(response, 202, describeMapping(source));
    }
    return this.error(
      response,
      405,
      'InvalidRequestContentException',
      `${request.method} is not supported here`,
    );
  }
}
