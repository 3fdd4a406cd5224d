// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { RestApiServer } from '../../../../local/api/rest-api-server';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { LocalCognito } from '../../../../local/cognito/local-cognito';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { PROJECT_ROOT } from '../../../../local/paths';
import { type DeployedStack, deployStack } from '../../../../local/stack/deploy-stack';
import {
  describeLocalStack,
  firstPartner,
  type LocalPartner,
  type LocalStack,
  partnerHandle,
  partnerOutputs,
} from '../../../../local/stack/local-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  recordingLog,
  writeFile,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

/**
 * Partners the way the root template declares them: Fn::ForEach over a Partners parameter making an app
 * client (client credentials), an API key and a usage plan each; an API whose Cognito authorizer requires
 * the write scope and an API key.
 */
const TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Partners: { Type: CommaDelimitedList, Default: 'Acme,Globex' }
  DailyQuota: { Type: Number, Default: 3 }
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: !Sub \${AWS::StackName}-partners
  PoolDomain:
    Type: AWS::Cognito::UserPoolDomain
    Properties:
      UserPoolId: !Ref Pool
      Domain: !Sub
        - shop-\${Id}
        - Id: !Select [2, !Split ['/', !Ref AWS::StackId]]
  OrdersServer:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties:
      UserPoolId: !Ref Pool
      Identifier: orders
      Name: Orders
      Scopes:
        - { ScopeName: write, ScopeDescription: Post orders }
        - { ScopeName: read, ScopeDescription: Read orders }
  ReaderClient:
    Type: AWS::Cognito::UserPoolClient
    DependsOn: OrdersServer
    Properties:
      UserPoolId: !Ref Pool
      ClientName: Reader
      GenerateSecret: true
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthFlows: [client_credentials]
      AllowedOAuthScopes: [orders/read]
  Fn::ForEach::Partners:
    - Partner
    - !Ref Partners
    - PartnerClient\${Partner}:
        Type: AWS::Cognito::UserPoolClient
        DependsOn: OrdersServer
        Properties:
          UserPoolId: !Ref Pool
          ClientName: !Ref Partner
          GenerateSecret: true
          AllowedOAuthFlowsUserPoolClient: true
          AllowedOAuthFlows: [client_credentials]
          AllowedOAuthScopes: [orders/write]
      PartnerKey\${Partner}:
        Type: AWS::ApiGateway::ApiKey
        Properties:
          Name: !Sub \${AWS::StackName}-\${Partner}
          Enabled: true
      PartnerPlan\${Partner}:
        Type: AWS::ApiGateway::UsagePlan
        Properties:
          ApiStages:
            - ApiId: !Ref Api
              Stage: !Ref Api.Stage
          Throttle: { RateLimit: 100, BurstLimit: 100 }
          Quota: { Limit: !Ref DailyQuota, Period: DAY }
      PartnerPlanKey\${Partner}:
        Type: AWS::ApiGateway::UsagePlanKey
        Properties:
          KeyId: !GetAtt [!Sub 'PartnerKey\${Partner}', APIKeyId]
          KeyType: API_KEY
          UsagePlanId: !GetAtt [!Sub 'PartnerPlan\${Partner}', Id]
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        DefaultAuthorizer: Partners
        ApiKeyRequired: true
        Authorizers:
          Partners:
            UserPoolArn: !GetAtt Pool.Arn
            Identity: { Header: Authorization }
  Unauthorized:
    Type: AWS::ApiGateway::GatewayResponse
    Properties:
      RestApiId: !Ref Api
      ResponseType: UNAUTHORIZED
      StatusCode: '401'
      ResponseParameters:
        gatewayresponse.header.WWW-Authenticate: "'Bearer'"
      ResponseTemplates:
        application/json: '{"message":"Unauthorized","errors":["A valid access token is required"]}'
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          Fn::ForEach::ClientIds:
            - Partner
            - !Ref Partners
            - PARTNER_CLIENT_ID_\${Partner}: !GetAtt [!Sub 'PartnerClient\${Partner}', ClientId]
      Events:
        Post:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /orders
            Method: post
            Auth:
              Authorizer: Partners
              AuthorizationScopes: [orders/write]
              ApiKeyRequired: true
        Health:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /health
            Method: get
            Auth: { Authorizer: NONE, ApiKeyRequired: false }
