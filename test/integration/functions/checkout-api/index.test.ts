import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { aCheckoutRequestEvent } from '../../../factories/api-gateway';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anOrder, anOrderEvent, anOrderInput, TEST_CARD_NUMBERS } from '../../../factories/order';
import { partnerClientIdVariables, TEST_PARTNER } from '../../../factories/partner';
import { cardDataIn } from '../../../helpers/card-data';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import { QUIET_POWERTOOLS, useMotoServer } from '../../../helpers/moto';

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;

describe('the checkout API function against moto', () => {
  const moto = useMotoServer();
  let handler: Handler;
  let sqs: SQSClient;
  let queueUrl: string;
  let restoreEnvironment: () => void;

  const receiveAll = async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages;
  };

  beforeAll(async () => {
    const sns = new SNSClient(moto.clientConfig());
    sqs = new SQSClient(moto.clientConfig());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'checkout-events' }));
    ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'subscriber' })));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    await new DynamoDBClient(moto.clientConfig()).send(
      new CreateTableCommand({
        TableName: 'idempotency',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      ...moto.environment(),
      ...QUIET_POWERTOOLS,
      POWERTOOLS_SERVICE_NAME: 'checkout-api',
      AWS_LAMBDA_FUNCTION_NAME: 'checkout-api',
      ORDER_TOPIC_ARN: TopicArn as string,
      IDEMPOTENCY_TABLE_NAME: 'idempotency',
      ORDER_ID_RETENTION_SECONDS: '86400',
      ...partnerClientIdVariables(),
    });
    ({ handler } = (await import('../../../../src/functions/checkout-api')) as unknown as {
      handler: Handler;
    });
  });

  afterAll(() => restoreEnvironment());

  it('publishes an accepted order to the topic with the attributes filter policies select on', async () => {
    const order = anOrderInput({ id: 'order-integration-1' });

    const response = await handler(aCheckoutRequestEvent(order), aLambdaContext());

    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toEqual({ orderId: 'order-integration-1' });
    const [message, ...others] = await receiveAll();
    expect(others).toHaveLength(0);
    expect(JSON.parse(message?.Body ?? '')).toEqual({
      ...anOrderEvent({ ...order, payment: order.payment, id: 'order-integration-1' }),
      partner: TEST_PARTNER,
    });
    expect(JSON.parse(message?.Body ?? '').payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(cardDataIn(message?.Body ?? '', { number: TEST_CARD_NUMBERS.visa, cvv: '123' })).toEqual([]);
    expect(message?.MessageAttributes).toMatchObject({
      amount: { DataType: 'Number', StringValue: String(order.payment.amount) },
      currency: { DataType: 'String', StringValue: order.payment.currency },
      customerId: { DataType: 'String', StringValue: order.customer.id },
      partnerId: { DataType: 'String', StringValue: TEST_PARTNER.id },
    });
  });

  it('publishes an order posted three times once, answering each post the same', async () => {
    const order = anOrder({ id: 'order-integration-retried' });

    const responses = [];
    for (let attempt = 0; attempt < 3; attempt += 1)
      responses.push(await handler(aCheckoutRequestEvent(order), aLambdaContext()));

    expect(responses.map(({ statusCode, body }) => [statusCode, body])).toEqual(
      Array(3).fill([202, '{"orderId":"order-integration-retried"}']),
    );
    expect(await receiveAll()).toHaveLength(1);
  });

  it('answers 409 to the same id with other content, and publishes nothing more', async () => {
    await handler(aCheckoutRequestEvent(anOrder({ id: 'order-integration-conflict' })), aLambdaContext());
    await receiveAll();

    const response = await handler(
      aCheckoutRequestEvent(anOrder({ id: 'order-integration-conflict', notes: 'Other content' })),
      aLambdaContext(),
    );

    expect(response.statusCode).toBe(409);
    expect(await receiveAll()).toHaveLength(0);
  });

  it('publishes twenty concurrent identical posts once, and answers all of them 202', async () => {
    const order = anOrder({ id: 'order-integration-concurrent' });

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => handler(aCheckoutRequestEvent(order), aLambdaContext())),
    );

    expect(new Set(responses.map(({ statusCode }) => statusCode))).toEqual(new Set([202]));
    const messages = [...(await receiveAll()), ...(await receiveAll())];
    expect(messages).toHaveLength(1);
  });

  it('publishes nothing for a rejected order', async () => {
    const response = await handler(
      aCheckoutRequestEvent(anOrderInput({ payment: { amount: 1 } })),
      aLambdaContext(),
    );

    expect(response.statusCode).toBe(400);
    expect(await receiveAll()).toHaveLength(0);
  });

  it('answers 503 without details when the topic does not exist', async () => {
    const restore = setEnvironment({ ORDER_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:missing' });
    let isolatedHandler: Handler | undefined;
    await jest.isolateModulesAsync(async () => {
      ({ handler: isolatedHandler } = (await import('../../../../src/functions/checkout-api')) as unknown as {
        handler: Handler;
      });
    });
    restore();

    const response = await (isolatedHandler as Handler)(
      aCheckoutRequestEvent(anOrderInput()),
      aLambdaContext(),
    );

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body)).toEqual({
      message: 'The order could not be accepted right now; please retry',
    });
  });
});
