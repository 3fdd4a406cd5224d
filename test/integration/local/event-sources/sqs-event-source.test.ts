import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_REGION } from '../../../../local/aws-config';
import {
  SqsEventSource,
  type SqsEventSourceSettings,
} from '../../../../local/event-sources/sqs-event-source';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { makeTempDir, recordingLog, waitFor, writeFile } from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';
import { messagesIn } from '../../../helpers/queues';

/**
 * Appends each batch it gets to BATCH_LOG; reports the messages whose body contains "poison" as batch item
 * failures; throws for a batch with a body containing "explode" on its first delivery; holds a batch with a
 * body containing "slow" for 2 s.
 */
const HANDLER = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  const records = event.Records.map((record) => ({
    id: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    eventSourceARN: record.eventSourceARN,
    awsRegion: record.awsRegion,
    messageAttributes: record.messageAttributes,
  }));
  appendFileSync(process.env.BATCH_LOG, JSON.stringify({ at: Date.now(), records }) + '\\n');
  if (records.some((record) => record.body.includes('slow'))) await new Promise((resolve) => setTimeout(resolve, 2000));
  if (records.some((record) => record.body.includes('explode') && record.receiveCount === 1)) {
    throw new Error('the whole batch fails');
  }
  return {
    batchItemFailures: records
      .filter((record) => record.body.includes('poison'))
      .map((record) => ({ itemIdentifier: record.id })),
  };
};`;

interface RecordedRecord {
  id: string;
  body: string;
  receiveCount: number;
  eventSourceARN: string;
  awsRegion: string;
  messageAttributes: Record<string, { dataType: string; stringValue?: string }>;
}
interface RecordedBatch {
  at: number;
  records: RecordedRecord[];
}

describe('SqsEventSource against moto', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('sqs-event-source');
  const artifactDir = join(dir.path, 'artifact');
  writeFile(artifactDir, 'index.mjs', HANDLER);

  let sqs: SQSClient;
  let functions: FunctionHost;
  const sources: SqsEventSource[] = [];

  beforeAll(() => {
    sqs = new SQSClient(moto.clientConfig());
    functions = new FunctionHost(moto.environment(), dir.path);
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.stop()));
  });

  afterAll(async () => {
    await functions.stop();
    dir.remove();
  });

  let fixtures = 0;

  /** A queue with a DLQ (maxReceiveCount 2), a function of its own, and an event source between them. */
  const setUp = async (settings: Partial<SqsEventSourceSettings> = {}) => {
    fixtures += 1;
    const name = `source-${fixtures}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqArn = await queueArn(dlq.QueueUrl as string);
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    );
    const queueUrl = queue.QueueUrl as string;
    const batchLog = join(dir.path, `${name}.jsonl`);
    functions.register({
      name,
      logicalId: name,
      artifactDir,
      handler: 'index.handler',
      timeoutSeconds: 10,
      memoryMb: 128,
      arn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:${name}`,
      environment: { BATCH_LOG: batchLog },
    });
    const log = recordingLog();
    const source = new SqsEventSource(
      {
        label: name,
        target: name,
        queueUrl,
        queueArn: await queueArn(queueUrl),
        region: LOCAL_REGION,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        reportBatchItemFailures: true,
        enabled: true,
        retryDelaySeconds: 1,
        ...settings,
      },
      sqs,
      (event) => functions.invoke(name, event),
      log,
    );
    sources.push(source);

    const batches = (): RecordedBatch[] =>
      existsSync(batchLog)
        ? readFileSync(batchLog, 'utf8')
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as RecordedBatch)
        : [];
    const deliveries = () => batches().flatMap((batch) => batch.records);
    const send = async (...bodies: string[]) => {
      const { Successful = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })),
        }),
      );
      return Successful.map((entry) => entry.MessageId as string);
    };
    return { source, queueUrl, dlqUrl: dlq.QueueUrl as string, log, batches, deliveries, send };
  };

  const queueArn = async (queueUrl: string) => {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    return Attributes?.QueueArn as string;
  };

  const queueMessages = (queueUrl: string) => messagesIn(sqs, queueUrl);

  /**
   * Waits until the queue holds no message, seen twice, a retry delay and more apart. moto counts the
   * visible and the in-flight messages at two instants, so a single look can miss a message whose
   * visibility timeout ends in between, and report empty a queue that is not.
   */
  const waitUntilDrained = async (queueUrl: string, options?: { timeoutMs: number }) =>
    waitFor(
      'the queue to be empty',
      async () => {
        if ((await queueMessages(queueUrl)) !== 0) return false;
        await sleep(1500);
        return (await queueMessages(queueUrl)) === 0;
      },
      options,
    );

  it('hands the function the messages as Lambda SQS records and deletes those that succeeded', async () => {
    const fixture = await setUp();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: fixture.queueUrl,
        MessageBody: '{"id":"order-1"}',
        MessageAttributes: { currency: { DataType: 'String', StringValue: 'EUR' } },
      }),
    );
    const ids = await fixture.send('good-2', 'good-3');
    await fixture.source.start();

    await waitUntilDrained(fixture.queueUrl);
    const deliveries = fixture.deliveries();
    expect(deliveries.map((record) => record.body).sort()).toEqual(['good-2', 'good-3', '{"id":"order-1"}']);
    expect(deliveries.map((record) => record.id)).toEqual(expect.arrayContaining(ids));
    expect(deliveries.every((record) => record.receiveCount === 1)).toBe(true);
    expect(deliveries.find((record) => record.body.startsWith('{'))).toMatchObject({
      eventSourceARN: fixture.source.settings.queueArn,
      awsRegion: LOCAL_REGION,
      messageAttributes: { currency: { dataType: 'String', stringValue: 'EUR' } },
    });
    expect(fixture.log.text()).toContain('order order-1 processed by source-');
  });

  it('retries a reported batch item failure and moves it to the DLQ after maxReceiveCount', async () => {
    const fixture = await setUp();
    const [goodId, poisonId] = await fixture.send('good', 'poison pill');
    await fixture.source.start();

    const moved = await waitFor(
      'the poison message in the DLQ',
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: fixture.dlqUrl,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        return Messages.length > 0 && Messages;
      },
      { timeoutMs: 15_000 },
    );
    expect(moved.map((message) => message.Body)).toEqual(['poison pill']);
    await waitUntilDrained(fixture.queueUrl);

    const deliveries = fixture.deliveries();
    expect(deliveries.filter((record) => record.id === goodId).map((record) => record.receiveCount)).toEqual([
      1,
    ]);
    expect(
      deliveries.filter((record) => record.id === poisonId).map((record) => record.receiveCount),
    ).toEqual([1, 2]);
    expect(fixture.log.text()).toContain('failed on attempt 1; retrying in 1 s');
    expect(fixture.log.text()).toContain('failed on attempt 2 of 2: it moves to the dead-letter queue');
  });

  it('retries the whole batch when the function throws', async () => {
    const fixture = await setUp({ maximumBatchingWindowInSeconds: 1 });
    const [explodingId, fineId] = await fixture.send('explode', 'fine');
    await fixture.source.start();

    await waitUntilDrained(fixture.queueUrl, { timeoutMs: 15_000 });
    const batches = fixture.batches();
    expect(batches[0]?.records.map((record) => record.id).sort()).toEqual([explodingId, fineId].sort());
    const deliveries = fixture.deliveries();
    expect(deliveries.filter((record) => record.id === fineId).map((record) => record.receiveCount)).toEqual([
      1, 2,
    ]);
    expect(
      deliveries.filter((record) => record.id === explodingId).map((record) => record.receiveCount),
    ).toEqual([1, 2]);
    expect(await queueMessages(fixture.dlqUrl)).toBe(0);
    expect(fixture.log.text()).toContain('failed on a batch of 2: Error: the whole batch fails');
  });

  it('ignores reported failures without ReportBatchItemFailures: the batch succeeded', async () => {
    const fixture = await setUp({ reportBatchItemFailures: false });
    const [poisonId] = await fixture.send('poison pill');
    await fixture.source.start();

    await waitUntilDrained(fixture.queueUrl);
    expect(fixture.deliveries().map((record) => [record.id, record.receiveCount])).toEqual([[poisonId, 1]]);
    expect(await queueMessages(fixture.dlqUrl)).toBe(0);
  });

  it('gathers messages sent together into one batch within the batching window', async () => {
    const fixture = await setUp({ batchSize: 5, maximumBatchingWindowInSeconds: 2 });
    const ids = await fixture.send('one', 'two', 'three', 'four', 'five');
    await fixture.source.start();

    await waitUntilDrained(fixture.queueUrl);
    const batches = fixture.batches();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.records.map((record) => record.id).sort()).toEqual([...ids].sort());
  });

  it('waits for the batching window to fill a batch with a message that comes later', async () => {
    const fixture = await setUp({ batchSize: 5, maximumBatchingWindowInSeconds: 2 });
    await fixture.source.start();
    const sentAt = Date.now();
    await fixture.send('early');
    await sleep(500);
    await fixture.send('late');

    const [batch] = await waitFor('one batch', () => fixture.batches().length > 0 && fixture.batches());
    expect(batch?.records.map((record) => record.body)).toEqual(['early', 'late']);
    expect((batch?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(1500);
  });

  it('never puts more messages in a batch than its batch size', async () => {
    const fixture = await setUp({ batchSize: 3, maximumBatchingWindowInSeconds: 1 });
    await fixture.send('1', '2', '3', '4', '5', '6', '7');
    await fixture.source.start();

    await waitUntilDrained(fixture.queueUrl);
    const sizes = fixture.batches().map((batch) => batch.records.length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(7);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
  });

  it('hands the function one batch at a time without a maximum concurrency', async () => {
    const fixture = await setUp({ batchSize: 1 });
    await fixture.send('slow 1', 'slow 2');
    await fixture.source.start();

    await waitUntilDrained(fixture.queueUrl);
    const [first, second] = fixture.batches().map((batch) => batch.at) as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(2000);
  });

  it('hands the function up to its maximum concurrency of batches at once, and no more', async () => {
    const fixture = await setUp({ batchSize: 1, maximumConcurrency: 3 });
    await fixture.send('slow 1', 'slow 2', 'slow 3', 'slow 4');
    await fixture.source.start();

    await waitFor('three batches with the function', () => fixture.source.batchesInFlight === 3);
    await waitUntilDrained(fixture.queueUrl);
    const starts = fixture
      .batches()
      .map((batch) => batch.at)
      .sort((a, b) => a - b);
    expect(starts).toHaveLength(4);
    // The first three overlap (each holds 2 s); the fourth waits for one of them to finish.
    expect((starts[2] as number) - (starts[0] as number)).toBeLessThan(2000);
    expect((starts[3] as number) - (starts[0] as number)).toBeGreaterThanOrEqual(2000);
  });

  it('does not consume while disabled, and consumes once enabled', async () => {
    const fixture = await setUp({ enabled: false });
    await fixture.send('waiting');
    await fixture.source.start();
    expect(fixture.source.enabled).toBe(false);

    // Long enough for an enabled source to have received it (it polls at once).
    await sleep(1500);
    expect(fixture.batches()).toEqual([]);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: fixture.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    expect(Attributes?.ApproximateNumberOfMessages).toBe('1');

    fixture.source.setEnabled(true);
    expect(fixture.source.enabled).toBe(true);
    await waitUntilDrained(fixture.queueUrl);
    expect(fixture.deliveries().map((record) => record.body)).toEqual(['waiting']);
  });

  it('applies a new batch size and maximum concurrency from the next receive, as UpdateEventSourceMapping does', async () => {
    const fixture = await setUp({ batchSize: 10, maximumConcurrency: 1, enabled: false });
    await fixture.source.start();

    expect(
      fixture.source.update({ batchSize: 1, maximumConcurrency: 2, maximumBatchingWindowInSeconds: 0 }),
    ).toEqual(['batch size 1', 'maximum concurrency 2']);
    expect(fixture.source.update({ batchSize: 1, enabled: true })).toEqual(['enabled']);
    await fixture.send('slow 1', 'slow 2', 'slow 3');

    await waitFor('two batches with the function at once', () => fixture.source.batchesInFlight === 2);
    await waitUntilDrained(fixture.queueUrl);
    expect(fixture.batches().map((batch) => batch.records.length)).toEqual([1, 1, 1]);
  });

  it('stops polling when stopped', async () => {
    const fixture = await setUp();
    await fixture.source.start();
    const startedStopping = Date.now();
    await fixture.source.stop();
    expect(Date.now() - startedStopping).toBeLessThan(5000);

    await fixture.send('after stop');
    await sleep(1500);
    expect(fixture.batches()).toEqual([]);
    expect(await queueMessages(fixture.queueUrl)).toBe(1);
  });
});
