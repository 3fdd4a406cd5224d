/**
 * Invariants of the project's CloudFormation/SAM templates (SPEC §3.2, §3.6, §5). Each takes a parsed
 * template and returns its violations: an empty list means the template keeps the invariant.
 * Resources are related through `!Ref X` / `!GetAtt X.Arn`, resolved to logical ids.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Template } from '../../local/template/parse-template';
import { reference, referencedId } from '../../local/template/references';
import { isObject, type JsonObject } from '../../local/template/values';
import {
  functionsOf,
  type LambdaFunction,
  numberValue,
  resourcesOfType,
} from '../../scripts/lib/project-templates';

export interface Violation {
  /** The logical id of the resource (or the name of the output) at fault. */
  resource: string;
  message: string;
}

export type Invariant = (template: Template) => Violation[];

const violation = (resource: string, message: string): Violation => ({ resource, message });

const DEAD_LETTER_RETENTION_SECONDS = 1_209_600; // 14 days, the SQS maximum
const VISIBILITY_TIMEOUT_FACTOR = 6;
const SQS_DEFAULT_VISIBILITY_TIMEOUT = 30;
const LAMBDA_DEFAULT_TIMEOUT = 3;

// ------------------------------------------------------------------------------------------ queues

/** A RedrivePolicy's `deadLetterTargetArn`, the policy given as an object or as a JSON string. */
export const deadLetterTarget = (redrivePolicy: unknown): unknown => {
  let policy = redrivePolicy;
  if (typeof policy === 'string') {
    try {
      policy = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  return isObject(policy) ? policy.deadLetterTargetArn : undefined;
};

interface Redrive {
  /** Who sends its failures to the dead-letter queue: `Queue`, `Subscription` or `Function.Events.X`. */
  source: string;
  target: unknown;
}

const snsEventsOf = (template: Template): { source: string; properties: JsonObject }[] =>
  functionsOf(template).flatMap((fn) =>
    Object.entries(isObject(fn.properties.Events) ? fn.properties.Events : {}).flatMap(([name, event]) =>
      isObject(event) && event.Type === 'SNS'
        ? [
            {
              source: `${fn.id}.Events.${name}`,
              properties: isObject(event.Properties) ? event.Properties : {},
            },
          ]
        : [],
    ),
  );

/** Every RedrivePolicy in the template: queues', SNS subscriptions' and SAM SNS events'. */
const redrives = (template: Template): Redrive[] => [
  ...resourcesOfType(template, 'AWS::SQS::Queue', 'AWS::SNS::Subscription').flatMap(([id, resource]) => {
    const policy = resource.Properties?.RedrivePolicy;
    return policy === undefined ? [] : [{ source: id, target: deadLetterTarget(policy) }];
  }),
  ...snsEventsOf(template).flatMap(({ source, properties }) =>
    properties.RedrivePolicy === undefined
      ? []
      : [{ source, target: deadLetterTarget(properties.RedrivePolicy) }],
  ),
];

/** The logical ids of the queues of this template that are some queue's or subscription's dead-letter queue. */
export const deadLetterQueueIds = (template: Template): Set<string> => {
  const queues = new Set(resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => id));
  return new Set(
    redrives(template)
      .map(({ target }) => referencedId(target))
      .filter((id): id is string => id !== undefined && queues.has(id)),
  );
};

export const queuesAreEncrypted: Invariant = (template) =>
  resourcesOfType(template, 'AWS::SQS::Queue').flatMap(([id, queue]) => {
    const properties = queue.Properties ?? {};
    const encrypted =
      properties.KmsMasterKeyId !== undefined ||
      properties.SqsManagedSseEnabled === true ||
      properties.SqsManagedSseEnabled === 'true';
    return encrypted ? [] : [violation(id, 'has neither KmsMasterKeyId nor SqsManagedSseEnabled: true')];
  });

export const queuesHaveDeadLetterQueues: Invariant = (template) => {
  const deadLetterQueues = deadLetterQueueIds(template);
  return resourcesOfType(template, 'AWS::SQS::Queue').flatMap(([id, queue]) => {
    if (deadLetterQueues.has(id)) return [];
    return deadLetterTarget(queue.Properties?.RedrivePolicy) === undefined
      ? [violation(id, 'has no RedrivePolicy with a deadLetterTargetArn and is no dead-letter queue itself')]
      : [];
  });
};

export const deadLetterQueuesKeepMessagesFourteenDays: Invariant = (template) => {
  const deadLetterQueues = deadLetterQueueIds(template);
  return resourcesOfType(template, 'AWS::SQS::Queue')
    .filter(([id]) => deadLetterQueues.has(id))
    .flatMap(([id, queue]) => {
      const retention = numberValue(template, queue.Properties?.MessageRetentionPeriod);
      return retention === DEAD_LETTER_RETENTION_SECONDS
        ? []
        : [
            violation(
              id,
              `is a dead-letter queue with MessageRetentionPeriod ${retention ?? 'unset (4 days)'}, not ${DEAD_LETTER_RETENTION_SECONDS} (14 days)`,
            ),
          ];
    });
};

/** Dimensions of an alarm on one metric, or of each metric of a metric-math alarm. */
const alarmDimensions = (properties: JsonObject): unknown[] => {
  const metrics = Array.isArray(properties.Metrics) ? properties.Metrics : [];
  const fromMetrics = metrics.flatMap((query) => {
    const metric = isObject(query) && isObject(query.MetricStat) ? query.MetricStat.Metric : undefined;
    return isObject(metric) && Array.isArray(metric.Dimensions) ? metric.Dimensions : [];
  });
  return [...(Array.isArray(properties.Dimensions) ? properties.Dimensions : []), ...fromMetrics];
};

export const deadLetterQueuesHaveAlarms: Invariant = (template) => {
  const watched = new Set(
    resourcesOfType(template, 'AWS::CloudWatch::Alarm').flatMap(([, alarm]) =>
      alarmDimensions(alarm.Properties ?? {}).flatMap((dimension) => {
        if (!isObject(dimension) || dimension.Name !== 'QueueName') return [];
        const queue = reference(dimension.Value);
        return queue?.attribute === 'QueueName' ? [queue.id] : [];
      }),
    ),
  );
  return [...deadLetterQueueIds(template)]
    .filter((id) => !watched.has(id))
    .map((id) => violation(id, 'is a dead-letter queue without an AWS::CloudWatch::Alarm on its QueueName'));
};

// ------------------------------------------------------------------------------------------ SNS

export const subscriptionsHaveDeadLetterQueues: Invariant = (template) => [
  ...resourcesOfType(template, 'AWS::SNS::Subscription').flatMap(([id, subscription]) =>
    deadLetterTarget(subscription.Properties?.RedrivePolicy) === undefined
      ? [violation(id, 'has no RedrivePolicy with a deadLetterTargetArn')]
      : [],
  ),
  ...snsEventsOf(template).flatMap(({ source, properties }) =>
    deadLetterTarget(properties.RedrivePolicy) === undefined
      ? [violation(source, 'subscribes to SNS without a RedrivePolicy with a deadLetterTargetArn')]
      : [],
  ),
  ...resourcesOfType(template, 'AWS::SNS::Topic').flatMap(([id, topic]) =>
    topic.Properties?.Subscription === undefined
      ? []
      : [violation(id, 'declares inline Subscriptions, which cannot have a dead-letter queue')],
  ),
];

// ------------------------------------------------------------------------------------------ IAM

const isWildcardAction = (action: string) => action === '*' || /^[A-Za-z0-9-]+:\*$/.test(action);

const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObject(value)) return Object.values(value).flatMap(strings);
  return [];
};

