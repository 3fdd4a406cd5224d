import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';
import { attributesFrom } from './attributes';

/** CloudFormation properties that are SQS queue attributes of the same name. */
const QUEUE_ATTRIBUTES = [
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'DelaySeconds',
  'FifoQueue',
  'FifoThroughputLimit',
  'KmsDataKeyReusePeriodSeconds',
  'KmsMasterKeyId',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'RedriveAllowPolicy',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'VisibilityTimeout',
];

export const createSqsQueue: Provisioner = async ({ logicalId, properties, stack }, { clients }) => {
  const fifo = String(properties.FifoQueue) === 'true';
  const name =
    (properties.QueueName as string | undefined) ??
    `${physicalName(stack, logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
  const Attributes = attributesFrom(properties, QUEUE_ATTRIBUTES);
  const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes }));
  const { Attributes: created } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { ref: QueueUrl as string, attributes: { Arn: created?.QueueArn, QueueName: name, QueueUrl } };
};

export const createSqsQueuePolicy: Provisioner = async ({ logicalId, properties }, { clients }) => {
  for (const queueUrl of properties.Queues as string[]) {
    await clients.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: JSON.stringify(properties.PolicyDocument) },
      }),
    );
  }
  return { ref: logicalId, attributes: {} };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::SQS::Queue', create: createSqsQueue },
  { type: 'AWS::SQS::QueuePolicy', create: createSqsQueuePolicy },
];
