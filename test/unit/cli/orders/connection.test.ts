import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type Connection,
  openConnection,
  openSearchFailure,
  regionOfEndpoint,
  resolveConnection,
  serverMessage,
} from '../../../../cli/orders/connection';
import type { ConnectionOptions } from '../../../../cli/orders/options';
import { CliError, UsageError } from '../../../../cli/shared/errors';

const DOMAIN = 'https://search-checkout-abc123.eu-west-1.es.amazonaws.com';
const ROLE = 'arn:aws:iam::123456789012:role/checkout-AnalystsRole';

const options = (overrides: Partial<ConnectionOptions> = {}): ConnectionOptions => ({
  target: {},
  sign: true,
  ...overrides,
});

describe('resolving where the orders CLI connects', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  let dir: string;
  const io = () => ({ stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir, env: {} });
  const noRegion = async () => undefined;
  const writeOutputs = (outputs: Record<string, string>) => {
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify(outputs));
    return 'outputs.json';
  };
  const stackOutputs = (outputs: Record<string, string>) =>
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'checkout',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orders-connection-'));
    cloudFormation.reset();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the local stack SearchUrl and SearchIndexAlias, unsigned', async () => {
    const outputsFile = writeOutputs({
      AwsEndpointUrl: 'http://127.0.0.1:5050',
      SearchUrl: 'http://127.0.0.1:9200/',
      SearchIndexAlias: 'local-orders',
    });
    expect(await resolveConnection(options({ target: { outputsFile } }), io(), noRegion)).toEqual({
      url: 'http://127.0.0.1:9200',
      index: 'local-orders',
      local: true,
      analystsRoleArn: undefined,
    });
  });

  it('queries the alias orders when the stack has no SearchIndexAlias, and --index overrides both', async () => {
    const outputsFile = writeOutputs({
      AwsEndpointUrl: 'http://127.0.0.1:5050',
      SearchUrl: 'http://127.0.0.1:9200',
    });
    expect((await resolveConnection(options({ target: { outputsFile } }), io(), noRegion)).index).toBe(
      'orders',
    );
    expect(
      (
        await resolveConnection(
          options({ target: { outputsFile }, index: 'orders-2026-11-21' }),
          io(),
          noRegion,
        )
      ).index,
    ).toBe('orders-2026-11-21');
  });

  it('says how to get a search pipeline when the local stack has no SearchUrl', async () => {
    const outputsFile = writeOutputs({ AwsEndpointUrl: 'http://127.0.0.1:5050' });
    const resolving = resolveConnection(options({ target: { outputsFile } }), io(), noRegion);
    await expect(resolving).rejects.toThrow(CliError);
    await expect(resolveConnection(options({ target: { outputsFile } }), io(), noRegion)).rejects.toThrow(
      /has no SearchUrl output: restart the local stack with npm start .*JDK 17\+.*--endpoint/,
    );
  });

  it('signs for the domain of a stack in AWS, in the Region of its endpoint, and knows its analysts role', async () => {
    stackOutputs({ SearchUrl: DOMAIN, SearchIndexAlias: 'orders', SearchAnalystsRoleArn: ROLE });
    expect(await resolveConnection(options({ target: { stackName: 'checkout' } }), io(), noRegion)).toEqual({
      url: DOMAIN,
      index: 'orders',
      local: false,
      signedFor: 'eu-west-1',
      analystsRoleArn: ROLE,
    });
  });

  it('signs for --region when given, else the default chain when the endpoint names no Region', async () => {
    stackOutputs({ SearchUrl: 'https://search.example.com' });
    expect(
      (
        await resolveConnection(
          options({ target: { stackName: 'checkout', region: 'us-west-2' } }),
          io(),
          noRegion,
        )
      ).signedFor,
    ).toBe('us-west-2');
    expect(
      (
        await resolveConnection(
          options({ target: { stackName: 'checkout' } }),
          io(),
          async () => 'ap-south-1',
        )
      ).signedFor,
    ).toBe('ap-south-1');
    await expect(
      resolveConnection(options({ target: { stackName: 'checkout' } }), io(), noRegion),
    ).rejects.toThrow('no AWS Region to sign the requests to https://search.example.com for: pass --region');
  });

  it('says which output is missing from a stack in AWS', async () => {
    stackOutputs({ ApiUrl: 'https://api' });
    await expect(
      resolveConnection(options({ target: { stackName: 'checkout' } }), io(), noRegion),
    ).rejects.toThrow('the stack checkout has no output SearchUrl');
  });

  it('takes --endpoint without reading any stack: plain for http, signed for https or a bare host, plain with --no-sign', async () => {
    expect(await resolveConnection(options({ endpoint: 'http://10.0.0.5:9200' }), io(), noRegion)).toEqual({
      url: 'http://10.0.0.5:9200',
      index: 'orders',
      local: false,
      analystsRoleArn: undefined,
    });
    expect(
      await resolveConnection(
        options({ endpoint: 'search-x.eu-central-1.es.amazonaws.com' }),
        io(),
        noRegion,
      ),
    ).toMatchObject({ url: 'https://search-x.eu-central-1.es.amazonaws.com', signedFor: 'eu-central-1' });
    expect(
      await resolveConnection(options({ endpoint: DOMAIN, sign: false }), io(), noRegion),
    ).not.toHaveProperty('signedFor');
    expect(
      (
        await resolveConnection(
          options({ endpoint: DOMAIN, target: { region: 'us-east-1' } }),
          io(),
          noRegion,
        )
      ).signedFor,
    ).toBe('us-east-1');
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('takes --endpoint with --stack-name for the stack index alias and role', async () => {
    stackOutputs({ SearchUrl: DOMAIN, SearchIndexAlias: 'sales', SearchAnalystsRoleArn: ROLE });
    expect(
      await resolveConnection(
        options({ endpoint: 'http://127.0.0.1:8080', target: { stackName: 'checkout' } }),
        io(),
        noRegion,
      ),
    ).toEqual({ url: 'http://127.0.0.1:8080', index: 'sales', local: false, analystsRoleArn: ROLE });
  });

  it('refuses --region for the local stack, as the other CLIs do', async () => {
    await expect(
      resolveConnection(options({ target: { region: 'eu-west-1' } }), io(), noRegion),
    ).rejects.toThrow(UsageError);
  });

  it('reads the Region of Amazon OpenSearch Service endpoints only', () => {
    expect(regionOfEndpoint(DOMAIN)).toBe('eu-west-1');
    expect(regionOfEndpoint('vpc-orders-x.us-gov-west-1.es.amazonaws.com')).toBe('us-gov-west-1');
    expect(regionOfEndpoint('https://search-x.cn-north-1.es.amazonaws.com.cn')).toBe('cn-north-1');
    expect(regionOfEndpoint('https://search.example.com')).toBeUndefined();
    expect(regionOfEndpoint('http://127.0.0.1:9200')).toBeUndefined();
  });
});

