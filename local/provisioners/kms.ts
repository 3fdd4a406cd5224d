import {
  CreateAliasCommand,
  CreateKeyCommand,
  EnableKeyRotationCommand,
  type KeySpec,
  type KeyUsageType,
} from '@aws-sdk/client-kms';
import type { Provisioner, ProvisionerDefinition } from '../stack/resources';

export const createKmsKey: Provisioner = async ({ properties }, { clients }) => {
  const { KeyMetadata } = await clients.kms.send(
    new CreateKeyCommand({
      Description: properties.Description as string | undefined,
      KeyUsage: properties.KeyUsage as KeyUsageType | undefined,
      KeySpec: properties.KeySpec as KeySpec | undefined,
      Policy: properties.KeyPolicy ? JSON.stringify(properties.KeyPolicy) : undefined,
    }),
  );
  const keyId = KeyMetadata?.KeyId as string;
  if (String(properties.EnableKeyRotation) === 'true')
    await clients.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  return { ref: keyId, attributes: { Arn: KeyMetadata?.Arn, KeyId: keyId } };
};

export const createKmsAlias: Provisioner = async ({ properties }, { clients }) => {
  const aliasName = String(properties.AliasName);
  await clients.kms.send(
    new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: String(properties.TargetKeyId) }),
  );
  return { ref: aliasName, attributes: {} };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::KMS::Key', create: createKmsKey },
  { type: 'AWS::KMS::Alias', create: createKmsAlias },
];