/** AWS managed policies that grant `*` or `<service>:*`. */
const ALL_ACTIONS_MANAGED_POLICY =
  /(^|:policy\/(.*\/)?)(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]+FullAccess)$/;

interface Located {
  path: string;
  value: unknown;
}

/** Every value under `value` (with its path) for which `select` holds, not descending into selected values. */
const findAll = (value: unknown, select: (value: unknown) => boolean, path: string): Located[] => {
  if (select(value)) return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => findAll(item, select, `${path}[${index}]`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => findAll(item, select, `${path}.${key}`));
  }
  return [];
};

const isPolicyDocument = (value: unknown) => isObject(value) && 'Statement' in value;

/**
 * No policy anywhere (IAM roles and policies, SAM function Policies, KMS key policies, queue, topic and
 * bucket policies, domain access policies, Lambda permissions) allows `*` or `<service>:*`. Deny
 * statements may: a guardrail such as "deny s3:* without TLS" grants nothing.
 */
export const noWildcardActions: Invariant = (template) =>
  Object.entries(template.Resources).flatMap(([id, resource]) => {
    const properties = resource.Properties ?? {};
    const statements = findAll(properties, isPolicyDocument, 'Properties').flatMap(({ path, value }) => {
      const statement = (value as JsonObject).Statement;
      const list = Array.isArray(statement) ? statement : [statement];
      return list.map((item, index) => ({ path: `${path}.Statement[${index}]`, value: item }));
    });
    const actions = [
      ...statements.flatMap(({ path, value }) =>
        isObject(value) && value.Effect !== 'Deny'
          ? (['Action', 'NotAction'] as const).flatMap((key) =>
              strings(value[key]).map((action) => ({ path: `${path}.${key}`, action })),
            )
          : [],
      ),
      ...(resource.Type === 'AWS::Lambda::Permission'
        ? strings(properties.Action).map((action) => ({ path: 'Properties.Action', action }))
        : []),
    ];
    const managed = findAll(
      properties,
      (value) => typeof value === 'string' && ALL_ACTIONS_MANAGED_POLICY.test(value),
      'Properties',
    );
    return [
      ...actions
        .filter(({ action }) => isWildcardAction(action))
        .map(({ path, action }) => violation(id, `${path} is '${action}'`)),
      ...managed.map(({ path, value }) =>
        violation(id, `${path} attaches '${value}', which grants wildcard actions`),
      ),
    ];
  });

