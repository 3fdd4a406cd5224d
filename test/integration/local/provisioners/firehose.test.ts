import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { DELIVERY_STREAM } from '../../../../local/firehose/delivery-stream';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { createFirehoseDeliveryStream } from '../../../../local/provisioners/firehose';
import type { OpenSearchDomain } from '../../../../local/provisioners/opensearch';
import { provision } from '../../../../local/stack/deploy-stack';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { anOpenSearchDomain, aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import {
  aLocalRuntime,
  awsClients,
  makeTempDir,
  type RecordedLog,
  stopHandles,
  waitFor,
  writeFile,
} from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'prov-fh', path: ['Storage'] });

const toCreate = (logicalId: string, properties: Record<string, unknown>) =>
  aResourceToCreate(logicalId, 'AWS::KinesisFirehose::DeliveryStream', properties, stack);

/** Upper-cases the `text` of every JSON record and logs the number of records of each invocation. */
const TRANSFORM = `
import { appendFileSync } from 'node:fs';
export const handler = async (event) => {
  appendFileSync(process.env.INVOCATION_LOG, event.records.length + '\\n');
  return {
    records: event.records.map(({ recordId, data }) => {
      const order = JSON.parse(Buffer.from(data, 'base64').toString());
      const text = JSON.stringify({ ...order, text: order.text.toUpperCase() }) + '\\n';
      return { recordId, result: 'Ok', data: Buffer.from(text).toString('base64') };
    }),
  };
};`;

