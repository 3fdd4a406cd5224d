import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetEventSourceMappingCommand,
  InvokeCommand,
  type InvokeCommandInput,
  type InvokeCommandOutput,
  LambdaClient,
  UpdateEventSourceMappingCommand,
  type UpdateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { LOCAL_REGION } from '../../../../local/aws-config';
import { DynamoDbCircuitBreakerStore } from '../../../../src/adapters/dynamodb-circuit-breaker-store';
import { LambdaEventSourceMappings } from '../../../../src/adapters/lambda-event-source-mapping';
import { SqsLambdaTrial } from '../../../../src/adapters/sqs-lambda-trial';
import { type CircuitBreaker, recordFailures } from '../../../../src/domain/circuit-breaker';
import { type CircuitCheck, checkCircuit } from '../../../../src/functions/circuit-breaker/check-circuit';
import {
  aBreakerItem,
  aClosedBreaker,
  aHalfOpenBreaker,
  anOpenBreaker,
  BREAKER_EPOCH,
  BREAKER_SETTINGS,
  secondsAfter,
} from '../../../factories/circuit-breaker';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { useMotoServer } from '../../../helpers/moto';
import { testPowertools } from '../../../helpers/powertools';
import { messagesIn } from '../../../helpers/queues';

const MAPPING_UUID = '6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const CHECKOUT_FUNCTION =
  'arn:aws:lambda:us-east-1:123456789012:function:checkout-CheckoutFunction-1A2B3C:live';
const { coolDownSeconds } = BREAKER_SETTINGS;

/** What the checkout function makes of one order message of a trial. */
type Verdict = 'stored' | 'poison' | 'dependency failure';

/** The attributes SNS raw delivery puts on an order, and a binary one, to see them copied. */
const ATTRIBUTES: Record<string, MessageAttributeValue> = {
  customerId: { DataType: 'String', StringValue: 'customer-1' },
  amount: { DataType: 'Number', StringValue: '59.97' },
  signature: { DataType: 'Binary', BinaryValue: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) },
};

const invokeOutput = (output: Partial<InvokeCommandOutput> & { body?: unknown }): InvokeCommandOutput => {
  const { body, ...rest } = output;
  return {
    StatusCode: 200,
    $metadata: {},
    ...rest,
    Payload: new TextEncoder().encode(JSON.stringify(body ?? null)) as InvokeCommandOutput['Payload'],
  };
};

/**
 * The scheduled check with the real breaker store (DynamoDB) and a real checkout queue (SQS), both in moto;
 * only Lambda (the checkout queue's event source mapping, and the checkout function the trial invokes) is
 * mocked. The breaker's clock is the test's; the queue's is real.
 */
