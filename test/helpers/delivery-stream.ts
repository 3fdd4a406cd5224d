import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import {
  type DeliveryStreamDefinition,
  type DeliveryStreamDependencies,
  LocalDeliveryStream,
} from '../../local/firehose/delivery-stream';
import type {
  DeliveryDestination,
  DeliveryRecord,
  ErrorOutputRecord,
  RecordDescriber,
} from '../../local/firehose/destination';
import { createDestination } from '../../local/firehose/destinations';
import { describeOrder } from '../../local/provisioners/firehose';

/**
 * A local delivery stream wired as the provisioner wires one: the destination its definition configures,
 * its log lines naming orders (unless `describeRecord` says otherwise), `retryDelayMs` for every retry.
 */
export const aLocalDeliveryStream = (
  definition: DeliveryStreamDefinition,
  {
    s3,
    describeRecord = describeOrder,
    ...dependencies
  }: Omit<DeliveryStreamDependencies, 'destination'> & { s3: S3Client; describeRecord?: RecordDescriber },
): LocalDeliveryStream =>
  new LocalDeliveryStream(definition, {
    ...dependencies,
    destination: createDestination(definition, {
      s3,
      log: dependencies.log,
      describeRecord,
      retryDelayMs: dependencies.retryDelayMs,
    }),
  });

/** A destination that keeps what the stream hands it, and describes itself as an S3 destination. */
export const recordingDestination = () => {
  const delivered: DeliveryRecord[][] = [];
  const processingFailures: ErrorOutputRecord[][] = [];
  const destination: DeliveryDestination & {
    delivered: typeof delivered;
    processingFailures: typeof processingFailures;
    failWith?: Error;
    /** How many deliveries it had when it was closed; undefined while open. */
    closedAfter?: number;
  } = {
    delivered,
    processingFailures,
    close: async () => {
      destination.closedAfter = delivered.length;
    },
    deliver: async (records) => {
      if (destination.failWith) throw destination.failWith;
      delivered.push([...records]);
    },
    deliverProcessingFailures: async (records) => {
      processingFailures.push([...records]);
    },
    describe: (parts) => ({
      ExtendedS3DestinationDescription: { BucketARN: 'arn:aws:s3:::recorded', ...parts },
    }),
  };
  return destination;
};

/**
 * An S3 client that keeps every PutObject input instead of sending it; `failures` first calls fail (as S3
 * being down). Anything but PutObject fails the test.
 */
export const recordingS3 = ({ failures = 0 } = {}) => {
  const puts: PutObjectCommandInput[] = [];
  let calls = 0;
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof PutObjectCommand)) throw new Error('only PutObject is expected');
      calls += 1;
      if (calls <= failures) throw new Error(`S3 is down (call ${calls})`);
      puts.push(command.input);
      return {};
    },
  };
  return { s3: client as unknown as S3Client, puts };
};
