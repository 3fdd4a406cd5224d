import { join } from 'node:path';
import { RestApiServer } from '../../../../local/api/rest-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import {
  apiAuthOf,
  createGatewayResponse,
  createServerlessApi,
  localRestApiId,
} from '../../../../local/provisioners/serverless-api';
import { createServerlessFunction } from '../../../../local/provisioners/serverless-function';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import {
  aLocalRuntime,
  makeTempDir,
  recordingLog,
  unreachableClients,
  writeFile,
} from '../../../helpers/local-runtime';

const ORDER_MODEL = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string' } },
};

const POOL_ID = 'eu-west-1_partners';
const POOL_ARN = `arn:aws:cognito-idp:eu-west-1:111122223333:userpool/${POOL_ID}`;

describe('the API and function provisioners (no AWS calls)', () => {
  const build = makeTempDir('provisioners-build');
  const logs = makeTempDir('provisioners-logs');
  writeFile(
    build.path,
    'EchoFunction/index.mjs',
    `export const handler = async (event) => ({
  statusCode: 200,
  body: JSON.stringify({ stage: event.requestContext.stage, env: process.env.TABLE_NAME ?? null, timeout: process.env.TIMEOUT_SEEN ?? null }),
});`,
  );
  for (const logicalId of ['Other', 'Another', 'Guarded']) {
    writeFile(
      build.path,
      `${logicalId}/app.mjs`,
      'export const run = async () => ({ statusCode: 204, body: "" });',
    );
  }

  const stack = aStackFrame({
    stackName: 'shop',
    path: ['Parent'],
    templateDir: build.path,
    buildDir: build.path,
    region: 'eu-west-1',
    accountId: '111122223333',
  });
  const functions = new FunctionHost({}, logs.path);
  const api = new RestApiServer(functions, recordingLog());
  const runtime: LocalRuntime = aLocalRuntime({
    clients: unreachableClients(),
    functions,
    api,
    apiBaseUrl: '',
    log: recordingLog(),
  });
  const toCreate = (logicalId: string, type: string, properties: Record<string, unknown>) =>
    aResourceToCreate(logicalId, type, properties, stack);

  beforeAll(async () => {
    runtime.apiBaseUrl = await api.listen('127.0.0.1', 0);
    await runtime.cognito.listen('127.0.0.1', 0);
    runtime.cognito.addUserPool({ id: POOL_ID, arn: POOL_ARN, name: 'partners' });
  });

  afterAll(async () => {
    await runtime.cognito.close();
    await api.close();
    await functions.stop();
    build.remove();
    logs.remove();
  });

  describe('localRestApiId', () => {
    it('gives a stable id of 10 lowercase characters, different for different APIs', () => {
      expect(localRestApiId('shop-CheckoutApi')).toMatch(/^[0-9a-f]{10}$/);
      expect(localRestApiId('shop-CheckoutApi')).toBe(localRestApiId('shop-CheckoutApi'));
      expect(localRestApiId('shop-OtherApi')).not.toBe(localRestApiId('shop-CheckoutApi'));
    });
  });

  describe('createServerlessApi, createGatewayResponse and createServerlessFunction', () => {
    let apiId = '';

    it('registers the API under its id and gives the local URL as an attribute', async () => {
      const created = await createServerlessApi(
        toCreate('ShopApi', 'AWS::Serverless::Api', {
          StageName: 'dev',
          Models: { Order: ORDER_MODEL },
          MethodSettings: [
            {
              ResourcePath: '/orders',
              HttpMethod: 'POST',
              ThrottlingRateLimit: 1000,
              ThrottlingBurstLimit: 1000,
            },
            { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: '0.001', ThrottlingBurstLimit: '3' },
          ],
        }),
        runtime,
      );
      apiId = created.ref;
      expect(apiId).toBe(localRestApiId('shop-ShopApi'));
      expect(created.attributes).toEqual({
        RootResourceId: `${apiId}-root`,
        Stage: 'dev',
        localUrl: runtime.apiBaseUrl,
      });
      expect(api.hasApi(apiId)).toBe(true);
    });

    it("turns a GatewayResponse's quoted header values and template into the API's response", async () => {
      const created = await createGatewayResponse(
        toCreate('InvalidBody', 'AWS::ApiGateway::GatewayResponse', {
          RestApiId: apiId,
          ResponseType: 'BAD_REQUEST_BODY',
          StatusCode: '422',
          ResponseParameters: {
            'gatewayresponse.header.Content-Type': "'application/problem+json'",
            'gatewayresponse.header.X-Reason': "'invalid'",
            'method.response.header.Ignored': "'x'",
          },
          ResponseTemplates: { 'application/json': '{"problems":"$context.error.validationErrorString"}' },
        }),
        runtime,
      );
      expect(created.ref).toBe('InvalidBody');
    });

    it('registers the function from its artifact with its settings, and routes its Api event', async () => {
      const created = await createServerlessFunction(
        toCreate('EchoFunction', 'AWS::Serverless::Function', {
          Handler: 'index.handler',
          Timeout: 7,
          MemorySize: '256',
          Environment: { Variables: { TABLE_NAME: 'orders', RETRIES: 3, ENABLED: true } },
          Events: {
            Post: {
              Type: 'Api',
              Properties: {
                RestApiId: apiId,
                Path: '/orders',
                Method: 'post',
                RequestModel: { Model: 'Order', Required: true },
              },
            },
            Nightly: { Type: 'Schedule', Properties: { Schedule: 'rate(1 day)' } },
          },
        }),
        runtime,
      );
      expect(created).toEqual({
        ref: 'shop-EchoFunction',
        attributes: { Arn: 'arn:aws:lambda:eu-west-1:111122223333:function:shop-EchoFunction' },
        generated: {},
        // Nothing to run: it has no SQS event.
        handles: [],
      });
      expect(functions.functions.find((fn) => fn.name === 'shop-EchoFunction')).toEqual({
        name: 'shop-EchoFunction',
        logicalId: 'EchoFunction',
        artifactDir: join(build.path, 'EchoFunction'),
        handler: 'index.handler',
        timeoutSeconds: 7,
        memoryMb: 256,
        arn: 'arn:aws:lambda:eu-west-1:111122223333:function:shop-EchoFunction',
        environment: { TABLE_NAME: 'orders', RETRIES: '3', ENABLED: 'true' },
      });
      expect(api.routeList).toContainEqual({
        method: 'POST',
        path: '/orders',
        functionName: 'shop-EchoFunction',
      });
      expect(runtime.notEmulated).toContain('Schedule event Nightly of EchoFunction');
    });

    it('serves the route with the model validation and the custom gateway response', async () => {
      const post = (body: string) =>
        fetch(new URL('orders', runtime.apiBaseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      const accepted = await post('{"id":"order-1"}');
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ stage: 'dev', env: 'orders', timeout: null });

      const refused = await post('{}');
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.headers.get('x-reason')).toBe('invalid');
      expect(await refused.text()).toBe('{"problems":"[id is required]"}');
    });

    it("throttles the API with the stage-wide method setting's rate and burst", async () => {
      // The burst of 3 includes the 2 requests of the previous test.
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        statuses.push(
          (await fetch(new URL('orders', runtime.apiBaseUrl), { method: 'POST', body: 'x' })).status,
        );
      }
      expect(statuses).toEqual([200, 429, 429]);
    });

    it('puts an Api event without RestApiId on the implicit API, stage Prod, created once', async () => {
      for (const [logicalId, path] of [
        ['Other', '/other'],
        ['Another', '/another'],
      ] as const) {
        await createServerlessFunction(
          toCreate(logicalId, 'AWS::Serverless::Function', {
            FunctionName: `custom-${logicalId}`,
            CodeUri: 'ignored',
            Handler: 'app.run',
            Events: { Get: { Type: 'Api', Properties: { Path: path, Method: 'get' } } },
          }),
          runtime,
        );
      }
      expect(api.hasApi(localRestApiId('shop-ServerlessRestApi'))).toBe(true);
      const response = await fetch(new URL('other', runtime.apiBaseUrl));
      expect(response.status).toBe(204);
      expect(functions.functions.find((fn) => fn.name === 'custom-Other')).toMatchObject({
        timeoutSeconds: 3,
        memoryMb: 128,
        environment: {},
      });
    });

    it('refuses a function whose artifact sam build has not produced', async () => {
      await expect(
        createServerlessFunction(
          toCreate('Unbuilt', 'AWS::Serverless::Function', { Handler: 'index.handler' }),
          runtime,
        ),
      ).rejects.toThrow('run `npm run build`');
    });
  });
  describe('apiAuthOf (SAM Auth of an AWS::Serverless::Api)', () => {
    it("gives each Cognito authorizer its pools' issuers, the Authorization header by default, and the API settings", () => {
      const auth = apiAuthOf(
        'ShopApi',
        {
          DefaultAuthorizer: 'Partners',
          ApiKeyRequired: 'true',
          Authorizers: {
            Partners: { UserPoolArn: POOL_ARN, AuthorizationScopes: ['checkout/orders.write'] },
            Custom: { UserPoolArn: [POOL_ARN], Identity: { Header: 'X-Token' } },
          },
        },
        runtime,
      );
      expect(auth).toEqual({
        defaultAuthorizer: 'Partners',
        apiKeyRequired: true,
        authorizers: {
          Partners: {
            issuers: [runtime.cognito.issuerOf(POOL_ID)],
            identityHeader: 'Authorization',
            keys: runtime.cognito.verificationKeys,
            scopes: ['checkout/orders.write'],
          },
          Custom: {
            issuers: [runtime.cognito.issuerOf(POOL_ID)],
            identityHeader: 'X-Token',
            keys: runtime.cognito.verificationKeys,
          },
        },
      });
    });

    it('gives nothing for an API without Auth', () => {
      expect(apiAuthOf('ShopApi', undefined, runtime)).toBeUndefined();
    });

    it('refuses a Lambda authorizer, and a user pool the local stack does not have', () => {
      expect(() =>
        apiAuthOf('ShopApi', { Authorizers: { Lambda: { FunctionArn: 'arn:aws:lambda:x' } } }, runtime),
      ).toThrow('Lambda: only Cognito user pool authorizers (UserPoolArn) are emulated locally');
      expect(() =>
        apiAuthOf('ShopApi', { Authorizers: { Elsewhere: { UserPoolArn: `${POOL_ARN}x` } } }, runtime),
      ).toThrow(`Elsewhere: ${POOL_ARN}x is not a user pool of the local stack`);
    });

    it("records SAM's own usage plan (Auth.UsagePlan) as not emulated", () => {
      apiAuthOf('PlannedApi', { UsagePlan: { CreateUsagePlan: 'PER_API' } }, runtime);
      expect(runtime.notEmulated).toContain('the usage plan SAM creates for PlannedApi (Auth.UsagePlan)');
    });
  });

  describe('the Auth of Api events', () => {
    it("protects an event's route with the API's default authorizer and key requirement unless the event opts out", async () => {
      const guarded = await createServerlessApi(
        toCreate('GuardedApi', 'AWS::Serverless::Api', {
          StageName: 'v1',
          Auth: {
            DefaultAuthorizer: 'Partners',
            ApiKeyRequired: true,
            Authorizers: { Partners: { UserPoolArn: POOL_ARN } },
          },
        }),
        runtime,
      );
      await createServerlessFunction(
        toCreate('Guarded', 'AWS::Serverless::Function', {
          Handler: 'app.run',
          Events: {
            Default: { Type: 'Api', Properties: { RestApiId: guarded.ref, Path: '/default', Method: 'get' } },
            Scoped: {
              Type: 'Api',
              Properties: {
                RestApiId: guarded.ref,
                Path: '/scoped',
                Method: 'post',
                Auth: { AuthorizationScopes: ['checkout/orders.write'], ApiKeyRequired: false },
              },
            },
            Open: {
              Type: 'Api',
              Properties: {
                RestApiId: guarded.ref,
                Path: '/open',
                Method: 'get',
                Auth: { Authorizer: 'NONE', ApiKeyRequired: false },
              },
            },
          },
        }),
        runtime,
      );
      expect(api.routeList.filter((route) => route.functionName === 'shop-Guarded')).toEqual([
        {
          method: 'GET',
          path: '/default',
          functionName: 'shop-Guarded',
          requires: 'Partners (Cognito), API key',
        },
        {
          method: 'POST',
          path: '/scoped',
          functionName: 'shop-Guarded',
          requires: 'Partners (Cognito) scope checkout/orders.write',
          scopes: ['checkout/orders.write'],
        },
        { method: 'GET', path: '/open', functionName: 'shop-Guarded' },
      ]);
      expect((await fetch(new URL('default', runtime.apiBaseUrl))).status).toBe(401);
      expect((await fetch(new URL('open', runtime.apiBaseUrl))).status).toBe(204);
    });

    it('refuses an event naming an authorizer the API does not have', async () => {
      const plain = await createServerlessApi(
        toCreate('PlainApi', 'AWS::Serverless::Api', { StageName: 'v1' }),
        runtime,
      );
      await expect(
        createServerlessFunction(
          toCreate('Guarded', 'AWS::Serverless::Function', {
            FunctionName: 'guarded-again',
            Handler: 'app.run',
            Events: {
              Post: {
                Type: 'Api',
                Properties: {
                  RestApiId: plain.ref,
                  Path: '/x',
                  Method: 'post',
                  Auth: { Authorizer: 'Partners' },
                },
              },
            },
          }),
          runtime,
        ),
      ).rejects.toThrow('POST /x of API PlainApi: Partners: no such authorizer');
    });
  });
});
