import { createHash, createHmac } from 'node:crypto';

/**
 * The few Cognito user pool operations the local stack needs (Create*, DescribeUserPoolClient), sent to moto
 * in the AWS JSON 1.1 protocol with a Signature Version 4 signature, as the SDK sends them: moto takes the
 * Region of the signature's credential scope, so the pools land in the stack's Region, where
 * `aws cognito-idp ... --endpoint-url` finds them. (The project has no Cognito SDK client to pull in.)
 */

export interface CognitoIdpClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** An error Cognito (moto) answered, with its type, e.g. ResourceNotFoundException. */
export class CognitoIdpError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode: number,
  ) {
    super(`${type}: ${message}`);
    this.name = 'CognitoIdpError';
  }
}

export interface UserPoolDescription {
  Id: string;
  Arn: string;
  Name: string;
}

/** DescribeUserPoolClient's UserPoolClient, the fields the token endpoint reads. */
export interface UserPoolClientDescription {
  UserPoolId: string;
  ClientId: string;
  ClientName?: string;
  ClientSecret?: string;
  AllowedOAuthFlows?: string[];
  AllowedOAuthScopes?: string[];
  AllowedOAuthFlowsUserPoolClient?: boolean;
  AccessTokenValidity?: number;
  TokenValidityUnits?: { AccessToken?: string; IdToken?: string; RefreshToken?: string };
}

const SERVICE = 'cognito-idp';
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService';

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** The Authorization header of a Signature Version 4 request (headers signed: host, x-amz-date, x-amz-target). */
export const signatureV4 = (
  { region, credentials }: Pick<CognitoIdpClientConfig, 'region' | 'credentials'>,
  request: { method: string; url: URL; headers: Record<string, string>; body: string },
  now: Date,
) => {
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.url.host,
    'x-amz-date': amzDate,
  };
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const lowered = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const canonicalRequest = [
    request.method,
    request.url.pathname || '/',
    request.url.searchParams.toString(),
    ...names.map((name) => `${name}:${String(lowered[name]).trim()}`),
    '',
    names.join(';'),
    sha256(request.body),
  ].join('\n');
  const scope = `${day}/${region}/${SERVICE}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = [region, SERVICE, 'aws4_request'].reduce<Buffer>(
    (key, part) => hmac(key, part),
    hmac(`AWS4${credentials.secretAccessKey}`, day),
  );
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return {
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
};

export class CognitoIdpClient {
  constructor(readonly config: CognitoIdpClientConfig) {}

  async send<T>(operation: string, input: object): Promise<T> {
    const url = new URL('/', this.config.endpoint);
    const body = JSON.stringify(input);
    const headers = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${TARGET_PREFIX}.${operation}`,
    };
    const signed = signatureV4(this.config, { method: 'POST', url, headers, body }, new Date());
    const response = await fetch(url, { method: 'POST', headers: { ...headers, ...signed }, body });
    const text = await response.text();
    const answer = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (!response.ok) {
      const type = String(answer.__type ?? 'UnknownError')
        .split('#')
        .pop() as string;
      throw new CognitoIdpError(type, String(answer.message ?? answer.Message ?? text), response.status);
    }
    return answer as T;
  }

  async createUserPool(input: Record<string, unknown>): Promise<UserPoolDescription> {
    return (await this.send<{ UserPool: UserPoolDescription }>('CreateUserPool', input)).UserPool;
  }

  async createUserPoolDomain(input: Record<string, unknown>): Promise<{ CloudFrontDomain?: string }> {
    return this.send('CreateUserPoolDomain', input);
  }

  async createResourceServer(input: Record<string, unknown>): Promise<void> {
    await this.send('CreateResourceServer', input);
  }

  async createUserPoolClient(input: Record<string, unknown>): Promise<UserPoolClientDescription> {
    return (await this.send<{ UserPoolClient: UserPoolClientDescription }>('CreateUserPoolClient', input))
      .UserPoolClient;
  }

  async describeUserPoolClient(userPoolId: string, clientId: string): Promise<UserPoolClientDescription> {
    return (
      await this.send<{ UserPoolClient: UserPoolClientDescription }>('DescribeUserPoolClient', {
        UserPoolId: userPoolId,
        ClientId: clientId,
      })
    ).UserPoolClient;
  }
}
