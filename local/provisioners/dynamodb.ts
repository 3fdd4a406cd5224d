import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

const isTrue = (value: unknown) => String(value) === 'true';

export const createDynamoDbTable: Provisioner = async ({ logicalId, properties, stack }, { clients }) => {
  const name = (properties.TableName as string | undefined) ?? physicalName(stack, logicalId, 255);
  const sse = properties.SSESpecification as
    | { SSEEnabled?: unknown; SSEType?: string; KMSMasterKeyId?: string }
    | undefined;
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: properties.AttributeDefinitions,
      KeySchema: properties.KeySchema,
      BillingMode: properties.BillingMode ?? 'PROVISIONED',
      ProvisionedThroughput: properties.ProvisionedThroughput,
      GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes,
      LocalSecondaryIndexes: properties.LocalSecondaryIndexes,
      StreamSpecification: properties.StreamSpecification,
      SSESpecification: sse && {
        Enabled: isTrue(sse.SSEEnabled),
        SSEType: sse.SSEType,
        KMSMasterKeyId: sse.KMSMasterKeyId,
      },
      DeletionProtectionEnabled:
        properties.DeletionProtectionEnabled === undefined
          ? undefined
          : isTrue(properties.DeletionProtectionEnabled),
    } as CreateTableCommandInput),
  );
  const pitr = properties.PointInTimeRecoverySpecification as
    | { PointInTimeRecoveryEnabled?: unknown }
    | undefined;
  if (pitr && isTrue(pitr.PointInTimeRecoveryEnabled)) {
    await clients.dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  }
  const ttl = properties.TimeToLiveSpecification as { AttributeName?: string; Enabled?: unknown } | undefined;
  if (ttl?.AttributeName && isTrue(ttl.Enabled)) {
    await clients.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
  const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
  return { ref: name, attributes: { Arn: Table?.TableArn, StreamArn: Table?.LatestStreamArn } };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::DynamoDB::Table', create: createDynamoDbTable },
];
