import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { bucketNameFor, createS3Bucket, recordS3BucketPolicy } from '../../../../local/provisioners/s3';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import { aLocalRuntime, awsClients, makeTempDir } from '../../../helpers/local-runtime';
import { useMotoServer } from '../../../helpers/moto';

const stack = aStackFrame({ stackName: 'Prov-S3', path: ['Storage'] });

const toCreate = (logicalId: string, type: string, properties: Record<string, unknown>) =>
  aResourceToCreate(logicalId, type, properties, stack);

describe('bucketNameFor', () => {
  it('lowercases and turns what S3 does not allow into dashes', () => {
    expect(bucketNameFor('Prov-S3-Archive_Bucket.V2')).toBe('prov-s3-archive-bucket-v2');
  });

  it('keeps at most 63 characters and no trailing dash', () => {
    const name = bucketNameFor(`${'a'.repeat(62)}-tail`);
    expect(name).toBe('a'.repeat(62));
    expect(bucketNameFor(`${'b'.repeat(70)}`)).toHaveLength(63);
  });
});

describe('the S3 provisioner against moto', () => {
  const moto = useMotoServer();
  const dir = makeTempDir('s3-provisioner');
  let runtime: LocalRuntime;

  afterAll(async () => {
    await runtime.functions.stop();
    dir.remove();
  });

  const kmsKeyArn = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;

  /** The archive bucket of pipelines/storage-backup, with its parameters as CloudFormation passes them. */
  const archiveBucket = {
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        {
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn },
          BucketKeyEnabled: 'true',
        },
      ],
    },
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    VersioningConfiguration: { Status: 'Enabled' },
    LifecycleConfiguration: {
      Rules: [
        {
          Id: 'ArchiveTiering',
          Status: 'Enabled',
          Prefix: 'orders/',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: '30' },
            { StorageClass: 'GLACIER', TransitionInDays: '90' },
          ],
          ExpirationInDays: '2555',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        },
        { Id: 'ErrorOutputExpiry', Status: 'Enabled', Prefix: 'errors/', ExpirationInDays: 90 },
        {
          Id: 'AbortIncompleteUploads',
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: '7' },
        },
      ],
    },
  };

  let archive: Awaited<ReturnType<typeof createS3Bucket>>;
  beforeAll(async () => {
    runtime = aLocalRuntime({
      clients: awsClients(moto.clientConfig()),
      functions: new FunctionHost(moto.environment(), dir.path),
    });
    archive = await createS3Bucket(toCreate('ArchiveBucket', 'AWS::S3::Bucket', archiveBucket), runtime);
  });

  it('names the bucket after the stack in lowercase and gives Ref the name and GetAtt its ARN and domains', async () => {
    expect(archive).toEqual({
      ref: 'prov-s3-archivebucket',
      attributes: {
        Arn: 'arn:aws:s3:::prov-s3-archivebucket',
        DomainName: 'prov-s3-archivebucket.s3.amazonaws.com',
        RegionalDomainName: `prov-s3-archivebucket.s3.${LOCAL_REGION}.amazonaws.com`,
      },
    });
    await expect(
      runtime.clients.s3.send(new HeadBucketCommand({ Bucket: archive.ref })),
    ).resolves.toBeDefined();
  });

  it('keeps an explicit BucketName', async () => {
    const named = await createS3Bucket(
      toCreate('Named', 'AWS::S3::Bucket', { BucketName: 'my-named-bucket' }),
      runtime,
    );
    expect(named.ref).toBe('my-named-bucket');
    await expect(
      runtime.clients.s3.send(new HeadBucketCommand({ Bucket: 'my-named-bucket' })),
    ).resolves.toBeDefined();
  });

  it('applies default SSE-KMS with the key and the bucket key', async () => {
    const { ServerSideEncryptionConfiguration } = await runtime.clients.s3.send(
      new GetBucketEncryptionCommand({ Bucket: archive.ref }),
    );
    expect(ServerSideEncryptionConfiguration?.Rules).toEqual([
      expect.objectContaining({
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn },
        BucketKeyEnabled: true,
      }),
    ]);
  });

  it('blocks every kind of public access', async () => {
    const { PublicAccessBlockConfiguration } = await runtime.clients.s3.send(
      new GetPublicAccessBlockCommand({ Bucket: archive.ref }),
    );
    expect(PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('enables versioning', async () => {
    const { Status } = await runtime.clients.s3.send(new GetBucketVersioningCommand({ Bucket: archive.ref }));
    expect(Status).toBe('Enabled');
  });

  it('applies the lifecycle rules in the S3 API shape, with the numbers CloudFormation passes as text', async () => {
    const { Rules = [] } = await runtime.clients.s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket: archive.ref }),
    );
    const byId = Object.fromEntries(Rules.map((rule) => [rule.ID, rule]));
    expect(Object.keys(byId).sort()).toEqual([
      'AbortIncompleteUploads',
      'ArchiveTiering',
      'ErrorOutputExpiry',
    ]);
    expect(byId.ArchiveTiering).toMatchObject({
      Status: 'Enabled',
      Filter: { Prefix: 'orders/' },
      Expiration: { Days: 2555 },
      Transitions: [
        { Days: 30, StorageClass: 'STANDARD_IA' },
        { Days: 90, StorageClass: 'GLACIER' },
      ],
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
    expect(byId.ErrorOutputExpiry).toMatchObject({
      Status: 'Enabled',
      Filter: { Prefix: 'errors/' },
      Expiration: { Days: 90 },
    });
    expect(byId.AbortIncompleteUploads).toMatchObject({
      Status: 'Enabled',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    expect(byId.AbortIncompleteUploads?.Expiration).toBeUndefined();
  });

  it('records a bucket policy as not applied, and leaves the bucket without one', async () => {
    const policy = await recordS3BucketPolicy(
      toCreate('ArchiveBucketPolicy', 'AWS::S3::BucketPolicy', {
        Bucket: archive.ref,
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:*',
              Resource: [archive.attributes.Arn, `${archive.attributes.Arn}/*`],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      }),
      runtime,
    );
    expect(policy.ref).toBe('ArchiveBucketPolicy');
    expect(runtime.notEmulated).toEqual([
      'AWS::S3::BucketPolicy Storage/ArchiveBucketPolicy (not applied: local requests are plain HTTP)',
    ]);
    await expect(
      runtime.clients.s3.send(new GetBucketPolicyCommand({ Bucket: archive.ref })),
    ).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
    });
  });
});
