import {
  type Compression,
  LocalDeliveryStream,
  type OpenSearchDestination,
} from '../firehose/delivery-stream';
import { evaluatePrefix } from '../firehose/prefix';
import { arn, type LocalRuntime, type Provisioner, physicalName } from '../stack/resources';

interface ProcessorParameter {
  ParameterName: string;
  ParameterValue: unknown;
}

interface S3Destination {
  BucketARN: string;
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

const openSearchDestinationOf = (
  search: OpenSearchConfiguration,
  runtime: LocalRuntime,
): OpenSearchDestination => {
  const endpoint = search.ClusterEndpoint ?? runtime.openSearchDomains.get(String(search.DomainARN));
  if (!endpoint)
    throw new Error(`the domain ${search.DomainARN} is not an OpenSearch domain of the local stack`);
  return {
    endpoint,
    indexName: search.IndexName,
    rotation: (search.IndexRotationPeriod ?? 'OneDay') as OpenSearchDestination['rotation'],
    retryDurationSeconds: Number(search.RetryOptions?.DurationInSeconds ?? 300),
    backupMode: search.S3BackupMode === 'AllDocuments' ? 'AllDocuments' : 'FailedDocumentsOnly',
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
    functionName: functionArn.split(':')[6] ?? functionArn,
    numberOfRetries: Number(parameter('NumberOfRetries') ?? 3),
    bufferSizeBytes: Number(parameter('BufferSizeInMBs') ?? 1) * MIB,
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

/** AWS::KinesisFirehose::DeliveryStream with an S3 destination, emulated by the local runtime. */
export const createFirehoseDeliveryStream: Provisioner = async (
  { logicalId, properties, stack },
  runtime,
) => {
  const name = (properties.DeliveryStreamName as string | undefined) ?? physicalName(stack, logicalId, 64);
  const streamArn = arn(stack.pseudo, 'firehose', `deliverystream/${name}`);
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
  const stream = new LocalDeliveryStream(
    {
      name,
      arn: streamArn,
      label: [...stack.path, logicalId].join('/'),
      bucketName: destination.BucketARN.slice(destination.BucketARN.lastIndexOf(':') + 1),
      prefix,
      errorOutputPrefix,
      bufferIntervalSeconds: intervalSeconds,
      localBufferIntervalSeconds: Math.min(intervalSeconds, runtime.firehoseBufferIntervalSeconds),
      bufferSizeBytes: Number(buffering?.SizeInMBs ?? 5) * MIB,
      compression: compression as Compression,
      kmsKeyArn: destination.EncryptionConfiguration?.KMSEncryptionConfig?.AWSKMSKeyARN,
      processor,
      openSearch: search && openSearchDestinationOf(search, runtime),
    },
    {
      s3: runtime.clients.s3,
      invoke: (functionName, event) => runtime.functions.invoke(functionName, event),
      log: runtime.log,
    },
  );
  runtime.deliveryStreams.set(streamArn, stream);
  return { ref: name, attributes: { Arn: streamArn } };
};
