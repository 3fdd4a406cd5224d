import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Partner, storedOrderChecksum, toOrderEvent } from '../../src/domain/order';
import { anOrder, anOrderInput, anOrderOfAmount, type OrderRequestWithId } from '../factories/order';
import { cardDataIn } from '../helpers/card-data';
import { PartnerClient } from './partner-client';
import { e2eClientConfig, e2eStackOutputs, eventually } from './stack-outputs';
import { localStackStores } from './stores';

const outputs = e2eStackOutputs();
const sqs = new SQSClient(e2eClientConfig());
const documents = DynamoDBDocumentClient.from(new DynamoDBClient(e2eClientConfig()));

const partner = new PartnerClient(outputs);
const postOrder = (body: string, contentType = 'application/json') =>
  partner.postOrder(body, { contentType });

const storedItem = async (orderId: string) =>
  (
    await documents.send(
      new GetCommand({ TableName: outputs.CheckoutTableName, Key: { orderId }, ConsistentRead: true }),
    )
  ).Item;

const eventuallyStored = (orderId: string) =>
  eventually(() => storedItem(orderId), 20_000, `order ${orderId} in CheckoutTable`);

const receive = async (queueUrl: string, waitSeconds = 1): Promise<Message[]> =>
  (
    await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
      }),
    )
  ).Messages ?? [];

/** `postedBy`: the partner whose post it was; none for an order put on a queue straight. */
const expectStoredWithoutCardData = (
  item: Record<string, unknown> | undefined,
  order: OrderRequestWithId,
  postedBy?: Partner,
) => {
  const stored = toOrderEvent(order, order.id, postedBy);
  expect(item).toEqual({ orderId: order.id, ...stored, checksum: storedOrderChecksum(stored) });
  expect(cardDataIn(JSON.stringify(item), order.payment.card as { number: string; cvv: string })).toEqual([]);
};