// ------------------------------------------------------------------------------------------ encryption and logs

export const logGroupsAreEncryptedWithAKey: Invariant = (template) =>
  resourcesOfType(template, 'AWS::Logs::LogGroup').flatMap(([id, group]) =>
    group.Properties?.KmsKeyId === undefined
      ? [violation(id, 'has no KmsKeyId: its logs would be encrypted only with a key CloudWatch Logs owns')]
      : [],
  );

export const tablesUseACustomerManagedKey: Invariant = (template) =>
  resourcesOfType(template, 'AWS::DynamoDB::Table').flatMap(([id, table]) => {
    const sse = table.Properties?.SSESpecification;
    const customerManaged =
      isObject(sse) &&
      String(sse.SSEEnabled) === 'true' &&
      sse.SSEType === 'KMS' &&
      sse.KMSMasterKeyId !== undefined;
    return customerManaged
      ? []
      : [violation(id, 'is not encrypted with a customer managed key (SSEType: KMS with KMSMasterKeyId)')];
  });

/** The logical ids of the buckets to which a bucket policy of the template lets S3 deliver server access logs. */
const accessLogTargets = (template: Template): Set<string> =>
  new Set(
    resourcesOfType(template, 'AWS::S3::BucketPolicy').flatMap(([, policy]) => {
      const statements = findAll(policy.Properties?.PolicyDocument, isObject, '').flatMap(({ value }) => {
        const statement = (value as JsonObject).Statement;
        return Array.isArray(statement) ? statement : [statement];
      });
      const grantsLogging = statements.some(
        (statement) =>
          isObject(statement) &&
          statement.Effect === 'Allow' &&
          strings(statement.Principal).includes('logging.s3.amazonaws.com'),
      );
      const bucket = referencedId(policy.Properties?.Bucket);
      return grantsLogging && bucket ? [bucket] : [];
    }),
  );

/** A LoggingConfiguration naming a destination, possibly behind `Fn::If` (a pipeline whose log bucket is a parameter). */
const logsTo = (configuration: unknown): boolean => {
  if (!isObject(configuration)) return false;
  if (configuration.DestinationBucketName !== undefined) return true;
  const branches = configuration['Fn::If'];
  return Array.isArray(branches) && branches.slice(1).some(logsTo);
};

