import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  paginateListUserPools,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import type { RuntimeLog } from '../log';
import { closeHttp, listenHttp } from '../net';
import { type AppClient, handleTokenRequest } from './token-endpoint';

/** The largest token request body read (a client credentials request is a few hundred bytes). */
const MAX_BODY_BYTES = 64 * 1024;

interface LocalUserPool {
  id: string;
  arn: string;
  name: string;
  domains: string[];
  /** The custom scopes of its resource servers, `<identifier>/<scope>`. */
  scopes: Set<string>;
}

/** Claims of a client credentials access token, in the order Cognito writes them. */
export interface AccessTokenClaims {
  sub: string;
  token_use: 'access';
  scope: string;
  auth_time: number;
  iss: string;
  exp: number;
  iat: number;
  version: 2;
  jti: string;
  client_id: string;
}

/**
 * The OAuth 2.0 side of the stack's Cognito user pools, which moto does not serve: each pool's issuer
 * (`<this server>/<userPoolId>`, with its JWKS at `/.well-known/jwks.json` and its OpenID configuration), and
 * the token endpoint of the pools that have a domain (`POST /oauth2/token`, client credentials). The pools
 * and app clients themselves live in moto: a client's secret, flows, scopes and token validity are read
 * from moto on each token request. One RS256 key pair per run signs every pool's tokens.
 */
export class LocalCognito {
  private readonly pools = new Map<string, LocalUserPool>();
  private readonly clientPools = new Map<string, string>();
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private signingKey: { privateKey: CryptoKey; publicJwk: JWK } | undefined;
  private keySet: JWTVerifyGetKey | undefined;

  constructor(
    private readonly idp: CognitoIdentityProviderClient,
    private readonly log: RuntimeLog,
  ) {}