describe('the circuit breaker check against moto', () => {
  const moto = useMotoServer();
  const lambda = mockClient(LambdaClient);
  let sqs: SQSClient;
  let documents: DynamoDBDocumentClient;
  let store: DynamoDbCircuitBreakerStore;
  let tableName: string;
  let queueUrl: string;
  let queueArn: string;
  let now: Date;
  let mappingState: string;
  let invokedEvents: SQSEvent[];
  let output: CapturedOutput;
  let logger: Logger;
  let metrics: Metrics;
  let sequence = 0;

  beforeAll(() => {
    sqs = new SQSClient(moto.clientConfig());
  });

  afterAll(() => lambda.restore());

  beforeEach(async () => {
    sequence += 1;
    const dynamodb = new DynamoDBClient(moto.clientConfig());
    documents = DynamoDBDocumentClient.from(dynamodb);
    tableName = `circuit-breaker-${sequence}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'circuit', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'circuit', KeyType: 'HASH' }],
      }),
    );
    now = secondsAfter(3600);
    store = new DynamoDbCircuitBreakerStore(dynamodb, tableName, () => now);

    ({ QueueUrl: queueUrl = '' } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `checkout-queue-${sequence}`,
        Attributes: { VisibilityTimeout: '60' },
      }),
    ));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    queueArn = Attributes?.QueueArn ?? '';

    lambda.reset();
    mappingState = 'Enabled';
    lambda.on(GetEventSourceMappingCommand).callsFake(() => ({ UUID: MAPPING_UUID, State: mappingState }));
    lambda.on(UpdateEventSourceMappingCommand).callsFake((input: UpdateEventSourceMappingCommandInput) => {
      mappingState = input.Enabled ? 'Enabling' : 'Disabling';
      return { UUID: MAPPING_UUID, State: mappingState };
    });
    invokedEvents = [];

    output = captureOutput();
    ({ logger, metrics } = testPowertools('circuit-breaker'));
  });

  afterEach(() => output.restore());

  const check = (): Promise<CircuitCheck> => {
    const client = new LambdaClient({ region: LOCAL_REGION });
    return checkCircuit({
      breakers: store,
      settings: BREAKER_SETTINGS,
      mappings: new LambdaEventSourceMappings(client),
      mappingId: MAPPING_UUID,
      trial: new SqsLambdaTrial(sqs, client, {
        queueUrl,
        queueArn,
        region: LOCAL_REGION,
        functionName: CHECKOUT_FUNCTION,
        batchSize: 10,
      }),
      logger,
      metrics,
    });
  };

  const storeBreaker = (breaker: CircuitBreaker) =>
    documents.send(new PutCommand({ TableName: tableName, Item: aBreakerItem(breaker, 1) }));
  const storedBreaker = async () => (await store.read()).breaker;
  const storedItem = async () =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { circuit: 'checkout' } }))).Item;

  /** Order messages on the queue, each already received (and failed) once, as in an outage. */
  const ordersWaiting = async (verdicts: Verdict[]) => {
    const bodies = verdicts.map((verdict, index) =>
      JSON.stringify({ id: `order-${sequence}-${index}`, verdict }),
    );
    for (const body of bodies)
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: ATTRIBUTES }),
      );
    let received = 0;
    while (received < bodies.length) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      received += Messages.length;
    }
    return bodies;
  };

  /** Every message visible on the queue now, with its attributes. */
  const receiveAll = async () => {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
    }
  };

  /**
   * The checkout function as the trial invokes it: judges each order; counts its dependency failures on the
   * breaker (which reopens a half-open one), as reportDependencyFailures does; fails as a whole
   * (FullBatchFailureError) when no order was stored, else reports the failed ones.
   */
  const checkoutFunctionJudging = () =>
    lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
      const event = JSON.parse(String(input.Payload)) as SQSEvent;
      invokedEvents.push(event);
      const verdictOf = (record: SQSRecord) => (JSON.parse(record.body) as { verdict: Verdict }).verdict;
      const failed = event.Records.filter((record) => verdictOf(record) !== 'stored');
      const dependencyFailures = failed.filter((record) => verdictOf(record) === 'dependency failure').length;
      if (dependencyFailures > 0)
        await store.change((breaker, at) =>
          recordFailures(breaker, dependencyFailures, at, BREAKER_SETTINGS),
        );
      if (failed.length === event.Records.length)
        return invokeOutput({
          FunctionError: 'Unhandled',
          body: {
            errorType: 'FullBatchFailureError',
            errorMessage: 'All records failed processing. See individual errors below.',
          },
        });
      return invokeOutput({
        body: {
          batchItemFailures: failed.map(({ messageId }) => ({ itemIdentifier: messageId })),
        } satisfies SQSBatchResponse,
      });
    });

  const updates = () =>
    lambda.commandCalls(UpdateEventSourceMappingCommand).map((call) => call.args[0].input);
  const invocations = () => lambda.commandCalls(InvokeCommand);

  /** The transition lines the check logged, as `level message`. */
  const transitionLines = () =>
    output
      .jsonLines()
      .filter((line) => String(line.message).startsWith('Checkout circuit breaker '))
      .map((line) => `${line.level} ${line.message}`);

  /** The metrics the check recorded, published as Lambda's logMetrics would at the end of the invocation. */
  const publishedMetrics = () => {
    metrics.publishStoredMetrics();
    const names = (line: Record<string, unknown>) =>
      (line._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics.flatMap(
        ({ Metrics }) => Metrics.map(({ Name }) => Name),
      );
    return Object.fromEntries(
      output
        .jsonLines()
        .filter((line) => line._aws !== undefined)
        .flatMap((line) => names(line).map((name) => [name, line[name]])),
    );
  };

  describe('a closed breaker', () => {
    it('changes nothing while the mapping consumes, and meters the breaker closed', async () => {
      const result = await check();

      expect(result).toEqual({
        state: 'closed',
        mapping: { uuid: MAPPING_UUID, state: 'Enabled' },
        trial: undefined,
      });
      expect(updates()).toEqual([]);
      expect(invocations()).toEqual([]);
      expect(await storedItem()).toBeUndefined();
      expect(transitionLines()).toEqual([]);
      expect(publishedMetrics()).toEqual({ CircuitBreakerOpen: 0 });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          message: 'Checked the circuit breaker',
          circuitBreaker: expect.objectContaining({ state: 'closed' }),
          eventSourceMapping: { uuid: MAPPING_UUID, state: 'Enabled' },
        }),
      );
    });

    it('leaves the queue alone, whatever waits in it', async () => {
      await storeBreaker(aClosedBreaker({ failures: 2, windowStartedAt: now.toISOString() }));
      await ordersWaiting(['stored']);
      await check();
      expect(invocations()).toEqual([]);
      expect(await messagesIn(sqs, queueUrl)).toBe(1);
      expect(await storedBreaker()).toMatchObject({ state: 'closed', failures: 2 });
    });

    it('enables a mapping someone disabled by hand', async () => {
      mappingState = 'Disabled';
      const result = await check();
      expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: true }]);
      expect(result.mapping.state).toBe('Enabling');
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({ message: 'Checkout processing resumed: the circuit breaker is closed' }),
      );
    });
  });

  describe('an open breaker within its cool-down', () => {
    beforeEach(() => storeBreaker(anOpenBreaker(secondsAfter(-(coolDownSeconds - 1), now))));

    it('disables a mapping that still consumes, runs no trial, and meters the breaker open', async () => {
      await ordersWaiting(['stored']);
      const result = await check();

      expect(result.state).toBe('open');
      expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: false }]);
      expect(invocations()).toEqual([]);
      expect(await messagesIn(sqs, queueUrl)).toBe(1);
      expect(transitionLines()).toEqual([]);
      expect(publishedMetrics()).toEqual({ CircuitBreakerOpen: 1 });
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({ message: 'Checkout processing stopped: the circuit breaker is open' }),
      );
    });

    it('leaves a disabled mapping disabled', async () => {
      mappingState = 'Disabled';
      await check();
      expect(updates()).toEqual([]);
      expect(await storedBreaker()).toMatchObject({ state: 'open' });
    });

    it.each(['Enabling', 'Updating', 'Creating'])(
      'does not update a mapping in transition (%s): the next check does',
      async (state) => {
        mappingState = state;
        const result = await check();
        expect(updates()).toEqual([]);
        expect(result.mapping.state).toBe(state);
        expect(output.jsonLines()).toContainEqual(
          expect.objectContaining({
            message: 'The checkout event source is changing state; the next check reconciles it',
            state,
          }),
        );
      },
    );
  });

  describe('an open breaker whose cool-down is over', () => {
    const opened = () => secondsAfter(-coolDownSeconds, now);
    beforeEach(async () => {
      mappingState = 'Disabled';
      await storeBreaker(anOpenBreaker(opened()));
    });

    it('closes when no order waits in the queue, and enables the mapping', async () => {
      const result = await check();

      expect(result.state).toBe('closed');
      expect(result.trial).toEqual({ received: 0, failed: [] });
      expect(invocations()).toEqual([]);
      expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: true }]);
      expect(await storedBreaker()).toMatchObject({
        state: 'closed',
        trips: 1,
        changedAt: now.toISOString(),
      });
      expect(transitionLines()).toEqual([
        'INFO Checkout circuit breaker open -> half-open: cool-down of 60 s over: trying one batch',
        'INFO Checkout circuit breaker half-open -> closed: no order was waiting to try: resuming consumption',
      ]);
      expect(publishedMetrics()).toEqual({
        CircuitBreakerHalfOpened: 1,
        CircuitBreakerClosed: 1,
        CircuitBreakerOpen: 0,
      });
    });

    it('hands one batch to the checkout function, closes when it stores the orders, and deletes them', async () => {
      const bodies = await ordersWaiting(['stored', 'stored', 'stored']);
      checkoutFunctionJudging();

      const result = await check();

      expect(invocations().map((call) => call.args[0].input)).toEqual([
        expect.objectContaining({ FunctionName: CHECKOUT_FUNCTION, InvocationType: 'RequestResponse' }),
      ]);
      const [event] = invokedEvents;
      expect(event?.Records.map(({ body }) => body).sort()).toEqual([...bodies].sort());
      expect(event?.Records[0]).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: LOCAL_REGION,
        attributes: { ApproximateReceiveCount: '2' },
        messageAttributes: {
          customerId: { dataType: 'String', stringValue: 'customer-1' },
          amount: { dataType: 'Number', stringValue: '59.97' },
          signature: { dataType: 'Binary', binaryValue: '3q2+7w==' },
        },
      });
      expect(result).toMatchObject({ state: 'closed', trial: { received: 3, failed: [] } });
      expect(await messagesIn(sqs, queueUrl)).toBe(0);
      expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: true }]);
      expect(transitionLines()).toEqual([
        'INFO Checkout circuit breaker open -> half-open: cool-down of 60 s over: trying one batch',
        'INFO Checkout circuit breaker half-open -> closed: the trial stored 3 of 3 orders',
      ]);
      expect(publishedMetrics()).toEqual({
        CircuitBreakerHalfOpened: 1,
        CircuitBreakerClosed: 1,
        CircuitBreakerOpen: 0,
      });
    });

    it('closes when the trial stored some orders and the others were poison, which stay for the dead-letter queue', async () => {
      await ordersWaiting(['stored', 'poison']);
      checkoutFunctionJudging();

      const result = await check();

      expect(result.state).toBe('closed');
      expect(transitionLines()).toContain(
        'INFO Checkout circuit breaker half-open -> closed: the trial stored 1 of 2 orders',
      );
      // The poison message was neither deleted nor copied: it is in flight, its receives counting on.
      expect(await messagesIn(sqs, queueUrl)).toBe(1);
      expect(await receiveAll()).toEqual([]);
    });

    it('opens again when a dependency still fails, and puts the orders back as fresh copies', async () => {
      const bodies = await ordersWaiting(['dependency failure', 'dependency failure', 'dependency failure']);
      checkoutFunctionJudging();

      const result = await check();

      expect(result.state).toBe('open');
      expect(result.trial).toMatchObject({ received: 3, functionError: 'FullBatchFailureError' });
      expect(await storedBreaker()).toMatchObject({
        state: 'open',
        openedAt: now.toISOString(),
        reason: 'the trial failed: a dependency is still failing',
        trips: 1,
      });
      expect(invokedEvents[0]?.Records.map(({ attributes }) => attributes.ApproximateReceiveCount)).toEqual([
        '2',
        '2',
        '2',
      ]);
      // The originals are gone: the queue holds the copies only, each never received yet.
      expect(await messagesIn(sqs, queueUrl)).toBe(3);
      const copies = await receiveAll();
      expect(copies.map(({ Body }) => Body).sort()).toEqual([...bodies].sort());
      for (const copy of copies) {
        expect(copy.Attributes?.ApproximateReceiveCount).toBe('1');
        expect(copy.MessageAttributes).toEqual(ATTRIBUTES);
      }
      expect(updates()).toEqual([]);
      expect(transitionLines()).toEqual([
        'INFO Checkout circuit breaker open -> half-open: cool-down of 60 s over: trying one batch',
      ]);
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          message: 'The circuit breaker trial failed; its orders are back in the queue',
          received: 3,
          failed: 3,
          functionError: 'FullBatchFailureError',
        }),
      );
      expect(publishedMetrics()).toEqual({ CircuitBreakerHalfOpened: 1, CircuitBreakerOpen: 1 });
    });

    it('puts back only the orders that failed when a dependency failed for some of them', async () => {
      const bodies = await ordersWaiting(['stored', 'dependency failure', 'stored']);
      checkoutFunctionJudging();

      const result = await check();

      expect(result.state).toBe('open');
      expect(result.trial?.failed).toHaveLength(1);
      expect(await messagesIn(sqs, queueUrl)).toBe(1);
      const [copy] = await receiveAll();
      expect(copy?.Body).toBe(bodies[1]);
      expect(copy?.Attributes?.ApproximateReceiveCount).toBe('1');
    });

    it('opens again by itself when the checkout function did not get to judge the orders (a timeout)', async () => {
      await ordersWaiting(['stored', 'stored']);
      lambda.on(InvokeCommand).resolves(
        invokeOutput({
          FunctionError: 'Unhandled',
          body: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 10.00 seconds' },
        }),
      );

      const result = await check();

      expect(result).toMatchObject({ state: 'open', trial: { functionError: 'Sandbox.Timedout' } });
      expect(transitionLines()).toEqual([
        'INFO Checkout circuit breaker open -> half-open: cool-down of 60 s over: trying one batch',
        'WARN Checkout circuit breaker half-open -> open: the trial failed: a dependency is still failing',
      ]);
      expect(await storedBreaker()).toMatchObject({ state: 'open', trips: 1 });
      expect(await messagesIn(sqs, queueUrl)).toBe(2);
      expect((await receiveAll()).map((copy) => copy.Attributes?.ApproximateReceiveCount)).toEqual([
        '1',
        '1',
      ]);
      expect(publishedMetrics()).toEqual({
        CircuitBreakerHalfOpened: 1,
        CircuitBreakerOpened: 1,
        CircuitBreakerOpen: 1,
      });
    });

    it('stays half-open when the trial held only poison messages, and leaves them for the dead-letter queue', async () => {
      await ordersWaiting(['poison', 'poison']);
      checkoutFunctionJudging();

      const result = await check();

      expect(result).toMatchObject({
        state: 'half-open',
        trial: { received: 2, functionError: 'FullBatchFailureError' },
      });
      expect(await storedBreaker()).toMatchObject({ state: 'half-open' });
      expect(updates()).toEqual([]);
      expect(await messagesIn(sqs, queueUrl)).toBe(2);
      expect(await receiveAll()).toEqual([]);
      expect(output.jsonLines()).toContainEqual(
        expect.objectContaining({
          message: 'The circuit breaker trial held only poison messages; trying again at the next check',
          received: 2,
        }),
      );
      expect(publishedMetrics()).toEqual({ CircuitBreakerHalfOpened: 1, CircuitBreakerOpen: 1 });
    });

    it('disables a mapping that consumes before the trial is over', async () => {
      mappingState = 'Enabled';
      await ordersWaiting(['dependency failure']);
      checkoutFunctionJudging();
      await check();
      expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: false }]);
    });
  });

  describe('a half-open breaker left by an earlier check', () => {
    it('runs another trial at once, without another transition to half-open', async () => {
      mappingState = 'Disabled';
      await storeBreaker(aHalfOpenBreaker(secondsAfter(-60, now)));
      await ordersWaiting(['stored']);
      checkoutFunctionJudging();

      const result = await check();

      expect(result.state).toBe('closed');
      expect(transitionLines()).toEqual([
        'INFO Checkout circuit breaker half-open -> closed: the trial stored 1 of 1 orders',
      ]);
    });
  });

  it('resumes a closed breaker whose mapping is still disabling only once it has settled', async () => {
    await storeBreaker(aClosedBreaker({}, BREAKER_EPOCH));
    mappingState = 'Disabling';
    await check();
    expect(updates()).toEqual([]);

    mappingState = 'Disabled';
    await check();
    expect(updates()).toEqual([{ UUID: MAPPING_UUID, Enabled: true }]);
  });
});