export const bucketsLogAccessOrReceiveAccessLogs: Invariant = (template) => {
  const targets = accessLogTargets(template);
  return resourcesOfType(template, 'AWS::S3::Bucket').flatMap(([id, bucket]) =>
    logsTo(bucket.Properties?.LoggingConfiguration) || targets.has(id)
      ? []
      : [
          violation(
            id,
            'has no LoggingConfiguration with a DestinationBucketName and is no access-log bucket itself',
          ),
        ],
  );
};

export const bucketsAreVersioned: Invariant = (template) =>
  resourcesOfType(template, 'AWS::S3::Bucket').flatMap(([id, bucket]) => {
    const versioning = bucket.Properties?.VersioningConfiguration;
    return isObject(versioning) && versioning.Status === 'Enabled'
      ? []
      : [violation(id, 'is not versioned (VersioningConfiguration.Status: Enabled)')];
  });

// ------------------------------------------------------------------------------------------ queue consumers

/** The managed policy SAM attaches for SQS events: receive and delete on every queue of the account. */
const ANY_QUEUE_MANAGED_POLICY = /:policy\/service-role\/AWSLambdaSQSQueueExecutionRole$/;
const CONSUMING_ACTIONS = new Set(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']);

/**
 * No role or policy lets a function consume any queue: the SQS execution managed policy is not attached, and
 * receive/delete are granted on named queues only. Meant for the SAM-expanded template, where the roles SAM
 * generates are visible.
 */
export const noRoleConsumesEveryQueue: Invariant = (template) =>
  resourcesOfType(template, 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy').flatMap(
    ([id, resource]) => {
      const properties = resource.Properties ?? {};
      const attached = strings(properties.ManagedPolicyArns).filter((arn) =>
        ANY_QUEUE_MANAGED_POLICY.test(arn),
      );
      const broad = findAll(properties, isPolicyDocument, 'Properties').flatMap(({ path, value }) => {
        const statement = (value as JsonObject).Statement;
        return (Array.isArray(statement) ? statement : [statement]).flatMap((item, index) => {
          if (!isObject(item) || item.Effect !== 'Allow') return [];
          const consuming = strings(item.Action).filter((action) => CONSUMING_ACTIONS.has(action));
          const anyQueue = strings(item.Resource).some(
            (resourceArn) => resourceArn === '*' || resourceArn.endsWith(':*'),
          );
          return consuming.length > 0 && anyQueue
            ? [violation(id, `${path}.Statement[${index}] allows ${consuming.join(', ')} on every queue`)]
            : [];
        });
      });
      return [
        ...attached.map((arn) => violation(id, `attaches ${arn}, which consumes every queue of the account`)),
        ...broad,
      ];
    },
  );

// ------------------------------------------------------------------------------------------ functions

export const functionsRunNode22OnArm64: Invariant = (template) =>
  functionsOf(template).flatMap(({ id, properties }) => {
    const architectures = properties.Architectures ?? ['x86_64'];
    return [
      ...(properties.Runtime === 'nodejs22.x'
        ? []
        : [violation(id, `runs ${JSON.stringify(properties.Runtime)}, not nodejs22.x`)]),
      ...(isDeepStrictEqual(architectures, ['arm64'])
        ? []
        : [violation(id, `runs on ${JSON.stringify(architectures)}, not [arm64]`)]),
    ];
  });

const ESM_BUILD_PROPERTIES: [string, (value: unknown) => boolean, string][] = [
  ['Format', (value) => value === 'esm', 'esm'],
  ['OutExtension', (value) => Array.isArray(value) && value.includes('.js=.mjs'), '[.js=.mjs]'],
  ['Target', (value) => value === 'node22', 'node22'],
  // Source maps make sam build add NODE_OPTIONS=--enable-source-maps, and Node then parses every map at
  // every cold start (20-45 ms measured: README, "Cold starts").
  ['Sourcemap', (value) => value === false, 'false'],
];

export const functionsAreBundledAsEsm: Invariant = (template) =>
  functionsOf(template).flatMap(({ id, resource }) => {
    const metadata = resource.Metadata ?? {};
    if (metadata.BuildMethod !== 'esbuild') {
      return [violation(id, `has Metadata.BuildMethod ${JSON.stringify(metadata.BuildMethod)}, not esbuild`)];
    }
    const buildProperties = isObject(metadata.BuildProperties) ? metadata.BuildProperties : {};
    return ESM_BUILD_PROPERTIES.filter(([key, ok]) => !ok(buildProperties[key])).map(([key, , expected]) =>
      violation(id, `has BuildProperties.${key} ${JSON.stringify(buildProperties[key])}, not ${expected}`),
    );
  });

interface SqsConsumer {
  /** `Function.Events.Name` or the logical id of an AWS::Lambda::EventSourceMapping. */
  source: string;
  functionId: string | undefined;
  queueId: string | undefined;
  properties: JsonObject;
}

/** The SQS event sources: SAM `Type: SQS` events and event source mappings of queues. */
export const sqsConsumers = (template: Template): SqsConsumer[] => {
  const queues = new Set(resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => id));
  const fromEvents = functionsOf(template).flatMap((fn) =>
    Object.entries(isObject(fn.properties.Events) ? fn.properties.Events : {}).flatMap(([name, event]) => {
      if (!isObject(event) || event.Type !== 'SQS') return [];
      const properties = isObject(event.Properties) ? event.Properties : {};
      return [
        {
          source: `${fn.id}.Events.${name}`,
          functionId: fn.id,
          queueId: referencedId(properties.Queue),
          properties,
        },
      ];
    }),
  );
  const fromMappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(
    ([id, mapping]) => {
      const properties = mapping.Properties ?? {};
      const queueId = referencedId(properties.EventSourceArn);
      const isQueue =
        (queueId !== undefined && queues.has(queueId)) ||
        strings(properties.EventSourceArn).some((arn) => arn.includes(':sqs:')) ||
        (properties.StartingPosition === undefined &&
          ['SelfManagedEventSource', 'Queues', 'Topics'].every((key) => properties[key] === undefined));
      return isQueue
        ? [{ source: id, functionId: referencedId(properties.FunctionName), queueId, properties }]
        : [];
    },
  );
  return [...fromEvents, ...fromMappings];
};

