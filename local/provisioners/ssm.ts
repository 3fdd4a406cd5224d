import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

export const createSsmParameter: Provisioner = async ({ logicalId, properties, stack }, { clients }) => {
  const name = (properties.Name as string | undefined) ?? `/${physicalName(stack, logicalId, 200)}`;
  await clients.ssm.send(
    new PutParameterCommand({
      Name: name,
      Type: (properties.Type as 'String' | 'StringList' | undefined) ?? 'String',
      Value: String(properties.Value),
      Description: properties.Description as string | undefined,
      AllowedPattern: properties.AllowedPattern as string | undefined,
    }),
  );
  return { ref: name, attributes: { Type: properties.Type ?? 'String', Value: String(properties.Value) } };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::SSM::Parameter', create: createSsmParameter },
];
