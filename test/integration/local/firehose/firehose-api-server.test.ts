import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  DescribeDeliveryStreamCommand,
  FirehoseClient,
  InvalidArgumentException,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-firehose';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { DELIVERY_STREAM } from '../../../../local/firehose/delivery-stream';
import { FirehoseApiServer } from '../../../../local/firehose/firehose-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { createFirehoseDeliveryStream } from '../../../../local/provisioners/firehose';
import { createSnsSubscription } from '../../../../local/provisioners/sns';
import { provision } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  type RecordedLog,
  recordingLog,
  stopHandles,
  waitFor,
  writeFile,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'fh-api', path: ['Storage'] });
const TRANSFORM_NAME = 'fh-api-Transform';
const TRANSFORM_ARN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${TRANSFORM_NAME}`;

/** Marks every JSON record as transformed and ends it with a newline, as the card-data transform does. */
const TRANSFORM = `
export const handler = async (event) => ({
  records: event.records.map(({ recordId, data }) => {
    const order = JSON.parse(Buffer.from(data, 'base64').toString());
    const text = JSON.stringify({ ...order, transformed: true }) + '\\n';
    return { recordId, result: 'Ok', data: Buffer.from(text).toString('base64') };
  }),
});`;

describe('the local Firehose API against streams delivering to moto S3', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('firehose-api');
  let runtime: LocalRuntime;
  let server: FirehoseApiServer;
  let firehose: FirehoseClient;
  let kmsKeyArn: string;

  beforeAll(async () => {
    const functions = new FunctionHost(moto.environment(), dir.path);
    writeFile(dir.path, 'transform/index.mjs', TRANSFORM);
    functions.register({
      name: TRANSFORM_NAME,
      logicalId: 'Transform',
      artifactDir: join(dir.path, 'transform'),
      handler: 'index.handler',
      timeoutSeconds: 10,
      memoryMb: 128,
      arn: TRANSFORM_ARN,
      environment: {},
    });
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions,
      log: recordingLog(),
      settings: { firehoseBufferIntervalSeconds: 1 },
    });
    const { KeyMetadata } = await runtime.clients.kms.send(new CreateKeyCommand({}));
    kmsKeyArn = KeyMetadata?.Arn as string;
    await runtime.clients.s3.send(new CreateBucketCommand({ Bucket: 'fh-api-archive' }));
    await runtime.clients.s3.send(new CreateBucketCommand({ Bucket: 'fh-api-plain' }));

    // The storage pipeline's stream, as the template declares it, and a bare one beside it.
    await provision(
      createFirehoseDeliveryStream,
      aResourceToCreate(
        'DeliveryStream',
        'AWS::KinesisFirehose::DeliveryStream',
        {
          DeliveryStreamName: 'orders-archive',
          DeliveryStreamType: 'DirectPut',
          DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: kmsKeyArn },
          ExtendedS3DestinationConfiguration: {
            BucketARN: 'arn:aws:s3:::fh-api-archive',
            RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
            Prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
            ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
            BufferingHints: { IntervalInSeconds: '60', SizeInMBs: '5' },
            CompressionFormat: 'GZIP',
            EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: kmsKeyArn } },
            ProcessingConfiguration: {
              Enabled: 'true',
              Processors: [
                {
                  Type: 'Lambda',
                  Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: `${TRANSFORM_ARN}:live` }],
                },
              ],
            },
          },
        },
        stack,
      ),
      runtime,
    );
    await provision(
      createFirehoseDeliveryStream,
      aResourceToCreate(
        'Plain',
        'AWS::KinesisFirehose::DeliveryStream',
        {
          DeliveryStreamName: 'plain-stream',
          S3DestinationConfiguration: { BucketARN: 'arn:aws:s3:::fh-api-plain', Prefix: 'plain/' },
        },
        stack,
      ),
      runtime,
    );

    server = new FirehoseApiServer(runtime.handles.view(DELIVERY_STREAM), runtime.log);
    firehose = new FirehoseClient({ ...moto.clientConfig(), endpoint: await server.listen('127.0.0.1', 0) });
  });

  afterAll(async () => {
    firehose?.destroy();
    await server?.close();
    await stopHandles(runtime);
    await runtime.functions.stop();
    dir.remove();
  });

  const keysIn = async (bucket: string, prefix: string) => {
    const { Contents = [] } = await runtime.clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }),
    );
    return Contents.map((object) => object.Key as string).sort();
  };

  const bytesOf = async (bucket: string, key: string) => {
    const { Body } = await runtime.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await Body?.transformToByteArray()) ?? []);
  };

  /** Waits for the archive object that holds `id`, and gives its key and its lines. */
  const archived = async (id: string) =>
    waitFor(`order ${id} in the archive`, async () => {
      for (const key of await keysIn('fh-api-archive', 'orders/')) {
        const lines = gunzipSync(await bytesOf('fh-api-archive', key))
          .toString()
          .trim()
          .split('\n');
        if (lines.some((line) => line.includes(`"${id}"`))) return { key, lines };
      }
      return undefined;
    });

  const order = (id: string) => new TextEncoder().encode(JSON.stringify({ id, amount: 120 }));

  it('delivers a PutRecordBatch through the processor into S3, gzipped with SSE-KMS, one log line per order', async () => {
    const answer = await firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'orders-archive',
        Records: [{ Data: order('api-1') }, { Data: order('api-2') }],
      }),
    );
    expect(answer).toMatchObject({ FailedPutCount: 0, Encrypted: true });
    expect(answer.RequestResponses?.map((entry) => Object.keys(entry))).toEqual([['RecordId'], ['RecordId']]);

    const { key, lines } = await archived('api-1');
    expect(key).toMatch(/^orders\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/orders-archive-1-.*\.gz$/);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { id: 'api-1', amount: 120, transformed: true },
      { id: 'api-2', amount: 120, transformed: true },
    ]);
    const head = await runtime.clients.s3.send(new HeadObjectCommand({ Bucket: 'fh-api-archive', Key: key }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyArn });
    const logged = (runtime.log as RecordedLog).lines.map((line) => `[${line.component}] ${line.message}`);
    expect(logged).toContain(`[Storage/DeliveryStream] order api-1 archived in s3://fh-api-archive/${key}`);
    expect(logged).toContain(`[Storage/DeliveryStream] order api-2 archived in s3://fh-api-archive/${key}`);
  });

  it('writes an uncompressed stream as it is', async () => {
    await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: 'plain-stream', Record: { Data: order('plain-1') } }),
    );
    const [key] = await waitFor('the plain object', async () => {
      const keys = await keysIn('fh-api-plain', 'plain/');
      return keys.length > 0 && keys;
    });
    expect(key).not.toMatch(/\.gz$/);
    expect((await bytesOf('fh-api-plain', key as string)).toString()).toBe('{"id":"plain-1","amount":120}');
  });

  it("puts records into the same stream as the topic's firehose subscription", async () => {
    const { sns } = runtime.clients;
    const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: 'fh-api-orders' }));
    await provision(
      createSnsSubscription,
      aResourceToCreate(
        'ArchiveSubscription',
        'AWS::SNS::Subscription',
        {
          TopicArn: topicArn,
          Protocol: 'firehose',
          Endpoint: `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/orders-archive`,
          RawMessageDelivery: true,
        },
        stack,
      ),
      runtime,
    );
    await runtime.handles.startAll();

    await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify({ id: 'sns-1', amount: 1 }) }),
    );
    await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: 'orders-archive', Record: { Data: order('api-3') } }),
    );

    // Through the same processor, into the same bucket, as objects of the same stream, logged as its own.
    const delivered = [await archived('api-3'), await archived('sns-1')];
    const logged = (runtime.log as RecordedLog).lines.map((line) => `[${line.component}] ${line.message}`);
    for (const [{ key, lines }, id] of delivered.map(
      (each, index) => [each, ['api-3', 'sns-1'][index]] as const,
    )) {
      expect(key).toMatch(/^orders\/.*\/orders-archive-1-.*\.gz$/);
      expect(lines.map((line) => JSON.parse(line))).toContainEqual(
        expect.objectContaining({ id, transformed: true }),
      );
      expect(logged).toContain(`[Storage/DeliveryStream] order ${id} archived in s3://fh-api-archive/${key}`);
    }
  });

  it('describes the stream as configured in the template', async () => {
    const { DeliveryStreamDescription: description } = await firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'orders-archive' }),
    );
    expect(description).toMatchObject({
      DeliveryStreamName: 'orders-archive',
      DeliveryStreamARN: `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/orders-archive`,
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfiguration: {
        KeyARN: kmsKeyArn,
        KeyType: 'CUSTOMER_MANAGED_CMK',
        Status: 'ENABLED',
      },
      HasMoreDestinations: false,
    });
    expect(description?.CreateTimestamp).toBeInstanceOf(Date);
    const [destination, ...others] = description?.Destinations ?? [];
    expect(others).toEqual([]);
    expect(destination?.ExtendedS3DestinationDescription).toMatchObject({
      RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
      BucketARN: 'arn:aws:s3:::fh-api-archive',
      Prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
      ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
      CompressionFormat: 'GZIP',
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: kmsKeyArn } },
      ProcessingConfiguration: {
        Enabled: true,
        Processors: [
          {
            Type: 'Lambda',
            Parameters: expect.arrayContaining([
              { ParameterName: 'LambdaArn', ParameterValue: `${TRANSFORM_ARN}:live` },
            ]),
          },
        ],
      },
    });
  });

  it('lists the streams in alphabetical order, a page at a time', async () => {
    expect(await firehose.send(new ListDeliveryStreamsCommand({}))).toMatchObject({
      DeliveryStreamNames: ['orders-archive', 'plain-stream'],
      HasMoreDeliveryStreams: false,
    });
    expect(await firehose.send(new ListDeliveryStreamsCommand({ Limit: 1 }))).toMatchObject({
      DeliveryStreamNames: ['orders-archive'],
      HasMoreDeliveryStreams: true,
    });
  });

  it('answers ResourceNotFoundException for a stream the stack does not have', async () => {
    const put = firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'nowhere', Records: [{ Data: order('lost') }] }),
    );
    await expect(put).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(put).rejects.toThrow(`Firehose nowhere under account ${LOCAL_ACCOUNT_ID} not found.`);
  });

  it('refuses a batch over 4 MiB with an InvalidArgumentException that says so, and delivers none of it', async () => {
    const big = (id: string) =>
      new TextEncoder().encode(JSON.stringify({ id, notes: 'x'.repeat(900 * 1024) }));
    const put = firehose.send(
      new PutRecordBatchCommand({
        DeliveryStreamName: 'orders-archive',
        Records: ['big-1', 'big-2', 'big-3', 'big-4', 'big-5'].map((id) => ({ Data: big(id) })),
      }),
    );
    await expect(put).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(put).rejects.toThrow(
      /^PutRecordBatch takes at most 4 MiB \(4194304 bytes\) of record data per request; these 5 records have \d+ bytes\. Split the batch\.$/,
    );
    const stream = runtime.handles.find(DELIVERY_STREAM, (candidate) => candidate.name === 'orders-archive');
    await stream?.flush();
    const keys = await keysIn('fh-api-archive', 'orders/');
    for (const key of keys) {
      expect(gunzipSync(await bytesOf('fh-api-archive', key)).toString()).not.toContain('big-');
    }
  });
});
