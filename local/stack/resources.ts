import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { RestApiServer } from '../api/rest-api-server';
import type { LocalCognito } from '../cognito/local-cognito';
import type { SqsEventSource } from '../event-sources/sqs-event-source';
import type { LocalDeliveryStream } from '../firehose/delivery-stream';
import type { FunctionHost } from '../lambda/function-host';
import type { RuntimeLog } from '../log';
import type { OpenSearchNode } from '../opensearch/opensearch-node';
import type { TemplateResource } from '../template/parse-template';
import type { PseudoParameters, ResourceState } from './intrinsics';

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

/** What the local runtime shares between stacks (the root and its nested applications). */
export interface LocalRuntime {
  clients: AwsClients;
  functions: FunctionHost;
  api: RestApiServer;
  /** Where `api` listens, e.g. http://127.0.0.1:3000/. */
  apiBaseUrl: string;
  /** The user pools' issuers and token endpoint (the pools and clients themselves are in moto). */
  cognito: LocalCognito;
  eventSources: SqsEventSource[];
  log: RuntimeLog;
  retryDelaySeconds: number;
  /** Firehose delivery streams by ARN. */
  deliveryStreams: Map<string, LocalDeliveryStream>;
  /** The longest a delivery stream buffers locally (the template's interval when shorter). */
  firehoseBufferIntervalSeconds: number;
  /** Where the runtime keeps its files (outputs, logs, OpenSearch data). */
  stateDir: string;
  /** OpenSearch nodes started for the stack's domains, stopped with it. */
  openSearchNodes: OpenSearchNode[];
  /** The URL of each OpenSearch domain of the stack, by domain ARN. */
  openSearchDomains: Map<string, string>;
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
 * What a provisioner created: its own Ref and GetAtt values, and those of the resources SAM generates
 * from it (such as a function's event source mapping, `<Function><Event>`).
 */
export type Provisioned = ResourceState & { generated?: Record<string, ResourceState> };

/** Creates one kind of resource in the local stack. */
export type Provisioner = (resource: ResourceToCreate, runtime: LocalRuntime) => Promise<Provisioned>;

const MAX_NAME = 80;

/** A deterministic physical name like CloudFormation's `stack-LogicalId-SUFFIX`, within `maxLength`. */
export const physicalName = ({ stackName }: StackFrame, logicalId: string, maxLength = MAX_NAME) =>
  `${stackName}-${logicalId}`.slice(0, maxLength);

export const arn = (pseudo: PseudoParameters, service: string, resource: string, withAccount = true) =>
  `arn:${pseudo.partition}:${service}:${pseudo.region}:${withAccount ? pseudo.accountId : ''}:${resource}`;
