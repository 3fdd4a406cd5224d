import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDeliveryStreamCommand, FirehoseClient } from '@aws-sdk/client-firehose';
import { GetEventSourceMappingCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeDomainCommand, OpenSearchClient } from '@aws-sdk/client-opensearch';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../../../cli/status/main';
import { USAGE } from '../../../../cli/status/options';
import { aQueueArn, aStreamArn, NAMES, STATUS_OUTPUTS, TOPIC_ARN } from '../../../factories/status';
import { runCli } from '../../../helpers/cli';

const NOW = new Date('2026-11-21T18:00:00Z');
const AWS = ['--stack-name', 'checkout', '--region', 'eu-west-1'];

/** The subscriptions of the deployed topic: one per pipeline, each with its dead-letter queue. */
const SUBSCRIPTIONS = [
  ['sqs', aQueueArn(NAMES.checkoutQueue), NAMES.checkoutSubscriptionDeadLetterQueue],
  ['firehose', aStreamArn(NAMES.archiveStream), NAMES.archiveSubscriptionDeadLetterQueue],
  ['firehose', aStreamArn(NAMES.searchStream), NAMES.searchSubscriptionDeadLetterQueue],
  ['sqs', aQueueArn(NAMES.replayQueue), NAMES.replaySubscriptionDeadLetterQueue],
].map(([protocol, endpoint, deadLetterQueue], index) => ({
  SubscriptionArn: `${TOPIC_ARN}:sub-${index}`,
  Protocol: protocol,
  Endpoint: endpoint,
  TopicArn: TOPIC_ARN,
  deadLetterQueue: deadLetterQueue as string,
}));

const stackWith = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'checkout',
      StackStatus: 'UPDATE_COMPLETE' as const,
      CreationTime: NOW,
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

