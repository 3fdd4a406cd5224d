/**
 * What the cost model takes from the project's templates, at their parameters' defaults (a nested
 * application's parameter at the value its parent passes, else at its own default): memory sizes and
 * architectures of the functions (SAM Globals merged in), batch sizes, buffering hints, the archive's
 * lifecycle, the search domain's instances and volume, the data key reuse period of the queues, the
 * partners and their token validity, the circuit breaker's schedule, and the CloudWatch alarms and
 * dashboards. Reading the templates is the only input/output here; the model takes the result as data.
 */
import { ROOT_TEMPLATE } from '../../local/paths';
import type { Template, TemplateResource } from '../../local/template/parse-template';
import { isObject, type JsonObject } from '../../local/template/values';
import {
  functionsOf,
  type LambdaFunction,
  loadStacks,
  parameterDefaults,
  resourcesOfType,
  type Stack,
} from '../../scripts/lib/project-templates';
import { CliError } from '../shared/errors';

export type Architecture = 'arm64' | 'x86_64';

export interface FunctionSettings {
  memoryMb: number;
  architecture: Architecture;
}

/** The functions the model bills, by logical id. */
export const MODELLED_FUNCTIONS = [
  'CheckoutApiFunction',
  'CheckoutFunction',
  'CircuitBreakerFunction',
  'CardDataTransformFunction',
  'ReplayFunction',
] as const;
export type ModelledFunction = (typeof MODELLED_FUNCTIONS)[number];

export interface DeliveryStreamSettings {
  /** BufferingHints: an object (S3) or a bulk request (OpenSearch) at least this often... */
  bufferIntervalSeconds: number;
  /** ... or once this much is buffered (before compression). */
  bufferSizeMb: number;
  /** The Lambda processor's own buffer: it is invoked at least this often, or once this much is buffered. */
  processorBufferIntervalSeconds: number;
  processorBufferSizeMb: number;
}

export interface ProjectSettings {
  functions: Record<ModelledFunction, FunctionSettings>;
  /** How many partners (OAuth 2.0 app clients) the template declares. */
  partners: number;
  accessTokenValidityMinutes: number;
  /** How long the API remembers an accepted order id (the idempotency records' lifetime). */
  orderIdRetentionSeconds: number;
  checkout: {
    batchSize: number;
    batchingWindowSeconds: number;
    kmsDataKeyReusePeriodSeconds: number;
    /** Whether its event source mapping caps concurrency (Lambda then keeps its 5 pollers when idle). */
    maximumConcurrency: number | undefined;
  };
  circuitBreaker: { checksPerDay: number };
  archive: DeliveryStreamSettings & {
    compression: string;
    bucketKeyEnabled: boolean;
    transitionToStandardIaDays: number;
    transitionToGlacierDays: number;
    expirationDays: number;
  };
  search: DeliveryStreamSettings & {
    instanceType: string;
    instanceCount: number;
    volumeGib: number;
    volumeType: string;
    indexRetentionDays: number;
  };
  replay: {
    batchSize: number;
    enabled: boolean;
    kmsDataKeyReusePeriodSeconds: number;
  };
  cloudwatch: { alarms: number; dashboards: number };
}

const problem = (what: string) =>
  new CliError(
    `cannot read ${what} from the templates: the cost model needs it (cli/cost/template-settings.ts)`,
  );

/** A stack's effective parameter values: its defaults, overridden by what the parent application passes. */
const parameterValues = (stacks: Stack[], stack: Stack): Record<string, unknown> => {
  const own: Record<string, unknown> = parameterDefaults(stack.template);
  if (stack.stackPath.length === 0) return own;
  const parentPath = stack.stackPath.slice(0, -1);
  const parent = stacks.find((candidate) => candidate.stackPath.join('/') === parentPath.join('/'));
  const application = parent?.template.Resources[stack.stackPath[stack.stackPath.length - 1] as string];
  const passed = application?.Properties?.Parameters;
  if (!parent || !isObject(passed)) return own;
  const parentValues = parameterValues(stacks, parent);
  for (const [name, value] of Object.entries(passed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      own[name] = String(value);
    } else if (isObject(value) && typeof value.Ref === 'string' && value.Ref in parentValues) {
      own[name] = parentValues[value.Ref];
    }
  }
  return own;
};

