import { gunzipSync } from 'node:zlib';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClientConfig } from '../../local/aws-config';

/**
 * What sits in the stores of a local stack, read from the outside as a checker would: the table, the
 * archive's objects, the index and the queues. `outputs` is the stack's `.local/outputs.json`.
 */
export const localStackStores = (outputs: Record<string, string>) => {
  const config = localClientConfig(outputs.AwsEndpointUrl as string, outputs.Region);
  const s3 = new S3Client(config);
  const sqs = new SQSClient(config);
  const dynamodb = new DynamoDBClient(config);

  const objectTexts = async (bucket: string, prefix: string): Promise<string[]> => {
    const texts: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        const bytes = await (
          await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }))
        ).Body?.transformToByteArray();
        texts.push(gunzipSync(Buffer.from(bytes ?? [])).toString('utf8'));
      }
    }
    return texts;
  };

  /** Every line of every archive object (GZIP JSON lines). */
  const archivedLines = async () =>
    (await objectTexts(outputs.ArchiveBucketName as string, ''))
      .flatMap((text) => text.split('\n'))
      .filter(Boolean);

  /**
   * The indexed documents of the orders `ids`. Before Firehose's first bulk request creates the day's index
   * the alias does not exist (404), and while its primary shard starts a search answers 503: both mean
   * "nothing searchable yet"; any other error fails.
   */
  const indexedDocuments = async (ids: string[]): Promise<Record<string, unknown>[]> => {
    const response = await fetch(`${outputs.SearchUrl}/${outputs.SearchIndexAlias}/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size: 200, query: { terms: { id: ids } } }),
    });
    if (response.status === 404 || response.status === 503) return [];
    const body = await response.text();
    if (!response.ok) throw new Error(`OpenSearch answered the search with ${response.status}: ${body}`);
    return (JSON.parse(body) as { hits: { hits: { _source: Record<string, unknown> }[] } }).hits.hits.map(
      (hit) => hit._source,
    );
  };

  const tableItems = async (): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: dynamodb }, { TableName: outputs.CheckoutTableName })) {
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    }
    return items;
  };

  /**
   * Every message waiting in a queue, each received once and hidden for a few seconds only, so that the
   * receive counts of the queues other tests share move by one, far from their maxReceiveCount.
   */
  const drainOnce = async (queueUrl: string): Promise<string[]> => {
    const bodies = new Map<string, string>();
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 5 }),
      );
      if (Messages.length === 0) return [...bodies.values()];
      for (const message of Messages) bodies.set(message.MessageId as string, message.Body ?? '');
    }
  };

  /**
   * A queue of the test's own, subscribed to the topic with raw delivery: it shows exactly what was
   * published, whatever the pipelines consume. Gives back its URL.
   */
  const subscribeProbeQueue = async (name: string): Promise<string> => {
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await new SNSClient(config).send(
      new SubscribeCommand({
        TopicArn: outputs.TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    return QueueUrl;
  };

  return { archivedLines, indexedDocuments, tableItems, drainOnce, subscribeProbeQueue };
};