describe('the checkout processing pipeline through the local stack', () => {
  it('stores an order sent to the API in CheckoutTable, with only the card network and last 4 digits', async () => {
    const order = anOrderInput({ payment: { card: { number: '4111 1111 1111 1111' } } });

    const response = await postOrder(JSON.stringify(order));

    expect(response.status).toBe(202);
    const { orderId } = (await response.json()) as { orderId: string };
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
    const item = await eventuallyStored(orderId);
    expectStoredWithoutCardData(item, { ...order, id: orderId }, partner.partner);
    expect(item.payment).toMatchObject({ card: { network: 'visa', last4: '1111' } });
  });

  it('keeps the id a client gives as its idempotency key, and a repeated request leaves one identical item', async () => {
    const order = anOrder();

    const first = await postOrder(JSON.stringify(order));
    const firstItem = await eventuallyStored(order.id);
    const second = await postOrder(JSON.stringify(order));

    expect(await first.json()).toEqual({ orderId: order.id });
    expect(await second.json()).toEqual({ orderId: order.id });
    // The repeated order travels the whole pipeline too; afterwards the item is unchanged.
    await new Promise((resolveWait) => setTimeout(resolveWait, 3000));
    expect(await storedItem(order.id)).toEqual(firstItem);
  });

  describe('rejecting bad input', () => {
    let probeQueueUrl: string;

    beforeAll(async () => {
      probeQueueUrl = await localStackStores(outputs).subscribeProbeQueue(`e2e-probe-${Date.now()}`);
    });

    it.each([
      ['malformed JSON', () => postOrder('{"date": "2026-11-21T10:15:30Z", '), 400, 'Invalid order'],
      [
        'schema violations',
        () => postOrder(JSON.stringify({ ...anOrderInput(), customer: { id: '' } })),
        400,
        'Invalid order',
      ],
      [
        'an amount that does not match the items',
        () => postOrder(JSON.stringify(anOrderInput({ payment: { amount: 10 } }))),
        400,
        'Invalid order',
      ],
      [
        'a body over the size limit',
        () => postOrder(JSON.stringify(anOrderInput({ notes: 'x'.repeat(1000) })).padEnd(70_000, ' ')),
        413,
        'Order too large',
      ],
      [
        'a body that is not JSON',
        () => postOrder(JSON.stringify(anOrderInput()), 'text/plain'),
        415,
        'Unsupported content type',
      ],
    ])('answers %s with a %i naming the problems', async (_, send, status, message) => {
      const response = await send();

      expect(response.status).toBe(status);
      const body = (await response.json()) as { message: string; errors: string[] };
      expect(body.message).toBe(message);
      expect(body.errors.length).toBeGreaterThan(0);
    });

    it('names every problem of a well-formed order at once, from the function', async () => {
      const response = await postOrder(
        JSON.stringify({
          ...anOrderInput(),
          date: 'yesterday',
          customer: { id: 'c-1', name: 'Ada', email: 'not an email' },
          items: [{ sku: 'bad sku!', name: 'Pen', quantity: 1, unitPrice: 59.97 }],
        }),
      );

      expect(response.status).toBe(400);
      const { errors } = (await response.json()) as { errors: string[] };
      const problems = errors.join(' ');
      for (const field of ['date', 'customer.email', 'items[0].sku']) expect(problems).toContain(field);
    });

    it('names every structural problem at once, from the API request model, without quoting a value', async () => {
      const response = await postOrder(
        JSON.stringify({ ...anOrderInput(), customer: { id: 'c-1' }, items: '4111 1111 1111 1111' }),
      );

      expect(response.status).toBe(400);
      const body = await response.text();
      for (const field of ['customer.name', 'customer.email', 'items']) expect(body).toContain(field);
      expect(body).not.toContain('4111');
    });

    it('publishes none of the rejected orders', async () => {
      const rejected = [anOrderInput({ payment: { amount: 1 } }), anOrderInput()];
      await postOrder('{"broken": ');
      await postOrder(JSON.stringify(rejected[0]));
      await postOrder(JSON.stringify(rejected[1]), 'text/plain');
      const marker = anOrderOfAmount(12.34);
      expect((await postOrder(JSON.stringify(marker))).status).toBe(202);

      // Publishing is in order: once the marker is on the probe queue, a rejected order would be too.
      // Orders of the other end-to-end files may be there as well; only these are looked for.
      const published: { id?: string; customer?: { id?: string } }[] = [];
      await eventually(async () => {
        const messages = await receive(probeQueueUrl);
        published.push(...messages.map((message) => JSON.parse(message.Body ?? '{}')));
        return published.some((order) => order.id === marker.id) ? true : undefined;
      });

      const rejectedCustomers = rejected.map((order) => order.customer.id);
      expect(published.filter((order) => rejectedCustomers.includes(order.customer?.id ?? ''))).toEqual([]);
      expect(published.filter((order) => order.id === marker.id)).toHaveLength(1);
    });
  });

  it('answers an unknown route like API Gateway does', async () => {
    const response = await fetch(`${outputs.ApiUrl}orders`, { method: 'GET' });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('moves a poison message to the dead-letter queue while the rest of its batch is stored', async () => {
    const good = [anOrder(), anOrder()];
    const poison = JSON.stringify({ id: `poison-${Date.now()}`, 'this is not': 'an order' });

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: outputs.CheckoutQueueUrl,
        Entries: [
          { Id: 'good-1', MessageBody: JSON.stringify(good[0]) },
          { Id: 'poison', MessageBody: poison },
          { Id: 'good-2', MessageBody: JSON.stringify(good[1]) },
        ],
      }),
    );

    for (const order of good) expectStoredWithoutCardData(await eventuallyStored(order.id), order);
    // The queue is shared with the other end-to-end files, whose own failures may be there too.
    const deadLetters: string[] = [];
    await eventually(
      async () => {
        const messages = await receive(outputs.CheckoutDeadLetterQueueUrl as string);
        deadLetters.push(...messages.map((message) => message.Body ?? ''));
        return deadLetters.includes(poison) ? true : undefined;
      },
      30_000,
      'the poison message in the dead-letter queue',
    );
    for (const order of good) expect(deadLetters.some((body) => body.includes(order.id))).toBe(false);
  });

  it('leaves one item when the queue delivers the same order twice', async () => {
    const order = anOrder();

    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: outputs.CheckoutQueueUrl,
        Entries: [
          { Id: 'first', MessageBody: JSON.stringify(order) },
          { Id: 'again', MessageBody: JSON.stringify(order) },
        ],
      }),
    );

    expectStoredWithoutCardData(await eventuallyStored(order.id), order);
    await eventually(async () => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: outputs.CheckoutQueueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      const waiting =
        Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
      return waiting === 0 ? true : undefined;
    });
    expectStoredWithoutCardData(await storedItem(order.id), order);
  });
});