describe('opening a connection', () => {
  let server: Server;
  let url: string;
  let headers: IncomingHttpHeaders[];
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((request, response) => {
      headers.push(request.headers);
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ hits: { total: { value: 0, relation: 'eq' }, hits: [] } }));
      });
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((closed) => server.close(closed)));
  beforeEach(() => {
    headers = [];
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
  });
  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('signs every request with SigV4 for the service es in the Region given', async () => {
    const { client } = openConnection({ url, index: 'orders', local: false, signedFor: 'eu-west-1' });
    await client.search({ index: 'orders', body: { size: 0 } });
    await client.close();
    expect(headers[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('sends plain requests otherwise', async () => {
    const { client } = openConnection({ url, index: 'orders', local: true });
    await client.search({ index: 'orders', body: { size: 0 } });
    await client.close();
    expect(headers[0]?.authorization).toBeUndefined();
  });
});

describe('what a failed request means', () => {
  const local: Connection = { url: 'http://127.0.0.1:9200', index: 'orders', local: true };
  const aws: Connection = {
    url: DOMAIN,
    index: 'orders',
    local: false,
    signedFor: 'eu-west-1',
    analystsRoleArn: ROLE,
  };
  const responseError = (statusCode: number, body: unknown) =>
    Object.assign(new Error('Response Error'), { name: 'ResponseError', meta: { statusCode, body } });
  const connectionError = (message: string) => Object.assign(new Error(message), { name: 'ConnectionError' });
  const message = (error: unknown, connection: Connection) => openSearchFailure(error, connection)?.message;

  it('points at npm start when the local node cannot be reached', () => {
    expect(message(connectionError('connect ECONNREFUSED 127.0.0.1:9200'), local)).toBe(
      'cannot reach OpenSearch at http://127.0.0.1:9200 (ECONNREFUSED): is the local stack running? npm start',
    );
  });

  it('points at the endpoint and the network when a domain cannot be reached', () => {
    expect(message(connectionError('getaddrinfo ENOTFOUND search-x'), aws)).toBe(
      `cannot reach OpenSearch at ${DOMAIN} (ENOTFOUND): check the endpoint and the network (a domain in a VPC answers only inside the VPC)`,
    );
    expect(message(Object.assign(new Error('Request timed out'), { name: 'TimeoutError' }), aws)).toMatch(
      /^cannot reach OpenSearch at .* \(timed out\)/,
    );
  });

  it('says that the role must be in the access policy when a signed request is refused', () => {
    const denied = responseError(403, {
      Message:
        'User: arn:aws:sts::123456789012:assumed-role/dev/ada is not authorized to perform: es:ESHttpPost because no resource-based policy allows the es:ESHttpPost action',
    });
    expect(message(denied, aws)).toBe(
      `not authorised: ${DOMAIN} answered 403 User: arn:aws:sts::123456789012:assumed-role/dev/ada is not authorized to perform: es:ESHttpPost because no resource-based policy allows the es:ESHttpPost action (your role must be named in the domain's access policy and mapped to its reader role by fine-grained access control, e.g. the stack's analysts role ${ROLE} (assume it, for example with AWS_PROFILE))`,
    );
  });

  it('says that the request was not signed when an unsigned one is refused', () => {
    const unsigned = { ...aws, signedFor: undefined };
    expect(message(responseError(403, { message: 'User: anonymous is not authorized' }), unsigned)).toMatch(
      /^not authorised: .* answered 403 User: anonymous is not authorized \(the requests were not signed \(drop --no-sign, and use an https:\/\/ endpoint\); in AWS your role must be named in the domain's access policy, e.g. the stack's analysts role/,
    );
    expect(message(responseError(401, 'Unauthorized'), local)).toMatch(
      /^not authorised: .* answered 401 Unauthorized/,
    );
  });

  it('says that no orders are indexed yet when the index or alias does not exist', () => {
    const missing = responseError(404, {
      error: { type: 'index_not_found_exception', reason: 'no such index [orders]' },
      status: 404,
    });
    expect(message(missing, local)).toBe(
      'no orders indexed yet: http://127.0.0.1:9200 has no index or alias orders (the search pipeline creates orders-YYYY-MM-DD, in the alias orders, with the first order it indexes; by default it indexes the orders of 100 or more)',
    );
    expect(message(missing, aws)).toMatch(/; or pass the right --index$/);
  });

  it('passes on what OpenSearch said for other errors', () => {
    const bad = responseError(400, {
      error: {
        type: 'search_phase_execution_exception',
        reason: 'all shards failed',
        root_cause: [{ type: 'query_shard_exception', reason: 'failed to create query' }],
      },
    });
    expect(message(bad, local)).toBe(
      'OpenSearch at http://127.0.0.1:9200 answered 400: all shards failed: failed to create query',
    );
  });

  it('leaves errors that are not about OpenSearch to the shared handling', () => {
    expect(
      openSearchFailure(Object.assign(new Error('x'), { name: 'CredentialsProviderError' }), aws),
    ).toBeUndefined();
    expect(openSearchFailure('text', aws)).toBeUndefined();
  });

  it('reads the server message from AWS and OpenSearch bodies', () => {
    expect(serverMessage({ Message: 'denied' })).toBe('denied');
    expect(serverMessage({ error: { type: 'x', reason: 'why' } })).toBe('why');
    expect(serverMessage({ error: { type: 'x' } })).toBe('x');
    expect(serverMessage({ error: 'plain' })).toBe('plain');
    expect(serverMessage(' text ')).toBe('text');
    expect(serverMessage(undefined)).toBeUndefined();
  });
});
