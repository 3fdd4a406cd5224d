import {
  type BucketLifecycleConfiguration,
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type ServerSideEncryptionByDefault,
} from '@aws-sdk/client-s3';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

interface EncryptionRule {
  ServerSideEncryptionByDefault?: ServerSideEncryptionByDefault;
  BucketKeyEnabled?: unknown;
}

interface LifecycleRule {
  Id?: string;
  Status: string;
  Prefix?: string;
  ExpirationInDays?: unknown;
  Transitions?: { StorageClass: string; TransitionInDays: unknown }[];
  NoncurrentVersionExpiration?: { NoncurrentDays: unknown };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: unknown };
}

/** CloudFormation's lifecycle rule shape as the S3 API takes it. */
const toLifecycleConfiguration = (rules: LifecycleRule[]): BucketLifecycleConfiguration => ({
  Rules: rules.map((rule) => ({
    ID: rule.Id,
    Status: rule.Status as 'Enabled' | 'Disabled',
    Filter: { Prefix: rule.Prefix ?? '' },
    Expiration: rule.ExpirationInDays === undefined ? undefined : { Days: Number(rule.ExpirationInDays) },
    Transitions: rule.Transitions?.map((transition) => ({
      StorageClass: transition.StorageClass as 'GLACIER',
      Days: Number(transition.TransitionInDays),
    })),
    NoncurrentVersionExpiration: rule.NoncurrentVersionExpiration && {
      NoncurrentDays: Number(rule.NoncurrentVersionExpiration.NoncurrentDays),
    },
    AbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload && {
      DaysAfterInitiation: Number(rule.AbortIncompleteMultipartUpload.DaysAfterInitiation),
    },
  })),
});

/** A bucket name S3 accepts: lowercase letters, digits and dashes, 3 to 63 characters. */
export const bucketNameFor = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');

export const createS3Bucket: Provisioner = async ({ logicalId, properties, stack }, { clients }) => {
  const name =
    (properties.BucketName as string | undefined) ?? bucketNameFor(physicalName(stack, logicalId, 63));
  await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  const encryption = properties.BucketEncryption as
    | { ServerSideEncryptionConfiguration: EncryptionRule[] }
    | undefined;
  if (encryption) {
    await clients.s3.send(
      new PutBucketEncryptionCommand({
        Bucket: name,
        // CloudFormation says ServerSideEncryptionByDefault where the S3 API says ApplyServerSideEncryptionByDefault.
        ServerSideEncryptionConfiguration: {
          Rules: encryption.ServerSideEncryptionConfiguration.map((rule) => ({
            ApplyServerSideEncryptionByDefault: rule.ServerSideEncryptionByDefault,
            BucketKeyEnabled:
              rule.BucketKeyEnabled === undefined ? undefined : String(rule.BucketKeyEnabled) === 'true',
          })),
        },
      }),
    );
  }
  if (properties.PublicAccessBlockConfiguration) {
    await clients.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: name,
        PublicAccessBlockConfiguration: properties.PublicAccessBlockConfiguration as Record<string, boolean>,
      }),
    );
  }
  const versioning = properties.VersioningConfiguration as { Status: 'Enabled' | 'Suspended' } | undefined;
  if (versioning) {
    await clients.s3.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: versioning }),
    );
  }
  const lifecycle = properties.LifecycleConfiguration as { Rules: LifecycleRule[] } | undefined;
  if (lifecycle) {
    await clients.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: name,
        LifecycleConfiguration: toLifecycleConfiguration(lifecycle.Rules),
      }),
    );
  }
  return {
    ref: name,
    attributes: {
      Arn: `arn:${stack.pseudo.partition}:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${stack.pseudo.region}.amazonaws.com`,
    },
  };
};

/**
 * Bucket policies are recorded, not applied: moto evaluates `aws:SecureTransport` against the local
 * plain-HTTP endpoint, so the archive's deny-non-TLS statement would deny every local request.
 */
export const recordS3BucketPolicy: Provisioner = async ({ logicalId, stack }, { notEmulated }) => {
  notEmulated.push(
    `AWS::S3::BucketPolicy ${[...stack.path, logicalId].join('/')} (not applied: local requests are plain HTTP)`,
  );
  return { ref: logicalId, attributes: {} };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::S3::Bucket', create: createS3Bucket },
  { type: 'AWS::S3::BucketPolicy', create: recordS3BucketPolicy },
];
