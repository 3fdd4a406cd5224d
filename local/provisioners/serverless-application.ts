import { join, resolve } from 'node:path';
import { deployStack } from '../stack/deploy-stack';
import { TemplateError } from '../stack/intrinsics';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

/** AWS::Serverless::Application with a local Location: a nested stack, deployed the same way. */
export const createNestedApplication: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
  const location = properties.Location;
  if (typeof location !== 'string') {
    throw new TemplateError(`${logicalId}: only nested applications with a local Location run locally`);
  }
  const nested = await deployStack(
    {
      templatePath: resolve(stack.templateDir, location),
      stackName: physicalName(stack, logicalId, 100),
      pseudo: stack.pseudo,
      parameterOverrides: Object.fromEntries(
        Object.entries((properties.Parameters as Record<string, unknown> | undefined) ?? {}).map(
          ([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)],
        ),
      ),
      buildDir: join(stack.buildDir, logicalId),
      path: [...stack.path, logicalId],
    },
    runtime,
  );
  return {
    ref: nested.stackName,
    attributes: Object.fromEntries(
      Object.entries(nested.outputs).map(([name, value]) => [`Outputs.${name}`, value]),
    ),
  };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::Serverless::Application', create: createNestedApplication },
];
