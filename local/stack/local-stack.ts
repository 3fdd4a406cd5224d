import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { RestApiServer } from '../api/rest-api-server';
import { LOCAL_ACCOUNT_ID, localAwsEnvironment, localClientConfig } from '../aws-config';
import { buildFunctions } from '../build';
import { LocalCognito } from '../cognito/local-cognito';
import { FirehoseApiServer } from '../firehose/firehose-api-server';
import { FunctionHost } from '../lambda/function-host';
import { LambdaApiServer } from '../lambda/lambda-api-server';
import { describeAcceptedOrder, type RuntimeLog } from '../log';
import { type MotoServer, startMotoServer } from '../moto/moto-server';
import { PROJECT_ROOT, ROOT_TEMPLATE, SAM_BUILD_DIR } from '../paths';
import { type DeployedStack, deployStack } from './deploy-stack';
import type { AwsClients, LocalRuntime } from './resources';

export interface LocalStackSettings {
  host: string;
  /** 0 picks a free port. */
  apiPort: number;
  /** 0 picks a free port. */
  motoPort: number;
  /** Port of the local Lambda API (event source mappings); 0 picks a free port. */
  lambdaPort: number;
  /** Port of the local Cognito token endpoint and issuers; 0 picks a free port. */
  cognitoPort: number;
  /** Port of the local Firehose API; 0 (or absent) picks a free port. */
  firehosePort?: number;
  /** Values of template parameters (`npm start -- --parameter-overrides Key=Value ...`). */
  parameterOverrides?: Record<string, string>;
  /** Where outputs.json and the logs go. */
  stateDir: string;
  region: string;
  stackName: string;
  /** Seconds before a failed SQS message is retried locally (Lambda waits for the visibility timeout). */
  retryDelaySeconds: number;
  /** The longest a Firehose delivery stream buffers locally (templates say 60 s or more). */
  firehoseBufferIntervalSeconds: number;
  /** Concurrency of a function without reserved concurrency (`LOCAL_FUNCTION_CONCURRENCY`). */
  functionConcurrency?: number;
  /** Run `sam build` first (off when the caller has just built). */
  build: boolean;
  log: RuntimeLog;
}

/** The first client credentials app client of the root template, with the first API key: for the banner. */
export interface LocalPartner {
  /** The app client's ClientName: the partner's name, as the template gives it (PartnerId in outputs.json). */
  name: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  apiKey?: string;
}

export interface LocalStack {
  /**
   * The root stack's CloudFormation outputs plus AwsEndpointUrl, LambdaEndpointUrl, FirehoseEndpointUrl and
   * Region, and the
   * first partner's name and local credentials (PartnerId, PartnerClientId, PartnerClientSecret,
   * PartnerApiKey): what outputs.json holds.
   */
  outputs: Record<string, string>;
  outputsFile: string;
  stack: DeployedStack;
  runtime: LocalRuntime;
  moto: MotoServer;
  partner?: LocalPartner;
  stop(): Promise<void>;
}

/**
 * The partner a developer tries the API as: the first app client the root template declares (Fn::ForEach
 * keeps the order of its collection) that may use the client credentials grant for a scope a route of the
 * API accepts (any scope, when no route asks for one), with the first API key the template declares.
 */
