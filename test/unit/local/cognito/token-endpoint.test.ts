import {
  type AppClient,
  accessTokenValiditySeconds,
  handleTokenRequest,
  type TokenRequest,
} from '../../../../local/cognito/token-endpoint';

const PARTNER: AppClient = {
  UserPoolId: 'eu-west-1_pool',
  ClientId: 'partnerclient0001',
  ClientName: 'Acme',
  ClientSecret: 'the-secret-of-acme',
  AllowedOAuthFlows: ['client_credentials'],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthScopes: ['checkout/orders.write', 'checkout/orders.read'],
  AccessTokenValidity: 60,
  TokenValidityUnits: { AccessToken: 'minutes' },
};

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('handleTokenRequest (the client credentials grant of a Cognito token endpoint)', () => {
  let clients: AppClient[];
  let issued: { clientId: string; scopes: string[]; validitySeconds: number }[];

  beforeEach(() => {
    clients = [PARTNER];
    issued = [];
  });

  const tokenRequest = (request: Partial<TokenRequest> & { form?: Record<string, string> }) =>
    handleTokenRequest(
      {
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        authorization: basic(PARTNER.ClientId, 'the-secret-of-acme'),
        body: new URLSearchParams(request.form ?? { grant_type: 'client_credentials' }).toString(),
        ...request,
      },
      {
        findClient: async (clientId) => clients.find((client) => client.ClientId === clientId),
        issueAccessToken: async (client, scopes, validitySeconds) => {
          issued.push({ clientId: client.ClientId, scopes, validitySeconds });
          return 'signed.access.token';
        },
      },
    );

  it('answers 200 with the access token, its lifetime in seconds and the Bearer type, nothing else', async () => {
    const response = await tokenRequest({
      form: { grant_type: 'client_credentials', scope: 'checkout/orders.write' },
    });
    expect(response).toEqual({
      status: 200,
      body: { access_token: 'signed.access.token', expires_in: 3600, token_type: 'Bearer' },
      clientId: PARTNER.ClientId,
    });
    expect(issued).toEqual([
      { clientId: PARTNER.ClientId, scopes: ['checkout/orders.write'], validitySeconds: 3600 },
    ]);
  });

  it("grants every custom scope the client is allowed when the request names none, Cognito's default", async () => {
    await tokenRequest({ form: { grant_type: 'client_credentials' } });
    expect(issued[0]?.scopes).toEqual(['checkout/orders.write', 'checkout/orders.read']);
  });

  it('takes several scopes separated by spaces, each once', async () => {
    await tokenRequest({
      form: {
        grant_type: 'client_credentials',
        scope: 'checkout/orders.read  checkout/orders.read checkout/orders.write',
      },
    });
    expect(issued[0]?.scopes).toEqual(['checkout/orders.read', 'checkout/orders.write']);
  });

  it('authenticates a client that sends its id and secret in the body (client_secret_post)', async () => {
    const response = await tokenRequest({
      authorization: undefined,
      form: {
        grant_type: 'client_credentials',
        client_id: PARTNER.ClientId,
        client_secret: 'the-secret-of-acme',
      },
    });
    expect(response.status).toBe(200);
  });

  it('accepts the client id in the body beside HTTP Basic authentication when they agree', async () => {
    const response = await tokenRequest({
      form: { grant_type: 'client_credentials', client_id: PARTNER.ClientId },
    });
    expect(response.status).toBe(200);
  });

  it.each([
    ['a wrong secret', { authorization: basic(PARTNER.ClientId, 'not-the-secret') }],
    ['an unknown client', { authorization: basic('someoneelse0001', 'the-secret-of-acme') }],
    ['no client authentication at all', { authorization: undefined }],
    ['an Authorization header that is not Basic', { authorization: 'Bearer abc' }],
    [
      'Basic credentials without a colon',
      { authorization: `Basic ${Buffer.from('justanid').toString('base64')}` },
    ],
    [
      'a client id in the body other than the authenticated one',
      { form: { grant_type: 'client_credentials', client_id: 'someoneelse0001' } },
    ],
    [
      'a client id in the body without the secret the client has',
      { authorization: undefined, form: { grant_type: 'client_credentials', client_id: PARTNER.ClientId } },
    ],
  ])('answers 400 invalid_client for %s, issuing nothing', async (_, request) => {
    const response = await tokenRequest(request);
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(issued).toEqual([]);
  });

  it.each([
    [
      'a body that is not form-encoded',
      { contentType: 'application/json', body: '{"grant_type":"client_credentials"}' },
    ],
    ['no grant_type', { form: { scope: 'checkout/orders.write' } }],
    ['a parameter given twice', { body: 'grant_type=client_credentials&grant_type=client_credentials' }],
    [
      'HTTP Basic authentication and a client_secret in the body at once',
      { form: { grant_type: 'client_credentials', client_secret: 'the-secret-of-acme' } },
    ],
  ])('answers 400 invalid_request for %s', async (_, request) => {
    expect(await tokenRequest(request)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(issued).toEqual([]);
  });

  it('answers 405 to a method other than POST', async () => {
    expect(await tokenRequest({ method: 'GET' })).toMatchObject({
      status: 405,
      body: { error: 'invalid_request' },
    });
  });

  it('answers 400 unsupported_grant_type to a grant type Cognito does not know', async () => {
    const response = await tokenRequest({ form: { grant_type: 'password' } });
    expect(response).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
  });

  it('answers 400 unauthorized_client to a code or refresh grant for a client credentials client', async () => {
    for (const grantType of ['authorization_code', 'refresh_token']) {
      const response = await tokenRequest({ form: { grant_type: grantType, code: 'x', refresh_token: 'y' } });
      expect(response).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    }
  });

  it('answers 400 invalid_grant to a code a code-grant client never got (there is no authorize endpoint locally)', async () => {
    clients = [{ ...PARTNER, AllowedOAuthFlows: ['code'] }];
    const response = await tokenRequest({ form: { grant_type: 'authorization_code', code: 'made-up' } });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('answers 400 unauthorized_client to client credentials for a client not allowed that grant', async () => {
    clients = [{ ...PARTNER, AllowedOAuthFlows: ['code'] }];
    expect(await tokenRequest({})).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  it('answers 400 invalid_grant when the client has its OAuth settings off (AllowedOAuthFlowsUserPoolClient)', async () => {
    clients = [{ ...PARTNER, AllowedOAuthFlowsUserPoolClient: false }];
    expect(await tokenRequest({})).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it.each([
    ['a scope the client is not allowed', 'checkout/orders.delete'],
    ['one allowed scope beside one that is not', 'checkout/orders.write checkout/refunds.write'],
    ['a standard scope, which client credentials never grant', 'openid'],
  ])('answers 400 invalid_scope for %s, issuing nothing', async (_, scope) => {
    const response = await tokenRequest({ form: { grant_type: 'client_credentials', scope } });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(issued).toEqual([]);
  });

  it('answers 400 invalid_scope when the client is allowed no custom scope at all', async () => {
    clients = [{ ...PARTNER, AllowedOAuthScopes: ['openid'] }];
    expect(await tokenRequest({})).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });
});

describe('accessTokenValiditySeconds', () => {
  it('reads AccessTokenValidity in the unit TokenValidityUnits gives', () => {
    expect(
      accessTokenValiditySeconds({
        ...PARTNER,
        AccessTokenValidity: 90,
        TokenValidityUnits: { AccessToken: 'seconds' },
      }),
    ).toBe(90);
    expect(
      accessTokenValiditySeconds({
        ...PARTNER,
        AccessTokenValidity: 5,
        TokenValidityUnits: { AccessToken: 'minutes' },
      }),
    ).toBe(300);
    expect(
      accessTokenValiditySeconds({
        ...PARTNER,
        AccessTokenValidity: 1,
        TokenValidityUnits: { AccessToken: 'days' },
      }),
    ).toBe(86_400);
  });

  it("takes hours, Cognito's default unit, when the client gives none, and one hour when it gives no validity", () => {
    expect(
      accessTokenValiditySeconds({ ...PARTNER, AccessTokenValidity: 2, TokenValidityUnits: undefined }),
    ).toBe(7200);
    expect(accessTokenValiditySeconds({ ...PARTNER, AccessTokenValidity: undefined })).toBe(3600);
  });
});
