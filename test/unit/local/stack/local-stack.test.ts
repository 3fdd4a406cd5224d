import { join, relative } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsEventSource } from '../../../../local/event-sources/sqs-event-source';
import {
  type DeliveryStreamDefinition,
  LocalDeliveryStream,
} from '../../../../local/firehose/delivery-stream';
import { FirehoseApiServer } from '../../../../local/firehose/firehose-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import type { MotoServer } from '../../../../local/moto/moto-server';
import { PROJECT_ROOT } from '../../../../local/paths';
import { OpenSearchDomain } from '../../../../local/provisioners/opensearch';
import {
  describeLocalStack,
  type LocalPartner,
  type LocalStack,
  type LocalStackSettings,
  partnerHandle,
  stackSummaryHandle,
} from '../../../../local/stack/local-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import {
  cognitoHandle,
  firehoseApiHandle,
  functionHostHandle,
  lambdaApiHandle,
  motoHandle,
  restApiHandle,
} from '../../../../local/stack/services';
import {
  aLocalRuntime,
  makeTempDir,
  recordingLog,
  unreachableClients,
  writeFile,
} from '../../../helpers/local-runtime';

const HANDLER = 'export const handler = async () => ({});\n';

describe('describeLocalStack: the start-up banner', () => {
  const build = makeTempDir('banner-build');
  const stateDir = makeTempDir('banner-state');
  const shown = (path: string) => relative(PROJECT_ROOT, path);
  let functions: FunctionHost;
  let runtime: LocalRuntime;

  const settings = {
    stackName: 'local',
    region: 'us-east-1',
    retryDelaySeconds: 2,
    stateDir: stateDir.path,
  } as LocalStackSettings;

  const eventSource = (overrides: Partial<SqsEventSource['settings']>) =>
    new SqsEventSource(
      {
        label: 'Checkout',
        target: 'checkout-fn',
        queueUrl: 'http://127.0.0.1:5050/123456789012/checkout-queue',
        queueArn: 'arn:aws:sqs:us-east-1:123456789012:checkout-queue',
        region: 'us-east-1',
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: false,
        enabled: true,
        retryDelaySeconds: 2,
        ...overrides,
      },
      new SQSClient({}),
      async () => ({ ok: true, result: {} }),
      recordingLog(),
    );

  const stream = (overrides: Partial<DeliveryStreamDefinition>) =>
    new LocalDeliveryStream(
      {
        name: 'archive-stream',
        arn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/archive-stream',
        label: 'StorageBackupPipeline/ArchiveStream',
        bucketName: 'archive-bucket',
        prefix: 'orders/',
        errorOutputPrefix: 'errors/!{firehose:error-output-type}/',
        bufferIntervalSeconds: 300,
        localBufferIntervalSeconds: 5,
        bufferSizeBytes: 5 * 1024 * 1024,
        compression: 'GZIP',
        kmsKeyArn: undefined,
        ...overrides,
      },
      {
        destination: { deliver: async () => undefined } as never,
        invoke: async () => never(),
        log: recordingLog(),
      },
    );
  const never = (): never => {
    throw new Error('not invoked');
  };

  beforeAll(() => {
    writeFile(build.path, 'Checkout/index.mjs', HANDLER);
    writeFile(build.path, 'Transform/index.mjs', HANDLER);
  });

  beforeEach(() => {
    functions = new FunctionHost({}, join(stateDir.path, 'logs'));
    runtime = aLocalRuntime({
      clients: unreachableClients(),
      functions,
      settings: { stateDir: stateDir.path },
    });
  });

  afterEach(async () => {
    await runtime.cognito.close();
  });

  const moto: MotoServer = { endpoint: 'http://127.0.0.1:5050', stop: async () => {}, reset: async () => {} };
  const outputsFile = () => join(stateDir.path, 'outputs.json');

  /** The runtime-wide services as startLocalStack registers them, in its order. */
  const registerServices = () => {
    runtime.handles.add(motoHandle(moto, runtime.cognito));
    runtime.handles.add(functionHostHandle(functions));
    runtime.handles.add(restApiHandle(runtime.api));
    runtime.handles.add(lambdaApiHandle(new LambdaApiServer([], recordingLog()), 'http://127.0.0.1:3001'));
    runtime.handles.add(
      firehoseApiHandle(new FirehoseApiServer(new Map(), recordingLog()), 'http://127.0.0.1:3002'),
    );
    runtime.handles.add(cognitoHandle(runtime.cognito));
  };

  /** What startLocalStack registers once the stack is deployed: the summary, then the partner. */
  const registerSummary = (partner?: LocalPartner) => {
    runtime.handles.add(
      stackSummaryHandle({
        region: 'us-east-1',
        retryDelaySeconds: 2,
        notEmulated: runtime.notEmulated,
        outputsFile: outputsFile(),
      }),
    );
    if (partner) runtime.handles.add(partnerHandle(partner));
  };

  afterAll(() => {
    build.remove();
    stateDir.remove();
  });

  it('lists what runs where, kind by kind, with the partner and how to send an order as it', async () => {
    await runtime.cognito.listen('127.0.0.1', 0);
    registerServices();
    runtime.cognito.addUserPool({ id: 'us-east-1_pool', arn: 'arn:pool', name: 'partners' });
    for (const name of ['checkout-fn', 'transform-fn'])
      functions.register({
        name,
        logicalId: name,
        artifactDir: join(build.path, name === 'checkout-fn' ? 'Checkout' : 'Transform'),
        handler: 'index.handler',
        timeoutSeconds: 3,
        memoryMb: 128,
        arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
        environment: {},
      });
    runtime.api.addApi({
      apiId: 'abc',
      logicalId: 'Api',
      stageName: 'Prod',
      models: {},
      auth: {
        authorizers: {
          Partners: {
            issuers: ['http://issuer'],
            identityHeader: 'Authorization',
            keys: (() => undefined) as never,
            scopes: ['orders/write'],
          },
        },
      },
    });
    runtime.api.addRoute({
      apiId: 'abc',
      method: 'post',
      path: '/checkout',
      functionName: 'checkout-fn',
      auth: { authorizer: 'Partners', apiKeyRequired: true },
    });
    runtime.api.addRoute({ apiId: 'abc', method: 'GET', path: '/health', functionName: 'checkout-fn' });
    runtime.handles.add(
      eventSource({
        mapping: { uuid: 'u-1', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:checkout-fn' },
        maximumBatchingWindowInSeconds: 1,
        reportBatchItemFailures: true,
      }),
    );
    runtime.handles.add(
      eventSource({
        queueArn: 'arn:aws:sqs:us-east-1:123456789012:replay-queue',
        target: 'replay-fn',
        batchSize: 5,
        enabled: false,
      }),
    );
    runtime.handles.add(
      stream({
        processor: {
          functionName: 'transform-fn',
          functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:transform-fn',
          numberOfRetries: 3,
          bufferSizeBytes: 1024 * 1024,
        },
      }),
    );
    runtime.handles.add(
      stream({
        name: 'search-stream',
        arn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/search-stream',
        bufferSizeBytes: 1024 * 1024,
        bufferIntervalSeconds: 60,
        compression: 'UNCOMPRESSED',
        prefix: 'failed/',
        openSearch: {
          endpoint: 'http://127.0.0.1:9200',
          indexName: 'orders',
          rotation: 'OneDay',
          retryDurationSeconds: 300,
          backupMode: 'FailedDocumentsOnly',
        },
      }),
    );
    runtime.handles.add(
      new OpenSearchDomain('search', 'arn:aws:es:us-east-1:123456789012:domain/search', {
        url: 'http://127.0.0.1:9200',
        external: false,
        stop: async () => {},
        kill: async () => {},
      }),
    );
    runtime.handles.add(
      new OpenSearchDomain('other', 'arn:aws:es:us-east-1:123456789012:domain/other', {
        url: 'http://search.example:9200',
        external: true,
        stop: async () => {},
        kill: async () => {},
      }),
    );
    runtime.notEmulated.push('AWS::IAM::Role Role', 'AWS::Logs::LogGroup Logs');
    const partner = {
      name: 'Acme',
      clientId: 'client-1',
      clientSecret: 'secret-1',
      scopes: ['orders/write'],
      apiKey: 'k'.repeat(40),
    };
    registerSummary(partner);
    const outputs = { ApiUrl: 'http://127.0.0.1:3000/', ...runtime.handles.outputs() };
    const stack = { outputs, outputsFile: outputsFile(), runtime, moto, partner } as unknown as LocalStack;

    // outputs.json: the stack's outputs, then the local endpoints, the region and the partner, in this order.
    expect(Object.entries(outputs)).toEqual([
      ['ApiUrl', 'http://127.0.0.1:3000/'],
      ['AwsEndpointUrl', 'http://127.0.0.1:5050'],
      ['LambdaEndpointUrl', 'http://127.0.0.1:3001'],
      ['FirehoseEndpointUrl', 'http://127.0.0.1:3002'],
      ['Region', 'us-east-1'],
      ['PartnerId', 'Acme'],
      ['PartnerClientId', 'client-1'],
      ['PartnerClientSecret', 'secret-1'],
      ['PartnerApiKey', 'k'.repeat(40)],
    ]);

    const cognito = runtime.cognito.url;
    expect(describeLocalStack(stack, settings).split('\n')).toEqual([
      'Local stack "local" (region us-east-1) is up.',
      '',
      '  AWS APIs (moto)   http://127.0.0.1:5050  SNS, SQS, DynamoDB, KMS, S3, SSM, Cognito user pools',
      '  REST API          http://127.0.0.1:3000/  POST /checkout -> checkout-fn (requires Partners (Cognito) scope orders/write, API key)',
      '  REST API          http://127.0.0.1:3000/  GET /health -> checkout-fn',
      `  OAuth 2.0         ${cognito}/oauth2/token  Cognito token endpoint (client credentials) of partners; issuer ${cognito}/<user pool id>, keys at <issuer>/.well-known/jwks.json`,
      '  Partner           Acme: name, client id, secret and API key in outputs.json (PartnerId, PartnerClientId, PartnerClientSecret, PartnerApiKey)',
      '                    the API keys live in the local runtime, not in moto: take PartnerApiKey (aws apigateway get-api-key finds no key locally)',
      '  Lambda API        http://127.0.0.1:3001  event source mappings (Get, List, Update) and Invoke, for npm run replay and the functions',
      '  Firehose API      http://127.0.0.1:3002  PutRecord, PutRecordBatch, DescribeDeliveryStream, ListDeliveryStreams (aws firehose --endpoint-url)',
      `  Function          checkout-fn  ${shown(join(build.path, 'Checkout'))}  log: ${shown(join(stateDir.path, 'logs/checkout-fn.log'))}`,
      `  Function          transform-fn  ${shown(join(build.path, 'Transform'))}  log: ${shown(join(stateDir.path, 'logs/transform-fn.log'))}`,
      '  SQS event source  checkout-queue -> checkout-fn (batch 10, window 1 s, ReportBatchItemFailures, enabled)',
      '  SQS event source  replay-queue -> replay-fn (batch 5, window 0 s, disabled)',
      '  Firehose          archive-stream -> s3://archive-bucket/orders/ (GZIP), transform transform-fn; flushes at 5 MiB or after 5 s locally; 300 s in AWS',
      '  Firehose          search-stream -> OpenSearch http://127.0.0.1:9200 index orders (OneDay, retries 300 s, backup s3://archive-bucket/failed/); flushes at 1 MiB or after 5 s locally; 60 s in AWS',
      `  OpenSearch        http://127.0.0.1:9200  log: ${shown(join(stateDir.path, 'logs'))}/opensearch-*.log`,
      `  OpenSearch        http://search.example:9200 (OPENSEARCH_URL)  log: ${shown(join(stateDir.path, 'logs'))}/opensearch-*.log`,
      "  Retries           failed SQS messages are retried after 2 s locally (in AWS: the queue's visibility timeout)",
      '  Not emulated      2 resources: IAM, log groups, alarms and other control-plane-only kinds (see README)',
      `  Outputs           ${shown(join(stateDir.path, 'outputs.json'))}`,
      '',
      'Send an order as the partner Acme: get an access token (OAuth 2.0 client credentials), then post with it and the API key:',
      `  TOKEN=$(curl -sS -u 'client-1:secret-1' -d grant_type=client_credentials -d scope=orders/write ${cognito}/oauth2/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`,
      `  curl -sS -X POST http://127.0.0.1:3000/checkout -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" -H 'x-api-key: ${'k'.repeat(40)}' --data @events/order.json`,
      '',
      'Press Ctrl-C to stop.',
    ]);
  });

  it('without user pools or a partner: no OAuth line, and a plain curl to send an order', () => {
    registerServices();
    runtime.api.addApi({ apiId: 'abc', logicalId: 'Api', stageName: 'Prod', models: {} });
    runtime.api.addRoute({ apiId: 'abc', method: 'POST', path: '/checkout', functionName: 'checkout-fn' });
    registerSummary();
    const outputs = { ApiUrl: 'http://127.0.0.1:3000/', ...runtime.handles.outputs() };
    const stack = { outputs, outputsFile: outputsFile(), runtime, moto } as unknown as LocalStack;

    expect(describeLocalStack(stack, settings).split('\n')).toEqual([
      'Local stack "local" (region us-east-1) is up.',
      '',
      '  AWS APIs (moto)   http://127.0.0.1:5050  SNS, SQS, DynamoDB, KMS, S3, SSM',
      '  REST API          http://127.0.0.1:3000/  POST /checkout -> checkout-fn',
      '  Lambda API        http://127.0.0.1:3001  event source mappings (Get, List, Update) and Invoke, for npm run replay and the functions',
      '  Firehose API      http://127.0.0.1:3002  PutRecord, PutRecordBatch, DescribeDeliveryStream, ListDeliveryStreams (aws firehose --endpoint-url)',
      "  Retries           failed SQS messages are retried after 2 s locally (in AWS: the queue's visibility timeout)",
      '  Not emulated      0 resources: IAM, log groups, alarms and other control-plane-only kinds (see README)',
      `  Outputs           ${shown(join(stateDir.path, 'outputs.json'))}`,
      '',
      'Send an order:',
      "  curl -sS -X POST http://127.0.0.1:3000/checkout -H 'content-type: application/json' --data @events/order.json",
      '',
      'Press Ctrl-C to stop.',
    ]);
  });
});
