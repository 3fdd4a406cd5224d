/**
 * The runtime-wide services the local stack starts before any resource (moto, the REST API, the token
 * endpoint, the Lambda and Firehose APIs, the function host) as handles: they stop, appear in the banner
 * and give their outputs through the same registry as the resources do.
 */
import type { RestApiServer } from '../api/rest-api-server';
import type { LocalCognito } from '../cognito/local-cognito';
import type { FirehoseApiServer } from '../firehose/firehose-api-server';
import type { FunctionHost } from '../lambda/function-host';
import type { LambdaApiServer } from '../lambda/lambda-api-server';
import type { MotoServer } from '../moto/moto-server';
import type { BannerContext, ResourceHandle } from './handles';

/** moto, serving the AWS APIs: stopped last, since everything else calls it. */
export const motoHandle = (moto: MotoServer, cognito: LocalCognito): ResourceHandle => ({
  kind: 'moto',
  name: moto.endpoint,
  stopPhase: 'foundation',
  bannerPosition: 100,
  stop: () => moto.stop(),
  bannerLines: () => [
    `  AWS APIs (moto)   ${moto.endpoint}  SNS, SQS, DynamoDB, KMS, S3, SSM${cognito.userPools.length > 0 ? ', Cognito user pools' : ''}`,
  ],
  outputs: () => ({ AwsEndpointUrl: moto.endpoint }),
});

/** The REST APIs of the stack, one line per route (at the stack's ApiUrl output). */
export const restApiHandle = (api: RestApiServer): ResourceHandle => ({
  kind: 'rest-api',
  name: 'REST API',
  stopPhase: 'endpoints',
  bannerPosition: 200,
  stop: () => api.close(),
  bannerLines: ({ outputs }: BannerContext) =>
    api.routeList.map(
      (route) =>
        `  REST API          ${outputs.ApiUrl ?? ''}  ${route.method} ${route.path} -> ${route.functionName}${route.requires ? ` (requires ${route.requires})` : ''}`,
    ),
});

/** The Cognito token endpoint and issuers; in the banner only when the stack has user pools. */
export const cognitoHandle = (cognito: LocalCognito): ResourceHandle => ({
  kind: 'cognito-token-endpoint',
  name: 'OAuth 2.0',
  stopPhase: 'endpoints',
  bannerPosition: 300,
  stop: () => cognito.close(),
  bannerLines: () => {
    const pools = cognito.userPools;
    if (pools.length === 0) return [];
    return [
      `  OAuth 2.0         ${cognito.tokenUrl}  Cognito token endpoint (client credentials) of ${pools.map((pool) => pool.name).join(', ')}; issuer ${cognito.url}/<user pool id>, keys at <issuer>/.well-known/jwks.json`,
    ];
  },
});

/** The local Lambda API (event source mappings, custom resource responses), listening at `endpoint`. */
export const lambdaApiHandle = (server: LambdaApiServer, endpoint: string): ResourceHandle => ({
  kind: 'lambda-api',
  name: endpoint,
  stopPhase: 'endpoints',
  bannerPosition: 400,
  stop: () => server.close(),
  bannerLines: () => [
    `  Lambda API        ${endpoint}  event source mappings (Get, List, Update) and Invoke, for npm run replay and the functions`,
  ],
  outputs: () => ({ LambdaEndpointUrl: endpoint }),
});

/** The local Firehose API, listening at `endpoint`. */
export const firehoseApiHandle = (server: FirehoseApiServer, endpoint: string): ResourceHandle => ({
  kind: 'firehose-api',
  name: endpoint,
  stopPhase: 'endpoints',
  bannerPosition: 500,
  stop: () => server.close(),
  bannerLines: () => [
    `  Firehose API      ${endpoint}  PutRecord, PutRecordBatch, DescribeDeliveryStream, ListDeliveryStreams (aws firehose --endpoint-url)`,
  ],
  outputs: () => ({ FirehoseEndpointUrl: endpoint }),
});

/** The function host: one line per function; stopped once the streams have flushed (their processors). */
export const functionHostHandle = (functions: FunctionHost): ResourceHandle => ({
  kind: 'function-host',
  name: 'functions',
  stopPhase: 'compute',
  bannerPosition: 600,
  stop: () => functions.stop(),
  bannerLines: ({ shown }: BannerContext) =>
    functions.functions.map(
      (fn) =>
        `  Function          ${fn.name}  ${shown(fn.artifactDir)}  log: ${shown(functions.logFile(fn.name))}`,
    ),
});
