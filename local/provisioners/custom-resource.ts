import { randomUUID } from 'node:crypto';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { ArnError, parseArn } from '../arn';
import { type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId?: string;
  Data?: Record<string, unknown>;
}

/** The function a ServiceToken names: a Lambda ARN (`arn:aws:lambda:...:function:name[:alias]`) or a name. */
const functionNameOf = (serviceToken: string) => {
  try {
    return parseArn(serviceToken).resourceName;
  } catch (error) {
    if (error instanceof ArnError) return serviceToken;
    throw error;
  }
};

/**
 * A custom resource (`Custom::*`, AWS::CloudFormation::CustomResource) backed by a function of the stack:
 * the function is invoked with CloudFormation's Create event and answers at the event's ResponseURL, which
 * the local runtime serves; `Data` becomes what GetAtt returns, as in AWS.
 */
export const createCustomResource: Provisioner = async (
  { logicalId, definition, properties, stack },
  runtime,
) => {
  const serviceToken = String(properties.ServiceToken);
  const functionName = functionNameOf(serviceToken);
  const definitionOf = runtime.functions.functions.find((fn) => fn.name === functionName);
  if (!definitionOf) throw new Error(`the ServiceToken ${serviceToken} is not a function of the local stack`);

  const requestId = randomUUID();
  const { url, response } = runtime.customResourceResponses.expect(
    requestId,
    (definitionOf.timeoutSeconds + 10) * 1000,
  );
  // Awaited only once the invocation has succeeded; a failed one must not leave its rejection unhandled.
  response.catch(() => undefined);
  const event: CloudFormationCustomResourceCreateEvent = {
    RequestType: 'Create',
    ServiceToken: serviceToken,
    ResponseURL: url,
    StackId: stack.pseudo.stackId,
    RequestId: requestId,
    LogicalResourceId: logicalId,
    ResourceType: definition.Type,
    ResourceProperties: properties as CloudFormationCustomResourceCreateEvent['ResourceProperties'],
  };
  const invocation = await runtime.functions.invoke(functionName, event);
  if (!invocation.ok) {
    throw new Error(
      `${functionName} failed: ${invocation.error.errorType}: ${invocation.error.errorMessage}`,
    );
  }
  const answer = (await response) as CustomResourceResponse;
  if (answer.Status !== 'SUCCESS')
    throw new Error(`${functionName} answered FAILED: ${answer.Reason ?? 'no reason given'}`);
  return {
    ref: answer.PhysicalResourceId ?? physicalName(stack, logicalId),
    attributes: { ...(answer.Data ?? {}) },
  };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::CloudFormation::CustomResource', create: createCustomResource },
  { type: 'Custom::*', create: createCustomResource },
];
