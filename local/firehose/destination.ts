/**
 * What a local delivery stream hands its records to: one implementation per kind of destination
 * (`destinations/s3.ts`, `destinations/opensearch.ts`). The stream buffers and transforms; the destination
 * delivers, backs up, and says where things went.
 */

/**
 * What a log line says of one record, e.g. `order 7f3c...` (the provisioner passes the order-aware one):
 * the emulator itself knows nothing of what the records hold.
 */
export type RecordDescriber = (data: Buffer | string) => string;

/** A record on its way to the destination: transformed by the processor, when there is one. */
export interface DeliveryRecord {
  recordId: string;
  data: Buffer;
  arrivalTimestamp: number;
}

/** Firehose's documented record format for the error output (records the processor failed). */
export interface ErrorOutputRecord {
  attemptsMade: number;
  arrivalTimestamp: number;
  errorCode: string;
  errorMessage: string;
  attemptEndingTimestamp: number;
  rawData: string;
  lambdaArn: string;
}

/** BufferingHints as DescribeDeliveryStream gives them. */
export interface BufferingHintsDescription {
  SizeInMBs: number;
  IntervalInSeconds: number;
}

/** ProcessingConfiguration as DescribeDeliveryStream gives it (parameter values are strings). */
export interface ProcessingConfigurationDescription {
  Enabled: boolean;
  Processors: { Type: string; Parameters: { ParameterName: string; ParameterValue: string }[] }[];
}

/** What the stream knows and every destination description repeats. */
export interface StreamDescriptionParts {
  BufferingHints: BufferingHintsDescription;
  ProcessingConfiguration: ProcessingConfigurationDescription;
}

/**
 * One entry of DescribeDeliveryStream's Destinations without its DestinationId: the destination's
 * description under its kind's key (ExtendedS3DestinationDescription,
 * AmazonopensearchserviceDestinationDescription).
 */
export type DestinationDescription = Record<string, Record<string, unknown>>;

export interface DeliveryDestination {
  /** Delivers what one flush produced; resolves once every record is delivered or backed up. */
  deliver(records: readonly DeliveryRecord[]): Promise<void>;
  /** Writes the records the processor failed where Firehose puts them (the error output prefix in S3). */
  deliverProcessingFailures(records: readonly ErrorOutputRecord[]): Promise<void>;
  /** This destination as DescribeDeliveryStream describes it. */
  describe(stream: StreamDescriptionParts): DestinationDescription;
  /** Lets go of connections, once the stream has delivered its last records. */
  close?(): Promise<void>;
}
