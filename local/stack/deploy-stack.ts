import { dirname, join, resolve } from 'node:path';
import {
  createUserPool,
  createUserPoolClient,
  createUserPoolDomain,
  createUserPoolResourceServer,
} from '../provisioners/cognito';
import { createCustomResource } from '../provisioners/custom-resource';
import { createDynamoDbTable } from '../provisioners/dynamodb';
import { createFirehoseDeliveryStream } from '../provisioners/firehose';
import { createKmsAlias, createKmsKey } from '../provisioners/kms';
import { createOpenSearchDomain } from '../provisioners/opensearch';
import { createS3Bucket, recordS3BucketPolicy } from '../provisioners/s3';
import { createGatewayResponse, createServerlessApi } from '../provisioners/serverless-api';
import { createServerlessFunction } from '../provisioners/serverless-function';
import { createSnsSubscription, createSnsTopic } from '../provisioners/sns';
import { createSqsQueue, createSqsQueuePolicy } from '../provisioners/sqs';
import { createSsmParameter } from '../provisioners/ssm';
import { createApiKey, createUsagePlan, createUsagePlanKey } from '../provisioners/usage-plans';
import { withGlobals } from '../template/globals';
import { expandLanguageExtensions } from '../template/language-extensions';
import { resolveParameters } from '../template/parameters';
import { loadTemplate, type Template, type TemplateResource } from '../template/parse-template';
import { referencedLogicalIds } from '../template/references';
import {
  type EvaluationScope,
  evaluate,
  evaluateCondition,
  type PseudoParameters,
  type ResourceState,
  TemplateError,
} from './intrinsics';
import { arn, type LocalRuntime, type Provisioner, physicalName, type StackFrame } from './resources';

export interface DeployedStack {
  stackName: string;
  outputs: Record<string, string>;
  resources: ReadonlyMap<string, ResourceState>;
  /** Every resource of the template (Fn::ForEach expanded), in the order the template declares them. */
  declared: { logicalId: string; type: string }[];
}

export interface DeployOptions {
  templatePath: string;
  stackName: string;
  pseudo: Omit<PseudoParameters, 'stackName' | 'stackId'>;
  parameterOverrides?: Record<string, string>;
  /** Where `sam build` put this template's artifacts (.aws-sam/build for the root). */
  buildDir: string;
  path?: string[];
}

/** Resource kinds the local runtime creates. Everything else is recorded as not emulated. */
const provisioners: Record<string, Provisioner> = {
  'AWS::ApiGateway::ApiKey': createApiKey,
  'AWS::ApiGateway::GatewayResponse': createGatewayResponse,
  'AWS::ApiGateway::UsagePlan': createUsagePlan,
  'AWS::ApiGateway::UsagePlanKey': createUsagePlanKey,
  'AWS::Cognito::UserPool': createUserPool,
  'AWS::Cognito::UserPoolClient': createUserPoolClient,
  'AWS::Cognito::UserPoolDomain': createUserPoolDomain,
  'AWS::Cognito::UserPoolResourceServer': createUserPoolResourceServer,
  'AWS::DynamoDB::Table': createDynamoDbTable,
  'AWS::KinesisFirehose::DeliveryStream': createFirehoseDeliveryStream,
  'AWS::KMS::Alias': createKmsAlias,
  'AWS::KMS::Key': createKmsKey,
  'AWS::CloudFormation::CustomResource': createCustomResource,
  'AWS::OpenSearchService::Domain': createOpenSearchDomain,
  'AWS::Serverless::Api': createServerlessApi,
  'AWS::Serverless::Application': async (resource, runtime) => createNestedApplication(resource, runtime),
  'AWS::Serverless::Function': createServerlessFunction,
  'AWS::S3::Bucket': createS3Bucket,
  'AWS::S3::BucketPolicy': recordS3BucketPolicy,
  'AWS::SNS::Subscription': createSnsSubscription,
  'AWS::SSM::Parameter': createSsmParameter,
  'AWS::SNS::Topic': createSnsTopic,
  'AWS::SQS::Queue': createSqsQueue,
  'AWS::SQS::QueuePolicy': createSqsQueuePolicy,
};

/**
 * Properties that SAM turns into resources the local stack does not run (CodeDeploy deployment groups):
 * left out locally, also when ordering creation, since they may refer back to the resource itself.
 */
const NOT_EMULATED_PROPERTIES: Record<string, string[]> = {
  'AWS::Serverless::Function': ['DeploymentPreference'],
};

const withoutNotEmulatedProperties = (type: string, properties: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(properties).filter(([name]) => !NOT_EMULATED_PROPERTIES[type]?.includes(name)),
  );

const resolveConditions = (template: Template, scope: EvaluationScope) => {
  const pending = new Map(Object.entries(template.Conditions ?? {}));
  while (pending.size > 0) {
    let progressed = false;
    for (const [name, expression] of pending) {
      try {
        scope.conditions[name] = evaluateCondition(expression, scope);
        pending.delete(name);
        progressed = true;
      } catch (error) {
        if (!(error instanceof TemplateError) || !error.message.startsWith('Unknown condition')) throw error;
      }
    }
    if (!progressed)
      throw new TemplateError(`Conditions ${[...pending.keys()].join(', ')} cannot be resolved`);
  }
};