describe('the status CLI against a stack in AWS (mocked clients)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const sqs = mockClient(SQSClient);
  const sns = mockClient(SNSClient);
  const firehose = mockClient(FirehoseClient);
  const openSearch = mockClient(OpenSearchClient);
  const documents = mockClient(DynamoDBDocumentClient);
  const lambda = mockClient(LambdaClient);
  const runStatus = (...argv: string[]) => runCli(run, argv, { now: () => NOW, env: {} });

  beforeEach(() => {
    for (const client of [cloudFormation, sqs, sns, firehose, openSearch, documents, lambda]) client.reset();
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(STATUS_OUTPUTS));
    sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }: { QueueUrl: string }) => ({
      Attributes: {
        QueueArn: aQueueArn(QueueUrl.split('/').pop() as string),
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
      },
    }));
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: SUBSCRIPTIONS.map(({ deadLetterQueue: _, ...subscription }) => subscription),
    });
    sns.on(GetSubscriptionAttributesCommand).callsFake(({ SubscriptionArn }: { SubscriptionArn: string }) => {
      const subscription = SUBSCRIPTIONS.find((candidate) => candidate.SubscriptionArn === SubscriptionArn);
      return {
        Attributes: {
          SubscriptionArn,
          Protocol: subscription?.Protocol,
          Endpoint: subscription?.Endpoint,
          PendingConfirmation: 'false',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: aQueueArn(subscription?.deadLetterQueue ?? ''),
          }),
        },
      };
    });
    firehose
      .on(DescribeDeliveryStreamCommand)
      .callsFake(({ DeliveryStreamName }: { DeliveryStreamName: string }) => ({
        DeliveryStreamDescription: {
          DeliveryStreamName,
          DeliveryStreamARN: aStreamArn(DeliveryStreamName),
          DeliveryStreamStatus: 'ACTIVE',
          DeliveryStreamEncryptionConfiguration: { Status: 'ENABLED' },
          Destinations: [
            {
              DestinationId: 'destinationId-000000000001',
              ExtendedS3DestinationDescription: {
                BucketARN: `arn:aws:s3:::${DeliveryStreamName}-bucket`,
                RoleARN: 'arn:aws:iam::123456789012:role/delivery',
                BufferingHints: {},
                CompressionFormat: 'GZIP',
                EncryptionConfiguration: {},
              },
            },
          ],
          HasMoreDestinations: false,
          VersionId: '1',
        },
      }));
    openSearch.on(DescribeDomainCommand).resolves({
      DomainStatus: {
        DomainId: '123456789012/checkout-search',
        DomainName: NAMES.searchDomain,
        ARN: STATUS_OUTPUTS.SearchDomainArn,
        Created: true,
        Deleted: false,
        Processing: false,
        UpgradeProcessing: false,
        EngineVersion: 'OpenSearch_2.19',
        DomainProcessingStatus: 'Active',
        ClusterConfig: {
          InstanceType: 'r6g.large.search',
          InstanceCount: 3,
          DedicatedMasterEnabled: true,
          DedicatedMasterCount: 3,
          ZoneAwarenessEnabled: true,
        },
      },
    });
    documents.on(GetCommand).resolves({});
    lambda.on(GetEventSourceMappingCommand).callsFake(({ UUID }: { UUID: string }) => ({
      UUID,
      State: UUID === 'checkout-mapping' ? 'Enabled' : 'Disabled',
    }));
  });

  it('prints the usage on stdout for --help and exits with 0', async () => {
    const { code, stdout } = await runStatus('--help');
    expect(code).toBe(0);
    expect(stdout).toBe(`${USAGE}\n`);
  });

  it('exits with 2 for a usage error, without calling AWS', async () => {
    const { code, stderr } = await runStatus('--region', 'eu-west-1');
    expect(code).toBe(2);
    expect(stderr).toBe(
      'status: --region needs --stack-name (the local stack has its Region in its outputs)\nRun `npm run status -- --help` for usage.\n',
    );
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('finds every pipeline of a healthy stack healthy and exits with 0', async () => {
    const { code, stdout, stderr } = await runStatus(...AWS);

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(
      /^checkout processing +healthy +\(queue 0 waiting, 0 in flight; DLQ 0; subscription DLQ 0; breaker closed\)$/m,
    );
    expect(stdout).toMatch(/^storage and backup +healthy +\(stream ACTIVE; subscription DLQ 0\)$/m);
    expect(stdout).toMatch(
      /^search and analytics +healthy +\(stream ACTIVE; domain Active; subscription DLQ 0\)$/m,
    );
    expect(stdout).toMatch(
      /^event replay +healthy +\(queue 0 waiting, 0 in flight; DLQ 0; subscription DLQ 0; no replay\)$/m,
    );
    expect(stdout).toContain(
      'Search domain     checkout-search: Active, OpenSearch_2.19, 3 x r6g.large.search, 3 dedicated masters, zone awareness\n',
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Every pipeline is healthy.');
  });

  it('describes the search domain named by SearchDomainArn, and the breaker table and mapping of the outputs', async () => {
    await runStatus(...AWS);

    expect(openSearch.commandCalls(DescribeDomainCommand).map((call) => call.args[0].input)).toEqual([
      { DomainName: NAMES.searchDomain },
    ]);
    expect(documents.commandCalls(GetCommand).map((call) => call.args[0].input)).toContainEqual({
      TableName: NAMES.breakerTable,
      Key: { circuit: 'checkout' },
      ConsistentRead: true,
    });
    expect(
      lambda
        .commandCalls(GetEventSourceMappingCommand)
        .map((call) => call.args[0].input.UUID)
        .sort(),
    ).toEqual(['checkout-mapping', 'replay-mapping']);
    expect(
      firehose
        .commandCalls(DescribeDeliveryStreamCommand)
        .map((call) => call.args[0].input.DeliveryStreamName)
        .sort(),
    ).toEqual([NAMES.archiveStream, NAMES.searchStream]);
  });

  it('finds the search pipeline unhealthy when the last change of the domain failed validation', async () => {
    openSearch.on(DescribeDomainCommand).resolves({
      DomainStatus: {
        DomainId: '123456789012/checkout-search',
        DomainName: NAMES.searchDomain,
        ARN: STATUS_OUTPUTS.SearchDomainArn,
        Processing: true,
        DomainProcessingStatus: 'Modifying',
        ChangeProgressDetails: {
          ConfigChangeStatus: 'ValidationFailed',
          Message: 'the instance type r6g.large.search is not available in eu-west-1c',
        },
        ClusterConfig: {},
      },
    });
    const { code, stdout } = await runStatus(...AWS);

    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^search and analytics +unhealthy +\(stream ACTIVE; domain Modifying; subscription DLQ 0\)$/m,
    );
    expect(stdout).toContain(
      'Problem           the last configuration change of the search domain checkout-search failed validation: the instance type r6g.large.search is not available in eu-west-1c',
    );
  });

  it('reports a part it may not read as unknown, with the permission it needs, and exits with 1', async () => {
    openSearch.on(DescribeDomainCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: es:DescribeDomain'), {
        name: 'AccessDeniedException',
      }),
    );
    const { code, stdout } = await runStatus(...AWS, '--json');

    expect(code).toBe(1);
    const status = JSON.parse(stdout);
    expect(status.health).toBe('unknown');
    expect(status.pipelines.searchAnalytics.domain).toEqual({
      error:
        'access denied: User is not authorized to perform: es:DescribeDomain (the credentials need es:DescribeDomain on the search domain)',
    });
    expect(status.pipelines.checkoutProcessing.healthy).toBe(true);
  });

  it('notes a stack deployed without the circuit breaker instead of failing', async () => {
    const {
      CircuitBreakerTableName: _table,
      CheckoutEventSourceMappingId: _mapping,
      ...older
    } = STATUS_OUTPUTS;
    cloudFormation.on(DescribeStacksCommand).resolves(stackWith(older));
    const { code, stdout } = await runStatus(...AWS);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^checkout processing +healthy +\(.*; no breaker\)$/m);
    expect(stdout).toContain('Note              no circuit breaker in this stack');
    expect(lambda.commandCalls(GetEventSourceMappingCommand).map((call) => call.args[0].input.UUID)).toEqual([
      'replay-mapping',
    ]);
  });

  it('says in one line when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('Stack with id checkout does not exist'), { name: 'ValidationError' }),
      );
    const { code, stdout, stderr } = await runStatus(...AWS);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'status: the stack checkout does not exist in eu-west-1 (check --stack-name and --region)\n',
    );
  });
});
