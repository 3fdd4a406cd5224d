import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { RestApiServer } from '../api/rest-api-server';
import { LOCAL_ACCOUNT_ID, localAwsEnvironment, localClientConfig } from '../aws-config';
import { buildFunctions } from '../build';
import { FunctionHost } from '../lambda/function-host';
import { LambdaApiServer } from '../lambda/lambda-api-server';
import type { RuntimeLog } from '../log';
import { type MotoServer, startMotoServer } from '../moto/moto-server';
import { PROJECT_ROOT, ROOT_TEMPLATE, SAM_BUILD_DIR } from '../paths';
import { type DeployedStack, deployStack } from './deploy-stack';
import type { LocalRuntime } from './resources';

export interface LocalStackSettings {
  host: string;
  /** 0 picks a free port. */
  apiPort: number;
  /** 0 picks a free port. */
  motoPort: number;
  /** Port of the local Lambda API (event source mappings); 0 picks a free port. */
  lambdaPort: number;
  /** Where outputs.json and the logs go. */
  stateDir: string;
  region: string;
  stackName: string;
  /** Seconds before a failed SQS message is retried locally (Lambda waits for the visibility timeout). */
  retryDelaySeconds: number;
  /** The longest a Firehose delivery stream buffers locally (templates say 60 s or more). */
  firehoseBufferIntervalSeconds: number;
  /** Run `sam build` first (off when the caller has just built). */
  build: boolean;
  log: RuntimeLog;
}

export interface LocalStack {
  /** The root stack's CloudFormation outputs plus AwsEndpointUrl and Region: what outputs.json holds. */
  outputs: Record<string, string>;
  outputsFile: string;
  stack: DeployedStack;
  runtime: LocalRuntime;
  moto: MotoServer;
  stop(): Promise<void>;
}

export const startLocalStack = async (settings: LocalStackSettings): Promise<LocalStack> => {
  const { log } = settings;
  const logDir = join(settings.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });

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
  const functions = new FunctionHost(
    {
      ...localAwsEnvironment(moto.endpoint, settings.region),
      // No X-Ray daemon runs locally; Powertools Tracer would otherwise log a missing-segment error per call.
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
    logDir,
  );
  const api = new RestApiServer(functions, log);
  const eventSources: LocalRuntime['eventSources'] = [];
  const lambdaApi = new LambdaApiServer(eventSources, log);
  const openSearchNodes: LocalRuntime['openSearchNodes'] = [];
  const stopEverything = async (runtime?: LocalRuntime) => {
    await Promise.all(eventSources.map((source) => source.stop()));
    await Promise.all([api.close(), lambdaApi.close()]);
    await Promise.all([...(runtime?.deliveryStreams.values() ?? [])].map((stream) => stream.stop()));
    await functions.stop();
    await Promise.all(openSearchNodes.map((node) => node.stop()));
    await moto.stop();
  };

  let runtime: LocalRuntime | undefined;
  try {
    const apiBaseUrl = await api.listen(settings.host, settings.apiPort);
    const lambdaEndpoint = await lambdaApi.listen(settings.host, settings.lambdaPort);
    runtime = {
      clients: {
        dynamodb: new DynamoDBClient(clientConfig),
        kms: new KMSClient(clientConfig),
        s3: new S3Client(clientConfig),
        sns: new SNSClient(clientConfig),
        sqs: new SQSClient(clientConfig),
        ssm: new SSMClient(clientConfig),
      },
      functions,
      api,
      apiBaseUrl,
      eventSources,
      log,
      retryDelaySeconds: settings.retryDelaySeconds,
      deliveryStreams: new Map(),
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
      },
      runtime,
    );
    for (const source of runtime.eventSources) await source.start();

    const outputs = {
      ...stack.outputs,
      AwsEndpointUrl: moto.endpoint,
      LambdaEndpointUrl: lambdaEndpoint,
      Region: settings.region,
    };
    const outputsFile = join(settings.stateDir, 'outputs.json');
    writeFileSync(outputsFile, `${JSON.stringify(outputs, null, 2)}\n`);
    const started = runtime;
    return { outputs, outputsFile, stack, runtime, moto, stop: () => stopEverything(started) };
  } catch (error) {
    await stopEverything(runtime);
    throw error;
  }
};

/** What runs where, for the start-up banner. */
export const describeLocalStack = (
  { outputs, outputsFile, runtime, moto }: LocalStack,
  settings: LocalStackSettings,
) => {
  const shown = (path: string) => relative(PROJECT_ROOT, path) || path;
  const lines = [
    `Local stack "${settings.stackName}" (region ${settings.region}) is up.`,
    '',
    `  AWS APIs (moto)   ${moto.endpoint}  SNS, SQS, DynamoDB, KMS, S3, SSM`,
    ...runtime.api.routeList.map(
      (route) =>
        `  REST API          ${outputs.ApiUrl ?? ''}  ${route.method} ${route.path} -> ${route.functionName}`,
    ),
    `  Lambda API        ${outputs.LambdaEndpointUrl}  event source mappings (Get, List, Update), for npm run replay`,
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
    'Send an order:',
    `  curl -sS -X POST ${outputs.ApiUrl}checkout -H 'content-type: application/json' --data @events/order.json`,
    '',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n');
};