export const firstPartner = async (
  stack: DeployedStack,
  runtime: LocalRuntime,
): Promise<LocalPartner | undefined> => {
  const accepted = runtime.api.acceptedScopes;
  for (const { logicalId, type } of stack.declared) {
    if (type !== 'AWS::Cognito::UserPoolClient') continue;
    const clientId = stack.resources.get(logicalId)?.ref;
    const userPoolId = clientId && runtime.cognito.userPoolIdOfClient(clientId);
    if (!clientId || !userPoolId) continue;
    const { UserPoolClient: client } = await runtime.clients.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
    );
    if (!client?.ClientSecret || !client.AllowedOAuthFlows?.includes('client_credentials')) continue;
    const custom = (client.AllowedOAuthScopes ?? []).filter((scope) => scope.includes('/'));
    const scopes = accepted.size > 0 ? custom.filter((scope) => accepted.has(scope)) : custom;
    if (scopes.length === 0) continue;
    const keyId = stack.declared.find((resource) => resource.type === 'AWS::ApiGateway::ApiKey')?.logicalId;
    const apiKey = keyId && runtime.api.usagePlans.keyById(stack.resources.get(keyId)?.ref ?? '');
    return {
      name: client.ClientName ?? logicalId,
      clientId,
      clientSecret: client.ClientSecret,
      scopes,
      ...(apiKey ? { apiKey: apiKey.value } : {}),
    };
  }
  return undefined;
};

/**
 * What outputs.json says of the first partner: its name (the partner id its orders are recorded under) and
 * its local credentials. Local secrets only: in AWS a partner's secret stays in Cognito and its key in API
 * Gateway; locally the keys live in the local runtime, so PartnerApiKey is the only way to the key.
 */
export const partnerOutputs = (partner: LocalPartner | undefined): Record<string, string> =>
  partner
    ? {
        PartnerId: partner.name,
        PartnerClientId: partner.clientId,
        PartnerClientSecret: partner.clientSecret,
        ...(partner.apiKey ? { PartnerApiKey: partner.apiKey } : {}),
      }
    : {};

