import { parseArn } from '../arn';
import { type DeliveryStreamDefinition, LocalDeliveryStream } from '../firehose/delivery-stream';
import type { RecordDescriber } from '../firehose/destination';
import { createDestination } from '../firehose/destinations';
import type { OpenSearchDestinationSettings } from '../firehose/destinations/opensearch';
import type { Compression } from '../firehose/destinations/s3';
import { evaluatePrefix } from '../firehose/prefix';
import { orderIdOf } from '../log';
import {
  arn,
  type LocalRuntime,
  type Provisioner,
  type ProvisionerDefinition,
  physicalName,
} from '../stack/resources';
import { OPENSEARCH_DOMAIN } from './opensearch';

interface ProcessorParameter {
  ParameterName: string;
  ParameterValue: unknown;
}

interface S3Destination {
  BucketARN: string;
  RoleARN?: string;
  Prefix?: string;
  ErrorOutputPrefix?: string;
  BufferingHints?: { IntervalInSeconds?: unknown; SizeInMBs?: unknown };
  CompressionFormat?: string;
  EncryptionConfiguration?: { KMSEncryptionConfig?: { AWSKMSKeyARN: string } };
  ProcessingConfiguration?: {
    Enabled?: unknown;
    Processors?: { Type: string; Parameters?: ProcessorParameter[] }[];
  };
}

interface OpenSearchConfiguration {
  RoleARN?: string;
  DomainARN?: string;
  ClusterEndpoint?: string;
  IndexName: string;
  IndexRotationPeriod?: string;
  RetryOptions?: { DurationInSeconds?: unknown };
  S3BackupMode?: string;
  S3Configuration: S3Destination;
  BufferingHints?: S3Destination['BufferingHints'];
  ProcessingConfiguration?: S3Destination['ProcessingConfiguration'];
}

/** The stream's records are orders: its log lines name each by its id, and nothing else of it. */
export const describeOrder: RecordDescriber = (data) => `order ${orderIdOf(String(data))}`;

const openSearchDestinationOf = (
  search: OpenSearchConfiguration,
  runtime: LocalRuntime,
): OpenSearchDestinationSettings => {
  const endpoint =
    search.ClusterEndpoint ??
    runtime.handles.find(OPENSEARCH_DOMAIN, (domain) => domain.arn === String(search.DomainARN))?.url;
  if (!endpoint)
    throw new Error(`the domain ${search.DomainARN} is not an OpenSearch domain of the local stack`);
  return {
    endpoint,
    indexName: search.IndexName,
    rotation: (search.IndexRotationPeriod ?? 'OneDay') as OpenSearchDestinationSettings['rotation'],
    retryDurationSeconds: Number(search.RetryOptions?.DurationInSeconds ?? 300),
    backupMode: search.S3BackupMode === 'AllDocuments' ? 'AllDocuments' : 'FailedDocumentsOnly',
    ...(search.ClusterEndpoint ? {} : { domainArn: String(search.DomainARN) }),
    ...(search.RoleARN ? { roleArn: search.RoleARN } : {}),
  };
};

const EMULATED_COMPRESSION = new Set(['UNCOMPRESSED', 'GZIP']);
const MIB = 1024 * 1024;

const lambdaProcessorOf = (destination: Pick<S3Destination, 'ProcessingConfiguration'>) => {
  const configuration = destination.ProcessingConfiguration;
  if (!configuration || String(configuration.Enabled) !== 'true') return undefined;
  const lambda = configuration.Processors?.find((processor) => processor.Type === 'Lambda');
  if (!lambda) return undefined;
  const parameter = (name: string) =>
    lambda.Parameters?.find((entry) => entry.ParameterName === name)?.ParameterValue;
  const functionArn = String(parameter('LambdaArn'));
  return {
    functionArn,
    // arn:aws:lambda:region:account:function:name[:qualifier]
    functionName: parseArn(functionArn).resourceName,
    numberOfRetries: Number(parameter('NumberOfRetries') ?? 3),
    bufferSizeBytes: Number(parameter('BufferSizeInMBs') ?? 1) * MIB,
    bufferIntervalSeconds: Number(parameter('BufferIntervalInSeconds') ?? 60),
  };
};

/**
 * Firehose's rules for the two prefixes, checked when the stream is created (as CreateDeliveryStream does)
 * rather than at the first delivery: every expression must evaluate, `Prefix` cannot hold
 * `!{firehose:error-output-type}`, and a `Prefix` with expressions needs an `ErrorOutputPrefix` with it.
 */
