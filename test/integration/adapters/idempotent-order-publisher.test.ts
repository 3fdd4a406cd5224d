import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { IdempotentOrderPublisher } from '../../../src/adapters/idempotent-order-publisher';
import {
  OrderAcceptanceInProgressError,
  type OrderEvent,
  OrderIdConflictError,
} from '../../../src/domain/order';
import { aLambdaContext } from '../../factories/lambda-context';
import { anOrderEvent } from '../../factories/order';
import { OTHER_PARTNER, TEST_PARTNER } from '../../factories/partner';
import { setEnvironment } from '../../helpers/handler-environment';
import { InMemoryOrderPublisher } from '../../helpers/in-memory-order-publisher';
import { useMotoServer } from '../../helpers/moto';

const RETENTION_SECONDS = 86_400;

/** A publisher that takes its time, so that requests for the same order overlap. */
class SlowOrderPublisher extends InMemoryOrderPublisher {
  constructor(private readonly delayMs: number) {
    super();
  }

  override async publish(order: OrderEvent): Promise<void> {
    await new Promise((resolveDelay) => setTimeout(resolveDelay, this.delayMs));
    await super.publish(order);
  }
}

describe('the idempotent order publisher against moto', () => {
  const moto = useMotoServer();
  let dynamodb: DynamoDBClient;
  let tableName: string;
  let tableSequence = 0;
  let restoreEnvironment: () => void;

  const aPublisher = (
    publisher: InMemoryOrderPublisher,
    options: { inProgressPausesMs?: number[]; remainingTimeMs?: number } = {},
  ) => {
    const idempotent = new IdempotentOrderPublisher(publisher, {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
      expiresAfterSeconds: RETENTION_SECONDS,
      inProgressPausesMs: options.inProgressPausesMs,
    });
    const context = aLambdaContext('checkout-api');
    idempotent.registerLambdaContext({
      ...context,
      getRemainingTimeInMillis: () => options.remainingTimeMs ?? 10_000,
    });
    return idempotent;
  };

  const anOrderOf = (id: string, partner = TEST_PARTNER, notes = 'Leave at the door') => ({
    ...anOrderEvent({ id, notes }),
    partner,
  });

  beforeAll(() => {
    // Powertools names idempotency records after the function, as Lambda would.
    restoreEnvironment = setEnvironment({ AWS_LAMBDA_FUNCTION_NAME: 'checkout-api' });
  });

  afterAll(() => restoreEnvironment());

  beforeEach(async () => {
    dynamodb = new DynamoDBClient(moto.clientConfig());
    tableName = `idempotency-${++tableSequence}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  });

  it('publishes an order posted three times once, and tells which call published it', async () => {
    const publisher = new InMemoryOrderPublisher();
    const idempotent = aPublisher(publisher);
    const order = anOrderOf('retried-1');

    const outcomes = [];
    for (let attempt = 0; attempt < 3; attempt += 1) outcomes.push(await idempotent.publishOnce(order));

    expect(outcomes).toEqual(['published', 'already-accepted', 'already-accepted']);
    expect(publisher.published).toEqual([order]);
  });

  it('refuses the same id with other content as a conflict, and publishes nothing more', async () => {
    const publisher = new InMemoryOrderPublisher();
    const idempotent = aPublisher(publisher);
    await idempotent.publishOnce(anOrderOf('conflict-1'));

    await expect(
      idempotent.publishOnce(anOrderOf('conflict-1', TEST_PARTNER, 'Ring twice')),
    ).rejects.toBeInstanceOf(OrderIdConflictError);
    expect(publisher.published).toHaveLength(1);
  });

  it('remembers order ids per partner', async () => {
    const publisher = new InMemoryOrderPublisher();
    const idempotent = aPublisher(publisher);

    await idempotent.publishOnce(anOrderOf('shared-1', TEST_PARTNER));
    await idempotent.publishOnce(anOrderOf('shared-1', OTHER_PARTNER));

    expect(publisher.published.map(({ partner }) => partner?.id)).toEqual([
      TEST_PARTNER.id,
      OTHER_PARTNER.id,
    ]);
  });

  it('publishes twenty concurrent identical orders once, and answers every one of them', async () => {
    const publisher = new SlowOrderPublisher(150);
    const order = anOrderOf('concurrent-1');
    const requests = Array.from({ length: 20 }, () => aPublisher(publisher).publishOnce(order));

    const outcomes = await Promise.all(requests);

    expect(publisher.published).toEqual([order]);
    expect(outcomes.filter((outcome) => outcome === 'published')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'already-accepted')).toHaveLength(19);
  });

  it('tells a request that the same order is still being accepted once its pauses are used up', async () => {
    const publisher = new SlowOrderPublisher(1_500);
    const order = anOrderOf('in-flight-1');
    const first = aPublisher(publisher).publishOnce(order);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 300));

    await expect(
      aPublisher(publisher, { inProgressPausesMs: [50] }).publishOnce(order),
    ).rejects.toBeInstanceOf(OrderAcceptanceInProgressError);
    await expect(first).resolves.toBe('published');
    expect(publisher.published).toHaveLength(1);
  });

  it('lets a retry publish an order whose first attempt failed to publish', async () => {
    const publisher = new InMemoryOrderPublisher();
    const idempotent = aPublisher(publisher);
    const order = anOrderOf('failed-first-1');
    publisher.failWith(new Error('SNS unavailable'));
    await expect(idempotent.publishOnce(order)).rejects.toThrow('SNS unavailable');

    const healthy = new InMemoryOrderPublisher();
    await expect(aPublisher(healthy).publishOnce(order)).resolves.toBe('published');
    expect(healthy.published).toEqual([order]);
  });

  it('keeps in the table a hash of the order id and partner, the answer and an expiry, never the order', async () => {
    const order = anOrderOf('stored-1');
    const before = Math.floor(Date.now() / 1000);
    await aPublisher(new InMemoryOrderPublisher()).publishOnce(order);
    const after = Math.ceil(Date.now() / 1000);

    const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: tableName }));
    expect(Items).toHaveLength(1);
    const item = unmarshall(Items[0] ?? {});
    expect(item.status).toBe('COMPLETED');
    expect(item.data).toEqual({ orderId: 'stored-1' });
    const expiration = Number(item.expiration);
    expect(expiration).toBeGreaterThanOrEqual(before + RETENTION_SECONDS);
    expect(expiration).toBeLessThanOrEqual(after + RETENTION_SECONDS);
    const stored = JSON.stringify(item);
    for (const value of [order.customer.email, order.customer.name, order.shipping.line1, TEST_PARTNER.id])
      expect(stored).not.toContain(value);
  });
});