interface StackReader {
  stack: Stack;
  template: Template;
  parameters: Record<string, unknown>;
  resource(id: string): TemplateResource;
  value(value: unknown): unknown;
  number(value: unknown, what: string): number;
  string(value: unknown, what: string): string;
  fn(id: string): LambdaFunction;
}

/** The first branch of `Fn::If` (the condition the deployed defaults take in this project), else the value. */
const ifTrue = (value: unknown): unknown => {
  if (isObject(value) && Array.isArray(value['Fn::If'])) return (value['Fn::If'] as unknown[])[1];
  return value;
};

const readerOf = (stacks: Stack[], stack: Stack): StackReader => {
  const parameters = parameterValues(stacks, stack);
  const name = stack.stackPath.length === 0 ? 'template.yaml' : stack.templatePath;
  const reader: StackReader = {
    stack,
    template: stack.template,
    parameters,
    resource: (id) => {
      const resource = stack.template.Resources[id];
      if (!resource) throw problem(`the resource ${id} of ${name}`);
      return resource;
    },
    value: (value) => {
      const resolved = ifTrue(value);
      if (isObject(resolved) && typeof resolved.Ref === 'string' && resolved.Ref in parameters) {
        return parameters[resolved.Ref];
      }
      return resolved;
    },
    number: (value, what) => {
      const resolved = reader.value(value);
      const number = typeof resolved === 'string' && resolved.trim() !== '' ? Number(resolved) : resolved;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw problem(`${what} (${name})`);
      return number;
    },
    string: (value, what) => {
      const resolved = reader.value(value);
      if (typeof resolved !== 'string' && typeof resolved !== 'number') throw problem(`${what} (${name})`);
      return String(resolved);
    },
    fn: (id) => {
      const fn = functionsOf(stack.template).find((candidate) => candidate.id === id);
      if (!fn) throw problem(`the function ${id} (${name})`);
      return fn;
    },
  };
  return reader;
};

const functionSettings = (reader: StackReader, id: string): FunctionSettings => {
  const { properties } = reader.fn(id);
  const architectures = reader.value(properties.Architectures);
  const architecture = Array.isArray(architectures) ? architectures[0] : 'x86_64';
  if (architecture !== 'arm64' && architecture !== 'x86_64') throw problem(`the architecture of ${id}`);
  // SAM's default MemorySize is 128 MB.
  const memoryMb = properties.MemorySize === undefined ? 128 : reader.number(properties.MemorySize, id);
  return { memoryMb, architecture };
};

const sqsEventOf = (reader: StackReader, id: string): JsonObject => {
  const events = reader.fn(id).properties.Events;
  const sqs = isObject(events)
    ? Object.values(events).find((event) => isObject(event) && event.Type === 'SQS')
    : undefined;
  if (!isObject(sqs) || !isObject(sqs.Properties)) throw problem(`the SQS event of ${id}`);
  return sqs.Properties;
};

const processorParameters = (reader: StackReader, configuration: JsonObject, what: string) => {
  const processing = ifTrue(configuration.ProcessingConfiguration);
  const processors = isObject(processing) ? processing.Processors : undefined;
  const lambda = Array.isArray(processors)
    ? processors.find((processor) => isObject(processor) && processor.Type === 'Lambda')
    : undefined;
  const parameters = isObject(lambda) && Array.isArray(lambda.Parameters) ? lambda.Parameters : [];
  const parameter = (parameterName: string, fallback: number) => {
    const found = parameters.find((entry) => isObject(entry) && entry.ParameterName === parameterName);
    return isObject(found) ? reader.number(found.ParameterValue, `${what} ${parameterName}`) : fallback;
  };
  // Firehose's documented defaults for a Lambda processor: 1 MB, 60 s.
  return {
    processorBufferSizeMb: parameter('BufferSizeInMBs', 1),
    processorBufferIntervalSeconds: parameter('BufferIntervalInSeconds', 60),
  };
};

