import { pipelineOf, QUEUE_OUTPUTS } from '../../../../cli/status/read-status';
import {
  BREAKER_OUTPUTS,
  deadLetterTargetOf,
  describeDestination,
} from '../../../../cli/status/status-stack';
import { ROOT_TEMPLATE } from '../../../../local/paths';
import { loadTemplate } from '../../../../local/template/parse-template';
import { aQueueArn, aStreamArn, NAMES, STATUS_OUTPUTS } from '../../../factories/status';

describe('which pipeline a subscription of the topic belongs to', () => {
  it('is the pipeline of the queue or delivery stream it delivers to', () => {
    const sqs = (name: string) => pipelineOf({ protocol: 'sqs', endpoint: aQueueArn(name) }, STATUS_OUTPUTS);
    const firehose = (name: string) =>
      pipelineOf({ protocol: 'firehose', endpoint: aStreamArn(name) }, STATUS_OUTPUTS);

    expect(sqs(NAMES.checkoutQueue)).toBe('checkoutProcessing');
    expect(sqs(NAMES.replayQueue)).toBe('eventReplay');
    expect(firehose(NAMES.archiveStream)).toBe('storageBackup');
    expect(firehose(NAMES.searchStream)).toBe('searchAnalytics');
  });

  it("is the pipeline whose subscription dead-letter queue it names, for the local runtime's stand-in queues", () => {
    expect(
      pipelineOf(
        {
          protocol: 'firehose',
          endpoint: aQueueArn('local-SearchAnalyticsPipeline-Subscription-FirehoseBridge'),
          deadLetterQueueArn: aQueueArn(NAMES.searchSubscriptionDeadLetterQueue),
        },
        STATUS_OUTPUTS,
      ),
    ).toBe('searchAnalytics');
  });

  it('is none for a subscription to anything else', () => {
    expect(pipelineOf({ protocol: 'email', endpoint: 'ops@example.com' }, STATUS_OUTPUTS)).toBeUndefined();
    expect(
      pipelineOf({ protocol: 'sqs', endpoint: aQueueArn('somebody-elses-queue') }, STATUS_OUTPUTS),
    ).toBeUndefined();
    expect(
      pipelineOf({ protocol: 'sqs', endpoint: aQueueArn(NAMES.checkoutQueue) }, { TopicArn: 'x' }),
    ).toBeUndefined();
  });
});

describe('what status reads of subscriptions and delivery streams', () => {
  it("takes a redrive policy's dead-letter queue, and nothing from a policy without one", () => {
    expect(deadLetterTargetOf(JSON.stringify({ deadLetterTargetArn: aQueueArn('dlq') }))).toBe(
      aQueueArn('dlq'),
    );
    expect(deadLetterTargetOf(undefined)).toBeUndefined();
    expect(deadLetterTargetOf('')).toBeUndefined();
    expect(deadLetterTargetOf('{}')).toBeUndefined();
    expect(deadLetterTargetOf('not json')).toBeUndefined();
  });

  it("names a delivery stream's destination", () => {
    expect(
      describeDestination({
        DestinationId: 'destinationId-000000000001',
        ExtendedS3DestinationDescription: {
          BucketARN: 'arn:aws:s3:::checkout-archive',
          RoleARN: 'arn:aws:iam::123456789012:role/delivery',
          BufferingHints: {},
          CompressionFormat: 'GZIP',
          EncryptionConfiguration: {},
        },
      }),
    ).toBe('S3 bucket checkout-archive');
    expect(
      describeDestination({
        DestinationId: 'destinationId-000000000001',
        AmazonopensearchserviceDestinationDescription: {
          DomainARN: 'arn:aws:es:eu-west-1:123456789012:domain/checkout-search',
          IndexName: 'orders',
        },
      }),
    ).toBe('OpenSearch domain checkout-search (index orders)');
    expect(
      describeDestination({
        DestinationId: 'destinationId-000000000001',
        AmazonopensearchserviceDestinationDescription: { ClusterEndpoint: 'http://127.0.0.1:9200' },
      }),
    ).toBe('OpenSearch http://127.0.0.1:9200');
    expect(describeDestination({ DestinationId: 'd', HttpEndpointDestinationDescription: {} })).toBe(
      'HttpEndpoint',
    );
    expect(describeDestination(undefined)).toBe('no destination');
  });

  it('reads only outputs that the template declares', () => {
    const outputs = Object.keys(loadTemplate(ROOT_TEMPLATE).Outputs ?? {});
    expect(QUEUE_OUTPUTS.filter((output) => !outputs.includes(output))).toEqual([]);
    for (const output of [
      ...BREAKER_OUTPUTS,
      'TopicArn',
      'ArchiveDeliveryStreamName',
      'SearchDeliveryStreamName',
      'SearchDomainArn',
      'SearchUrl',
    ]) {
      expect(outputs).toContain(output);
    }
  });
});