export const sqsEventSourcesReportBatchItemFailures: Invariant = (template) =>
  sqsConsumers(template).flatMap(({ source, properties }) => {
    const types = properties.FunctionResponseTypes;
    return Array.isArray(types) && types.includes('ReportBatchItemFailures')
      ? []
      : [
          violation(
            source,
            'does not report batch item failures (FunctionResponseTypes: [ReportBatchItemFailures])',
          ),
        ];
  });

export const consumedQueuesOutlastTheirConsumers: Invariant = (template) => {
  const functions = new Map<string, LambdaFunction>(functionsOf(template).map((fn) => [fn.id, fn]));
  return sqsConsumers(template).flatMap(({ source, functionId, queueId }) => {
    if (queueId === undefined || functionId === undefined) return [];
    const queue = template.Resources[queueId];
    const fn = functions.get(functionId);
    if (queue?.Type !== 'AWS::SQS::Queue' || !fn) return [];
    const visibility = numberValue(
      template,
      queue.Properties?.VisibilityTimeout ?? SQS_DEFAULT_VISIBILITY_TIMEOUT,
    );
    const timeout = numberValue(template, fn.properties.Timeout ?? LAMBDA_DEFAULT_TIMEOUT);
    if (visibility === undefined || timeout === undefined) {
      return [violation(queueId, `cannot be checked against ${source}: a timeout is not a number`)];
    }
    return visibility >= VISIBILITY_TIMEOUT_FACTOR * timeout
      ? []
      : [
          violation(
            queueId,
            `has VisibilityTimeout ${visibility}, under ${VISIBILITY_TIMEOUT_FACTOR} x the Timeout ${timeout} of ${fn.id} that consumes it`,
          ),
        ];
  });
};

// ------------------------------------------------------------------------------------------ API and outputs

