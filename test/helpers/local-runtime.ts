/** Helpers for the tests of the local runtime (local/): temp dirs with handler modules, bounded waits, logs. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { RestApiServer } from '../../local/api/rest-api-server';
import { LocalCognito } from '../../local/cognito/local-cognito';
import type { RuntimeLog } from '../../local/log';
import { HandleRegistry } from '../../local/stack/handles';
import { defaultProvisioners } from '../../local/stack/registry';
import type { AwsClients, LocalRuntime, RuntimeSettings } from '../../local/stack/resources';

/** A fresh directory under the OS temp dir; removed by `remove()`. */
export const makeTempDir = (prefix: string) => {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
};

/** Writes `text` to `dir/relativePath`, creating folders as needed, and returns the full path. */
export const writeFile = (dir: string, relativePath: string, text: string) => {
  const path = join(dir, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
};

/**
 * Polls `probe` until it returns something other than undefined/false, or fails once `timeoutMs` has
 * passed, naming what it was waiting for.
 */
export const waitFor = async <T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 100 } = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(intervalMs);
  }
};

export interface RecordedLog extends RuntimeLog {
  readonly lines: { level: 'info' | 'warn'; component: string; message: string }[];
  text(): string;
}

/** A RuntimeLog that keeps its lines for assertions instead of printing them. */
export const recordingLog = (): RecordedLog => {
  const lines: RecordedLog['lines'] = [];
  return {
    lines,
    info: (component, message) => lines.push({ level: 'info', component, message }),
    warn: (component, message) => lines.push({ level: 'warn', component, message }),
    text: () => lines.map((line) => `${line.level} [${line.component}] ${line.message}`).join('\n'),
  };
};

/** SDK clients for the given settings (moto's, or an endpoint nothing listens on). */
export const awsClients = (config: object): AwsClients => ({
  cognito: new CognitoIdentityProviderClient(config),
  dynamodb: new DynamoDBClient(config),
  kms: new KMSClient(config),
  sns: new SNSClient(config),
  sqs: new SQSClient(config),
  s3: new S3Client({ ...config, forcePathStyle: true }),
  ssm: new SSMClient(config),
});

/**
 * A LocalRuntime for tests of provisioners and stacks: quiet, short delays, the provisioners of
 * local/provisioners/, no handles yet. Its Cognito endpoint does not listen unless the test makes it
 * (`runtime.cognito.listen(...)`). `settings` are merged with the defaults (1 s retries and buffering, a
 * fresh state directory).
 */
export const aLocalRuntime = ({
  settings,
  ...parts
}: Pick<LocalRuntime, 'clients' | 'functions'> &
  Partial<Omit<LocalRuntime, 'settings'>> & { settings?: Partial<RuntimeSettings> }): LocalRuntime => ({
  api: new RestApiServer(parts.functions, recordingLog()),
  apiBaseUrl: 'http://127.0.0.1:3999/',
  cognito: new LocalCognito(parts.clients.cognito, recordingLog()),
  log: recordingLog(),
  settings: {
    retryDelaySeconds: 1,
    firehoseBufferIntervalSeconds: 1,
    ...settings,
    stateDir: settings?.stateDir ?? mkdtempSync(join(tmpdir(), 'local-runtime-')),
  },
  provisioners: defaultProvisioners(),
  handles: new HandleRegistry(),
  customResourceResponses: {
    expect: () => {
      throw new Error('This test runtime serves no custom resource responses');
    },
  },
  notEmulated: [],
  ...parts,
});

/**
 * Stops what the runtime's provisioners started (event sources, delivery streams, OpenSearch nodes, and
 * any other handle), phase by phase as the local stack does, and forgets them: for tests that share a
 * runtime between cases.
 */
export const stopHandles = async ({ handles }: Pick<LocalRuntime, 'handles'>) => {
  try {
    await handles.stopAll();
  } finally {
    for (const handle of handles.all) handles.remove(handle);
  }
};

/**
 * Clients whose every call fails at once (nothing listens on port 9): for tests of logic that must not
 * call AWS at all, so that a call they should not make fails the test.
 */
export const unreachableClients = (): AwsClients =>
  awsClients({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
