import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { bridgeFirehoseSubscription } from '../event-sources/sns-firehose-bridge';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';
import { attributesFrom } from './attributes';

const TOPIC_ATTRIBUTES = [
  'ContentBasedDeduplication',
  'DisplayName',
  'FifoTopic',
  'KmsMasterKeyId',
  'SignatureVersion',
  'TracingConfig',
];
const SUBSCRIPTION_ATTRIBUTES = [
  'DeliveryPolicy',
  'FilterPolicy',
  'FilterPolicyScope',
  'RawMessageDelivery',
  'RedrivePolicy',
  'ReplayPolicy',
  'SubscriptionRoleArn',
];

export const createSnsTopic: Provisioner = async ({ logicalId, properties, stack }, { clients }) => {
  const fifo = String(properties.FifoTopic) === 'true';
  const name =
    (properties.TopicName as string | undefined) ??
    `${physicalName(stack, logicalId, 250)}${fifo ? '.fifo' : ''}`;
  const { TopicArn } = await clients.sns.send(
    new CreateTopicCommand({ Name: name, Attributes: attributesFrom(properties, TOPIC_ATTRIBUTES) }),
  );
  return { ref: TopicArn as string, attributes: { TopicArn, TopicName: name } };
};

/** Protocols moto delivers itself; `firehose` is bridged by the local runtime; others are not emulated. */
const DELIVERED_BY_MOTO = new Set(['sqs']);

export const createSnsSubscription: Provisioner = async (resource, runtime) => {
  const { logicalId, properties, stack } = resource;
  const { clients, log, notEmulated } = runtime;
  const protocol = String(properties.Protocol);
  if (protocol === 'firehose') return bridgeFirehoseSubscription(resource, runtime);
  if (!DELIVERED_BY_MOTO.has(protocol)) {
    notEmulated.push(`AWS::SNS::Subscription ${[...stack.path, logicalId].join('/')} (protocol ${protocol})`);
    log.warn('stack', `${logicalId}: SNS ${protocol} subscriptions are not delivered locally yet`);
    return { ref: `${String(properties.TopicArn)}:${logicalId}`, attributes: {} };
  }
  const { SubscriptionArn } = await clients.sns.send(
    new SubscribeCommand({
      TopicArn: String(properties.TopicArn),
      Protocol: protocol,
      Endpoint: String(properties.Endpoint),
      Attributes: attributesFrom(properties, SUBSCRIPTION_ATTRIBUTES),
      ReturnSubscriptionArn: true,
    }),
  );
  return { ref: SubscriptionArn as string, attributes: { Arn: SubscriptionArn } };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::SNS::Topic', create: createSnsTopic },
  { type: 'AWS::SNS::Subscription', create: createSnsSubscription },
];
