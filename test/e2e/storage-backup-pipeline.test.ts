import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { anOrderInput } from '../factories/order';
import { cardDataIn } from '../helpers/card-data';
import { PartnerClient } from './partner-client';
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
      const response = await new PartnerClient(outputs).postOrder(order);
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
    for (const document of documents)
      expect(document.payment.card).toEqual({ network: 'visa', last4: '1111' });
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

  it('archives a record the transform cannot parse as a masked quarantine document, never under the error prefix', async () => {
    const marker = `not an order ${Date.now()}`;
    await new SNSClient(e2eClientConfig()).send(
      new PublishCommand({
        TopicArn: outputs.TopicArn,
        Message: `${marker}: charge 4111 1111 1111 1111, "cvv": "123"`,
        MessageAttributes: { amount: { DataType: 'Number', StringValue: '1' } },
      }),
    );

    const quarantined = await eventually(
      async () =>
        (await archivedLines())
          .map(({ line }) => JSON.parse(line) as { quarantine?: { reason: string; maskedText: string } })
          .find((document) => document.quarantine?.maskedText.startsWith(marker)),
      30_000,
      'the quarantine document in the archive',
    );

    expect(quarantined.quarantine).toEqual({
      reason: expect.stringContaining('not valid JSON'),
      maskedText: `${marker}: charge **** **** **** 1111, "cvv": "[removed]"`,
    });
    expect(await keysUnder('errors/processing-failed/')).toEqual([]);
  });
});
