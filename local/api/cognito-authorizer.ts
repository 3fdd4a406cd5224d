import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** An API's COGNITO_USER_POOLS authorizer: the pools it trusts (by issuer) and where the token is. */
export interface CognitoAuthorizer {
  /** The `iss` of each user pool the authorizer names (UserPoolArn, one or a list). */
  issuers: string[];
  /** The request header that carries the token (Identity.Header, Authorization by default). */
  identityHeader: string;
  /** The pools' public keys (their JWKS). */
  keys: JWTVerifyGetKey;
}

export type AuthorizerDecision =
  | { allowed: true; claims: Record<string, string> }
  | { allowed: false; gatewayResponse: 'UNAUTHORIZED' | 'ACCESS_DENIED'; reason: string };

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time in seconds as API Gateway writes `exp` and `iat` into the claims: `Tue Jun 18 21:17:25 UTC 2019`. */
export const apiGatewayClaimTime = (epochSeconds: number) => {
  const date = new Date(epochSeconds * 1000);
  const pad = (value: number) => String(value).padStart(2, '0');
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad(date.getUTCDate())} ${time} UTC ${date.getUTCFullYear()}`;
};

/** The claims as API Gateway hands them to the integration (`requestContext.authorizer.claims`): strings. */
export const apiGatewayClaims = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload).map(([name, value]) => {
      if ((name === 'exp' || name === 'iat') && typeof value === 'number')
        return [name, apiGatewayClaimTime(value)];
      if (typeof value === 'string') return [name, value];
      if (Array.isArray(value)) return [name, value.map(String).join(',')];
      return [name, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)];
    }),
  );

/** Why a token was refused, for the access log (never the token itself). */
const refusal = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iss')
    return 'the token was issued by another user pool';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return 'the token is not signed by the user pool';
  return 'the token is not a valid JWT';
};

/**
 * What API Gateway's Cognito authorizer decides for a request: the identity header holds the token, raw or
 * after `Bearer `; the signature, the issuer (one of the authorizer's pools) and the expiry are checked.
 * With scopes, only an access token carrying one of them passes; without, an ID token passes too.
 * Anything wrong with the token is UNAUTHORIZED (401); a valid token without the scope is ACCESS_DENIED (403).
 */
export const authorizeWithCognito = async (
  identity: string | undefined,
  authorizer: CognitoAuthorizer,
  scopes: readonly string[],
  now: Date = new Date(),
): Promise<AuthorizerDecision> => {
  const token = identity
    ?.trim()
    .replace(/^Bearer(\s+|$)/i, '')
    .trim();
  if (!token) return { allowed: false, gatewayResponse: 'UNAUTHORIZED', reason: 'no token' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, authorizer.keys, {
      issuer: authorizer.issuers,
      algorithms: ['RS256'],
      currentDate: now,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    return { allowed: false, gatewayResponse: 'UNAUTHORIZED', reason: refusal(error) };
  }
  const tokenUse = payload.token_use;
  if (scopes.length > 0) {
    if (tokenUse !== 'access') {
      return { allowed: false, gatewayResponse: 'UNAUTHORIZED', reason: 'the method needs an access token' };
    }
    const granted = new Set(String(payload.scope ?? '').split(/\s+/));
    if (!scopes.some((scope) => granted.has(scope))) {
      return { allowed: false, gatewayResponse: 'ACCESS_DENIED', reason: 'the token lacks the scope' };
    }
  } else if (tokenUse !== 'access' && tokenUse !== 'id') {
    return { allowed: false, gatewayResponse: 'UNAUTHORIZED', reason: 'the token is not a Cognito token' };
  }
  return { allowed: true, claims: apiGatewayClaims(payload) };
};