const bufferingOf = (reader: StackReader, configuration: JsonObject, what: string) => {
  const hints = configuration.BufferingHints;
  if (!isObject(hints)) throw problem(`the buffering hints of ${what}`);
  return {
    bufferIntervalSeconds: reader.number(hints.IntervalInSeconds, `${what} buffering interval`),
    bufferSizeMb: reader.number(hints.SizeInMBs, `${what} buffering size`),
    ...processorParameters(reader, configuration, what),
  };
};

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`, `rate(1 day)`: how often a day. */
export const ratePerDay = (expression: string): number => {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match)
    throw new CliError(`cannot price the schedule "${expression}": only rate(...) expressions are modelled`);
  const every = Number(match[1]);
  const unit = match[2] as string;
  const perDay = unit.startsWith('minute') ? 1440 : unit.startsWith('hour') ? 24 : 1;
  return perDay / every;
};

const stackNamed = (stacks: Stack[], applicationId: string): Stack => {
  const stack = stacks.find(
    (candidate) => candidate.stackPath[candidate.stackPath.length - 1] === applicationId,
  );
  if (!stack) throw problem(`the nested application ${applicationId}`);
  return stack;
};

const countOfType = (stacks: Stack[], type: string) =>
  stacks.reduce((count, stack) => count + resourcesOfType(stack.template, type).length, 0);

/** Reads the settings from already loaded stacks (the root first, as `loadStacks` gives them). */
export const settingsFromStacks = (stacks: Stack[]): ProjectSettings => {
  const rootStack = stacks.find((stack) => stack.stackPath.length === 0);
  if (!rootStack) throw problem('the root template');
  const root = readerOf(stacks, rootStack);
  const archive = readerOf(stacks, stackNamed(stacks, 'StorageBackupPipeline'));
  const search = readerOf(stacks, stackNamed(stacks, 'SearchAnalyticsPipeline'));
  const replay = readerOf(stacks, stackNamed(stacks, 'EventReplayPipeline'));

  const checkoutEvent = sqsEventOf(root, 'CheckoutFunction');
  const scaling = root.value(checkoutEvent.ScalingConfig);
  const replayEvent = sqsEventOf(replay, 'ReplayFunction');

  const archiveStream = archive.resource('DeliveryStream').Properties?.ExtendedS3DestinationConfiguration;
  if (!isObject(archiveStream)) throw problem('the archive delivery stream');
  const archiveBucket = archive.resource('ArchiveBucket').Properties ?? {};
  const encryption = isObject(archiveBucket.BucketEncryption)
    ? archiveBucket.BucketEncryption.ServerSideEncryptionConfiguration
    : undefined;
  const rules = isObject(archiveBucket.LifecycleConfiguration)
    ? archiveBucket.LifecycleConfiguration.Rules
    : undefined;
  const tiering = Array.isArray(rules)
    ? rules.find((rule) => isObject(rule) && rule.Prefix === 'orders/' && Array.isArray(rule.Transitions))
    : undefined;
  if (!isObject(tiering) || !Array.isArray(tiering.Transitions)) throw problem('the archive lifecycle rule');
  const transitionDays = (storageClass: string) => {
    const transition = (tiering.Transitions as unknown[]).find(
      (candidate) => isObject(candidate) && candidate.StorageClass === storageClass,
    );
    if (!isObject(transition)) throw problem(`the archive's transition to ${storageClass}`);
    return archive.number(transition.TransitionInDays, `the transition to ${storageClass}`);
  };

  const searchStream =
    search.resource('DeliveryStream').Properties?.AmazonopensearchserviceDestinationConfiguration;
  if (!isObject(searchStream)) throw problem('the search delivery stream');
  const domain = search.resource('SearchDomain').Properties ?? {};
  const cluster = isObject(domain.ClusterConfig) ? domain.ClusterConfig : {};
  const ebs = isObject(domain.EBSOptions) ? domain.EBSOptions : {};

  const partners = root.parameters.Partners;
  const partnerList = Array.isArray(partners) ? partners : [partners];

  return {
    functions: {
      CheckoutApiFunction: functionSettings(root, 'CheckoutApiFunction'),
      CheckoutFunction: functionSettings(root, 'CheckoutFunction'),
      CircuitBreakerFunction: functionSettings(root, 'CircuitBreakerFunction'),
      CardDataTransformFunction: functionSettings(root, 'CardDataTransformFunction'),
      ReplayFunction: functionSettings(replay, 'ReplayFunction'),
    },
    partners: partnerList.filter((partner) => typeof partner === 'string' && partner !== '').length,
    accessTokenValidityMinutes: root.number(
      { Ref: 'AccessTokenValidityMinutes' },
      'AccessTokenValidityMinutes',
    ),
    orderIdRetentionSeconds: root.number({ Ref: 'OrderIdRetentionSeconds' }, 'OrderIdRetentionSeconds'),
    checkout: {
      batchSize: root.number(checkoutEvent.BatchSize, 'the batch size of CheckoutFunction'),
      batchingWindowSeconds: root.number(
        checkoutEvent.MaximumBatchingWindowInSeconds ?? 0,
        'the batching window of CheckoutFunction',
      ),
      kmsDataKeyReusePeriodSeconds: root.number(
        root.resource('CheckoutQueue').Properties?.KmsDataKeyReusePeriodSeconds ?? 300,
        'the data key reuse period of CheckoutQueue',
      ),
      maximumConcurrency: isObject(scaling)
        ? root.number(scaling.MaximumConcurrency, 'the maximum concurrency of CheckoutFunction')
        : undefined,
    },
    circuitBreaker: {
      checksPerDay: ratePerDay(
        root.string(
          root.resource('CircuitBreakerSchedule').Properties?.ScheduleExpression,
          'the breaker schedule',
        ),
      ),
    },
    archive: {
      ...bufferingOf(archive, archiveStream, 'the archive stream'),
      compression: archive.string(archiveStream.CompressionFormat, 'the archive compression'),
      bucketKeyEnabled:
        Array.isArray(encryption) && isObject(encryption[0]) && encryption[0].BucketKeyEnabled === true,
      transitionToStandardIaDays: transitionDays('STANDARD_IA'),
      transitionToGlacierDays: transitionDays('GLACIER'),
      expirationDays: archive.number(tiering.ExpirationInDays, 'the archive expiration'),
    },
    search: {
      ...bufferingOf(search, searchStream, 'the search stream'),
      instanceType: search.string(cluster.InstanceType, 'the search instance type'),
      instanceCount: search.number(cluster.InstanceCount, 'the search instance count'),
      volumeGib: search.number(ebs.VolumeSize, 'the search volume size'),
      volumeType: search.string(ebs.VolumeType, 'the search volume type'),
      indexRetentionDays: search.number({ Ref: 'IndexRetentionInDays' }, 'IndexRetentionInDays'),
    },
    replay: {
      batchSize: replay.number(replayEvent.BatchSize, 'the batch size of ReplayFunction'),
      enabled: String(replay.value(replayEvent.Enabled)) === 'true',
      kmsDataKeyReusePeriodSeconds: replay.number(
        replay.resource('ReplayQueue').Properties?.KmsDataKeyReusePeriodSeconds ?? 300,
        'the data key reuse period of ReplayQueue',
      ),
    },
    cloudwatch: {
      alarms: countOfType(stacks, 'AWS::CloudWatch::Alarm'),
      dashboards: countOfType(stacks, 'AWS::CloudWatch::Dashboard'),
    },
  };
};

/** The project's settings, from `template.yaml` and the nested applications it composes. */
export const readProjectSettings = (rootTemplate: string = ROOT_TEMPLATE): ProjectSettings => {
  let stacks: Stack[];
  try {
    stacks = loadStacks(rootTemplate);
  } catch (error) {
    throw new CliError(`cannot read the templates (${rootTemplate}): ${(error as Error).message}`);
  }
  return settingsFromStacks(stacks);
};
