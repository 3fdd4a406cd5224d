import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { RestApiServer } from '../api/rest-api-server';
import type { LocalCognito } from '../cognito/local-cognito';
import type { FunctionHost } from '../lambda/function-host';
import type { RuntimeLog } from '../log';
import type { TemplateResource } from '../template/parse-template';
import type { HandleRegistry, ResourceHandle } from './handles';
import type { PseudoParameters, ResourceState } from './intrinsics';
import type { ProvisionerRegistry } from './registry';

export interface AwsClients {
  /** Cognito user pools (in moto); `LocalRuntime.cognito` is the OAuth 2.0 side moto does not serve. */
  cognito: CognitoIdentityProviderClient;
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  s3: S3Client;
  sns: SNSClient;
  sqs: SQSClient;
  ssm: SSMClient;
}

/** The runtime's settings, as `npm start` was given them. */
export interface RuntimeSettings {
  /** Seconds before a failed SQS message is retried locally (Lambda waits for the visibility timeout). */
  retryDelaySeconds: number;
  /** The longest a delivery stream buffers locally (the template's interval when shorter). */
  firehoseBufferIntervalSeconds: number;
  /** Where the runtime keeps its files (outputs, logs, OpenSearch data). */
  stateDir: string;
}

/**
 * What the local runtime shares between stacks (the root and its nested applications): the services every
 * provisioner may use, and the two registries. What a provisioner starts (event sources, delivery streams,
 * OpenSearch nodes) is not here but in `handles`, found there by kind.
 */
export interface LocalRuntime {
  clients: AwsClients;
  functions: FunctionHost;
  api: RestApiServer;
  /** Where `api` listens, e.g. http://127.0.0.1:3000/. */
  apiBaseUrl: string;
  /** The user pools' issuers and token endpoint (the pools and clients themselves are in moto). */
  cognito: LocalCognito;
  log: RuntimeLog;
  settings: RuntimeSettings;
  /** How each resource type is created (one provisioner module per kind, found in local/provisioners/). */
  provisioners: ProvisionerRegistry;
  /** What runs for the stack: started, stopped, described in the banner and found through it. */
  handles: HandleRegistry;
  /** Where custom resource functions send their answer (the ResponseURL). */
  customResourceResponses: {
    expect(requestId: string, timeoutMs: number): { url: string; response: Promise<unknown> };
  };
  /** Resource kinds that exist only on paper locally, with their logical ids, for the start-up summary. */
  notEmulated: string[];
}

/** One stack being created: the root template or a nested application's. */
export interface StackFrame {
  stackName: string;
  /** Logical ids from the root down to this stack, e.g. ["StorageBackupPipeline"]. */
  path: string[];
  templateDir: string;
  /** Where `sam build` put this stack's function artifacts. */
  buildDir: string;
  pseudo: PseudoParameters;
}

export interface ResourceToCreate {
  logicalId: string;
  definition: TemplateResource;
  /** Properties with every intrinsic function evaluated. */
  properties: Record<string, unknown>;
  stack: StackFrame;
}

/**
 * What a provisioner created: its own Ref and GetAtt values, those of the resources SAM generates from it
 * (such as a function's event source mapping, `<Function><Event>`), and the handles of what it started
 * (registered in `runtime.handles` as soon as it returns, so the next resource finds them there).
 */
export type Provisioned = ResourceState & {
  generated?: Record<string, ResourceState>;
  handles?: ResourceHandle[];
};

/** Creates one kind of resource in the local stack. */
export type Provisioner = (resource: ResourceToCreate, runtime: LocalRuntime) => Promise<Provisioned>;

/**
 * One resource type a provisioner module creates. Each module of local/provisioners/ exports
 * `provisioners: ProvisionerDefinition[]`; the registry finds them there.
 */
export interface ProvisionerDefinition {
  /** The CloudFormation type, e.g. `AWS::SQS::Queue`; a trailing `*` takes every type it begins (`Custom::*`). */
  type: string;
  create: Provisioner;
  /**
   * Properties the local stack leaves out: not evaluated, not passed to `create`, not followed when
   * ordering creation (SAM turns a function's DeploymentPreference into CodeDeploy resources that refer
   * back to the function).
   */
  notEmulatedProperties?: string[];
}

const MAX_NAME = 80;

/** A deterministic physical name like CloudFormation's `stack-LogicalId-SUFFIX`, within `maxLength`. */
export const physicalName = ({ stackName }: StackFrame, logicalId: string, maxLength = MAX_NAME) =>
  `${stackName}-${logicalId}`.slice(0, maxLength);

export const arn = (pseudo: PseudoParameters, service: string, resource: string, withAccount = true) =>
  `arn:${pseudo.partition}:${service}:${pseudo.region}:${withAccount ? pseudo.accountId : ''}:${resource}`;
