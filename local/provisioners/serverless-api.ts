import { createHash } from 'node:crypto';
import type { RestApiAuth } from '../api/rest-api-server';
import {
  type LocalRuntime,
  type Provisioner,
  type ProvisionerDefinition,
  physicalName,
} from '../stack/resources';

interface MethodSetting {
  ResourcePath?: string;
  HttpMethod?: string;
  ThrottlingRateLimit?: unknown;
  ThrottlingBurstLimit?: unknown;
}

interface AuthorizerProperties {
  UserPoolArn?: unknown;
  FunctionArn?: unknown;
  AuthorizationScopes?: string[];
  Identity?: { Header?: string };
}

interface AuthProperties {
  DefaultAuthorizer?: string;
  ApiKeyRequired?: unknown;
  Authorizers?: Record<string, AuthorizerProperties>;
  UsagePlan?: { CreateUsagePlan?: string };
}

/**
 * SAM's `Auth` of an AWS::Serverless::Api: Cognito user pool authorizers (verified against the local
 * pools' keys), the default authorizer and ApiKeyRequired. Lambda authorizers are not emulated.
 */
export const apiAuthOf = (
  logicalId: string,
  auth: AuthProperties | undefined,
  runtime: Pick<LocalRuntime, 'cognito' | 'notEmulated'>,
): RestApiAuth | undefined => {
  if (!auth) return undefined;
  const authorizers = Object.fromEntries(
    Object.entries(auth.Authorizers ?? {}).map(([name, authorizer]) => {
      if (authorizer.UserPoolArn === undefined) {
        throw new Error(`${name}: only Cognito user pool authorizers (UserPoolArn) are emulated locally`);
      }
      const issuers = [authorizer.UserPoolArn].flat().map((userPoolArn) => {
        const userPoolId = runtime.cognito.userPoolIdOf(String(userPoolArn));
        if (!userPoolId)
          throw new Error(`${name}: ${String(userPoolArn)} is not a user pool of the local stack`);
        return runtime.cognito.issuerOf(userPoolId);
      });
      return [
        name,
        {
          issuers,
          identityHeader: authorizer.Identity?.Header ?? 'Authorization',
          keys: runtime.cognito.verificationKeys,
          ...(authorizer.AuthorizationScopes ? { scopes: authorizer.AuthorizationScopes } : {}),
        },
      ];
    }),
  );
  if (auth.UsagePlan && auth.UsagePlan.CreateUsagePlan !== 'NONE') {
    runtime.notEmulated.push(`the usage plan SAM creates for ${logicalId} (Auth.UsagePlan)`);
  }
  return {
    ...(auth.DefaultAuthorizer ? { defaultAuthorizer: auth.DefaultAuthorizer } : {}),
    ...(auth.ApiKeyRequired !== undefined ? { apiKeyRequired: String(auth.ApiKeyRequired) === 'true' } : {}),
    authorizers,
  };
};

/** A REST API id in API Gateway's shape (10 lowercase characters), stable for a given stack and resource. */
export const localRestApiId = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 10);

export const createServerlessApi: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
  const apiId = localRestApiId(physicalName(stack, logicalId));
  const stageName = String(properties.StageName);
  const stageWide = ((properties.MethodSettings as MethodSetting[] | undefined) ?? []).find(
    (setting) => setting.ResourcePath === '/*' && setting.HttpMethod === '*',
  );
  const auth = apiAuthOf(logicalId, properties.Auth as AuthProperties | undefined, runtime);
  runtime.api.addApi({
    apiId,
    logicalId,
    stageName,
    models: (properties.Models as Record<string, object> | undefined) ?? {},
    ...(auth ? { auth } : {}),
    throttle:
      stageWide?.ThrottlingRateLimit !== undefined
        ? {
            rateLimit: Number(stageWide.ThrottlingRateLimit),
            burstLimit: Number(stageWide.ThrottlingBurstLimit ?? stageWide.ThrottlingRateLimit),
          }
        : undefined,
  });
  // `!Ref Api.Stage` (the stage SAM generates) reads the Stage attribute.
  return {
    ref: apiId,
    attributes: { RootResourceId: `${apiId}-root`, Stage: stageName, localUrl: runtime.apiBaseUrl },
  };
};

export const createGatewayResponse: Provisioner = async ({ logicalId, properties }, { api }) => {
  const headers = Object.fromEntries(
    Object.entries((properties.ResponseParameters as Record<string, string> | undefined) ?? {})
      .filter(([name]) => name.startsWith('gatewayresponse.header.'))
      .map(([name, value]) => [name.slice('gatewayresponse.header.'.length), value.replace(/^'|'$/g, '')]),
  );
  api.setGatewayResponse(String(properties.RestApiId), String(properties.ResponseType), {
    statusCode: Number(properties.StatusCode ?? 400),
    templates: (properties.ResponseTemplates as Record<string, string> | undefined) ?? {},
    headers,
  });
  return { ref: logicalId, attributes: {} };
};

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::Serverless::Api', create: createServerlessApi },
  { type: 'AWS::ApiGateway::GatewayResponse', create: createGatewayResponse },
];