describe('the Firehose provisioner', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('firehose-provisioner');
  const invocationLog = join(dir.path, 'invocations.log');
  const transformArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:prov-fh-Transform`;
  let runtime: LocalRuntime;
  let kmsKeyArn: string;

  beforeAll(async () => {
    const functions = new FunctionHost(moto.environment(), dir.path);
    writeFile(dir.path, 'transform/index.mjs', TRANSFORM);
    functions.register({
      name: 'prov-fh-Transform',
      logicalId: 'Transform',
      artifactDir: join(dir.path, 'transform'),
      handler: 'index.handler',
      timeoutSeconds: 10,
      memoryMb: 128,
      arn: transformArn,
      environment: { INVOCATION_LOG: invocationLog },
    });
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions,
      settings: { firehoseBufferIntervalSeconds: 2 },
    });
    const { KeyMetadata } = await runtime.clients.kms.send(new CreateKeyCommand({}));
    kmsKeyArn = KeyMetadata?.Arn as string;
    await runtime.clients.s3.send(new CreateBucketCommand({ Bucket: 'prov-fh-archive' }));
  });

  afterEach(async () => {
    await stopHandles(runtime);
  });

  /** The delivery streams the provisioner registered in the runtime's handles. */
  const streams = () => runtime.handles.ofKind(DELIVERY_STREAM);

  afterAll(async () => {
    await runtime.functions.stop();
    dir.remove();
  });

  /** The storage-backup pipeline's delivery stream, as CloudFormation passes its properties. */
  const destination = (overrides: Record<string, unknown> = {}) => ({
    BucketARN: 'arn:aws:s3:::prov-fh-archive',
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
          Parameters: [
            { ParameterName: 'LambdaArn', ParameterValue: `${transformArn}:live` },
            { ParameterName: 'NumberOfRetries', ParameterValue: '2' },
            { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
            { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
          ],
        },
      ],
    },
    ...overrides,
  });

  it('creates a local stream from the template, registered by ARN, with Ref its name and GetAtt Arn', async () => {
    const created = await provision(
      createFirehoseDeliveryStream,
      toCreate('DeliveryStream', {
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: destination(),
      }),
      runtime,
    );
    const arn = `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/prov-fh-DeliveryStream`;
    expect(created).toEqual({ ref: 'prov-fh-DeliveryStream', attributes: { Arn: arn } });
    expect(
      runtime.handles.find(DELIVERY_STREAM, (stream) => stream.definition.arn === arn)?.definition,
    ).toEqual({
      name: 'prov-fh-DeliveryStream',
      arn,
      label: 'Storage/DeliveryStream',
      bucketName: 'prov-fh-archive',
      prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
      errorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
      bufferIntervalSeconds: 60,
      localBufferIntervalSeconds: 2,
      bufferSizeBytes: 5 * 1024 * 1024,
      compression: 'GZIP',
      kmsKeyArn,
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
      processor: {
        functionName: 'prov-fh-Transform',
        functionArn: `${transformArn}:live`,
        numberOfRetries: 2,
        bufferSizeBytes: 1024 * 1024,
        bufferIntervalSeconds: 60,
      },
    });
  });

  it('delivers through the local processor within the capped interval, gzipped and with SSE-KMS', async () => {
    await provision(
      createFirehoseDeliveryStream,
      toCreate('Archive', {
        DeliveryStreamName: 'named-archive',
        ExtendedS3DestinationConfiguration: destination(),
      }),
      runtime,
    );
    const stream = runtime.handles.find(
      DELIVERY_STREAM,
      ({ definition }) =>
        definition.arn ===
        `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/named-archive`,
    );
    stream?.putRecord(Buffer.from('{"id":"p-1","text":"quiet"}'));
    stream?.putRecord(Buffer.from('{"id":"p-2","text":"calm"}'));

    const { s3 } = runtime.clients;
    const key = await waitFor('the archive object', async () => {
      const { Contents = [] } = await s3.send(
        new ListObjectsV2Command({ Bucket: 'prov-fh-archive', Prefix: 'orders/' }),
      );
      return Contents.find((object) => object.Key?.includes('/named-archive-1-'))?.Key;
    });
    expect(key).toMatch(/^orders\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/named-archive-1-.*\.gz$/);
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: 'prov-fh-archive', Key: key }));
    expect(gunzipSync(Buffer.from((await Body?.transformToByteArray()) ?? [])).toString()).toBe(
      '{"id":"p-1","text":"QUIET"}\n{"id":"p-2","text":"CALM"}\n',
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'prov-fh-archive', Key: key }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKeyArn });
    expect(existsSync(invocationLog) && readFileSync(invocationLog, 'utf8')).toContain('2\n');
    const lines = (runtime.log as RecordedLog).lines.map((line) => `[${line.component}] ${line.message}`);
    expect(lines).toContain(`[Storage/Archive] order p-1 archived in s3://prov-fh-archive/${key}`);
    expect(lines).toContain(`[Storage/Archive] order p-2 archived in s3://prov-fh-archive/${key}`);
  });

  it('is described from the template as DescribeDeliveryStream describes an extended S3 stream', async () => {
    const keyArn = kmsKeyArn;
    await provision(
      createFirehoseDeliveryStream,
      toCreate('Described', {
        DeliveryStreamType: 'DirectPut',
        DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: keyArn },
        ExtendedS3DestinationConfiguration: destination(),
      }),
      runtime,
    );
    const [stream] = streams();
    const s3Description = {
      RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
      BucketARN: 'arn:aws:s3:::prov-fh-archive',
      Prefix: 'orders/!{timestamp:yyyy/MM/dd/HH}/',
      ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
      CompressionFormat: 'GZIP',
      EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: keyArn } },
    };
    expect(stream?.encrypted).toBe(true);
    expect(stream?.describe()).toEqual({
      DeliveryStreamName: 'prov-fh-Described',
      DeliveryStreamARN: `arn:aws:firehose:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:deliverystream/prov-fh-Described`,
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamEncryptionConfiguration: {
        KeyARN: keyArn,
        KeyType: 'CUSTOMER_MANAGED_CMK',
        Status: 'ENABLED',
      },
      DeliveryStreamType: 'DirectPut',
      VersionId: '1',
      CreateTimestamp: expect.any(Number),
      Destinations: [
        {
          DestinationId: 'destinationId-000000000001',
          S3DestinationDescription: s3Description,
          ExtendedS3DestinationDescription: {
            ...s3Description,
            ProcessingConfiguration: {
              Enabled: true,
              Processors: [
                {
                  Type: 'Lambda',
                  Parameters: [
                    { ParameterName: 'LambdaArn', ParameterValue: `${transformArn}:live` },
                    { ParameterName: 'NumberOfRetries', ParameterValue: '2' },
                    { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
                    { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
                  ],
                },
              ],
            },
            S3BackupMode: 'Disabled',
          },
        },
      ],
      HasMoreDestinations: false,
    });
    expect(Math.abs((stream?.describe().CreateTimestamp ?? 0) * 1000 - Date.now())).toBeLessThan(60_000);
  });

  it('refuses a stream that is not DirectPut, naming the type it emulates', async () => {
    await expect(
      provision(
        createFirehoseDeliveryStream,
        toCreate('FromKinesis', {
          DeliveryStreamType: 'KinesisStreamAsSource',
          ExtendedS3DestinationConfiguration: destination(),
        }),
        runtime,
      ),
    ).rejects.toThrow('DeliveryStreamType KinesisStreamAsSource is not emulated locally (DirectPut is)');
    expect(streams().length).toBe(0);
  });

  it.each([
    ['shorter than the cap', '1', 1],
    ['zero', '0', 0],
    ['longer than the cap', '900', 2],
  ])(
    'buffers locally for the template interval when it is %s, and for the cap otherwise',
    async (_, interval, local) => {
      await provision(
        createFirehoseDeliveryStream,
        toCreate(`Interval${interval}`, {
          ExtendedS3DestinationConfiguration: destination({
            BufferingHints: { IntervalInSeconds: interval, SizeInMBs: 1 },
          }),
        }),
        runtime,
      );
      const [stream] = streams();
      expect(stream?.definition).toMatchObject({
        bufferIntervalSeconds: Number(interval),
        localBufferIntervalSeconds: local,
        bufferSizeBytes: 1024 * 1024,
      });
    },
  );

  it('uses Firehose defaults without buffering hints, compression, encryption or processor', async () => {
    await provision(
      createFirehoseDeliveryStream,
      toCreate('Bare', {
        S3DestinationConfiguration: { BucketARN: 'arn:aws:s3:::prov-fh-archive', RoleARN: 'arn:role' },
      }),
      runtime,
    );
    const [stream] = streams();
    expect(stream?.definition).toMatchObject({
      prefix: '',
      errorOutputPrefix: '',
      bufferIntervalSeconds: 300,
      localBufferIntervalSeconds: 2,
      bufferSizeBytes: 5 * 1024 * 1024,
      compression: 'UNCOMPRESSED',
      kmsKeyArn: undefined,
      processor: undefined,
    });
  });

  it('ignores a processing configuration that is not enabled', async () => {
    await provision(
      createFirehoseDeliveryStream,
      toCreate('Disabled', {
        ExtendedS3DestinationConfiguration: destination({
          ProcessingConfiguration: { ...destination().ProcessingConfiguration, Enabled: false },
        }),
      }),
      runtime,
    );
    const [stream] = streams();
    expect(stream?.definition.processor).toBeUndefined();
  });

  it.each(['ZIP', 'Snappy', 'HADOOP_SNAPPY'])(
    'refuses %s compression, naming the ones it emulates',
    async (format) => {
      await expect(
        provision(
          createFirehoseDeliveryStream,
          toCreate('Zipped', {
            ExtendedS3DestinationConfiguration: destination({ CompressionFormat: format }),
          }),
          runtime,
        ),
      ).rejects.toThrow(`CompressionFormat ${format} is not emulated locally (GZIP and UNCOMPRESSED are)`);
      expect(streams().length).toBe(0);
    },
  );

  it('refuses a processor that is not a function of the local stack', async () => {
    const elsewhere = `arn:aws:lambda:${LOCAL_REGION}:999999999999:function:someone-elses-transform`;
    const properties = destination();
    const [lambda] = properties.ProcessingConfiguration.Processors;
    (lambda as { Parameters: { ParameterName: string; ParameterValue: string }[] }).Parameters[0] = {
      ParameterName: 'LambdaArn',
      ParameterValue: elsewhere,
    };
    await expect(
      provision(
        createFirehoseDeliveryStream,
        toCreate('Foreign', { ExtendedS3DestinationConfiguration: properties }),
        runtime,
      ),
    ).rejects.toThrow(`the processor ${elsewhere} is not a function of the local stack`);
    expect(streams().length).toBe(0);
  });

  it.each([
    [
      'an HTTP endpoint',
      { HttpEndpointDestinationConfiguration: { EndpointConfiguration: { Url: 'https://x' } } },
    ],
    [
      'an OpenSearch Service destination without its S3Configuration',
      { AmazonopensearchserviceDestinationConfiguration: { IndexName: 'orders' } },
    ],
  ])('refuses %s, naming the destinations it emulates', async (_, properties) => {
    await expect(
      provision(createFirehoseDeliveryStream, toCreate('Elsewhere', properties), runtime),
    ).rejects.toThrow('only S3 and OpenSearch Service destinations are emulated locally');
    expect(streams().length).toBe(0);
  });

  describe('with an OpenSearch Service destination', () => {
    const domainArn = `arn:aws:es:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:domain/prov-fh-search`;

    let domain: OpenSearchDomain;

    beforeEach(() => {
      domain = runtime.handles.add(
        anOpenSearchDomain({ name: 'prov-fh-search', arn: domainArn, url: 'http://127.0.0.1:9299' }),
      );
    });

    afterEach(() => {
      runtime.handles.remove(domain);
    });

    /** The search pipeline's stream, as CloudFormation passes its properties. */
    const searchDestination = (overrides: Record<string, unknown> = {}) => ({
      DomainARN: domainArn,
      IndexName: 'orders',
      IndexRotationPeriod: 'OneWeek',
      RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
      RetryOptions: { DurationInSeconds: '30' },
      BufferingHints: { IntervalInSeconds: '60', SizeInMBs: '5' },
      S3BackupMode: 'FailedDocumentsOnly',
      S3Configuration: {
        BucketARN: 'arn:aws:s3:::prov-fh-archive',
        RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
        Prefix: 'failed/',
        ErrorOutputPrefix: 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        CompressionFormat: 'GZIP',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: kmsKeyArn } },
      },
      ProcessingConfiguration: destination().ProcessingConfiguration,
      ...overrides,
    });

    it("indexes into the stack's domain, backing up to its S3Configuration, with the stream's processor", async () => {
      await provision(
        createFirehoseDeliveryStream,
        toCreate('Search', { AmazonopensearchserviceDestinationConfiguration: searchDestination() }),
        runtime,
      );
      const [stream] = streams();
      expect(stream?.definition).toMatchObject({
        name: 'prov-fh-Search',
        bucketName: 'prov-fh-archive',
        prefix: 'failed/',
        errorOutputPrefix: 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
        bufferIntervalSeconds: 60,
        localBufferIntervalSeconds: 2,
        bufferSizeBytes: 5 * 1024 * 1024,
        compression: 'GZIP',
        kmsKeyArn,
        processor: { functionName: 'prov-fh-Transform', numberOfRetries: 2 },
        openSearch: {
          endpoint: 'http://127.0.0.1:9299',
          indexName: 'orders',
          rotation: 'OneWeek',
          retryDurationSeconds: 30,
          backupMode: 'FailedDocumentsOnly',
          domainArn,
        },
      });
    });

    it('is described as DescribeDeliveryStream describes an OpenSearch Service destination', async () => {
      await provision(
        createFirehoseDeliveryStream,
        toCreate('Described', { AmazonopensearchserviceDestinationConfiguration: searchDestination() }),
        runtime,
      );
      const [stream] = streams();
      const [destination, ...others] = stream?.describe().Destinations ?? [];
      expect(others).toEqual([]);
      expect(destination).toEqual({
        DestinationId: 'destinationId-000000000001',
        AmazonopensearchserviceDestinationDescription: {
          RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
          DomainARN: domainArn,
          IndexName: 'orders',
          IndexRotationPeriod: 'OneWeek',
          BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 60 },
          RetryOptions: { DurationInSeconds: 30 },
          S3BackupMode: 'FailedDocumentsOnly',
          S3DestinationDescription: {
            RoleARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
            BucketARN: 'arn:aws:s3:::prov-fh-archive',
            Prefix: 'failed/',
            ErrorOutputPrefix: 'failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/',
            BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
            CompressionFormat: 'GZIP',
            EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: kmsKeyArn } },
          },
          ProcessingConfiguration: expect.objectContaining({ Enabled: true }),
          DocumentIdOptions: { DefaultDocumentIdFormat: 'FIREHOSE_DEFAULT' },
        },
      });
    });

    it("takes a ClusterEndpoint instead of a domain, and Firehose's defaults: daily indices, 300 s of retries", async () => {
      const {
        DomainARN: _,
        IndexRotationPeriod: __,
        RetryOptions: ___,
        S3BackupMode: ____,
        ...rest
      } = searchDestination();
      await provision(
        createFirehoseDeliveryStream,
        toCreate('Cluster', {
          AmazonopensearchserviceDestinationConfiguration: {
            ...rest,
            ClusterEndpoint: 'http://127.0.0.1:9298',
          },
        }),
        runtime,
      );
      const [stream] = streams();
      expect(stream?.definition.openSearch).toEqual({
        endpoint: 'http://127.0.0.1:9298',
        indexName: 'orders',
        rotation: 'OneDay',
        retryDurationSeconds: 300,
        backupMode: 'FailedDocumentsOnly',
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/delivery`,
      });
    });

    it('backs up every document with S3BackupMode AllDocuments', async () => {
      await provision(
        createFirehoseDeliveryStream,
        toCreate('All', {
          AmazonopensearchserviceDestinationConfiguration: searchDestination({
            S3BackupMode: 'AllDocuments',
          }),
        }),
        runtime,
      );
      const [stream] = streams();
      expect(stream?.definition.openSearch?.backupMode).toBe('AllDocuments');
    });

    it('refuses a domain that is not one of the local stack', async () => {
      const foreign = `arn:aws:es:${LOCAL_REGION}:999999999999:domain/elsewhere`;
      await expect(
        provision(
          createFirehoseDeliveryStream,
          toCreate('Foreign', {
            AmazonopensearchserviceDestinationConfiguration: searchDestination({ DomainARN: foreign }),
          }),
          runtime,
        ),
      ).rejects.toThrow(`the domain ${foreign} is not an OpenSearch domain of the local stack`);
      expect(streams().length).toBe(0);
    });
  });

  it.each([
    [
      'an unsupported expression in Prefix',
      { Prefix: 'p/!{partitionKeyFromQuery:customer}/' },
      /^Prefix p\/!\{partitionKeyFromQuery:customer\}\/: .*not supported/,
    ],
    [
      'error-output-type in Prefix',
      { Prefix: 'p/!{firehose:error-output-type}/' },
      /only allowed in the error output prefix/,
    ],
    [
      'expressions in Prefix without an ErrorOutputPrefix',
      { ErrorOutputPrefix: undefined },
      /ErrorOutputPrefix must contain !\{firehose:error-output-type\}/,
    ],
    [
      'an ErrorOutputPrefix without error-output-type',
      { ErrorOutputPrefix: 'errors/!{timestamp:yyyy}/' },
      /ErrorOutputPrefix must contain !\{firehose:error-output-type\}/,
    ],
    [
      'a timestamp pattern it cannot evaluate in ErrorOutputPrefix',
      { ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/!{timestamp:EEE}/' },
      /^ErrorOutputPrefix .*: the timestamp pattern EEE/,
    ],
  ])('refuses %s when the stream is created, not at its first delivery', async (_, overrides, message) => {
    await expect(
      provision(
        createFirehoseDeliveryStream,
        toCreate('Prefixed', { ExtendedS3DestinationConfiguration: destination(overrides) }),
        runtime,
      ),
    ).rejects.toThrow(message);
    expect(streams().length).toBe(0);
  });

  it('takes a prefix without expressions and no ErrorOutputPrefix, as Firehose does', async () => {
    await provision(
      createFirehoseDeliveryStream,
      toCreate('Plain', {
        ExtendedS3DestinationConfiguration: destination({ Prefix: 'plain/', ErrorOutputPrefix: undefined }),
      }),
      runtime,
    );
    expect(streams().length).toBe(1);
  });
});
