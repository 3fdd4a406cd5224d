import {
  GetEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION } from '../../../../local/aws-config';
import {
  SqsEventSource,
  type SqsEventSourceSettings,
} from '../../../../local/event-sources/sqs-event-source';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { recordingLog, unreachableClients } from '../../../helpers/local-runtime';

const UUID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const FUNCTION_ARN = `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:local-ReplayFunction`;

/** An event source that is never started: the API only reads and changes its settings. */
const aSource = (settings: Partial<SqsEventSourceSettings> = {}) =>
  new SqsEventSource(
    {
      mapping: { uuid: UUID, functionArn: FUNCTION_ARN },
      label: 'EventReplayPipeline/ReplayFunction',
      target: 'local-ReplayFunction',
      queueUrl: 'http://127.0.0.1:9/123456789012/local-ReplayQueue',
      queueArn: `arn:aws:sqs:${LOCAL_REGION}:123456789012:local-ReplayQueue`,
      region: LOCAL_REGION,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
      reportBatchItemFailures: true,
      enabled: false,
      maximumConcurrency: 5,
      retryDelaySeconds: 1,
      ...settings,
    },
    unreachableClients().sqs as SQSClient,
    async () => ({ ok: true, result: {} }),
    recordingLog(),
  );

describe("the local Lambda API's event source mappings", () => {
  let server: LambdaApiServer;
  let lambda: LambdaClient;
  let source: SqsEventSource;
  const log = recordingLog();

  const start = async (settings: Partial<SqsEventSourceSettings> = {}) => {
    source = aSource(settings);
    server = new LambdaApiServer([source], log);
    const endpoint = await server.listen('127.0.0.1', 0);
    lambda = new LambdaClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  };

  afterEach(async () => {
    lambda?.destroy();
    await server?.close();
  });

  const update = (input: Omit<ConstructorParameters<typeof UpdateEventSourceMappingCommand>[0], 'UUID'>) =>
    lambda.send(new UpdateEventSourceMappingCommand({ UUID, ...input }));

  it('shows the batch size and the maximum concurrency in Get and List', async () => {
    await start();
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID }));
    expect(mapping).toMatchObject({
      UUID,
      State: 'Disabled',
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    const { EventSourceMappings = [] } = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: 'local-ReplayFunction' }),
    );
    expect(EventSourceMappings.map((listed) => listed.ScalingConfig)).toEqual([{ MaximumConcurrency: 5 }]);
  });

  it('changes the batch size, the maximum concurrency and the state in one update, and logs what changed', async () => {
    await start();
    const answer = await update({ Enabled: true, BatchSize: 5, ScalingConfig: { MaximumConcurrency: 2 } });
    expect(answer).toMatchObject({
      State: 'Enabled',
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(source.settings).toMatchObject({ enabled: true, batchSize: 5, maximumConcurrency: 2 });
    expect(log.text()).toContain(
      `event source mapping ${UUID}: enabled, batch size 5, maximum concurrency 2`,
    );
  });

  it('takes a batch size above 10 only with a batching window, as Lambda does for a standard queue', async () => {
    await start();
    await expect(update({ BatchSize: 100 })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message:
        'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    });
    await update({ BatchSize: 100, MaximumBatchingWindowInSeconds: 1 });
    expect(source.settings).toMatchObject({ batchSize: 100, maximumBatchingWindowInSeconds: 1 });
    await update({ BatchSize: 10_000 });
    expect(source.settings.batchSize).toBe(10_000);
  });

  it.each([
    [{ BatchSize: 0 }, 'BatchSize must be an integer from 1 to 10'],
    [
      { BatchSize: 10_001, MaximumBatchingWindowInSeconds: 1 },
      'BatchSize must be an integer from 1 to 10000',
    ],
    [
      { ScalingConfig: { MaximumConcurrency: 1 } },
      'ScalingConfig.MaximumConcurrency must be an integer from 2 to 1000',
    ],
    [
      { ScalingConfig: { MaximumConcurrency: 1001 } },
      'ScalingConfig.MaximumConcurrency must be an integer from 2 to 1000',
    ],
    [
      { MaximumBatchingWindowInSeconds: 301 },
      'MaximumBatchingWindowInSeconds must be an integer from 0 to 300',
    ],
  ])('refuses %j with InvalidParameterValueException, changing nothing', async (input, message) => {
    await start();
    await expect(update({ Enabled: true, ...input })).rejects.toMatchObject({
      name: 'InvalidParameterValueException',
      message,
    });
    expect(source.settings).toMatchObject({ enabled: false, batchSize: 10, maximumConcurrency: 5 });
  });

  it('takes at most 10 messages a batch from a FIFO queue, batching window or not', async () => {
    await start({
      queueArn: `arn:aws:sqs:${LOCAL_REGION}:123456789012:local-Orders.fifo`,
      maximumBatchingWindowInSeconds: 1,
    });
    await expect(update({ BatchSize: 11 })).rejects.toThrow('BatchSize must be at most 10 for a FIFO queue');
  });
});
