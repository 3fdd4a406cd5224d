import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { DELIVERY_STREAM } from '../firehose/delivery-stream';
import { attributesFrom } from '../provisioners/attributes';
import { type LocalRuntime, type Provisioned, physicalName, type ResourceToCreate } from '../stack/resources';
import { SqsEventSource } from './sqs-event-source';

/** After this many failed deliveries a message goes to the subscription's dead-letter queue. */
const DELIVERY_ATTEMPTS = 3;

/** The JSON envelope SNS sends when raw message delivery is off. */
const snsEnvelope = (record: SQSRecord, topicArn: string) =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: record.messageId,
    TopicArn: topicArn,
    Message: record.body,
    Timestamp: new Date(Number(record.attributes.SentTimestamp)).toISOString(),
    SignatureVersion: '1',
    MessageAttributes: Object.fromEntries(
      Object.entries(record.messageAttributes).map(([name, value]) => [
        name,
        { Type: value.dataType, Value: value.stringValue },
      ]),
    ),
  });

/**
 * An SNS `firehose` subscription. moto accepts these but never delivers them, so the local runtime
 * bridges them: a queue of its own is subscribed to the topic with the subscription's filter policy (so
 * moto still decides what matches) and raw delivery, and each message is put into the delivery stream,
 * as SNS would (the body alone with raw delivery, the SNS envelope without). A message the stream
 * refuses is retried and then moved to the subscription's dead-letter queue, where SNS would put it.
 */
export const bridgeFirehoseSubscription = async (
  { logicalId, properties, stack }: ResourceToCreate,
  runtime: LocalRuntime,
): Promise<Provisioned> => {
  const topicArn = String(properties.TopicArn);
  const streamArn = String(properties.Endpoint);
  const stream = runtime.handles.find(DELIVERY_STREAM, (candidate) => candidate.definition.arn === streamArn);
  if (!stream) throw new Error(`${String(properties.Endpoint)} is not a delivery stream of the local stack`);
  const { sqs, sns } = runtime.clients;

  const deadLetterTargetArn = (properties.RedrivePolicy as { deadLetterTargetArn?: string } | undefined)
    ?.deadLetterTargetArn;
  const { QueueUrl: queueUrl = '' } = await sqs.send(
    new CreateQueueCommand({
      QueueName: physicalName(stack, `${logicalId}-FirehoseBridge`),
      Attributes: deadLetterTargetArn
        ? { RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: DELIVERY_ATTEMPTS }) }
        : {},
    }),
  );
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn as string;
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: {
        ...attributesFrom(properties, ['FilterPolicy', 'FilterPolicyScope']),
        RawMessageDelivery: 'true',
      },
      ReturnSubscriptionArn: true,
    }),
  );

  const raw = String(properties.RawMessageDelivery) === 'true';
  const source = new SqsEventSource(
    {
      label: [...stack.path, logicalId].join('/'),
      target: stream.definition.name,
      queueUrl,
      queueArn,
      region: stack.pseudo.region,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
      reportBatchItemFailures: true,
      enabled: true,
      retryDelaySeconds: runtime.settings.retryDelaySeconds,
      quiet: true,
    },
    sqs,
    async ({ Records }) => {
      const batchItemFailures: { itemIdentifier: string }[] = [];
      for (const record of Records) {
        try {
          stream.putRecord(Buffer.from(raw ? record.body : snsEnvelope(record, topicArn), 'utf8'));
        } catch (error) {
          runtime.log.warn(stream.definition.label, `record refused: ${(error as Error).message}`);
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { ok: true, result: { batchItemFailures } };
    },
    runtime.log,
  );
  return { ref: SubscriptionArn as string, attributes: { Arn: SubscriptionArn }, handles: [source] };
};
