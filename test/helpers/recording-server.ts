import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** The path with its query string, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** Every request received, in order, with its whole body. */
  readonly requests: RecordedRequest[];
  /** Stops listening and drops open connections, including requests left unanswered on purpose. */
  close(): Promise<void>;
}

/** Answers a request; one that never calls `response.end()` leaves the caller waiting. */
export type Responder = (request: RecordedRequest, response: ServerResponse) => void;

const answerOk: Responder = (_, response) => void response.writeHead(200).end();

/**
 * A local HTTP server that keeps every request it receives and answers with `respond` (200 and no body by
 * default): a stand-in for CloudFormation's pre-signed ResponseURL or for an OpenSearch domain.
 */
export const startRecordingServer = async (respond: Responder = answerOk): Promise<RecordingServer> => {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const recorded = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      };
      requests.push(recorded);
      respond(recorded, response);
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
};

/** Answers with a JSON body and its status. */
export const json = (response: ServerResponse, status: number, body: unknown) =>
  void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
