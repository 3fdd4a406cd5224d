import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { parseArn } from '../arn';
import { SqsEventSource } from '../event-sources/sqs-event-source';
import type { ResourceState } from '../stack/intrinsics';
import {
  arn,
  type LocalRuntime,
  type Provisioner,
  type ProvisionerDefinition,
  physicalName,
  type ResourceToCreate,
} from '../stack/resources';
import { localRestApiId } from './serverless-api';

interface FunctionEvent {
  Type: string;
  Properties: Record<string, unknown>;
}

const IMPLICIT_API = 'ServerlessRestApi';

/** A stable UUID-shaped id for an event source mapping of the local stack. */
export const localMappingUuid = (name: string) => {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

const ensureImplicitApi = ({ stack }: ResourceToCreate, runtime: LocalRuntime) => {
  const apiId = localRestApiId(physicalName(stack, IMPLICIT_API));
  if (!runtime.api.hasApi(apiId))
    runtime.api.addApi({ apiId, logicalId: IMPLICIT_API, stageName: 'Prod', models: {} });
  return apiId;
};

const queueUrlOf = async (queueArn: string, runtime: LocalRuntime) => {
  const { accountId, resourceName: queueName } = parseArn(queueArn);
  const { QueueUrl } = await runtime.clients.sqs.send(
    new GetQueueUrlCommand({ QueueName: queueName, QueueOwnerAWSAccountId: accountId }),
  );
  return QueueUrl as string;
};

/**
 * How many batches an SQS event source has in flight at once: the mapping's ScalingConfig.MaximumConcurrency
 * (2 to 1,000), never more than the function can run; without it, as many as the function can run.
 */
const maximumConcurrencyOf = (eventProperties: Record<string, unknown>, functionConcurrency: number) => {
  const configured = (eventProperties.ScalingConfig as { MaximumConcurrency?: unknown } | undefined)
    ?.MaximumConcurrency;
  const maximum = configured === undefined ? functionConcurrency : Number(configured);
  return Math.max(1, Math.min(maximum, functionConcurrency));
};

/** AWS::Serverless::Function: hosted in-process from its `sam build` artifact, with its Api and SQS events. */
export const createServerlessFunction: Provisioner = async (resource, runtime) => {
  const { logicalId, properties, stack } = resource;
  const name = (properties.FunctionName as string | undefined) ?? physicalName(stack, logicalId, 64);
  const functionArn = arn(stack.pseudo, 'lambda', `function:${name}`);
  const variables =
    (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  runtime.functions.register({
    name,
    logicalId,
    artifactDir: join(stack.buildDir, logicalId),
    handler: String(properties.Handler),
    timeoutSeconds: Number(properties.Timeout ?? 3),
    memoryMb: Number(properties.MemorySize ?? 128),
    arn: functionArn,
    environment: Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, String(value)])),
    ...(properties.ReservedConcurrentExecutions !== undefined
      ? { reservedConcurrency: Number(properties.ReservedConcurrentExecutions) }
      : {}),
  });

  const events = (properties.Events as Record<string, FunctionEvent> | undefined) ?? {};
  const generated: Record<string, ResourceState> = {};
  const handles: SqsEventSource[] = [];
  for (const [eventName, event] of Object.entries(events)) {
    const eventProperties = event.Properties ?? {};
    if (event.Type === 'Api') {
      const model = eventProperties.RequestModel as
        | { Model: string; Required?: unknown; ValidateBody?: unknown }
        | undefined;
      const auth = eventProperties.Auth as
        | { Authorizer?: string; AuthorizationScopes?: string[]; ApiKeyRequired?: unknown }
        | undefined;
      runtime.api.addRoute({
        apiId: (eventProperties.RestApiId as string | undefined) ?? ensureImplicitApi(resource, runtime),
        method: String(eventProperties.Method),
        path: String(eventProperties.Path),
        functionName: name,
        requestModel: model && {
          model: model.Model,
          required: String(model.Required) === 'true',
          validateBody: String(model.ValidateBody ?? 'true') === 'true',
        },
        ...(auth && {
          auth: {
            ...(auth.Authorizer !== undefined ? { authorizer: auth.Authorizer } : {}),
            ...(auth.AuthorizationScopes !== undefined ? { scopes: auth.AuthorizationScopes } : {}),
            ...(auth.ApiKeyRequired !== undefined
              ? { apiKeyRequired: String(auth.ApiKeyRequired) === 'true' }
              : {}),
          },
        }),
      });
    } else if (event.Type === 'SQS') {
      const queueArn = String(eventProperties.Queue);
      // SAM names the mapping it generates <Function><Event>; Ref gives its UUID.
      const mappingId = `${logicalId}${eventName}`;
      const uuid = localMappingUuid(`${stack.stackName}/${mappingId}`);
      generated[mappingId] = { ref: uuid, attributes: {} };
      handles.push(
        new SqsEventSource(
          {
            mapping: { uuid, functionArn },
            label: [...stack.path, logicalId].join('/'),
            target: name,
            queueArn,
            queueUrl: await queueUrlOf(queueArn, runtime),
            region: stack.pseudo.region,
            batchSize: Number(eventProperties.BatchSize ?? 10),
            maximumBatchingWindowInSeconds: Number(eventProperties.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures: (
              (eventProperties.FunctionResponseTypes as string[] | undefined) ?? []
            ).includes('ReportBatchItemFailures'),
            enabled: String(eventProperties.Enabled ?? 'true') === 'true',
            maximumConcurrency: maximumConcurrencyOf(eventProperties, runtime.functions.concurrencyOf(name)),
            retryDelaySeconds: runtime.settings.retryDelaySeconds,
          },
          runtime.clients.sqs,
          (event) => runtime.functions.invoke(name, event),
          runtime.log,
        ),
      );
    } else {
      runtime.notEmulated.push(`${event.Type} event ${eventName} of ${logicalId}`);
    }
  }
  const alias = properties.AutoPublishAlias as string | undefined;
  return {
    ref: name,
    attributes: {
      Arn: functionArn,
      ...(alias ? { Alias: `${functionArn}:${alias}`, Version: `${functionArn}:1` } : {}),
    },
    generated,
    handles,
  };
};

export const provisioners: ProvisionerDefinition[] = [
  {
    type: 'AWS::Serverless::Function',
    create: createServerlessFunction,
    // SAM makes CodeDeploy resources of it, whose alarms refer back to the function.
    notEmulatedProperties: ['DeploymentPreference'],
  },
];
