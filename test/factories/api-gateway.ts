import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accessTokenClaims, TEST_PARTNER } from './partner';

const defaultHeaders = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  Host: 'abc123defg.execute-api.eu-west-1.amazonaws.com',
  'User-Agent': 'checkout-tests/1.0',
  'X-Forwarded-For': '203.0.113.10',
  'X-Forwarded-Port': '443',
  'X-Forwarded-Proto': 'https',
};

/**
 * A REST API (payload v1) proxy event for `POST /checkout`, as API Gateway hands it to the function.
 * `body` is sent as is when it is a string, as JSON otherwise; `headers` replace the default ones. The
 * request comes from the partner whose client id is `clientId` (the Cognito authorizer's claims); `null`
 * for a request no authorizer has seen.
 */
export const aCheckoutRequestEvent = (
  body: unknown,
  {
    headers = defaultHeaders,
    isBase64Encoded = false,
    clientId = TEST_PARTNER.clientId,
  }: { headers?: Record<string, string> | null; isBase64Encoded?: boolean; clientId?: string | null } = {},
): APIGatewayProxyEvent => ({
  resource: '/checkout',
  path: '/checkout',
  httpMethod: 'POST',
  headers: headers ?? ({} as Record<string, string>),
  multiValueHeaders: Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, [value]]),
  ),
  queryStringParameters: null,
  multiValueQueryStringParameters: null,
  pathParameters: null,
  stageVariables: null,
  requestContext: {
    accountId: '123456789012',
    apiId: 'abc123defg',
    authorizer: clientId === null ? null : { claims: accessTokenClaims(clientId) },
    domainName: 'abc123defg.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'abc123defg',
    httpMethod: 'POST',
    identity: {
      accessKey: null,
      accountId: null,
      apiKey: clientId === null ? null : 'api-key-of-the-partner-0123456789abcdefghi',
      apiKeyId: clientId === null ? null : 'k3y1d2e3f4',
      caller: null,
      clientCert: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: '203.0.113.10',
      user: null,
      userAgent: 'checkout-tests/1.0',
      userArn: null,
    },
    path: '/dev/checkout',
    protocol: 'HTTP/1.1',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    requestTime: '21/Nov/2026:10:15:30 +0000',
    requestTimeEpoch: 1795256130000,
    resourceId: 'a1b2c3',
    resourcePath: '/checkout',
    stage: 'dev',
  },
  body: body === null || typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded,
});
