import type { Server as HttpServer } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port nothing listens on right now (the OS picks it). */
export const findFreePort = (host = '127.0.0.1'): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });

/**
 * Resolves when a server could listen on `port` of `host` right now; rejects with Node's own error when it
 * could not (`code` EADDRINUSE and `port` when another program holds the port).
 */
export const assertPortFree = (host: string, port: number): Promise<void> =>
  new Promise((resolveFree, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(port, host, () => server.close(() => resolveFree()));
  });

/** Polls `url` until it answers (any HTTP status) or `timeoutMs` passes. */
export const waitForHttp = async (url: string, timeoutMs: number, isAlive: () => boolean = () => true) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`The process serving ${url} exited`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
};

/** Starts `server` on `port` of `host` (0 = a free port) and gives back its base URL, e.g. http://127.0.0.1:3000. */
export const listenHttp = async (server: HttpServer, host: string, port: number): Promise<string> => {
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolveListen);
  });
  const address = server.address();
  return `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
};

/** Stops `server`, closing its keep-alive connections too, so that stopping never waits on a client. */
export const closeHttp = (server: HttpServer | undefined): Promise<void> =>
  new Promise((resolveClose) => {
    if (!server) return resolveClose();
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
