import { createServer, type Server } from 'node:http';
import { assertPortFree, findFreePort, waitForHttp } from '../../../local/net';

const listen = (server: Server, port: number) =>
  new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
const close = (server: Server) => new Promise((resolveClose) => server.close(resolveClose));

describe('findFreePort', () => {
  it('gives a port that a server can then listen on', async () => {
    const port = await findFreePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await listen(server, port);
    await close(server);
  });
});

describe('assertPortFree', () => {
  it('resolves for a port nothing listens on, leaving it free', async () => {
    const port = await findFreePort();
    await expect(assertPortFree('127.0.0.1', port)).resolves.toBeUndefined();
    const server = createServer();
    await listen(server, port);
    await close(server);
  });

  it("rejects with Node's EADDRINUSE error, naming the port, when a server holds it", async () => {
    const port = await findFreePort();
    const server = createServer();
    await listen(server, port);
    try {
      await expect(assertPortFree('127.0.0.1', port)).rejects.toMatchObject({ code: 'EADDRINUSE', port });
    } finally {
      await close(server);
    }
  });
});

describe('waitForHttp', () => {
  it('resolves once the URL answers, whatever the status', async () => {
    const port = await findFreePort();
    const server = createServer((_, response) => response.writeHead(404).end());
    setTimeout(() => void listen(server, port), 300);
    try {
      await expect(waitForHttp(`http://127.0.0.1:${port}/`, 5000)).resolves.toBeUndefined();
    } finally {
      await close(server);
    }
  });

  it('fails with the URL and the time it waited when nothing answers', async () => {
    const port = await findFreePort();
    await expect(waitForHttp(`http://127.0.0.1:${port}/`, 300)).rejects.toThrow(
      `http://127.0.0.1:${port}/ did not answer within 300 ms`,
    );
  });

  it('gives up at once when the process that should serve the URL has exited', async () => {
    const port = await findFreePort();
    const startedAt = Date.now();
    await expect(waitForHttp(`http://127.0.0.1:${port}/`, 10_000, () => false)).rejects.toThrow(
      `The process serving http://127.0.0.1:${port}/ exited`,
    );
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});
