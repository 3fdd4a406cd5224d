import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { anOrderInput } from '../factories/order';
import { cardDataIn } from '../helpers/card-data';
import { e2eClientConfig, e2eStackOutputs, eventually } from './stack-outputs';

const outputs = e2eStackOutputs();
const s3 = new S3Client(e2eClientConfig());
const bucket = outputs.ArchiveBucketName as string;
const GZIP_MAGIC = [0x1f, 0x8b];

const keysUnder = async (prefix: string) => {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    keys.push(...(page.Contents ?? []).map((object) => object.Key as string));
  }
  return keys;
};

const objectBytes = async (key: string) =>
  Buffer.from(
    await ((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray() ??
      []),
  );

/** Every archived line, with the key of the object it is in. */
const archivedLines = async () => {
  const lines: { key: string; line: string }[] = [];
  for (const key of await keysUnder('orders/')) {
    const text = gunzipSync(await objectBytes(key)).toString('utf8');
    lines.push(
      ...text
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ key, line })),
    );
  }
  return lines;
};

describe('the storage and backup pipeline through the local stack', () => {
  it('archives every order sent to the API once, as GZIP JSON lines without card data, encrypted with the KMS key', async () => {
    const orders = [
      anOrderInput({ payment: { card: { number: '4111-1111-1111-1111' } } }),
      anOrderInput({ notes: 'my card is 5555 5555 5555 4444, call +44 20 7946 0958' }),
      anOrderInput({ shipping: { line2: 'ref 378282246310005' } }),
    ];
    const orderIds: string[] = [];
    for (const order of orders) {
      const response = await fetch(`${outputs.ApiUrl}checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      expect(response.status).toBe(202);
      orderIds.push(((await response.json()) as { orderId: string }).orderId);
    }

    const archived = await eventually(
      async () => {
        const lines = (await archivedLines()).filter(({ line }) => orderIds.some((id) => line.includes(id)));
        return lines.length >= orderIds.length ? lines : undefined;
      },
      30_000,
      'the orders in the archive',
    );

    const documents = archived.map(
      ({ line }) => JSON.parse(line) as { id: string; payment: Record<string, unknown>; notes?: string },
    );
    expect(documents.map((document) => document.id).sort()).toEqual([...orderIds].sort());
    for (const document of documents) expect(document.payment.card).toBeUndefined();
    const text = archived.map(({ line }) => line).join('\n');
    for (const number of ['4111111111111111', '5555555555554444', '378282246310005']) {
      expect(cardDataIn(text, { number, cvv: '123' })).toEqual([]);
    }
    expect(documents.find((document) => document.notes)?.notes).toContain('+44 20 7946 0958');

    for (const key of new Set(archived.map((entry) => entry.key))) {
      expect(key).toMatch(/^orders\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/.+\.gz$/);
      expect([...(await objectBytes(key)).subarray(0, 2)]).toEqual(GZIP_MAGIC);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
      expect(head.SSEKMSKeyId).toBe(outputs.EncryptionKeyArn);
    }
  });

  it('writes a record the transform cannot parse under the error prefix, in Firehose error-record format', async () => {
    const marker = `not an order ${Date.now()}`;
    await new SNSClient(e2eClientConfig()).send(
      new PublishCommand({
        TopicArn: outputs.TopicArn,
        Message: marker,
        MessageAttributes: { amount: { DataType: 'Number', StringValue: '1' } },
      }),
    );

    const failed = await eventually(
      async () => {
        for (const key of await keysUnder('errors/processing-failed/')) {
          const records = gunzipSync(await objectBytes(key))
            .toString('utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { rawData: string; errorCode: string; lambdaArn: string });
          const record = records.find(
            (candidate) => Buffer.from(candidate.rawData, 'base64').toString() === marker,
          );
          if (record) return record;
        }
        return undefined;
      },
      30_000,
      'the unparseable record under errors/processing-failed/',
    );

    expect(failed).toMatchObject({ errorCode: 'Lambda.ProcessingFailedStatus', attemptsMade: 1 });
    expect(failed.lambdaArn).toContain('CardDataTransformFunction');
  });
});
