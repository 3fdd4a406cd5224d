/** `npm start`: the whole system on this machine (see README, "Running locally"). */
import { resolve } from 'node:path';
import { LOCAL_REGION } from './aws-config';
import { DEFAULT_FUNCTION_CONCURRENCY } from './lambda/function-host';
import { consoleLog } from './log';
import { parameterOverridesFrom } from './parameter-overrides';
import { PROJECT_ROOT } from './paths';
import { describeLocalStack, type LocalStackSettings, startLocalStack } from './stack/local-stack';
import { describeStartFailure } from './start-failure';

const numberFrom = (variable: string, fallback: number) => {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${variable} must be a non-negative integer, not "${value}"`);
  return parsed;
};

/** The local stack is for trying things: its game-day fault switch exists unless an override says otherwise. */
const LOCAL_PARAMETER_DEFAULTS = { EnableFaultInjection: 'true' };

const settingsFromEnvironment = (): LocalStackSettings => ({
  host: process.env.LOCAL_HOST ?? '127.0.0.1',
  apiPort: numberFrom('LOCAL_API_PORT', 3000),
  motoPort: numberFrom('LOCAL_MOTO_PORT', 5050),
  lambdaPort: numberFrom('LOCAL_LAMBDA_PORT', 3001),
  cognitoPort: numberFrom('LOCAL_COGNITO_PORT', 0),
  firehosePort: numberFrom('LOCAL_FIREHOSE_PORT', 3002),
  parameterOverrides: {
    ...LOCAL_PARAMETER_DEFAULTS,
    ...parameterOverridesFrom(process.argv.slice(2), PROJECT_ROOT),
  },
  stateDir: resolve(PROJECT_ROOT, process.env.LOCAL_STATE_DIR ?? '.local'),
  region: process.env.LOCAL_REGION ?? LOCAL_REGION,
  stackName: process.env.LOCAL_STACK_NAME ?? 'local',
  retryDelaySeconds: numberFrom('LOCAL_RETRY_DELAY_SECONDS', 2),
  firehoseBufferIntervalSeconds: numberFrom('LOCAL_FIREHOSE_BUFFER_SECONDS', 5),
  functionConcurrency: numberFrom('LOCAL_FUNCTION_CONCURRENCY', DEFAULT_FUNCTION_CONCURRENCY),
  build: process.env.LOCAL_SKIP_BUILD !== '1',
  log: consoleLog,
});

/** A mistake on the command line or in the environment: its message, without a stack trace. */
const readSettings = (): LocalStackSettings => {
  try {
    return settingsFromEnvironment();
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(2);
  }
};

const settings = readSettings();

const main = async () => {
  const stack = await startLocalStack(settings);
  console.log(`\n${describeLocalStack(stack, settings)}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    await stack.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error: unknown) => {
  const ports = {
    LOCAL_API_PORT: settings.apiPort,
    LOCAL_MOTO_PORT: settings.motoPort,
    LOCAL_LAMBDA_PORT: settings.lambdaPort,
    LOCAL_COGNITO_PORT: settings.cognitoPort,
    LOCAL_FIREHOSE_PORT: settings.firehosePort ?? 0,
  };
  console.error(`\n${describeStartFailure(error, ports)}`);
  process.exit(1);
});
