import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SqsEventSource } from '../event-sources/sqs-event-source';
import type { RuntimeLog } from '../log';
import { closeHttp, listenHttp } from '../net';

const CUSTOM_RESOURCE_RESPONSES = /^\/custom-resource-responses\/([^/]+)$/;

const MAPPINGS_PATH = /^\/2015-03-31\/event-source-mappings\/?(.*)$/;

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
    State: settings.enabled ? 'Enabled' : 'Disabled',
    StateTransitionReason: 'USER_INITIATED',
    LastModified: source.lastModified.getTime() / 1000,
  };
};

/**
 * The part of the Lambda API that operators use on event source mappings (Get, List, Update), served
 * for the local stack's SQS event sources, so that the replay CLI enables and disables the replay
 * function's mapping locally exactly as it does in AWS. Other Lambda operations are not served.
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
      const update = JSON.parse(body || '{}') as { Enabled?: boolean };
      if (typeof update.Enabled === 'boolean' && update.Enabled !== source.enabled) {
        source.setEnabled(update.Enabled);
        this.log.info(
          source.settings.label,
          `event source mapping ${uuid} ${update.Enabled ? 'enabled' : 'disabled'}`,
        );
      }
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
