import { createHash, randomInt } from 'node:crypto';
import type { QuotaPeriod } from '../api/usage-plans';
import {
  type Provisioner,
  type ProvisionerDefinition,
  physicalName,
  type StackFrame,
} from '../stack/resources';

/**
 * API keys, usage plans and their keys (AWS::ApiGateway::ApiKey, UsagePlan, UsagePlanKey), applied by the
 * local REST API to the methods that require a key.
 */

const ID_CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** API Gateway's generated key values are 40 characters long; a given Value must have 20 at least. */
const KEY_LENGTH = 40;
const MIN_KEY_LENGTH = 20;

/** An id in API Gateway's shape (lowercase letters and digits), stable for a given stack and resource. */
export const localApiGatewayId = (stack: StackFrame, logicalId: string, length: number) => {
  const digest = createHash('sha256')
    .update(`${stack.stackName}/${[...stack.path, logicalId].join('/')}`)
    .digest();
  return [...digest.subarray(0, length)].map((byte) => ID_CHARACTERS[byte % ID_CHARACTERS.length]).join('');
};

/** A fresh key value like API Gateway's: 40 letters and digits, different on every run. */
export const generateApiKeyValue = () =>
  Array.from({ length: KEY_LENGTH }, () => KEY_CHARACTERS[randomInt(KEY_CHARACTERS.length)]).join('');

export const createApiKey: Provisioner = async ({ logicalId, properties, stack }, { api }) => {
  const id = localApiGatewayId(stack, logicalId, 10);
  const value = properties.Value === undefined ? generateApiKeyValue() : String(properties.Value);
  if (value.length < MIN_KEY_LENGTH)
    throw new Error(`Value must be at least ${MIN_KEY_LENGTH} characters long, as API Gateway requires`);
  api.usagePlans.addKey({
    id,
    value,
    name: (properties.Name as string | undefined) ?? physicalName(stack, logicalId, 1024),
    // CloudFormation's default: a key is disabled unless Enabled says otherwise.
    enabled: String(properties.Enabled ?? 'false') === 'true',
  });
  return { ref: id, attributes: { APIKeyId: id } };
};

interface ApiStage {
  ApiId: string;
  Stage: string;
  Throttle?: unknown;
}

const numberOrUndefined = (value: unknown) => (value === undefined ? undefined : Number(value));

export const createUsagePlan: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
  const id = localApiGatewayId(stack, logicalId, 6);
  const apiStages = ((properties.ApiStages as ApiStage[] | undefined) ?? []).map((stage) => {
    const stageName = runtime.api.stageOf(String(stage.ApiId));
    if (stageName === undefined)
      throw new Error(`ApiStages: ${stage.ApiId} is not a REST API of the local stack`);
    if (stageName !== String(stage.Stage))
      throw new Error(`ApiStages: the API ${stage.ApiId} has the stage ${stageName}, not ${stage.Stage}`);
    if (stage.Throttle !== undefined)
      runtime.notEmulated.push(
        `the per-method Throttle of ${logicalId}'s ApiStages (the plan's Throttle applies)`,
      );
    return { apiId: String(stage.ApiId), stage: String(stage.Stage) };
  });
  const throttle = properties.Throttle as { RateLimit?: unknown; BurstLimit?: unknown } | undefined;
  const quota = properties.Quota as { Limit?: unknown; Period?: unknown; Offset?: unknown } | undefined;
  const period = String(quota?.Period ?? 'DAY');
  if (quota && !['DAY', 'WEEK', 'MONTH'].includes(period))
    throw new Error(`Quota.Period must be DAY, WEEK or MONTH, not ${period}`);
  runtime.api.usagePlans.addPlan({
    id,
    name: (properties.UsagePlanName as string | undefined) ?? physicalName(stack, logicalId, 1024),
    apiStages,
    ...(throttle
      ? {
          throttle: {
            rateLimit: numberOrUndefined(throttle.RateLimit),
            burstLimit: numberOrUndefined(throttle.BurstLimit),
          },
        }
      : {}),
    ...(quota?.Limit !== undefined
      ? {
          quota: {
            limit: Number(quota.Limit),
            period: period as QuotaPeriod,
            offset: Number(quota.Offset ?? 0),
          },
        }
      : {}),
  });
  return { ref: id, attributes: { Id: id } };
};

export const createUsagePlanKey: Provisioner = async ({ properties }, { api }) => {
  if (String(properties.KeyType ?? 'API_KEY') !== 'API_KEY') throw new Error('KeyType must be API_KEY');
  const keyId = String(properties.KeyId);
  api.usagePlans.addPlanKey(String(properties.UsagePlanId), keyId);
  // The usage plan key's id is the API key's.
  return { ref: keyId, attributes: { Id: keyId } };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::ApiGateway::ApiKey', create: createApiKey },
  { type: 'AWS::ApiGateway::UsagePlan', create: createUsagePlan },
  { type: 'AWS::ApiGateway::UsagePlanKey', create: createUsagePlanKey },
];
