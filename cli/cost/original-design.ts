/**
 * The original AWS Event Fork Pipelines design of the storage-backup and search-analytics pipelines: SNS
 * delivers to an SQS queue, and a Lambda function (ProcessRecords) forwards each message to the Firehose
 * stream with PutRecord. This project subscribes the streams to the topic directly. The forwarding hop is
 * priced here as the original templates declare it; everything after Firehose is the same in both designs.
 *
 * Source: github.com/amazon-archives/aws-serverless-event-fork-pipelines,
 * pipelines/event-storage-backup-pipeline/template.yml and pipelines/event-search-analytics-pipeline/
 * template.yml (MessageQueue: an AWS::SQS::Queue without encryption, subscribed with raw delivery;
 * ProcessRecords: python3.6 with no MemorySize, so SAM's 128 MB, x86_64 (Lambda had no arm64 then), an
 * SQS event with BatchSize 10), and src/process_records.py (one firehose.put_record per message).
 */

import {
  type LineItem,
  lambdaItems,
  lineItem,
  type PriceBook,
  priced,
  queueDetail,
  queueRequests,
} from './line-items';
import type { DurationTable } from './measured-durations';
import type { FunctionSettings } from './template-settings';

export const ORIGINAL_FORWARDER: FunctionSettings & { batchSize: number; queueEncrypted: boolean } = {
  memoryMb: 128,
  architecture: 'x86_64',
  batchSize: 10,
  queueEncrypted: false,
};

export const ORIGINAL_DESIGN_SOURCE =
  'github.com/amazon-archives/aws-serverless-event-fork-pipelines (pipelines/event-storage-backup-pipeline and event-search-analytics-pipeline: template.yml, src/process_records.py)';

/**
 * The line items of the forwarding hop for `messages` a month of `messageBytes` each: the SNS deliveries to
 * the queue (not charged), the queue's requests (SNS's sends, the poller's receives and batch deletes, and
 * its empty long polls), and the forwarder's requests and duration. The queue is unencrypted, as in the
 * original template: no KMS requests.
 */
export const forwardingHopItems = (
  book: PriceBook,
  args: {
    pipelineId: string;
    messages: number;
    messageBytes: number;
    durations: DurationTable;
    coldStartShare: number;
  },
): LineItem[] => {
  const { pipelineId, messages, messageBytes, durations, coldStartShare } = args;
  const requests = queueRequests({
    messages,
    messageBytes,
    batchSize: ORIGINAL_FORWARDER.batchSize,
    polled: true,
  });
  return [
    lineItem(priced(book, 'snsSqsDeliveries'), {
      id: `${pipelineId}.original.sns-sqs-deliveries`,
      service: 'SNS',
      description: 'deliveries to the forwarding queue',
      quantity: messages,
      detail: 'one per message; SNS does not charge deliveries to SQS',
    }),
    lineItem(priced(book, 'sqsRequests'), {
      id: `${pipelineId}.original.sqs`,
      service: 'SQS',
      description: 'forwarding queue requests (MessageQueue, unencrypted)',
      quantity: requests.total,
      detail: queueDetail(requests),
    }),
    ...lambdaItems(book, {
      id: `${pipelineId}.original.forwarder`,
      functionName: 'forwarder (ProcessRecords)',
      invocations: Math.ceil(messages / ORIGINAL_FORWARDER.batchSize),
      duration: durations.OriginalForwarderFunction,
      memoryMb: ORIGINAL_FORWARDER.memoryMb,
      architecture: ORIGINAL_FORWARDER.architecture,
      coldStartShare,
    }),
  ];
};
