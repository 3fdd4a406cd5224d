import { createHash } from 'node:crypto';
import { type Provisioner, physicalName } from '../stack/resources';

interface MethodSetting {
  ResourcePath?: string;
  HttpMethod?: string;
  ThrottlingRateLimit?: unknown;
  ThrottlingBurstLimit?: unknown;
}

/** A REST API id in API Gateway's shape (10 lowercase characters), stable for a given stack and resource. */
export const localRestApiId = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 10);

export const createServerlessApi: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
  const apiId = localRestApiId(physicalName(stack, logicalId));
  const stageName = String(properties.StageName);
  const stageWide = ((properties.MethodSettings as MethodSetting[] | undefined) ?? []).find(
    (setting) => setting.ResourcePath === '/*' && setting.HttpMethod === '*',
  );
  runtime.api.addApi({
    apiId,
    logicalId,
    stageName,
    models: (properties.Models as Record<string, object> | undefined) ?? {},
    throttle:
      stageWide?.ThrottlingRateLimit !== undefined
        ? {
            rateLimit: Number(stageWide.ThrottlingRateLimit),
            burstLimit: Number(stageWide.ThrottlingBurstLimit ?? stageWide.ThrottlingRateLimit),
          }
        : undefined,
  });
  return { ref: apiId, attributes: { RootResourceId: `${apiId}-root`, localUrl: runtime.apiBaseUrl } };
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