  /** Generates the key pair and serves; returns the base URL, e.g. http://127.0.0.1:41234. */
  async listen(host: string, port: number): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const exported = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(exported);
    this.signingKey = { privateKey, publicJwk: { ...exported, kid, alg: 'RS256', use: 'sig' } };
    this.keySet = createLocalJWKSet(this.jwks());
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => {
        this.log.warn('cognito', `request failed: ${error.message}`);
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'server_error' }));
      });
    });
    this.baseUrl = await listenHttp(this.server, host, port);
    return this.baseUrl;
  }

  async close() {
    await closeHttp(this.server);
  }

  /** Where the server listens, e.g. http://127.0.0.1:41234. */
  get url(): string {
    if (!this.baseUrl) throw new Error('The local Cognito endpoint is not listening yet');
    return this.baseUrl;
  }

  get tokenUrl() {
    return `${this.url}/oauth2/token`;
  }

  /** The `iss` of the pool's tokens, as Cognito's `https://cognito-idp.<region>.amazonaws.com/<id>`. */
  issuerOf(userPoolId: string) {
    return `${this.url}/${userPoolId}`;
  }

  addUserPool(pool: { id: string; arn: string; name: string }) {
    this.pools.set(pool.id, { ...pool, domains: [], scopes: new Set() });
  }

  addScopes(userPoolId: string, scopes: string[]) {
    const pool = this.requirePool(userPoolId);
    for (const scope of scopes) pool.scopes.add(scope);
  }

  scopesOf(userPoolId: string): ReadonlySet<string> {
    return this.requirePool(userPoolId).scopes;
  }

  addDomain(userPoolId: string, domain: string) {
    this.requirePool(userPoolId).domains.push(domain);
  }

  addClient(userPoolId: string, clientId: string) {
    this.requirePool(userPoolId);
    this.clientPools.set(clientId, userPoolId);
  }

  /** The stack's user pools, for the start-up banner. */
  get userPools(): { id: string; name: string; domains: string[] }[] {
    return [...this.pools.values()].map(({ id, name, domains }) => ({ id, name, domains: [...domains] }));
  }

  /** The id of the pool the app client belongs to, if it is a client of the local stack. */
  userPoolIdOfClient(clientId: string): string | undefined {
    return this.clientPools.get(clientId);
  }

  /** The id of the pool with this ARN, if it is a pool of the local stack. */
  userPoolIdOf(userPoolArn: string): string | undefined {
    return [...this.pools.values()].find((pool) => pool.arn === userPoolArn)?.id;
  }

  jwks(): { keys: JWK[] } {
    if (!this.signingKey) throw new Error('The local Cognito endpoint is not listening yet');
    return { keys: [this.signingKey.publicJwk] };
  }

  /** The pools' public keys, for verifying their tokens (the API's Cognito authorizers). */
  get verificationKeys(): JWTVerifyGetKey {
    if (!this.keySet) throw new Error('The local Cognito endpoint is not listening yet');
    return this.keySet;
  }

  /** A client credentials access token of the client's pool, signed as Cognito signs it (RS256, kid). */
  async issueAccessToken(client: AppClient, scopes: string[], validitySeconds: number) {
    if (!this.signingKey) throw new Error('The local Cognito endpoint is not listening yet');
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      sub: client.ClientId,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: now,
      iss: this.issuerOf(client.UserPoolId),
      exp: now + validitySeconds,
      iat: now,
      version: 2,
      jti: randomUUID(),
      client_id: client.ClientId,
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ kid: this.signingKey.publicJwk.kid as string, alg: 'RS256' })
      .sign(this.signingKey.privateKey);
  }

  private requirePool(userPoolId: string): LocalUserPool {
    const pool = this.pools.get(userPoolId);
    if (!pool) throw new Error(`${userPoolId} is not a user pool of the local stack`);
    return pool;
  }

  /**
   * A client of a pool that has a domain (only those have a token endpoint), as moto describes it now: a
   * client of the stack's pools, or one made since in any pool of moto (as Cognito serves every pool).
   */
  private async findClient(clientId: string): Promise<AppClient | undefined> {
    const poolId = this.clientPools.get(clientId) ?? (await this.poolOfClientInMoto(clientId));
    if (!poolId || !(await this.hasDomain(poolId))) return undefined;
    const client = await this.describeClient(poolId, clientId);
    return client && { ...client, UserPoolId: poolId, ClientId: clientId };
  }

  private async describeClient(userPoolId: string, clientId: string) {
    try {
      const { UserPoolClient } = await this.idp.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      return UserPoolClient;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }

  private async poolOfClientInMoto(clientId: string): Promise<string | undefined> {
    for await (const page of paginateListUserPools({ client: this.idp }, { MaxResults: 60 })) {
      for (const { Id } of page.UserPools ?? []) {
        if (Id && (await this.describeClient(Id, clientId))) return Id;
      }
    }
    return undefined;
  }

  private async hasDomain(userPoolId: string): Promise<boolean> {
    if ((this.pools.get(userPoolId)?.domains.length ?? 0) > 0) return true;
    const { UserPool } = await this.idp.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    return Boolean(UserPool?.Domain);
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      response
        .writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
        .end(JSON.stringify(body));

    if (url.pathname === '/oauth2/token') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) return send(413, { error: 'invalid_request' });
        chunks.push(chunk as Buffer);
      }
      const answer = await handleTokenRequest(
        {
          method,
          contentType: request.headers['content-type'],
          authorization: request.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        },
        {
          findClient: (clientId) => this.findClient(clientId),
          issueAccessToken: (client, scopes, validity) => this.issueAccessToken(client, scopes, validity),
        },
      );
      const outcome = answer.status === 200 ? 'access token issued' : String(answer.body.error);
      this.log.info(
        'cognito',
        `${method} /oauth2/token ${answer.status} ${outcome}${answer.clientId ? ` (client ${answer.clientId})` : ''}`,
      );
      return send(answer.status, answer.body, {
        'cache-control': 'no-store',
        pragma: 'no-cache',
        ...(answer.status === 405 ? { allow: 'POST' } : {}),
      });
    }

    const wellKnown = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(url.pathname);
    const pool = wellKnown ? this.pools.get(decodeURIComponent(wellKnown[1] as string)) : undefined;
    if (!wellKnown || method !== 'GET') return send(404, { message: 'Not found' });
    if (!pool) return send(404, { message: `User pool ${wellKnown[1]} does not exist.` });
    if (wellKnown[2] === 'jwks.json') return send(200, this.jwks());
    const issuer = this.issuerOf(pool.id);
    return send(200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      ...(pool.domains.length > 0 ? { token_endpoint: this.tokenUrl } : {}),
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: ['code', 'token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  }
}
