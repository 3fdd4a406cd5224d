import { createHash, timingSafeEqual } from 'node:crypto';
import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';

/**
 * The decisions of a Cognito user pool's OAuth 2.0 token endpoint (`POST /oauth2/token`) for the client
 * credentials grant, as Amazon Cognito documents them: a form-encoded body, client_secret_basic or
 * client_secret_post authentication, `scope` optional (the client's custom scopes by default), and errors
 * as 400 `{"error": "..."}`. Pure: finding the client and signing the token are handed in.
 */

/**
 * An app client as the token endpoint reads it: DescribeUserPoolClient's UserPoolClient (its secret, OAuth
 * flows and scopes, access token validity), with the ids it is known by.
 */
export type AppClient = UserPoolClientType & { UserPoolId: string; ClientId: string };

export type TokenError =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export interface TokenRequest {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
  /** Set when a client was identified: for the log line (never the secret or the token). */
  clientId?: string;
}

export interface TokenEndpointDependencies {
  /** The app client of a user pool served by this endpoint, or undefined for an unknown client id. */
  findClient(clientId: string): Promise<AppClient | undefined>;
  /** A signed access token for the client with these scopes, valid for `validitySeconds`. */
  issueAccessToken(client: AppClient, scopes: string[], validitySeconds: number): Promise<string>;
}

const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);
const ONE_HOUR = 3600;
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

/**
 * How long the client's access tokens are valid: AccessTokenValidity in TokenValidityUnits.AccessToken
 * (Cognito's default unit is hours), one hour when the client does not say.
 */
export const accessTokenValiditySeconds = (client: AppClient): number => {
  if (client.AccessTokenValidity === undefined || client.AccessTokenValidity === null) return ONE_HOUR;
  const unit = client.TokenValidityUnits?.AccessToken ?? 'hours';
  return Number(client.AccessTokenValidity) * (UNIT_SECONDS[unit] ?? UNIT_SECONDS.hours ?? ONE_HOUR);
};

const failure = (error: TokenError, clientId?: string): TokenResponse => ({
  status: 400,
  body: { error },
  ...(clientId ? { clientId } : {}),
});

const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

/** `Basic base64(client_id:client_secret)`, or undefined when the header is not one. */
const basicCredentials = (header: string): { clientId: string; clientSecret: string } | undefined => {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
};

/** Custom scopes (`<resource server>/<scope>`) are the only ones a client credentials token carries. */
const isCustomScope = (scope: string) => scope.includes('/');

export const handleTokenRequest = async (
  request: TokenRequest,
  dependencies: TokenEndpointDependencies,
): Promise<TokenResponse> => {
  // The endpoint only supports POST.
  if (request.method.toUpperCase() !== 'POST') return { ...failure('invalid_request'), status: 405 };
  const mediaType = (request.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return failure('invalid_request');
  const form = new URLSearchParams(request.body);
  // A parameter given twice is malformed (RFC 6749 section 3.2).
  if ([...new Set(form.keys())].some((name) => form.getAll(name).length > 1))
    return failure('invalid_request');

  const grantType = form.get('grant_type');
  if (!grantType) return failure('invalid_request');
  if (!GRANT_TYPES.has(grantType)) return failure('unsupported_grant_type');

  // Client authentication: client_secret_basic, or client_secret_post; never both at once.
  const bodyClientId = form.get('client_id') ?? undefined;
  const bodySecret = form.get('client_secret') ?? undefined;
  let credentials: { clientId: string; clientSecret: string | undefined } | undefined;
  if (request.authorization !== undefined) {
    if (bodySecret !== undefined) return failure('invalid_request');
    credentials = basicCredentials(request.authorization);
    if (!credentials) return failure('invalid_client');
    if (bodyClientId !== undefined && bodyClientId !== credentials.clientId) return failure('invalid_client');
  } else if (bodyClientId !== undefined) {
    credentials = { clientId: bodyClientId, clientSecret: bodySecret };
  }
  if (!credentials) return failure('invalid_client');
  const client = await dependencies.findClient(credentials.clientId);
  if (!client) return failure('invalid_client');
  const { clientId } = credentials;
  if (client.ClientSecret !== undefined) {
    if (credentials.clientSecret === undefined || !sameSecret(credentials.clientSecret, client.ClientSecret))
      return failure('invalid_client', clientId);
  } else if (credentials.clientSecret !== undefined) {
    return failure('invalid_client', clientId);
  }

  const flows = client.AllowedOAuthFlows ?? [];
  if (grantType !== 'client_credentials') {
    // Codes and refresh tokens come from the authorization code grant: a client without it is not allowed
    // them. There is no authorize endpoint locally, so no code or refresh token can exist for the others.
    return failure(flows.includes('code') ? 'invalid_grant' : 'unauthorized_client', clientId);
  }
  // An app client whose OAuth settings are off (AllowedOAuthFlowsUserPoolClient false) gets invalid_grant.
  if (client.AllowedOAuthFlowsUserPoolClient !== true) return failure('invalid_grant', clientId);
  if (!flows.includes('client_credentials') || client.ClientSecret === undefined)
    return failure('unauthorized_client', clientId);

  const allowed = (client.AllowedOAuthScopes ?? []).filter(isCustomScope);
  const requested = form.get('scope');
  const scopes =
    requested === null || requested.trim() === '' ? allowed : [...new Set(requested.trim().split(/\s+/))];
  if (scopes.length === 0 || scopes.some((scope) => !allowed.includes(scope)))
    return failure('invalid_scope', clientId);

  const expiresIn = accessTokenValiditySeconds(client);
  const accessToken = await dependencies.issueAccessToken(client, scopes, expiresIn);
  return {
    status: 200,
    body: { access_token: accessToken, expires_in: expiresIn, token_type: 'Bearer' },
    clientId,
  };
};