/** Resources in an order where each comes after those it refers to (Ref, GetAtt, Sub, DependsOn). */
export const creationOrder = (resources: Record<string, TemplateResource>): string[] => {
  const dependencies = new Map(
    Object.entries(resources).map(([logicalId, resource]) => {
      const found = referencedLogicalIds(
        withoutNotEmulatedProperties(resource.Type, resource.Properties ?? {}),
      );
      for (const dependency of [resource.DependsOn ?? []].flat()) found.add(dependency);
      return [logicalId, [...found].filter((id) => id in resources && id !== logicalId)] as const;
    }),
  );
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (logicalId: string, trail: string[]) => {
    if (state.get(logicalId) === 'done') return;
    if (state.get(logicalId) === 'visiting')
      throw new TemplateError(`Circular dependency: ${[...trail, logicalId].join(' -> ')}`);
    state.set(logicalId, 'visiting');
    for (const dependency of dependencies.get(logicalId) ?? []) visit(dependency, [...trail, logicalId]);
    state.set(logicalId, 'done');
    ordered.push(logicalId);
  };
  for (const logicalId of Object.keys(resources).sort()) visit(logicalId, []);
  return ordered;
};

/** Records a resource that exists only on paper locally; Ref and GetAtt still give well-formed values. */
const notEmulated = (
  logicalId: string,
  resource: TemplateResource,
  frame: StackFrame,
  runtime: LocalRuntime,
): ResourceState => {
  runtime.notEmulated.push(`${resource.Type} ${[...frame.path, logicalId].join('/')}`);
  const name = physicalName(frame, logicalId);
  const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'local';
  const resourceArn = arn(frame.pseudo, service, name);
  return {
    ref: name,
    attributes: new Proxy({} as Record<string, unknown>, {
      get: (_, attribute) => (attribute === 'Arn' ? resourceArn : `${name}.${String(attribute)}`),
    }),
  };
};

/**
 * The output value. An output that builds the HTTPS URL of a resource the runtime serves locally gives the
 * local URL instead: the whole of it for a resource with a `localUrl` (an API's execute-api URL, an
 * OpenSearch domain's endpoint), or the URL with its origin replaced for one with a `localOrigin` (a user
 * pool domain: `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token` becomes
 * `http://127.0.0.1:<port>/oauth2/token`).
 */
const evaluateOutput = (value: unknown, scope: EvaluationScope): string => {
  const localAttribute = (name: string) =>
    [...referencedLogicalIds(value)]
      .map((logicalId) => scope.resources.get(logicalId)?.attributes)
      // Own attributes only: those of a not-emulated resource answer any name.
      .map((attributes) => (attributes && Object.hasOwn(attributes, name) ? attributes[name] : undefined))
      .find((url): url is string => typeof url === 'string');
  const https = JSON.stringify(value).includes('https://');
  const localUrl = localAttribute('localUrl');
  if (localUrl && https) return localUrl;
  const evaluated = evaluate(value, scope);
  const text = Array.isArray(evaluated) ? evaluated.join(',') : String(evaluated);
  const localOrigin = localAttribute('localOrigin');
  return localOrigin && https ? text.replace(/^https:\/\/[^/]+/, localOrigin) : text;
};

/** Creates every resource of a template (and of its nested applications) in the local stack. */
export const deployStack = async (options: DeployOptions, runtime: LocalRuntime): Promise<DeployedStack> => {
  const loaded = loadTemplate(options.templatePath);
  const pseudo: PseudoParameters = {
    ...options.pseudo,
    stackName: options.stackName,
    stackId: `arn:${options.pseudo.partition}:cloudformation:${options.pseudo.region}:${options.pseudo.accountId}:stack/${options.stackName}/local`,
  };
  const frame: StackFrame = {
    stackName: options.stackName,
    path: options.path ?? [],
    templateDir: dirname(options.templatePath),
    buildDir: options.buildDir,
    pseudo,
  };
  const resources = new Map<string, ResourceState>();
  const scope: EvaluationScope = {
    pseudo,
    parameters: resolveParameters(loaded, options.parameterOverrides ?? {}),
    conditions: {},
    mappings: loaded.Mappings ?? {},
    resources,
  };
  // AWS::LanguageExtensions: Fn::ForEach loops expand once the parameters are known.
  const template = expandLanguageExtensions(loaded, (collection) => evaluate(collection, scope));
  resolveConditions(template, scope);

  for (const logicalId of creationOrder(template.Resources)) {
    const definition = template.Resources[logicalId] as TemplateResource;
    // Evaluated as { Condition: name } so that an unknown name is an error, not a skipped resource.
    if (definition.Condition && !evaluate({ Condition: definition.Condition }, scope)) continue;
    const provisioner =
      provisioners[definition.Type] ??
      (definition.Type.startsWith('Custom::') ? createCustomResource : undefined);
    if (!provisioner) {
      resources.set(logicalId, notEmulated(logicalId, definition, frame, runtime));
      continue;
    }
    const merged = withGlobals(template, logicalId, definition);
    const properties = evaluate(withoutNotEmulatedProperties(definition.Type, merged), scope) as Record<
      string,
      unknown
    >;
    try {
      const { generated = {}, ...state } = await provisioner(
        { logicalId, definition, properties, stack: frame },
        runtime,
      );
      resources.set(logicalId, state);
      for (const [generatedId, generatedState] of Object.entries(generated))
        resources.set(generatedId, generatedState);
    } catch (error) {
      throw new Error(
        `Creating ${definition.Type} ${[...frame.path, logicalId].join('/')} failed: ${(error as Error).message}`,
      );
    }
  }

  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && !evaluate({ Condition: output.Condition }, scope)) continue;
    outputs[name] = evaluateOutput(output.Value, scope);
  }
  const declared = Object.entries(template.Resources).map(([logicalId, resource]) => ({
    logicalId,
    type: resource.Type,
  }));
  return { stackName: options.stackName, outputs, resources, declared };
};

/** AWS::Serverless::Application with a local Location: a nested stack, deployed the same way. */
const createNestedApplication: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
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
