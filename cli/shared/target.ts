/**
 * The stack a CLI works on, and SDK clients for it: the local stack (its `.local/outputs.json`, moto's
 * endpoint, path-style S3, fixed test credentials) or a stack deployed to AWS (outputs from CloudFormation
 * DescribeStacks, the default credential chain and Region).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { LOCAL_REGION, localClientConfig } from '../../local/aws-config';
import { PROJECT_ROOT } from '../../local/paths';
import { CliError, type FailureContext, UsageError } from './errors';
import { type CliIo, cwdOf, envOf } from './io';

export type StackOutputs = Record<string, string>;

/** Client settings that every AWS SDK v3 client accepts (`forcePathStyle` only matters to S3). */
export interface ClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

export interface Target {
  kind: 'local' | 'aws';
  /** For messages: `the local stack (.local/outputs.json)`, `stack checkout`. */
  description: string;
  clientConfig: ClientConfig;
  /** What failure messages need to know about where requests go. */
  failureContext: FailureContext;
  /** The stack's outputs (read once). */
  outputs(): Promise<StackOutputs>;
  /** One output; a CliError naming the stack when it has no such output. */
  output(name: string): Promise<string>;
}

export interface TargetOptions {
  stackName?: string | undefined;
  region?: string | undefined;
  outputsFile?: string | undefined;
}

/** Where `npm start` writes the outputs: `$LOCAL_STATE_DIR/outputs.json`, `.local/` by default. */
export const defaultOutputsFile = (env: Record<string, string | undefined>) =>
  resolve(PROJECT_ROOT, env.LOCAL_STATE_DIR || '.local', 'outputs.json');

const shortPath = (file: string, cwd: string) => {
  const path = relative(cwd, file);
  return path && !path.startsWith('..') && !isAbsolute(path) ? path : file;
};

/** Reads and checks an outputs.json: a JSON object of strings with AwsEndpointUrl. */
export const readOutputsFile = (file: string, shown = file): StackOutputs => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CliError(
        `${shown} does not exist: is the local stack running? Start it with npm start (or pass --stack-name <name> for a stack in AWS)`,
      );
    }
    throw new CliError(`cannot read ${shown}: ${(error as Error).message}`);
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new CliError(`${shown} is not valid JSON: restart the local stack with npm start`);
  }
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throw new CliError(`${shown} is not a JSON object of stack outputs`);
  }
  const strings = Object.fromEntries(
    Object.entries(outputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  if (!strings.AwsEndpointUrl) {
    throw new CliError(`${shown} has no AwsEndpointUrl: it was not written by npm start`);
  }
  return strings;
};

const missingOutput = (name: string, description: string) =>
  new CliError(
    `${description} has no output ${name}: is it deployed from this project's template, with the pipeline that provides it?`,
  );

const localTarget = (file: string, shown: string): Target => {
  const outputs = readOutputsFile(file, shown);
  const endpoint = outputs.AwsEndpointUrl as string;
  const description = `the local stack (${shown})`;
  return {
    kind: 'local',
    description,
    clientConfig: localClientConfig(endpoint, outputs.Region || LOCAL_REGION),
    failureContext: { localEndpoint: endpoint },
    outputs: async () => outputs,
    output: async (name) => {
      const value = outputs[name];
      if (!value) throw missingOutput(name, description);
      return value;
    },
  };
};

/** The outputs of a deployed stack, from CloudFormation DescribeStacks. */
export const describeStackOutputs = async (stackName: string, clientConfig: ClientConfig) => {
  const cloudFormation = new CloudFormationClient(clientConfig);
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw new CliError(`the stack ${stackName} does not exist`);
    return Object.fromEntries(
      (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
        OutputKey && OutputValue !== undefined ? [[OutputKey, OutputValue]] : [],
      ),
    ) as StackOutputs;
  } catch (error) {
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      const region = await cloudFormation.config.region().catch(() => undefined);
      throw new CliError(
        `the stack ${stackName} does not exist${region ? ` in ${region}` : ''} (check --stack-name and --region)`,
      );
    }
    throw error;
  } finally {
    cloudFormation.destroy();
  }
};

const awsTarget = (stackName: string, region: string | undefined): Target => {
  const clientConfig: ClientConfig = region ? { region } : {};
  const description = `the stack ${stackName}`;
  let outputs: Promise<StackOutputs> | undefined;
  const target: Target = {
    kind: 'aws',
    description,
    clientConfig,
    failureContext: {},
    outputs: () => {
      outputs ??= describeStackOutputs(stackName, clientConfig);
      return outputs;
    },
    output: async (name) => {
      const value = (await target.outputs())[name];
      if (!value) throw missingOutput(name, description);
      return value;
    },
  };
  return target;
};

/** The local stack unless `--stack-name` is given; `--outputs` and `--region` each belong to one of them. */
export const resolveTarget = (options: TargetOptions, io: CliIo): Target => {
  if (options.stackName !== undefined) {
    if (options.outputsFile !== undefined) {
      throw new UsageError(
        '--outputs is for the local stack and --stack-name for a stack in AWS: give one of them',
      );
    }
    return awsTarget(options.stackName, options.region);
  }
  if (options.region !== undefined) {
    throw new UsageError('--region needs --stack-name (the local stack has its Region in its outputs)');
  }
  const cwd = cwdOf(io);
  const file =
    options.outputsFile === undefined ? defaultOutputsFile(envOf(io)) : resolve(cwd, options.outputsFile);
  return localTarget(file, shortPath(file, cwd));
};

/** An SDK client for the target: `createClient(S3Client, target)`. */
export const createClient = <Client>(
  ClientClass: new (config: ClientConfig) => Client,
  target: Pick<Target, 'clientConfig'>,
): Client => new ClientClass({ ...target.clientConfig });
