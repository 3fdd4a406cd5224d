import {
  CreateResourceServerCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolClientCommand,
  UpdateUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { LocalCognito } from '../../../../local/cognito/local-cognito';
import { FunctionHost } from '../../../../local/lambda/function-host';
import {
  createUserPool,
  createUserPoolClient,
  createUserPoolDomain,
  createUserPoolResourceServer,
} from '../../../../local/provisioners/cognito';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import { aLocalRuntime, awsClients, makeTempDir, recordingLog } from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'auth' });

const toCreate = (logicalId: string, type: string, properties: Record<string, unknown>) =>
  aResourceToCreate(logicalId, type, properties, stack);

const WRITE = 'checkout/orders.write';
const READ = 'checkout/orders.read';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('the local Cognito token endpoint and issuer, for pools created in moto', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('local-cognito');
  const log = recordingLog();
  let runtime: LocalRuntime;
  let userPoolId = '';
  let partner: { id: string; secret: string };

  const requestToken = (form: Record<string, string>, authorization?: string) =>
    fetch(runtime.cognito.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body: new URLSearchParams(form),
    });

  beforeAll(async () => {
    const clients = awsClients(moto.clientConfig());
    runtime = aLocalRuntime({
      clients,
      functions: new FunctionHost(moto.environment(), dir.path),
      cognito: new LocalCognito(clients.cognito, log),
    });
    await runtime.cognito.listen('127.0.0.1', 0);

    // A pool with a resource server, a domain and a client credentials client, made by the provisioners.
    userPoolId = (
      await createUserPool(
        toCreate('Partners', 'AWS::Cognito::UserPool', { UserPoolName: 'auth-partners' }),
        runtime,
      )
    ).ref;
    await createUserPoolResourceServer(
      toCreate('Checkout', 'AWS::Cognito::UserPoolResourceServer', {
        UserPoolId: userPoolId,
        Identifier: 'checkout',
        Name: 'Checkout API',
        Scopes: [{ ScopeName: 'orders.write' }, { ScopeName: 'orders.read' }],
      }),
      runtime,
    );
    await createUserPoolDomain(
      toCreate('Domain', 'AWS::Cognito::UserPoolDomain', {
        UserPoolId: userPoolId,
        Domain: 'checkout-local',
      }),
      runtime,
    );
    const client = await createUserPoolClient(
      toCreate('PartnerClientAcme', 'AWS::Cognito::UserPoolClient', {
        UserPoolId: userPoolId,
        ClientName: 'Acme',
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [WRITE],
        AccessTokenValidity: '15',
        TokenValidityUnits: { AccessToken: 'minutes' },
      }),
      runtime,
    );
    partner = { id: client.ref, secret: String(client.attributes.ClientSecret) };
  });

  afterAll(async () => {
    await runtime.cognito.close();
    await runtime.functions.stop();
    dir.remove();
  });

  describe('the token endpoint', () => {
    it("issues an access token whose header and claims are a Cognito client credentials token's", async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await requestToken(
        { grant_type: 'client_credentials', scope: WRITE },
        basic(partner.id, partner.secret),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as {
        access_token: string;
        expires_in: number;
        token_type: string;
      };
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(body).toMatchObject({ expires_in: 900, token_type: 'Bearer' });

      const issuer = `${runtime.cognito.url}/${userPoolId}`;
      const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, { issuer });
      expect(protectedHeader).toEqual({ alg: 'RS256', kid: expect.any(String) });
      expect(Object.keys(payload)).toEqual([
        'sub',
        'token_use',
        'scope',
        'auth_time',
        'iss',
        'exp',
        'iat',
        'version',
        'jti',
        'client_id',
      ]);
      expect(payload).toMatchObject({
        sub: partner.id,
        client_id: partner.id,
        token_use: 'access',
        scope: WRITE,
        iss: issuer,
        version: 2,
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(payload.auth_time).toBe(payload.iat);
      expect(payload.exp).toBe((payload.iat as number) + 900);
    });

    it('gives a new token, with its own jti, on every request', async () => {
      const tokens = await Promise.all(
        [1, 2].map(async () => {
          const response = await requestToken(
            { grant_type: 'client_credentials' },
            basic(partner.id, partner.secret),
          );
          return ((await response.json()) as { access_token: string }).access_token;
        }),
      );
      expect(tokens[0]).not.toBe(tokens[1]);
      expect(decodeProtectedHeader(tokens[0] as string).kid).toBe(
        decodeProtectedHeader(tokens[1] as string).kid,
      );
    });

    it.each([
      [
        'invalid_client for a wrong secret',
        () => requestToken({ grant_type: 'client_credentials' }, basic(partner.id, `${partner.secret}x`)),
        'invalid_client',
      ],
      [
        'unsupported_grant_type for a grant type Cognito does not know',
        () =>
          requestToken(
            { grant_type: 'password', username: 'a', password: 'b' },
            basic(partner.id, partner.secret),
          ),
        'unsupported_grant_type',
      ],
      [
        'invalid_scope for a scope the client is not allowed',
        () =>
          requestToken({ grant_type: 'client_credentials', scope: READ }, basic(partner.id, partner.secret)),
        'invalid_scope',
      ],
    ])('answers 400 %s', async (_, send, error) => {
      const response = await send();
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error });
    });

    it('reads the client from moto on each request: a scope allowed later is granted', async () => {
      await runtime.clients.cognito.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientId: partner.id,
          AllowedOAuthScopes: [WRITE, READ],
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthFlowsUserPoolClient: true,
        }),
      );
      const response = await requestToken(
        { grant_type: 'client_credentials', scope: READ },
        basic(partner.id, partner.secret),
      );
      expect(response.status).toBe(200);
    });

    it('answers invalid_client for a client deleted from moto since (ResourceNotFoundException)', async () => {
      const gone = await createUserPoolClient(
        toCreate('PartnerClientGone', 'AWS::Cognito::UserPoolClient', {
          UserPoolId: userPoolId,
          ClientName: 'Gone',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: [WRITE],
        }),
        runtime,
      );
      await runtime.clients.cognito.send(
        new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: gone.ref }),
      );
      const response = await requestToken(
        { grant_type: 'client_credentials' },
        basic(gone.ref, String(gone.attributes.ClientSecret)),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: 'invalid_client' });
    });

    it('issues tokens to a client made in moto since the stack started, in any pool that has a domain', async () => {
      const cognito = runtime.clients.cognito;
      const { UserPool } = await cognito.send(new CreateUserPoolCommand({ PoolName: 'made-later' }));
      const laterPoolId = UserPool?.Id as string;
      await cognito.send(
        new CreateResourceServerCommand({
          UserPoolId: laterPoolId,
          Identifier: 'reports',
          Name: 'reports',
          Scopes: [{ ScopeName: 'read', ScopeDescription: 'read reports' }],
        }),
      );
      const { UserPoolClient: later } = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: laterPoolId,
          ClientName: 'MadeLater',
          GenerateSecret: true,
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['reports/read'],
        }),
      );
      const credentials = basic(later?.ClientId as string, later?.ClientSecret as string);

      const withoutDomain = await requestToken({ grant_type: 'client_credentials' }, credentials);
      await cognito.send(new CreateUserPoolDomainCommand({ UserPoolId: laterPoolId, Domain: 'made-later' }));
      const withDomain = await requestToken({ grant_type: 'client_credentials' }, credentials);

      expect(withoutDomain.status).toBe(400);
      expect(await withoutDomain.json()).toEqual({ error: 'invalid_client' });
      expect(withDomain.status).toBe(200);
      const { access_token } = (await withDomain.json()) as { access_token: string };
      const { payload } = await jwtVerify(access_token, runtime.cognito.verificationKeys, {
        issuer: runtime.cognito.issuerOf(laterPoolId),
      });
      expect(payload).toMatchObject({ client_id: later?.ClientId, scope: 'reports/read' });
    });

    it('logs one line per request, naming the client but neither its secret nor the token', () => {
      const text = log.text();
      expect(text).toContain(`POST /oauth2/token 200 access token issued (client ${partner.id})`);
      expect(text).toContain(`POST /oauth2/token 400 invalid_client (client ${partner.id})`);
      expect(text).not.toContain(partner.secret);
      expect(text).not.toContain('eyJ');
    });

    it("serves the pool's OpenID configuration, and 404 for a pool it does not know", async () => {
      const issuer = `${runtime.cognito.url}/${userPoolId}`;
      const configuration = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(await configuration.json()).toMatchObject({
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        token_endpoint: runtime.cognito.tokenUrl,
      });
      const unknown = await fetch(`${runtime.cognito.url}/${LOCAL_REGION}_nopool/.well-known/jwks.json`);
      expect(unknown.status).toBe(404);
    });
  });
});
