import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetEventSourceMappingCommand,
  LambdaClient,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../../../cli/replay/main';
import { USAGE } from '../../../../cli/replay/options';
import { runCli } from '../../../helpers/cli';

const NOW = new Date('2026-11-21T18:00:00Z');
const OUTPUTS = {
  ReplayStateTableName: 'checkout-ReplayStateTable',
  ReplayEventSourceMappingId: 'm-1',
  ReplayQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-ReplayQueue',
  ReplayFunctionName: 'checkout-ReplayFunction',
};
const AWS = ['--stack-name', 'checkout', '--region', 'eu-west-1'];
const RUNNING = {
  replay: 'current',
  replayId: 'r-1',
  since: '2026-11-21T10:00:00.000Z',
  until: '2026-11-21T12:00:00.000Z',
  startedAt: '2026-11-21T17:00:00.000Z',
  status: 'running',
  forwarded: 0,
  skipped: 0,
};

describe('the replay CLI against a stack in AWS (mocked clients)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const lambda = mockClient(LambdaClient);
  const sqs = mockClient(SQSClient);
  const documents = mockClient(DynamoDBDocumentClient);
  const runReplay = (...argv: string[]) => runCli(run, argv, { now: () => NOW, env: {} });

  beforeEach(() => {
    for (const client of [cloudFormation, lambda, sqs, documents]) client.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'checkout',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: NOW,
          Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Disabled' });
    lambda.on(UpdateEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Enabling' });
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        QueueArn: 'arn:aws:sqs:eu-west-1:123456789012:checkout-ReplayQueue',
        ApproximateNumberOfMessages: '120',
        ApproximateNumberOfMessagesNotVisible: '0',
        MessageRetentionPeriod: '1209600',
      },
    });
    documents.on(GetCommand).resolves({});
    documents.on(PutCommand).resolves({});
    documents.on(UpdateCommand).resolves({});
  });

  it('prints the usage on stdout for --help and exits with 0', async () => {
    const { code, stdout } = await runReplay('--help');
    expect(code).toBe(0);
    expect(stdout).toBe(`${USAGE}\n`);
  });

  it('exits with 2 for a usage error, without calling AWS', async () => {
    const { code, stderr } = await runReplay('start', '--until', '1h', ...AWS);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'replay: --since is required: use ISO-8601 with Z or an offset (2026-11-21T10:00:00Z, 2026-11-21T11:00+01:00), a UTC date (2026-11-21), or a duration ago (30m, 2h, 1d)\nRun `npm run replay -- --help` for usage.\n',
    );
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('starts a replay in AWS through the mapping id of the stack outputs, and repeats the target in its hints', async () => {
    const { code, stdout } = await runReplay(
      'start',
      '--since',
      '2026-11-21T10:00Z',
      '--until',
      '2026-11-21T12:00Z',
      ...AWS,
    );
    expect(code).toBe(0);

    expect(documents.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'checkout-ReplayStateTable',
      Item: {
        replay: 'current',
        replayId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        since: '2026-11-21T10:00:00.000Z',
        until: '2026-11-21T12:00:00.000Z',
        startedAt: NOW.toISOString(),
        status: 'running',
        forwarded: 0,
        skipped: 0,
      },
    });
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)[0]?.args[0].input).toEqual({
      UUID: 'm-1',
      Enabled: true,
    });
    expect(stdout).toContain(
      'The event source mapping m-1 of checkout-ReplayFunction is Enabling (it was Disabled)',
    );
    expect(stdout).toContain('The replay queue checkout-ReplayQueue holds 120 messages (0 in flight).');
    expect(stdout).toContain('Follow it:  npm run replay -- status --stack-name checkout --region eu-west-1');
  });

  it('paces a replay with --rate: records the pace and the mapping settings it had, and sets the paced ones as it enables the mapping', async () => {
    lambda.on(GetEventSourceMappingCommand).resolves({
      UUID: 'm-1',
      State: 'Disabled',
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const { code, stdout } = await runReplay('start', '--since', '2h', '--rate', '5', ...AWS);
    expect(code).toBe(0);

    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      mappingUuid: 'm-1',
      rate: 5,
      mappingBefore: { batchSize: 10, maximumConcurrency: 5 },
    });
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)[0]?.args[0].input).toEqual({
      UUID: 'm-1',
      Enabled: true,
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(stdout).toContain(
      'Paced at 5 orders/s: the event source mapping m-1 takes batches of 5 messages with at most 2 at once (it had batch size 10 and maximum concurrency 5: they come back when the replay ends), and the replay function sends the orders it forwards 200 ms apart.',
    );
  });

  it('refuses to start while the replay function is still disabling the mapping of a replay that just completed', async () => {
    documents.on(GetCommand).resolves({ Item: { ...RUNNING, status: 'completed' } });
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Enabled' });
    const { code, stderr } = await runReplay('start', '--since', '2h', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^replay: replay r-1 has just completed and the replay function is disabling/);
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("gives a paced replay's mapping its settings back as it stops it, in the same update", async () => {
    documents.on(GetCommand).resolves({
      Item: { ...RUNNING, rate: 5, mappingBefore: { batchSize: 10, maximumConcurrency: 5 } },
    });
    lambda.on(GetEventSourceMappingCommand).resolves({
      UUID: 'm-1',
      State: 'Enabled',
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    lambda.on(UpdateEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Disabling' });
    const { code, stdout } = await runReplay('stop', ...AWS);
    expect(code).toBe(0);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)[0]?.args[0].input).toEqual({
      UUID: 'm-1',
      Enabled: false,
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(stdout).toContain('It has its batch size 10 and maximum concurrency 5 back.');
  });

  it('says so when the replay completed by itself just before the stop', async () => {
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: RUNNING })
      .resolves({ Item: { ...RUNNING, status: 'completed' } });
    documents
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Disabled' });
    const { code, stdout } = await runReplay('stop', ...AWS);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Replay r-1 completed by itself meanwhile: 0 forwarded, 0 skipped, 0 kept\./);
  });

  it('watches the status until the replay has ended', async () => {
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: RUNNING })
      .resolves({ Item: { ...RUNNING, status: 'completed', completedAt: '2026-11-21T18:00:00.000Z' } });
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Enabled' });
    const { code, stdout } = await runReplay('status', '--watch', '--interval', '0.5', '--json', ...AWS);
    expect(code).toBe(0);
    const reports = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(reports.map((report) => report.replay.status)).toEqual(['running', 'completed']);
    expect(reports[0]).toMatchObject({ readAt: NOW.toISOString(), progress: { remaining: 120 } });
  });

  it('notes when the window starts before the oldest order the replay queue still holds', async () => {
    const { code, stdout } = await runReplay('start', '--since', '2026-11-01T00:00Z', ...AWS);
    expect(code).toBe(0);
    expect(stdout).toContain(
      'Note: the replay queue keeps orders for 14 days: orders before 2026-11-07T18:00:00.000Z are no longer in it.',
    );
  });

  it('marks the replay stopped again when the mapping cannot be enabled', async () => {
    lambda.on(UpdateEventSourceMappingCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: lambda:UpdateEventSourceMapping'), {
        name: 'AccessDeniedException',
      }),
    );
    const { code, stderr } = await runReplay('start', '--since', '2h', ...AWS);
    expect(code).toBe(1);

    const replayId = documents.commandCalls(PutCommand)[0]?.args[0].input.Item?.replayId;
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #status = :status, stoppedAt = :at',
      ExpressionAttributeValues: { ':replayId': replayId, ':status': 'stopped' },
    });
    expect(stderr).toMatch(
      new RegExp(
        `^replay: the event source mapping m-1 could not be enabled, so replay ${replayId} was not started \\(marked stopped\\): access denied: User is not authorized to perform: lambda:UpdateEventSourceMapping \\(the credentials need lambda:UpdateEventSourceMapping on it\\)\n$`,
      ),
    );
  });

  it('writes nothing while the mapping is changing state', async () => {
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Disabling' });
    const { code, stderr } = await runReplay('start', '--since', '2h', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toBe('replay: the event source mapping m-1 is Disabling: try again in a few seconds\n');
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses a second start with the running replay and how to stop it', async () => {
    documents.on(GetCommand).resolves({ Item: RUNNING });
    const { code, stderr } = await runReplay('start', '--since', '2h', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'replay: replay r-1 is already running (orders from 2026-11-21T10:00:00.000Z (inclusive) to 2026-11-21T12:00:00.000Z (exclusive), started 2026-11-21T17:00:00.000Z): stop it first with npm run replay -- stop --stack-name checkout --region eu-west-1 (follow it with npm run replay -- status --stack-name checkout --region eu-west-1)\n',
    );
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)).toHaveLength(0);
  });

  it('refuses a start that loses the race with another operator, leaving the mapping alone', async () => {
    documents.on(GetCommand).resolvesOnce({}).resolves({ Item: RUNNING });
    documents
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const { code, stderr } = await runReplay('start', '--since', '2h', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^replay: replay r-1 is already running \(orders from 2026-11-21T10:00:00\.000Z/);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)).toHaveLength(0);
  });

  it('changes nothing in a dry run, and refuses one while the mapping is not Disabled', async () => {
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Enabling' });
    const { code, stderr } = await runReplay('start', '--since', '2h', '--dry-run', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toContain('is Enabling: a dry run would race the replay function');
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);

    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Disabled' });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    expect((await runReplay('start', '--since', '2h', '--dry-run', ...AWS)).code).toBe(0);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ WaitTimeSeconds: 1 });
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)).toHaveLength(0);
  });

  it('disables a mapping left enabled when stopping with no replay running', async () => {
    lambda.on(GetEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Enabled' });
    lambda.on(UpdateEventSourceMappingCommand).resolves({ UUID: 'm-1', State: 'Disabling' });
    const { code, stdout } = await runReplay('stop', ...AWS);
    expect(code).toBe(0);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand)[0]?.args[0].input).toEqual({
      UUID: 'm-1',
      Enabled: false,
    });
    expect(stdout).toMatch(
      /^No replay was running\. The event source mapping m-1 is Disabling \(it was Enabled\)/,
    );
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('names the mapping when the stack has none with that id', async () => {
    lambda.on(GetEventSourceMappingCommand).rejects(
      Object.assign(new Error('The resource you requested does not exist.'), {
        name: 'ResourceNotFoundException',
      }),
    );
    const { code, stderr } = await runReplay('status', ...AWS);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'replay: the event source mapping m-1 (output ReplayEventSourceMappingId) does not exist in the stack checkout\n',
    );
  });
});