export const startLocalStack = async (settings: LocalStackSettings): Promise<LocalStack> => {
  const { log } = settings;
  const logDir = join(settings.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // Written again once everything is up: until then, nobody reads the outputs of an earlier run.
  rmSync(join(settings.stateDir, 'outputs.json'), { force: true });

  if (settings.build) {
    log.info('build', 'sam build (esbuild bundles, as deployed)...');
    await buildFunctions(join(logDir, 'sam-build.log'));
  }

  const moto = await startMotoServer({
    host: settings.host,
    port: settings.motoPort,
    logFile: join(logDir, 'moto.log'),
  });
  const clientConfig = localClientConfig(moto.endpoint, settings.region);
  const clients: AwsClients = {
    cognito: new CognitoIdentityProviderClient(clientConfig),
    dynamodb: new DynamoDBClient(clientConfig),
    kms: new KMSClient(clientConfig),
    s3: new S3Client(clientConfig),
    sns: new SNSClient(clientConfig),
    sqs: new SQSClient(clientConfig),
    ssm: new SSMClient(clientConfig),
  };
  const functions = new FunctionHost(
    {
      ...localAwsEnvironment(moto.endpoint, settings.region),
      // No X-Ray daemon runs locally; Powertools Tracer would otherwise log a missing-segment error per call.
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
    logDir,
    settings.functionConcurrency === undefined ? {} : { defaultConcurrency: settings.functionConcurrency },
  );
  const api = new RestApiServer(functions, log, { describeAccepted: describeAcceptedOrder });
  const cognito = new LocalCognito(clients.cognito, log);
  const eventSources: LocalRuntime['eventSources'] = [];
  const lambdaApi = new LambdaApiServer(eventSources, log);
  const openSearchNodes: LocalRuntime['openSearchNodes'] = [];
  const deliveryStreams: LocalRuntime['deliveryStreams'] = new Map();
  const firehoseApi = new FirehoseApiServer(deliveryStreams, log);
  const stopEverything = async () => {
    await Promise.all(eventSources.map((source) => source.stop()));
    // Before the streams stop, so that nothing is put into a stream that has stopped.
    await Promise.all([api.close(), lambdaApi.close(), cognito.close(), firehoseApi.close()]);
    await Promise.all([...deliveryStreams.values()].map((stream) => stream.stop()));
    await functions.stop();
    await Promise.all(openSearchNodes.map((node) => node.stop()));
    await moto.stop();
  };

  let runtime: LocalRuntime | undefined;
  try {
    const apiBaseUrl = await api.listen(settings.host, settings.apiPort);
    const lambdaEndpoint = await lambdaApi.listen(settings.host, settings.lambdaPort);
    const firehoseEndpoint = await firehoseApi.listen(settings.host, settings.firehosePort ?? 0);
    await cognito.listen(settings.host, settings.cognitoPort);
    runtime = {
      clients,
      functions,
      api,
      apiBaseUrl,
      cognito,
      eventSources,
      log,
      retryDelaySeconds: settings.retryDelaySeconds,
      deliveryStreams,
      firehoseBufferIntervalSeconds: settings.firehoseBufferIntervalSeconds,
      stateDir: settings.stateDir,
      openSearchNodes,
      openSearchDomains: new Map(),
      customResourceResponses: lambdaApi,
      notEmulated: [],
    };
    const stack = await deployStack(
      {
        templatePath: ROOT_TEMPLATE,
        stackName: settings.stackName,
        pseudo: {
          region: settings.region,
          accountId: LOCAL_ACCOUNT_ID,
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: SAM_BUILD_DIR,
        parameterOverrides: settings.parameterOverrides,
      },
      runtime,
    );
    for (const source of runtime.eventSources) await source.start();

    const partner = await firstPartner(stack, runtime);
    const outputs = {
      ...stack.outputs,
      AwsEndpointUrl: moto.endpoint,
      LambdaEndpointUrl: lambdaEndpoint,
      FirehoseEndpointUrl: firehoseEndpoint,
      Region: settings.region,
      ...partnerOutputs(partner),
    };
    const outputsFile = join(settings.stateDir, 'outputs.json');
    // Written whole or not at all: a client polling for the file never reads half of it.
    const partial = `${outputsFile}.${process.pid}.tmp`;
    writeFileSync(partial, `${JSON.stringify(outputs, null, 2)}\n`);
    renameSync(partial, outputsFile);
    return {
      outputs,
      outputsFile,
      stack,
      runtime,
      moto,
      ...(partner ? { partner } : {}),
      stop: stopEverything,
    };
  } catch (error) {
    await stopEverything();
    throw error;
  }
};

/** What runs where, for the start-up banner. */
/** How to send an order: with a partner, its token first (client credentials), then the order with it. */
const sendAnOrder = (outputs: Record<string, string>, runtime: LocalRuntime, partner?: LocalPartner) => {
  // The first POST route the partner's scopes open (POST /checkout in the root template).
  const posts = runtime.api.routeList.filter((route) => route.method === 'POST');
  const route =
    posts.find((each) => partner && each.scopes?.some((scope) => partner.scopes.includes(scope))) ?? posts[0];
  const path = route ? route.path.replace(/^\//, '') : 'checkout';
  const order = `curl -sS -X POST ${outputs.ApiUrl}${path} -H 'content-type: application/json'`;
  if (!partner) return ['Send an order:', `  ${order} --data @events/order.json`];
  const scope = partner.scopes.length > 0 ? ` -d scope=${partner.scopes.join('%20')}` : '';
  const key = partner.apiKey ? ` -H 'x-api-key: ${partner.apiKey}'` : '';
  return [
    `Send an order as the partner ${partner.name}: get an access token (OAuth 2.0 client credentials), then post with it${partner.apiKey ? ' and the API key' : ''}:`,
    `  TOKEN=$(curl -sS -u '${partner.clientId}:${partner.clientSecret}' -d grant_type=client_credentials${scope} ${runtime.cognito.tokenUrl} | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
    `  ${order} -H "Authorization: Bearer $TOKEN"${key} --data @events/order.json`,
  ];
};

export const describeLocalStack = (
  { outputs, outputsFile, runtime, moto, partner }: LocalStack,
  settings: LocalStackSettings,
) => {
  const shown = (path: string) => relative(PROJECT_ROOT, path) || path;
  const pools = runtime.cognito.userPools;
  const lines = [
    `Local stack "${settings.stackName}" (region ${settings.region}) is up.`,
    '',
    `  AWS APIs (moto)   ${moto.endpoint}  SNS, SQS, DynamoDB, KMS, S3, SSM${pools.length > 0 ? ', Cognito user pools' : ''}`,
    ...runtime.api.routeList.map(
      (route) =>
        `  REST API          ${outputs.ApiUrl ?? ''}  ${route.method} ${route.path} -> ${route.functionName}${route.requires ? ` (requires ${route.requires})` : ''}`,
    ),
    ...(pools.length > 0
      ? [
          `  OAuth 2.0         ${runtime.cognito.tokenUrl}  Cognito token endpoint (client credentials) of ${pools.map((pool) => pool.name).join(', ')}; issuer ${runtime.cognito.url}/<user pool id>, keys at <issuer>/.well-known/jwks.json`,
        ]
      : []),
    ...(partner
      ? [
          `  Partner           ${partner.name}: name, client id, secret${partner.apiKey ? ' and API key' : ''} in outputs.json (PartnerId, PartnerClientId, PartnerClientSecret${partner.apiKey ? ', PartnerApiKey' : ''})`,
          ...(partner.apiKey
            ? [
                '                    the API keys live in the local runtime, not in moto: take PartnerApiKey (aws apigateway get-api-key finds no key locally)',
              ]
            : []),
        ]
      : []),
    `  Lambda API        ${outputs.LambdaEndpointUrl}  event source mappings (Get, List, Update), for npm run replay`,
    `  Firehose API      ${outputs.FirehoseEndpointUrl}  PutRecord, PutRecordBatch, DescribeDeliveryStream, ListDeliveryStreams (aws firehose --endpoint-url)`,
    ...runtime.functions.functions.map(
      (fn) =>
        `  Function          ${fn.name}  ${shown(fn.artifactDir)}  log: ${shown(runtime.functions.logFile(fn.name))}`,
    ),
    ...runtime.eventSources.map(({ settings: source }) => {
      const queue = source.queueArn.split(':').pop();
      const window = source.maximumBatchingWindowInSeconds;
      const failures = source.reportBatchItemFailures ? ', ReportBatchItemFailures' : '';
      return `  SQS event source  ${queue} -> ${source.target} (batch ${source.batchSize}, window ${window} s${failures}, ${source.enabled ? 'enabled' : 'disabled'})`;
    }),
    ...[...runtime.deliveryStreams.values()].map(({ definition: stream }) => {
      const processor = stream.processor ? `, transform ${stream.processor.functionName}` : '';
      const buffering = `flushes at ${stream.bufferSizeBytes / 1024 / 1024} MiB or after ${stream.localBufferIntervalSeconds} s locally; ${stream.bufferIntervalSeconds} s in AWS`;
      const destination = stream.openSearch
        ? `OpenSearch ${stream.openSearch.endpoint} index ${stream.openSearch.indexName} (${stream.openSearch.rotation}, retries ${stream.openSearch.retryDurationSeconds} s, backup s3://${stream.bucketName}/${stream.prefix})`
        : `s3://${stream.bucketName}/${stream.prefix} (${stream.compression})`;
      return `  Firehose          ${stream.name} -> ${destination}${processor}; ${buffering}`;
    }),
    ...runtime.openSearchNodes.map(
      (node) =>
        `  OpenSearch        ${node.url}${node.external ? ' (OPENSEARCH_URL)' : ''}  log: ${shown(join(settings.stateDir, 'logs'))}/opensearch-*.log`,
    ),
    `  Retries           failed SQS messages are retried after ${settings.retryDelaySeconds} s locally (in AWS: the queue's visibility timeout)`,
    `  Not emulated      ${runtime.notEmulated.length} resources: IAM, log groups, alarms and other control-plane-only kinds (see README)`,
    `  Outputs           ${shown(outputsFile)}`,
    '',
    ...sendAnOrder(outputs, runtime, partner),
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
};
