import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/checkout-SearchAnalyticsPipeline-1A2B/5f1e-4c2a';

let sequence = 0;

/** Resource properties as CloudFormation sends them: scalars as strings, lists as arrays of strings. */
export type CustomResourceProperties = Record<string, string | string[]>;

/**
 * The event CloudFormation sends a custom resource's function: Create, Update (with the old properties)
 * or Delete (with the physical id the function gave). `ResponseURL` is where the answer goes.
 */
export const aCustomResourceEvent = (
  requestType: CloudFormationCustomResourceEvent['RequestType'],
  {
    responseUrl,
    properties = {},
    oldProperties = {},
    physicalResourceId = 'orders-index-setup',
  }: {
    responseUrl: string;
    properties?: CustomResourceProperties;
    oldProperties?: CustomResourceProperties;
    physicalResourceId?: string;
  },
): CloudFormationCustomResourceEvent => {
  sequence += 1;
  const serviceToken = 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-IndexSetupFunction';
  const common = {
    ServiceToken: serviceToken,
    ResponseURL: `${responseUrl}/cloudformation-response-${sequence}?X-Amz-Signature=abc`,
    StackId: STACK_ID,
    RequestId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    LogicalResourceId: 'OrderIndexSetup',
    ResourceType: 'Custom::OrderIndexSetup',
    ResourceProperties: { ...properties, ServiceToken: serviceToken },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: physicalResourceId,
      OldResourceProperties: { ...oldProperties, ServiceToken: serviceToken },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: physicalResourceId };
};
