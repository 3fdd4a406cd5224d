import {
  type CryptoKey,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
} from 'jose';
import {
  apiGatewayClaimTime,
  authorizeWithCognito,
  type CognitoAuthorizer,
} from '../../../../local/api/cognito-authorizer';

const ISSUER = 'http://127.0.0.1:4100/eu-west-1_partners';
const OTHER_POOL = 'http://127.0.0.1:4100/eu-west-1_others';
const SCOPE = 'checkout/orders.write';
const NOW = 1_800_000_000;

describe('authorizeWithCognito (API Gateway Cognito user pool authorizer)', () => {
  let poolKey: CryptoKey;
  let strangerKey: CryptoKey;
  let authorizer: CognitoAuthorizer;

  beforeAll(async () => {
    const pool = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    poolKey = pool.privateKey;
    strangerKey = stranger.privateKey;
    const jwk = { ...(await exportJWK(pool.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' };
    authorizer = {
      issuers: [ISSUER],
      identityHeader: 'Authorization',
      keys: createLocalJWKSet({ keys: [jwk] }),
    };
  });

  /** A Cognito client credentials access token, with `claims` changed or added. */
  const token = (claims: JWTPayload = {}, { key = poolKey, kid = 'pool-key' } = {}) =>
    new SignJWT({
      sub: 'partnerclient0001',
      token_use: 'access',
      scope: SCOPE,
      auth_time: NOW - 10,
      iss: ISSUER,
      exp: NOW + 3600,
      iat: NOW - 10,
      version: 2,
      jti: 'a3b1c2d4-0000-4000-8000-000000000001',
      client_id: 'partnerclient0001',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(key);

  const decide = async (identity: string | undefined, scopes: string[] = [SCOPE]) =>
    authorizeWithCognito(identity, authorizer, scopes, new Date(NOW * 1000));

  it('lets a valid access token with the scope through, with its claims as strings as API Gateway gives them', async () => {
    const decision = await decide(`Bearer ${await token()}`);
    expect(decision).toEqual({
      allowed: true,
      claims: {
        sub: 'partnerclient0001',
        token_use: 'access',
        scope: SCOPE,
        auth_time: String(NOW - 10),
        iss: ISSUER,
        exp: apiGatewayClaimTime(NOW + 3600),
        iat: apiGatewayClaimTime(NOW - 10),
        version: '2',
        jti: 'a3b1c2d4-0000-4000-8000-000000000001',
        client_id: 'partnerclient0001',
      },
    });
  });

  it('writes exp and iat as API Gateway does: Tue Jun 18 21:17:25 UTC 2019', () => {
    expect(apiGatewayClaimTime(Date.UTC(2019, 5, 18, 21, 17, 25) / 1000)).toBe(
      'Tue Jun 18 21:17:25 UTC 2019',
    );
    expect(apiGatewayClaimTime(Date.UTC(2026, 0, 4, 3, 4, 5) / 1000)).toBe('Sun Jan 04 03:04:05 UTC 2026');
  });

  it('takes the token without the Bearer prefix too, and the prefix in any case', async () => {
    const raw = await token();
    expect((await decide(raw)).allowed).toBe(true);
    expect((await decide(`bearer ${raw}`)).allowed).toBe(true);
  });

  it('accepts a token carrying one of several scopes the method accepts', async () => {
    const decision = await decide(await token({ scope: 'checkout/orders.read checkout/orders.write' }), [
      'checkout/admin',
      SCOPE,
    ]);
    expect(decision.allowed).toBe(true);
  });

  it.each([
    ['no token', async () => undefined, 'no token'],
    ['an empty Authorization header', async () => '', 'no token'],
    ['a Bearer prefix without a token', async () => 'Bearer ', 'no token'],
    ['something that is not a JWT', async () => 'Bearer not-a-jwt', 'the token is not a valid JWT'],
    [
      'a token signed by another key with the same kid',
      () => token({}, { key: strangerKey }),
      'the token is not signed by the user pool',
    ],
    [
      'a token signed by a key the pool does not have',
      () => token({}, { key: strangerKey, kid: 'stranger-key' }),
      'the token is not signed by the user pool',
    ],
    ['an expired token', () => token({ exp: NOW - 1 }), 'the token has expired'],
    [
      'a token of another user pool',
      () => token({ iss: OTHER_POOL }),
      'the token was issued by another user pool',
    ],
    ['a token without an expiry', () => token({ exp: undefined }), 'the token is not a valid JWT'],
    [
      'an ID token where the method needs scopes',
      () => token({ token_use: 'id' }),
      'the method needs an access token',
    ],
  ])('answers UNAUTHORIZED (401) to %s', async (_, identity, reason) => {
    expect(await decide(await identity())).toEqual({
      allowed: false,
      gatewayResponse: 'UNAUTHORIZED',
      reason,
    });
  });

  it('answers ACCESS_DENIED (403) to a valid access token without the scope', async () => {
    expect(await decide(await token({ scope: 'checkout/orders.read' }))).toEqual({
      allowed: false,
      gatewayResponse: 'ACCESS_DENIED',
      reason: 'the token lacks the scope',
    });
  });

  it('does not take a scope for a prefix of another', async () => {
    const decision = await decide(await token({ scope: 'checkout/orders.writer' }));
    expect(decision).toMatchObject({ allowed: false, gatewayResponse: 'ACCESS_DENIED' });
  });

  it('lets an ID token through a method without scopes, as API Gateway does', async () => {
    const decision = await decide(await token({ token_use: 'id', scope: undefined }), []);
    expect(decision).toMatchObject({ allowed: true, claims: { token_use: 'id' } });
  });

  it('refuses a token of no Cognito kind on a method without scopes', async () => {
    const decision = await decide(await token({ token_use: 'refresh' }), []);
    expect(decision).toMatchObject({ allowed: false, gatewayResponse: 'UNAUTHORIZED' });
  });

  it('accepts the tokens of every user pool the authorizer names', async () => {
    const both = { ...authorizer, issuers: [OTHER_POOL, ISSUER] };
    const decision = await authorizeWithCognito(await token(), both, [SCOPE], new Date(NOW * 1000));
    expect(decision.allowed).toBe(true);
  });
});