const checkPrefixes = (prefix: string, errorOutputPrefix: string) => {
  const timestamp = new Date();
  try {
    evaluatePrefix(prefix, { timestamp });
  } catch (error) {
    throw new Error(`Prefix ${prefix}: ${(error as Error).message}`);
  }
  if (prefix.includes('!{') && !errorOutputPrefix.includes('!{firehose:error-output-type}')) {
    throw new Error(
      `Prefix ${prefix} has expressions, so ErrorOutputPrefix must contain !{firehose:error-output-type}`,
    );
  }
  try {
    evaluatePrefix(errorOutputPrefix, { timestamp, errorOutputType: 'processing-failed' });
  } catch (error) {
    throw new Error(`ErrorOutputPrefix ${errorOutputPrefix}: ${(error as Error).message}`);
  }
};

/** Stream server-side encryption (DeliveryStreamEncryptionConfigurationInput), when configured. */
const encryptionOf = (properties: Record<string, unknown>): DeliveryStreamDefinition['encryption'] => {
  const input = properties.DeliveryStreamEncryptionConfigurationInput as
    | { KeyType?: string; KeyARN?: string }
    | undefined;
  if (!input) return undefined;
  return { keyType: input.KeyType ?? 'AWS_OWNED_CMK', ...(input.KeyARN ? { keyArn: input.KeyARN } : {}) };
};

/**
 * AWS::KinesisFirehose::DeliveryStream (DirectPut, to S3 or OpenSearch Service), emulated by the local
 * runtime. Its log lines name the orders it carries (describeOrder).
 */
export const createFirehoseDeliveryStream: Provisioner = async (
  { logicalId, properties, stack },
  runtime,
) => {
  const name = (properties.DeliveryStreamName as string | undefined) ?? physicalName(stack, logicalId, 64);
  const streamArn = arn(stack.pseudo, 'firehose', `deliverystream/${name}`);
  const type = String(properties.DeliveryStreamType ?? 'DirectPut');
  if (type !== 'DirectPut') {
    throw new Error(`DeliveryStreamType ${type} is not emulated locally (DirectPut is)`);
  }
  const search = properties.AmazonopensearchserviceDestinationConfiguration as
    | OpenSearchConfiguration
    | undefined;
  const s3 = (properties.ExtendedS3DestinationConfiguration ?? properties.S3DestinationConfiguration) as
    | S3Destination
    | undefined;
  // For an OpenSearch destination, its S3Configuration is where failed documents are backed up.
  const destination = s3 ?? search?.S3Configuration;
  if (!destination) throw new Error('only S3 and OpenSearch Service destinations are emulated locally');
  const compression = String(destination.CompressionFormat ?? 'UNCOMPRESSED');
  if (!EMULATED_COMPRESSION.has(compression)) {
    throw new Error(`CompressionFormat ${compression} is not emulated locally (GZIP and UNCOMPRESSED are)`);
  }
  const prefix = destination.Prefix ?? '';
  const errorOutputPrefix = destination.ErrorOutputPrefix ?? '';
  checkPrefixes(prefix, errorOutputPrefix);
  const processor = lambdaProcessorOf(search ?? destination);
  if (processor && !runtime.functions.functions.some((fn) => fn.name === processor.functionName)) {
    throw new Error(`the processor ${processor.functionArn} is not a function of the local stack`);
  }
  const buffering = (search ?? destination).BufferingHints;
  const intervalSeconds = Number(buffering?.IntervalInSeconds ?? 300);
  const encryption = encryptionOf(properties);
  const definition: DeliveryStreamDefinition = {
    name,
    arn: streamArn,
    label: [...stack.path, logicalId].join('/'),
    bucketName: parseArn(destination.BucketARN).resource,
    prefix,
    errorOutputPrefix,
    bufferIntervalSeconds: intervalSeconds,
    localBufferIntervalSeconds: Math.min(intervalSeconds, runtime.settings.firehoseBufferIntervalSeconds),
    bufferSizeBytes: Number(buffering?.SizeInMBs ?? 5) * MIB,
    compression: compression as Compression,
    kmsKeyArn: destination.EncryptionConfiguration?.KMSEncryptionConfig?.AWSKMSKeyARN,
    ...(destination.RoleARN ? { roleArn: destination.RoleARN } : {}),
    processor,
    ...(encryption ? { encryption } : {}),
    openSearch: search && openSearchDestinationOf(search, runtime),
  };
  const { s3: s3Client } = runtime.clients;
  const stream = new LocalDeliveryStream(definition, {
    destination: createDestination(definition, {
      s3: s3Client,
      log: runtime.log,
      describeRecord: describeOrder,
    }),
    invoke: (functionName, event) => runtime.functions.invoke(functionName, event),
    log: runtime.log,
  });
  return { ref: name, attributes: { Arn: streamArn }, handles: [stream] };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::KinesisFirehose::DeliveryStream', create: createFirehoseDeliveryStream },
];
