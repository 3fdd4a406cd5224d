import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { run as fault } from '../../cli/fault/main';
import type { CliRun } from '../../cli/shared/io';
import { run as status } from '../../cli/status/main';
import type { StatusJson } from '../../cli/status/report';
import { localClientConfig } from '../../local/aws-config';
import { DynamoDbCircuitBreakerStore } from '../../src/adapters/dynamodb-circuit-breaker-store';
import { LambdaEventSourceMappings } from '../../src/adapters/lambda-event-source-mapping';
import { anOrderInput } from '../factories/order';
import { runCli } from '../helpers/cli';
import { messagesIn } from '../helpers/queues';
import { checkoutTable, postAccepted } from './checkout-table';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';
import { eventually } from './stack-outputs';

/** The breaker checks every minute (its schedule); a cool-down of a few seconds keeps the rehearsal short. */
const COOL_DOWN_SECONDS = 5;

/**
 * The outage rehearsal of the README, on a local stack of this file's own (the fault switch would disturb
 * the other end-to-end files): `npm run fault -- fail`, a few orders, `npm run fault -- off`, and nothing
 * else.
 */
describe('the checkout circuit breaker through the local stack', () => {
  let stack: LocalStackProcess;
  let outputsFile: string;
  let documents: DynamoDBDocumentClient;
  let sqs: SQSClient;
  let breakers: DynamoDbCircuitBreakerStore;
  let mappings: LambdaEventSourceMappings;

  const cli = (command: CliRun, ...argv: string[]) => runCli(command, [...argv, '--outputs', outputsFile]);

  const post = () => postAccepted(stack.outputs, anOrderInput());
  const table = () => checkoutTable(documents, stack.outputs.CheckoutTableName as string);
  const storedItem = (orderId: string) => table().item(orderId);
  const itemsWithId = (orderId: string) => table().itemsWithId(orderId);

  const deadLetterQueues = () =>
    Object.entries(stack.outputs)
      .filter(([name]) => name.endsWith('DeadLetterQueueUrl'))
      .map(([name, url]) => ({ name, url }));

  const deadLetters = async () => {
    const depths = await Promise.all(
      deadLetterQueues().map(async ({ name, url }) => [name, await messagesIn(sqs, url)] as const),
    );
    return Object.fromEntries(depths.filter(([, depth]) => depth > 0));
  };

  /** `npm run status -- --json`: its exit code and what it says of checkout processing. */
  const checkoutStatus = async () => {
    const { code, stdout } = await cli(status, '--json');
    const { checkoutProcessing } = (JSON.parse(stdout) as StatusJson).pipelines;
    return { code, checkoutProcessing };
  };

  const checkoutMapping = () => mappings.get(stack.outputs.CheckoutEventSourceMappingId as string);

  /** The fault switch is cached 5 s by the checkout function. */
  const waitForTheSwitch = () => new Promise((resolveWait) => setTimeout(resolveWait, 6000));

  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'checkout-breaker-'));
    stack = await startLocalStackProcess(stateDir, { LOCAL_SKIP_BUILD: '1' }, undefined, [
      '--parameter-overrides',
      `CircuitBreakerCoolDownSeconds=${COOL_DOWN_SECONDS}`,
    ]);
    outputsFile = join(stateDir, 'outputs.json');
    const config = localClientConfig(stack.outputs.AwsEndpointUrl as string, stack.outputs.Region);
    const dynamodb = new DynamoDBClient(config);
    documents = DynamoDBDocumentClient.from(dynamodb);
    sqs = new SQSClient(config);
    breakers = new DynamoDbCircuitBreakerStore(dynamodb, stack.outputs.CircuitBreakerTableName as string);
    mappings = new LambdaEventSourceMappings(
      new LambdaClient({ ...config, endpoint: stack.outputs.LambdaEndpointUrl }),
    );
  });

  afterAll(async () => {
    await stack?.interrupt();
  });

  it('opens during an outage before any order reaches a dead-letter queue, and closes by itself once it is over, with every order stored once', async () => {
    expect((await cli(fault, 'fail')).code).toBe(0);
    await waitForTheSwitch();
    const orders = [await post(), await post(), await post(), await post()];

    const opened = await eventually(
      async () => {
        const { breaker } = await breakers.read();
        return breaker.state === 'open' ? breaker : undefined;
      },
      30_000,
      'the circuit breaker to open',
    );
    expect(opened.reason).toMatch(/failures of the dependencies within 60 s \(threshold 3\)/);
    // The batch that opens the breaker disables the event source right after recording the transition (it
    // loads the Lambda client first, on this first use): within moments, long before any retry.
    const stopped = await eventually(
      async () => {
        const mapping = await checkoutMapping();
        return mapping.state === 'Disabled' ? mapping : undefined;
      },
      5_000,
      'the checkout event source to be disabled',
    );
    expect(stopped.state).toBe('Disabled');
    const whileOpen = await checkoutStatus();
    expect(whileOpen.code).toBe(1);
    expect(whileOpen.checkoutProcessing).toMatchObject({
      health: 'unhealthy',
      circuitBreaker: { state: 'open', reason: opened.reason },
    });
    // The orders wait in the checkout queue, receive after receive no longer used up.
    await new Promise((resolveWait) => setTimeout(resolveWait, 5000));
    expect(await deadLetters()).toEqual({});
    expect(await messagesIn(sqs, stack.outputs.CheckoutQueueUrl as string)).toBe(orders.length);
    for (const order of orders) expect(await storedItem(order.id)).toBeUndefined();

    expect((await cli(fault, 'off')).code).toBe(0);
    const off = Date.now();
    for (const order of orders) {
      await eventually(() => storedItem(order.id), 150_000, `order ${order.id} stored after the outage`);
    }
    const recoverySeconds = (Date.now() - off) / 1000;
    process.stdout.write(
      `circuit breaker: the last order of the outage was stored ${recoverySeconds} s after \`fault off\`\n`,
    );

    const { breaker } = await breakers.read();
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(1);
    // The trial stores the orders, closes the breaker, then enables the event source.
    await eventually(
      async () => ((await checkoutMapping()).state === 'Enabled' ? true : undefined),
      10_000,
      'the checkout event source enabled again',
    );
    for (const order of orders) expect(await itemsWithId(order.id)).toHaveLength(1);
    expect(await deadLetters()).toEqual({});
    const afterwards = await checkoutStatus();
    expect(afterwards.checkoutProcessing).toMatchObject({
      health: 'healthy',
      circuitBreaker: { state: 'closed', trips: 1 },
      eventSourceMapping: { state: 'Enabled' },
    });
  });

  it('sends a poison message to the dead-letter queue, and stays closed', async () => {
    const before = (await breakers.read()).breaker;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.outputs.CheckoutQueueUrl as string,
        MessageBody: '{"id": "poison-order", "payment": ',
      }),
    );

    await eventually(
      async () =>
        (await messagesIn(sqs, stack.outputs.CheckoutDeadLetterQueueUrl as string)) === 1 ? true : undefined,
      30_000,
      'the poison message in the checkout dead-letter queue',
    );
    const { breaker } = await breakers.read();
    expect(breaker.state).toBe('closed');
    expect(breaker.trips).toBe(before.trips);
    expect((await checkoutMapping()).state).toBe('Enabled');
  });
});
