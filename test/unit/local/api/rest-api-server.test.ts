import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  RestApiServer,
  type RestApiServerOptions,
  routeMatcher,
} from '../../../../local/api/rest-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { describeAcceptedOrder } from '../../../../local/log';
import { makeTempDir, recordingLog, writeFile } from '../../../helpers/local-runtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ORDER_MODEL = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'amount'],
  properties: { id: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
};

const INVALID_BODY_TEMPLATE =
  '{"message":"Invalid order","errors":["$util.escapeJavaScript($context.error.validationErrorString)"]}';

describe('RestApiServer', () => {
  const artifacts = makeTempDir('rest-api-artifacts');
  const logs = makeTempDir('rest-api-logs');
  const received = join(artifacts.path, 'received.jsonl');
  writeFile(
    artifacts.path,
    'echo/index.mjs',
    `export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json', 'x-handled-by': 'echo' },
  body: JSON.stringify(event),
});`,
  );
  writeFile(
    artifacts.path,
    'record/index.mjs',
    `import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  appendFileSync(${JSON.stringify(received)}, JSON.stringify({ body: event.body }) + '\\n');
  return { statusCode: 202, body: JSON.stringify({ orderId: 'order-1' }) };
};`,
  );
  writeFile(
    artifacts.path,
    'shaped/index.mjs',
    `export const handler = async (event) => {
  if (event.path.endsWith('/binary')) {
    return { statusCode: 200, isBase64Encoded: true, body: Buffer.from([0, 1, 2, 255]).toString('base64') };
  }
  if (event.path.endsWith('/malformed')) return { body: 'no status code' };
  return {
    statusCode: 201,
    headers: { location: '/orders/order-9', 'x-custom': 'one' },
    multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'] },
    body: 'created',
  };
};`,
  );
  writeFile(
    artifacts.path,
    'fail/index.mjs',
    `export const handler = async () => { throw new TypeError('boom'); };`,
  );

  const log = recordingLog();
  const functions = new FunctionHost({}, logs.path);
  for (const name of ['echo', 'record', 'shaped', 'fail']) {
    functions.register({
      name,
      logicalId: name,
      artifactDir: join(artifacts.path, name),
      handler: 'index.handler',
      timeoutSeconds: 5,
      memoryMb: 128,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      environment: {},
    });
  }

  const api = new RestApiServer(functions, log, { describeAccepted: describeAcceptedOrder });
  api.addApi({ apiId: 'shopapi001', logicalId: 'ShopApi', stageName: 'dev', models: { Order: ORDER_MODEL } });
  api.setGatewayResponse('shopapi001', 'BAD_REQUEST_BODY', {
    statusCode: 400,
    templates: { 'application/json': INVALID_BODY_TEMPLATE },
    headers: { 'Content-Type': 'application/json' },
  });
  api.addRoute({
    apiId: 'shopapi001',
    method: 'post',
    path: '/orders',
    functionName: 'record',
    requestModel: { model: 'Order', required: true, validateBody: true },
  });
  api.addRoute({ apiId: 'shopapi001', method: 'get', path: '/orders/{id}', functionName: 'echo' });
  api.addRoute({ apiId: 'shopapi001', method: 'ANY', path: '/echo', functionName: 'echo' });
  api.addRoute({ apiId: 'shopapi001', method: 'GET', path: '/shaped/{kind}', functionName: 'shaped' });
  api.addRoute({ apiId: 'shopapi001', method: 'GET', path: '/fail', functionName: 'fail' });

  api.addApi({
    apiId: 'limited001',
    logicalId: 'LimitedApi',
    stageName: 'Prod',
    models: {},
    throttle: { rateLimit: 0.001, burstLimit: 2 },
  });
  api.addRoute({ apiId: 'limited001', method: 'GET', path: '/limited', functionName: 'echo' });

  let baseUrl = '';
  beforeAll(async () => {
    baseUrl = await api.listen('127.0.0.1', 0);
  });

  afterAll(async () => {
    await api.close();
    await functions.stop();
    artifacts.remove();
    logs.remove();
  });

  const request = (path: string, init?: RequestInit) => fetch(new URL(path, baseUrl), init);
  const recordedBodies = (): (string | null)[] =>
    existsSync(received)
      ? readFileSync(received, 'utf8')
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { body: string | null }).body)
      : [];
  const postOrder = (body: string, contentType = 'application/json') =>
    request('orders', { method: 'POST', headers: { 'content-type': contentType }, body });

  it('listens on the port the OS picked and gives its base URL', () => {
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/$/);
  });

  describe('the Lambda proxy integration', () => {
    it('hands the function a version 1.0 proxy event for the request', async () => {
      const response = await request('orders/order-7?tag=a&tag=b&single=1', {
        headers: { 'X-Trace': 'trace-1', 'user-agent': 'jest-test' },
      });
      expect(response.status).toBe(200);
      const event = (await response.json()) as APIGatewayProxyEvent;
      expect(event).toMatchObject({
        resource: '/orders/{id}',
        path: '/orders/order-7',
        httpMethod: 'GET',
        pathParameters: { id: 'order-7' },
        queryStringParameters: { tag: 'b', single: '1' },
        multiValueQueryStringParameters: { tag: ['a', 'b'], single: ['1'] },
        stageVariables: null,
        body: null,
        isBase64Encoded: false,
        requestContext: {
          accountId: '123456789012',
          apiId: 'shopapi001',
          httpMethod: 'GET',
          path: '/dev/orders/order-7',
          resourcePath: '/orders/{id}',
          stage: 'dev',
          identity: { sourceIp: '127.0.0.1', userAgent: 'jest-test' },
        },
      });
      expect(event.headers['X-Trace']).toBe('trace-1');
      expect(event.multiValueHeaders['X-Trace']).toEqual(['trace-1']);
      expect(event.requestContext.requestId).toMatch(UUID);
      expect(event.requestContext.requestTimeEpoch).toBeLessThanOrEqual(Date.now());
    });

    it('passes the body as it came, and nulls for a request without query string', async () => {
      const response = await request('echo', { method: 'PUT', body: 'raw text body' });
      const event = (await response.json()) as APIGatewayProxyEvent;
      expect(event).toMatchObject({
        httpMethod: 'PUT',
        body: 'raw text body',
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
      });
    });

    it('matches a path with a trailing slash and routes ANY to every method', async () => {
      for (const method of ['GET', 'DELETE', 'PATCH']) {
        const response = await request('echo/', { method });
        expect(response.status).toBe(200);
        expect(((await response.json()) as APIGatewayProxyEvent).httpMethod).toBe(method);
      }
    });

    it("returns the function's status, headers, multi-value headers and body", async () => {
      const response = await request('shaped/created');
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe('/orders/order-9');
      expect(response.headers.get('x-custom')).toBe('one');
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await response.text()).toBe('created');
    });

    it('decodes a base64 body the function marks as such', async () => {
      const response = await request('shaped/binary');
      expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    });

    it('answers 502 Internal server error when the function fails, and logs why', async () => {
      const response = await request('fail');
      expect(response.status).toBe(502);
      expect(response.headers.get('x-amzn-errortype')).toBe('DEFAULT_5XX');
      expect(await response.json()).toEqual({ message: 'Internal server error' });
      expect(log.text()).toContain('fail failed: TypeError: boom');
    });

    it('answers 502 when the function returns something that is not a proxy response', async () => {
      const response = await request('shaped/malformed');
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ message: 'Internal server error' });
      expect(log.text()).toContain('malformed Lambda proxy response');
    });
  });

  describe('request model validation', () => {
    it('passes a body that matches the model to the function', async () => {
      const body = JSON.stringify({ id: 'order-1', amount: 10 });
      const response = await postOrder(body);
      expect(response.status).toBe(202);
      expect(recordedBodies()).toContain(body);
    });

    it('answers with the configured BAD_REQUEST_BODY response listing every problem, without invoking', async () => {
      const body = JSON.stringify({ amount: -1, coupon: 'FREE' });
      const response = await postOrder(body, 'application/json; charset=utf-8');
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-amzn-errortype')).toBe('BAD_REQUEST_BODY');
      const answer = (await response.json()) as { message: string; errors: string[] };
      expect(answer.message).toBe('Invalid order');
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]).toMatch(/^\[.*\]$/);
      expect(answer.errors[0]).toContain('id is required');
      expect(answer.errors[0]).toContain('coupon is not allowed');
      expect(answer.errors[0]).toContain('amount must be >= 0');
      expect(recordedBodies()).not.toContain(body);
    });

    it('refuses a body that is not JSON', async () => {
      const response = await postOrder('{not json');
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: string[] }).errors).toEqual([
        '[Request body is not valid JSON]',
      ]);
    });

    it('refuses a missing body when the model is required', async () => {
      const response = await postOrder('');
      expect(response.status).toBe(400);
      expect(((await response.json()) as { errors: string[] }).errors).toEqual([
        '[Request body is required]',
      ]);
    });

    it('passes a body of another content type through to the function, unvalidated', async () => {
      const response = await postOrder('id=1&amount=-5', 'application/x-www-form-urlencoded');
      expect(response.status).toBe(202);
      expect(recordedBodies()).toContain('id=1&amount=-5');
    });
  });

  describe('gateway responses', () => {
    it('answers an unknown path with 403 Missing Authentication Token', async () => {
      const response = await request('nowhere');
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('MISSING_AUTHENTICATION_TOKEN');
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    });

    it('answers a known path with a method it does not have with 403 too', async () => {
      const response = await request('orders', { method: 'DELETE' });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    });

    it('answers 413 Request Too Long for a body over 10 MB, without invoking', async () => {
      const response = await request('echo', { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
      expect(response.status).toBe(413);
      expect(response.headers.get('x-amzn-errortype')).toBe('REQUEST_TOO_LARGE');
      expect(await response.json()).toEqual({ message: 'Request Too Long' });
    });

    it('gives the default body of a response type the API did not customise', async () => {
      api.addApi({
        apiId: 'plainapi01',
        logicalId: 'PlainApi',
        stageName: 'v1',
        models: { Order: ORDER_MODEL },
      });
      api.addRoute({
        apiId: 'plainapi01',
        method: 'POST',
        path: '/plain',
        functionName: 'record',
        requestModel: { model: 'Order', required: true, validateBody: true },
      });
      const response = await request('plain', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ message: 'Invalid request body' });
    });
  });

  describe('throttling', () => {
    it('answers 429 Too Many Requests once the burst is spent, on the throttled API only', async () => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await request('limited')).status);
      expect(statuses).toEqual([200, 200, 429, 429]);
      const throttled = await request('limited');
      expect(throttled.headers.get('x-amzn-errortype')).toBe('THROTTLED');
      expect(await throttled.json()).toEqual({ message: 'Too Many Requests' });
      const others = await Promise.all([1, 2, 3, 4].map(() => request('echo')));
      expect(others.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    });
  });

  describe('authorizers and API keys', () => {
    const ISSUER = 'http://127.0.0.1:4100/eu-west-1_partners';
    const KEY_VALUE = 'PartnerKeyValuePartnerKeyValuePartner01';
    let validToken = '';

    beforeAll(async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
      api.addApi({
        apiId: 'guarded01',
        logicalId: 'GuardedApi',
        stageName: 'live',
        models: {},
        auth: {
          defaultAuthorizer: 'Partners',
          apiKeyRequired: true,
          authorizers: {
            Partners: {
              issuers: [ISSUER],
              identityHeader: 'Authorization',
              keys: createLocalJWKSet({ keys: [jwk] }),
              scopes: ['orders/write'],
            },
          },
        },
      });
      api.addRoute({ apiId: 'guarded01', method: 'POST', path: '/guarded', functionName: 'echo' });
      api.usagePlans.addKey({ id: 'key0000001', value: KEY_VALUE, name: 'partner', enabled: true });
      api.usagePlans.addPlan({
        id: 'plan01',
        name: 'partner',
        apiStages: [{ apiId: 'guarded01', stage: 'live' }],
      });
      api.usagePlans.addPlanKey('plan01', 'key0000001');
      const now = Math.floor(Date.now() / 1000);
      validToken = await new SignJWT({
        sub: 'client1',
        token_use: 'access',
        scope: 'orders/write',
        iss: ISSUER,
        exp: now + 600,
        iat: now,
        client_id: 'client1',
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .sign(privateKey);
    });

    const guarded = (headers: Record<string, string>) =>
      request('guarded', { method: 'POST', headers, body: '{}' });

    it('checks the token before the API key: a request with neither gets 401 Unauthorized', async () => {
      const response = await guarded({});
      expect(response.status).toBe(401);
      expect(response.headers.get('x-amzn-errortype')).toBe('UNAUTHORIZED');
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    });

    it('answers 403 Forbidden to a valid token without the API key', async () => {
      const response = await guarded({ authorization: `Bearer ${validToken}` });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: 'Forbidden' });
    });

    it("hands the function the token's claims and the key, as API Gateway's proxy event carries them", async () => {
      const response = await guarded({ authorization: validToken, 'x-api-key': KEY_VALUE });
      expect(response.status).toBe(200);
      const event = (await response.json()) as APIGatewayProxyEvent;
      expect(event.requestContext.authorizer).toEqual({
        claims: expect.objectContaining({ client_id: 'client1', scope: 'orders/write', iss: ISSUER }),
      });
      expect(event.requestContext.identity).toMatchObject({ apiKey: KEY_VALUE, apiKeyId: 'key0000001' });
    });

    it('gives routes without an authorizer no claims and no key', async () => {
      const event = (await (await request('echo')).json()) as APIGatewayProxyEvent;
      expect(event.requestContext.authorizer).toBeNull();
      expect(event.requestContext.identity).not.toHaveProperty('apiKey');
    });
  });

  describe('configuration', () => {
    it('lists its routes with their functions', () => {
      expect(api.routeList).toEqual(
        expect.arrayContaining([
          { method: 'POST', path: '/orders', functionName: 'record' },
          { method: 'GET', path: '/orders/{id}', functionName: 'echo' },
          { method: 'ANY', path: '/echo', functionName: 'echo' },
        ]),
      );
    });

    it('knows which APIs it serves', () => {
      expect(api.hasApi('shopapi001')).toBe(true);
      expect(api.hasApi('missing001')).toBe(false);
    });

    it('refuses a route whose model the API does not define', () => {
      expect(() =>
        api.addRoute({
          apiId: 'shopapi001',
          method: 'POST',
          path: '/x',
          functionName: 'echo',
          requestModel: { model: 'Refund', required: true, validateBody: true },
        }),
      ).toThrow('API ShopApi has no model Refund');
    });

    it('refuses a route or a gateway response for an API it does not serve', () => {
      expect(() =>
        api.addRoute({ apiId: 'missing001', method: 'GET', path: '/x', functionName: 'echo' }),
      ).toThrow('No REST API missing001 in the local stack');
      expect(() =>
        api.setGatewayResponse('missing001', 'THROTTLED', { statusCode: 429, templates: {}, headers: {} }),
      ).toThrow('No REST API missing001 in the local stack');
    });

    it('logs one access line per request with method, path and status', () => {
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          component: 'api',
          message: expect.stringMatching(/^GET \/fail 502 \d+ ms$/),
        }),
      );
      expect(log.lines).toContainEqual(
        expect.objectContaining({
          message: expect.stringMatching(/^POST \/orders 202 \d+ ms, order order-1 accepted$/),
        }),
      );
    });
  });

  describe('the access line of a 202 (Accepted) response', () => {
    /** A POST to a server of its own with the given options; the lines it logged. */
    const acceptedLines = async (options?: RestApiServerOptions) => {
      const ownLog = recordingLog();
      const server = new RestApiServer(functions, ownLog, options);
      server.addApi({ apiId: 'plainapi01', logicalId: 'PlainApi', stageName: 'dev', models: {} });
      server.addRoute({ apiId: 'plainapi01', method: 'POST', path: '/things', functionName: 'record' });
      const url = await server.listen('127.0.0.1', 0);
      try {
        expect((await fetch(new URL('things', url), { method: 'POST', body: '{}' })).status).toBe(202);
      } finally {
        await server.close();
      }
      return ownLog.lines.map(({ message }) => message);
    };

    it('has the status alone when no describer is given: the emulator knows nothing of what is accepted', async () => {
      expect(await acceptedLines()).toContainEqual(expect.stringMatching(/^POST \/things 202 \d+ ms$/));
    });

    it("ends with what the describer makes of the function's response body", async () => {
      const bodies: string[] = [];
      const describeAccepted = (body: string) => {
        bodies.push(body);
        return 'thing t-1';
      };
      expect(await acceptedLines({ describeAccepted })).toContainEqual(
        expect.stringMatching(/^POST \/things 202 \d+ ms, thing t-1 accepted$/),
      );
      expect(bodies).toEqual([JSON.stringify({ orderId: 'order-1' })]);
    });
  });
});

describe('routeMatcher', () => {
  it('takes one path segment for {name}, even when the name has a dash', () => {
    expect(routeMatcher('/orders/{order-id}')('/orders/a%20b')).toEqual({ 'order-id': 'a b' });
    expect(routeMatcher('/orders/{order-id}')('/orders/a/b')).toBeUndefined();
  });

  it('takes the rest of the path for a greedy {name+}', () => {
    expect(routeMatcher('/{proxy+}')('/a/b/c')).toEqual({ proxy: 'a/b/c' });
  });

  it('matches a path without parameters exactly, with or without a trailing slash', () => {
    expect(routeMatcher('/checkout')('/checkout/')).toEqual({});
    expect(routeMatcher('/checkout')('/checkout/more')).toBeUndefined();
  });
});