Outputs:
  ApiUrl:
    Value: !Sub https://\${Api}.execute-api.\${AWS::Region}.amazonaws.com/\${Api.Stage}/
  TokenUrl:
    Value: !Sub https://\${PoolDomain}.auth.\${AWS::Region}.amazoncognito.com/oauth2/token
  WriteScope:
    Value: !Sub \${OrdersServer}/write
  Fn::ForEach::ClientOutputs:
    - Partner
    - !Ref Partners
    - ClientId\${Partner}:
        Value: !GetAtt [!Sub 'PartnerClient\${Partner}', ClientId]
`;

/** Echoes what API Gateway handed over: the authorizer's claims, the key's identity, the partner ids. */
const ORDERS_HANDLER = `export const handler = async (event) => ({
  statusCode: event.path === '/health' ? 200 : 202,
  body: JSON.stringify({
    authorizer: event.requestContext.authorizer,
    apiKey: event.requestContext.identity.apiKey ?? null,
    apiKeyId: event.requestContext.identity.apiKeyId ?? null,
    partners: { Acme: process.env.PARTNER_CLIENT_ID_Acme, Globex: process.env.PARTNER_CLIENT_ID_Globex },
  }),
});`;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('partners through deployStack: Fn::ForEach, Cognito, the authorizer, API keys and usage plans', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('partners-stack');
  const log = recordingLog();
  let runtime: LocalRuntime;
  let stack: DeployedStack;
  let acme: LocalPartner;
  const secretOf = async (logicalId: string) => {
    const clientId = stack.resources.get(logicalId)?.ref as string;
    const userPoolId = stack.resources.get('Pool')?.ref as string;
    const { UserPoolClient: client } = await runtime.clients.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
    );
    return { id: clientId, secret: client?.ClientSecret as string };
  };
  const tokenFor = async ({ id, secret }: { id: string; secret: string }) => {
    const response = await fetch(stack.outputs.TokenUrl as string, {
      method: 'POST',
      headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const keyOf = (logicalId: string) =>
    runtime.api.usagePlans.keyById(stack.resources.get(logicalId)?.ref as string)?.value as string;
  const postOrder = (headers: Record<string, string>) =>
    fetch(`${stack.outputs.ApiUrl}orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"id":"order-1"}',
    });

  beforeAll(async () => {
    writeFile(dir.path, 'build/Orders/index.mjs', ORDERS_HANDLER);
    const clients = awsClients(moto.clientConfig());
    const functions = new FunctionHost(moto.environment(), dir.path);
    const api = new RestApiServer(functions, log);
    runtime = aLocalRuntime({
      clients,
      functions,
      api,
      apiBaseUrl: await api.listen('127.0.0.1', 0),
      cognito: new LocalCognito(clients.cognito, log),
      log,
    });
    await runtime.cognito.listen('127.0.0.1', 0);
    stack = await deployStack(
      {
        templatePath: writeFile(dir.path, 'template.yaml', TEMPLATE),
        stackName: 'shop',
        pseudo: {
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT_ID,
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: `${dir.path}/build`,
      },
      runtime,
    );
    acme = (await firstPartner(stack, runtime)) as LocalPartner;
  });

  afterAll(async () => {
    await Promise.all([runtime.api.close(), runtime.cognito.close()]);
    await runtime.functions.stop();
    dir.remove();
  });

  describe('the stack', () => {
    it('makes the resources of every partner, in the order of the Partners parameter', () => {
      const declared = stack.declared.map(({ logicalId }) => logicalId);
      expect(declared.filter((id) => id.startsWith('PartnerClient'))).toEqual([
        'PartnerClientAcme',
        'PartnerClientGlobex',
      ]);
      expect(declared).toEqual(
        expect.arrayContaining(['PartnerKeyGlobex', 'PartnerPlanGlobex', 'PartnerPlanKeyGlobex']),
      );
    });

    it('gives the outputs their local values: the local token URL, the scope, each partner client id', () => {
      expect(stack.outputs).toEqual({
        ApiUrl: runtime.apiBaseUrl,
        TokenUrl: `${runtime.cognito.url}/oauth2/token`,
        WriteScope: 'orders/write',
        ClientIdAcme: stack.resources.get('PartnerClientAcme')?.ref,
        ClientIdGlobex: stack.resources.get('PartnerClientGlobex')?.ref,
      });
    });

    it('hands the function the client id of every partner (a loop in Environment.Variables)', () => {
      expect(runtime.functions.functions.find((fn) => fn.logicalId === 'Orders')?.environment).toEqual({
        PARTNER_CLIENT_ID_Acme: stack.outputs.ClientIdAcme,
        PARTNER_CLIENT_ID_Globex: stack.outputs.ClientIdGlobex,
      });
    });

    it('takes the first partner for the banner: its client, secret and API key of 40 characters', async () => {
      const { secret } = await secretOf('PartnerClientAcme');
      expect(acme).toEqual({
        name: 'Acme',
        clientId: stack.outputs.ClientIdAcme,
        clientSecret: secret,
        scopes: ['orders/write'],
        apiKey: keyOf('PartnerKeyAcme'),
      });
      expect(acme.apiKey).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(keyOf('PartnerKeyGlobex')).not.toBe(acme.apiKey);
    });

    it("writes the first partner's name and local credentials into outputs.json, nothing for no partner", async () => {
      const { secret } = await secretOf('PartnerClientAcme');
      expect(partnerOutputs(acme)).toEqual({
        PartnerId: 'Acme',
        PartnerClientId: stack.outputs.ClientIdAcme,
        PartnerClientSecret: secret,
        PartnerApiKey: keyOf('PartnerKeyAcme'),
      });
      expect(partnerOutputs(undefined)).toEqual({});
    });

    it('lists the route with what it requires', () => {
      expect(runtime.api.routeList).toContainEqual({
        method: 'POST',
        path: '/orders',
        functionName: 'shop-Orders',
        requires: 'Partners (Cognito) scope orders/write, API key',
        scopes: ['orders/write'],
      });
    });
  });

  describe('POST /orders', () => {
    it('answers 401 with the UNAUTHORIZED gateway response to a request without a token', async () => {
      const response = await postOrder({ 'x-api-key': keyOf('PartnerKeyAcme') });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(response.headers.get('x-amzn-errortype')).toBe('UNAUTHORIZED');
      expect(await response.json()).toEqual({
        message: 'Unauthorized',
        errors: ['A valid access token is required'],
      });
    });

    it('answers 401 to a token that is not one of the pool', async () => {
      const response = await postOrder({
        authorization: 'Bearer abc.def.ghi',
        'x-api-key': keyOf('PartnerKeyAcme'),
      });
      expect(response.status).toBe(401);
    });

    it('answers 403 ACCESS_DENIED to a valid token without the write scope', async () => {
      const token = await tokenFor(await secretOf('ReaderClient'));
      const response = await postOrder({
        authorization: `Bearer ${token}`,
        'x-api-key': keyOf('PartnerKeyAcme'),
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('ACCESS_DENIED');
      expect(await response.json()).toEqual({ message: 'User is not authorized to access this resource' });
    });

    it('answers 403 Forbidden (INVALID_API_KEY) to a valid token without a key, or with an unknown key', async () => {
      const token = await tokenFor(await secretOf('PartnerClientAcme'));
      const withoutOrUnknownKey: Record<string, string>[] = [
        {},
        { 'x-api-key': 'NotAKeyOfThisStackNotAKeyOfThisStack0000' },
      ];
      for (const headers of withoutOrUnknownKey) {
        const response = await postOrder({ authorization: `Bearer ${token}`, ...headers });
        expect(response.status).toBe(403);
        expect(response.headers.get('x-amzn-errortype')).toBe('INVALID_API_KEY');
        expect(await response.json()).toEqual({ message: 'Forbidden' });
      }
    });

    it("passes a partner's request to the function with the token's claims and the key's identity", async () => {
      const token = await tokenFor(await secretOf('PartnerClientAcme'));
      const response = await postOrder({
        authorization: `Bearer ${token}`,
        'x-api-key': keyOf('PartnerKeyAcme'),
      });
      expect(response.status).toBe(202);
      const seen = (await response.json()) as {
        authorizer: { claims: Record<string, string> };
        apiKey: string;
        apiKeyId: string;
        partners: Record<string, string>;
      };
      expect(seen.authorizer.claims).toMatchObject({
        client_id: stack.outputs.ClientIdAcme,
        sub: stack.outputs.ClientIdAcme,
        token_use: 'access',
        scope: 'orders/write',
        iss: `${runtime.cognito.url}/${stack.resources.get('Pool')?.ref}`,
        version: '2',
        exp: expect.stringMatching(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/),
      });
      expect(seen.partners.Acme).toBe(seen.authorizer.claims.client_id);
      expect(seen.apiKey).toBe(keyOf('PartnerKeyAcme'));
      expect(seen.apiKeyId).toBe(stack.resources.get('PartnerKeyAcme')?.ref);
    });

    it("answers 429 Limit Exceeded once a partner's daily quota is spent, other partners unaffected", async () => {
      const token = await tokenFor(await secretOf('PartnerClientGlobex'));
      const statuses: number[] = [];
      for (let request = 0; request < 4; request += 1) {
        statuses.push(
          (await postOrder({ authorization: `Bearer ${token}`, 'x-api-key': keyOf('PartnerKeyGlobex') }))
            .status,
        );
      }
      expect(statuses).toEqual([202, 202, 202, 429]);
      const spent = await postOrder({
        authorization: `Bearer ${token}`,
        'x-api-key': keyOf('PartnerKeyGlobex'),
      });
      expect(spent.headers.get('x-amzn-errortype')).toBe('QUOTA_EXCEEDED');
      expect(await spent.json()).toEqual({ message: 'Limit Exceeded' });
      const acmeToken = await tokenFor(await secretOf('PartnerClientAcme'));
      const other = await postOrder({
        authorization: `Bearer ${acmeToken}`,
        'x-api-key': keyOf('PartnerKeyAcme'),
      });
      expect(other.status).toBe(202);
    });

    it('never writes a token or a key into the access log, one line per request', () => {
      const apiLines = log.lines.filter((line) => line.component === 'api').map((line) => line.message);
      expect(apiLines).toContainEqual(
        expect.stringMatching(/^POST \/orders 401 \d+ ms UNAUTHORIZED \(no token\)$/),
      );
      expect(apiLines).toContainEqual(
        expect.stringMatching(/^POST \/orders 403 \d+ ms ACCESS_DENIED \(the token lacks the scope\)$/),
      );
      const text = log.text();
      expect(text).not.toContain('eyJ');
      expect(text).not.toContain(keyOf('PartnerKeyAcme'));
      expect(text).not.toContain(keyOf('PartnerKeyGlobex'));
    });
  });

  it('lets GET /health, with Authorizer NONE and no key required, through without either', async () => {
    const response = await fetch(`${stack.outputs.ApiUrl}health`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { authorizer: unknown }).authorizer).toBeNull();
  });

  it('prints, in the start-up banner, commands that get a token and post an order as the first partner', async () => {
    // startLocalStack registers the first partner's handle once the stack is up: its lines in the banner.
    runtime.handles.add(partnerHandle(acme));
    const localStack = {
      outputs: stack.outputs,
      outputsFile: `${dir.path}/outputs.json`,
      stack,
      runtime,
      moto: moto.server,
      partner: acme,
      stop: async () => undefined,
    } as LocalStack;
    const banner = describeLocalStack(localStack, {
      stackName: 'shop',
      region: LOCAL_REGION,
      retryDelaySeconds: 1,
      stateDir: dir.path,
    } as Parameters<typeof describeLocalStack>[1]);
    expect(banner).toContain(
      '  Partner           Acme: name, client id, secret and API key in outputs.json (PartnerId, PartnerClientId, PartnerClientSecret, PartnerApiKey)',
    );
    expect(banner).toContain('aws apigateway get-api-key finds no key locally');
    const commands = banner
      .split('\n')
      .filter((line) => line.startsWith('  TOKEN=') || line.startsWith('  curl '))
      .map((line) => line.trim());
    expect(commands).toHaveLength(2);
    expect(commands[0]).toContain(
      `-u '${acme.clientId}:${acme.clientSecret}' -d grant_type=client_credentials -d scope=orders/write ${runtime.cognito.tokenUrl}`,
    );
    expect(commands[1]).toContain(`-H "Authorization: Bearer $TOKEN" -H 'x-api-key: ${acme.apiKey}'`);
    // Run as a user would paste them (asynchronously: the servers answering them run in this process).
    const { stdout } = await promisify(execFile)(
      'bash',
      ['-c', `${commands[0]} && ${commands[1]} -w ' %{http_code}'`],
      {
        cwd: PROJECT_ROOT,
        timeout: 30_000,
      },
    );
    expect(stdout).toMatch(/ 202$/);
  });
});
