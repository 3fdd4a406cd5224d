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
import { anOrderEvent, anOrderInput, TEST_CARD_NUMBERS } from '../../../factories/order';
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
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      ...moto.environment(),
      ...QUIET_POWERTOOLS,
      POWERTOOLS_SERVICE_NAME: 'checkout-api',
      ORDER_TOPIC_ARN: TopicArn as string,
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
    expect(JSON.parse(message?.Body ?? '')).toEqual(
      anOrderEvent({ ...order, payment: order.payment, id: 'order-integration-1' }),
    );
    expect(JSON.parse(message?.Body ?? '').payment.card).toEqual({ network: 'visa', last4: '1111' });
    expect(cardDataIn(message?.Body ?? '', { number: TEST_CARD_NUMBERS.visa, cvv: '123' })).toEqual([]);
    expect(message?.MessageAttributes).toMatchObject({
      amount: { DataType: 'Number', StringValue: String(order.payment.amount) },
      currency: { DataType: 'String', StringValue: order.payment.currency },
      customerId: { DataType: 'String', StringValue: order.customer.id },
    });
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
