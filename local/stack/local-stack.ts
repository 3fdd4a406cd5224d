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
import { SQS_EVENT_SOURCE } from '../event-sources/sqs-event-source';
import { DELIVERY_STREAM } from '../firehose/delivery-stream';
import { FirehoseApiServer } from '../firehose/firehose-api-server';
import { FunctionHost } from '../lambda/function-host';
import { LambdaApiServer } from '../lambda/lambda-api-server';
import { describeAcceptedOrder, type RuntimeLog } from '../log';
import { type MotoServer, startMotoServer } from '../moto/moto-server';
import { PROJECT_ROOT, ROOT_TEMPLATE, SAM_BUILD_DIR } from '../paths';
import { type DeployedStack, deployStack } from './deploy-stack';
import { type BannerContext, HandleRegistry, type ResourceHandle } from './handles';
import { defaultProvisioners } from './registry';
import type { AwsClients, LocalRuntime, RuntimeSettings } from './resources';
import {
  cognitoHandle,
  firehoseApiHandle,
  functionHostHandle,
  lambdaApiHandle,
  motoHandle,
  restApiHandle,
} from './services';

export interface LocalStackSettings {
  host: string;
  /** 0 picks a free port. */
  apiPort: number;
  /** 0 picks a free port. */
  motoPort: number;
  /** Port of the local Lambda API (event source mappings, Invoke); 0 picks a free port. */
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
   * What outputs.json holds: the root stack's CloudFormation outputs, then the outputs of the runtime's
   * handles (AwsEndpointUrl, LambdaEndpointUrl, FirehoseEndpointUrl, Region, and the first partner's name
   * and local credentials: PartnerId, PartnerClientId, PartnerClientSecret, PartnerApiKey).
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

/** The first partner, in the banner after the token endpoint, with its credentials in outputs.json. */
export const partnerHandle = (partner: LocalPartner): ResourceHandle => ({
  kind: 'partner',
  name: partner.name,
  bannerPosition: 350,
  bannerLines: () => [
    `  Partner           ${partner.name}: name, client id, secret${partner.apiKey ? ' and API key' : ''} in outputs.json (PartnerId, PartnerClientId, PartnerClientSecret${partner.apiKey ? ', PartnerApiKey' : ''})`,
    ...(partner.apiKey
      ? [
          '                    the API keys live in the local runtime, not in moto: take PartnerApiKey (aws apigateway get-api-key finds no key locally)',
        ]
      : []),
  ],
  outputs: () => partnerOutputs(partner),
});

/** The stack as a whole: its region (in outputs.json), and at the end of the banner its retries, what is not emulated, where the outputs are. */
export const stackSummaryHandle = ({
  region,
  retryDelaySeconds,
  notEmulated,
  outputsFile,
}: {
  region: string;
  retryDelaySeconds: number;
  notEmulated: readonly string[];
  outputsFile: string;
}): ResourceHandle => ({
  kind: 'local-stack',
  name: region,
  bannerPosition: 1000,
  bannerLines: ({ shown }: BannerContext) => [
    `  Retries           failed SQS messages are retried after ${retryDelaySeconds} s locally (in AWS: the queue's visibility timeout)`,
    `  Not emulated      ${notEmulated.length} resources: IAM, log groups, alarms and other control-plane-only kinds (see README)`,
    `  Outputs           ${shown(outputsFile)}`,
  ],
  outputs: () => ({ Region: region }),
});

export const startLocalStack = async (settings: LocalStackSettings): Promise<LocalStack> => {
  const { log } = settings;
  const logDir = join(settings.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const outputsFile = join(settings.stateDir, 'outputs.json');
  // Written again once everything is up: until then, nobody reads the outputs of an earlier run.
  rmSync(outputsFile, { force: true });

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
  const cognito = new LocalCognito(clients.cognito, log);
  // Everything that runs registers here, as it starts: stopping, the banner and the outputs come from it.
  const handles = new HandleRegistry();
  // The Lambda API invokes the hosted functions, and the functions call it (AWS_ENDPOINT_URL_LAMBDA): it
  // listens first, so that its URL is in their environment, and reaches the function host once it exists.
  let hosted: FunctionHost | undefined;
  const lambdaApi = new LambdaApiServer(handles.view(SQS_EVENT_SOURCE), log, {
    has: (name) => hosted?.has(name) ?? false,
    invoke: (name, event) =>
      hosted ? hosted.invoke(name, event) : Promise.reject(new Error('The functions are not hosted yet')),
  });
  const firehoseApi = new FirehoseApiServer(handles.view(DELIVERY_STREAM), log);
  handles.add(motoHandle(moto, cognito));

  try {
    const lambdaEndpoint = await lambdaApi.listen(settings.host, settings.lambdaPort);
    handles.add(lambdaApiHandle(lambdaApi, lambdaEndpoint));
    const functions = new FunctionHost(
      {
        ...localAwsEnvironment(moto.endpoint, settings.region, { lambda: lambdaEndpoint }),
        // No X-Ray daemon runs locally; Powertools Tracer would otherwise log a missing-segment error per call.
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
      logDir,
      settings.functionConcurrency === undefined ? {} : { defaultConcurrency: settings.functionConcurrency },
    );
    hosted = functions;
    handles.add(functionHostHandle(functions));
    const api = new RestApiServer(functions, log, { describeAccepted: describeAcceptedOrder });
    const apiBaseUrl = await api.listen(settings.host, settings.apiPort);
    handles.add(restApiHandle(api));
    handles.add(
      firehoseApiHandle(firehoseApi, await firehoseApi.listen(settings.host, settings.firehosePort ?? 0)),
    );
    await cognito.listen(settings.host, settings.cognitoPort);
    handles.add(cognitoHandle(cognito));
    const runtimeSettings: RuntimeSettings = {
      retryDelaySeconds: settings.retryDelaySeconds,
      firehoseBufferIntervalSeconds: settings.firehoseBufferIntervalSeconds,
      stateDir: settings.stateDir,
    };
    const runtime: LocalRuntime = {
      clients,
      functions,
      api,
      apiBaseUrl,
      cognito,
      log,
      settings: runtimeSettings,
      provisioners: defaultProvisioners(),
      handles,
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
    await handles.startAll();

    handles.add(
      stackSummaryHandle({
        region: settings.region,
        retryDelaySeconds: settings.retryDelaySeconds,
        notEmulated: runtime.notEmulated,
        outputsFile,
      }),
    );
    const partner = await firstPartner(stack, runtime);
    if (partner) handles.add(partnerHandle(partner));
    const outputs = { ...stack.outputs, ...handles.outputs() };
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
      stop: () => handles.stopAll(),
    };
  } catch (error) {
    await handles.stopAll();
    throw error;
  }
};

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

/** What runs where, and how to send an order: the start-up banner. */
export const describeLocalStack = (
  { outputs, runtime, partner }: LocalStack,
  settings: Pick<LocalStackSettings, 'stackName' | 'region' | 'stateDir'>,
) => {
  const context: BannerContext = {
    outputs,
    shown: (path) => relative(PROJECT_ROOT, path) || path,
    logDir: join(settings.stateDir, 'logs'),
  };
  const lines = [
    `Local stack "${settings.stackName}" (region ${settings.region}) is up.`,
    '',
    ...runtime.handles.bannerLines(context),
    '',
    ...sendAnOrder(outputs, runtime, partner),
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
};