/** The first path at which two JSON values differ, `$` being the root; undefined when they are equal. */
export const firstDifference = (actual: unknown, expected: unknown, path = '$'): string | undefined => {
  if (isDeepStrictEqual(actual, expected)) return undefined;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length)
      return `${path} (length ${actual.length}, expected ${expected.length})`;
    for (const [index, item] of actual.entries()) {
      const difference = firstDifference(item, expected[index], `${path}[${index}]`);
      if (difference) return difference;
    }
  }
  if (isObject(actual) && isObject(expected)) {
    for (const key of new Set([...Object.keys(actual), ...Object.keys(expected)])) {
      const difference = firstDifference(actual[key], expected[key], `${path}.${key}`);
      if (difference) return difference;
    }
  }
  return path;
};

/**
 * Every request model an API event uses is defined on its API (`RestApiId`, or the implicit API with
 * Globals.Api) and deep-equals its source schema in `schemas`, by model name.
 */
export const requestModelsMatchSchemas = (
  template: Template,
  schemas: Record<string, unknown>,
): Violation[] =>
  functionsOf(template).flatMap((fn) =>
    Object.entries(isObject(fn.properties.Events) ? fn.properties.Events : {}).flatMap(([name, event]) => {
      const properties =
        isObject(event) && event.Type === 'Api' && isObject(event.Properties) ? event.Properties : {};
      const requestModel = isObject(properties.RequestModel) ? properties.RequestModel : undefined;
      if (!requestModel || typeof requestModel.Model !== 'string') return [];
      const source = `${fn.id}.Events.${name}`;
      const apiId = referencedId(properties.RestApiId);
      const api = apiId === undefined ? template.Globals?.Api : template.Resources[apiId]?.Properties;
      const models = isObject(api?.Models) ? api.Models : {};
      const model = models[requestModel.Model];
      if (model === undefined) {
        return [
          violation(source, `uses model ${requestModel.Model}, which ${apiId ?? 'the API'} does not define`),
        ];
      }
      if (!(requestModel.Model in schemas)) {
        return [violation(source, `uses model ${requestModel.Model}, which has no source schema`)];
      }
      const difference = firstDifference(model, schemas[requestModel.Model]);
      return difference
        ? [
            violation(
              apiId ?? 'Globals.Api',
              `Models.${requestModel.Model} differs from its schema at ${difference}`,
            ),
          ]
        : [];
    }),
  );

export const missingOutputs = (template: Template, names: string[]): Violation[] =>
  names
    .filter((name) => template.Outputs?.[name] === undefined)
    .map((name) => violation(name, 'is not among the Outputs'));

/** The invariants that hold for every template of the project, root and nested, by what they say. */
export const templateInvariants: Record<string, Invariant> = {
  'every queue is encrypted': queuesAreEncrypted,
  'every queue has a dead-letter queue or is one': queuesHaveDeadLetterQueues,
  'every dead-letter queue keeps messages for 14 days': deadLetterQueuesKeepMessagesFourteenDays,
  'every dead-letter queue has an alarm on its QueueName': deadLetterQueuesHaveAlarms,
  'every SNS subscription has a dead-letter queue': subscriptionsHaveDeadLetterQueues,
  'no policy allows * or <service>:* actions': noWildcardActions,
  'every function runs nodejs22.x on arm64': functionsRunNode22OnArm64,
  'every function is bundled by esbuild as ESM for node22 with source maps': functionsAreBundledAsEsm,
  'every SQS event source reports batch item failures': sqsEventSourcesReportBatchItemFailures,
  "every consumed queue's visibility timeout is at least 6 times its consumer's timeout":
    consumedQueuesOutlastTheirConsumers,
  'every log group is encrypted with a KMS key': logGroupsAreEncryptedWithAKey,
  'every DynamoDB table is encrypted with a customer managed key': tablesUseACustomerManagedKey,
  'every S3 bucket logs its access, or receives access logs': bucketsLogAccessOrReceiveAccessLogs,
  'every S3 bucket is versioned': bucketsAreVersioned,
  'no role consumes every queue of the account': noRoleConsumesEveryQueue,
};
