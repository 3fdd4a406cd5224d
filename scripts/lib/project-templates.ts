/**
 * The project's own templates read as data, for the template tests and the benchmarks: which templates
 * the project has, how its nested applications hang together (each template with `Fn::ForEach` expanded
 * at the parameters' defaults), the effective properties of its functions, and what `sam build` makes
 * of the esbuild ones. Reading templates in general (YAML, `Fn::ForEach`, SAM Globals, references) is
 * the local runtime's template library, `local/template/`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type EvaluationScope, evaluate } from '../../local/stack/intrinsics';
import { withGlobals } from '../../local/template/globals';
import { expandLanguageExtensions } from '../../local/template/language-extensions';
import { loadTemplate, type Template, type TemplateResource } from '../../local/template/parse-template';
import { isObject, type JsonObject } from '../../local/template/values';

const DUMMY_ACCOUNT = '123456789012';

/** The root template plus every `pipelines/<name>/template.yaml` (the nested applications). */
export const projectTemplatePaths = (projectRoot: string): string[] => {
  const pipelines = join(projectRoot, 'pipelines');
  const nested = existsSync(pipelines)
    ? readdirSync(pipelines, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(pipelines, entry.name, 'template.yaml'))
        .filter((path) => existsSync(path))
        .sort()
    : [];
  return [join(projectRoot, 'template.yaml'), ...nested];
};

/** A template and where it sits: `stackPath` is [] for the root, [AppLogicalId, ...] for nested applications. */
export interface Stack {
  templatePath: string;
  stackPath: string[];
  template: Template;
}

export const resourcesOfType = (template: Template, ...types: string[]): [string, TemplateResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => types.includes(resource.Type));

const localLocation = (templatePath: string, location: unknown): string | undefined => {
  if (typeof location !== 'string' || /^[a-z0-9]+:\/\//i.test(location)) return undefined;
  const path = resolve(dirname(templatePath), location);
  return existsSync(path) && statSync(path).isDirectory() ? join(path, 'template.yaml') : path;
};

/** The values of the parameters that have a default: lists split and trimmed, as CloudFormation does. */
export const parameterDefaults = (template: Template): Record<string, string | string[]> =>
  Object.fromEntries(
    Object.entries(template.Parameters ?? {})
      .filter(([, parameter]) => parameter.Default !== undefined)
      .map(([name, parameter]) => {
        const value = String(parameter.Default);
        const isList = parameter.Type === 'CommaDelimitedList' || parameter.Type.startsWith('List<');
        return [name, isList ? value.split(',').map((item) => item.trim()) : value];
      }),
  );

/**
 * The template with its AWS::LanguageExtensions applied (every `Fn::ForEach` expanded) as CloudFormation
 * would with the parameters' defaults, so that readers see the resources, properties and outputs a
 * deployment with the defaults gets.
 */
export const expandWithDefaults = (template: Template): Template => {
  const scope: EvaluationScope = {
    pseudo: {
      region: 'us-east-1',
      accountId: DUMMY_ACCOUNT,
      stackName: 'stack',
      stackId: `arn:aws:cloudformation:us-east-1:${DUMMY_ACCOUNT}:stack/stack/id`,
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    },
    parameters: parameterDefaults(template),
    conditions: {},
    mappings: template.Mappings ?? {},
    resources: new Map(),
  };
  return expandLanguageExtensions(template, (collection) => evaluate(collection, scope));
};

/**
 * The template at `templatePath` and, depth first, every nested application with a local `Location`, each
 * with `Fn::ForEach` expanded (parameters at their defaults).
 */
export const loadStacks = (templatePath: string, stackPath: string[] = []): Stack[] => {
  const template = expandWithDefaults(loadTemplate(templatePath));
  const nested = resourcesOfType(template, 'AWS::Serverless::Application').flatMap(([id, resource]) => {
    const location = localLocation(templatePath, resource.Properties?.Location);
    return location ? loadStacks(location, [...stackPath, id]) : [];
  });
  return [{ templatePath, stackPath, template }, ...nested];
};

export const FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function'];

export interface LambdaFunction {
  id: string;
  resource: TemplateResource;
  /** The properties that take effect: for SAM functions, Globals.Function merged in (`withGlobals`). */
  properties: JsonObject;
}

export const functionsOf = (template: Template): LambdaFunction[] =>
  resourcesOfType(template, ...FUNCTION_TYPES).map(([id, resource]) => ({
    id,
    resource,
    properties: withGlobals(template, id, resource),
  }));

export const environmentOf = (fn: LambdaFunction): JsonObject => {
  const environment = fn.properties.Environment;
  return isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
};

/** A literal number, a numeric string, or `!Ref` to a parameter with such a default. */
export const numberValue = (template: Template, value: unknown): number | undefined => {
  const id = isObject(value) && typeof value.Ref === 'string' ? value.Ref : undefined;
  const literal = id === undefined ? value : template.Parameters?.[id]?.Default;
  if (typeof literal === 'number') return literal;
  if (typeof literal === 'string' && literal.trim() !== '' && Number.isFinite(Number(literal))) {
    return Number(literal);
  }
  return undefined;
};

/**
 * Values for a function's environment variables that let its module initialise without AWS: literals
 * from the template as they are, `!Ref Parameter` as the parameter's default, anything else a dummy of
 * a plausible shape (`..._ARN` an ARN, `..._URL` a URL).
 */
export const dummyEnvironment = (
  template: Template,
  variables: JsonObject,
  region = 'us-east-1',
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return [name, String(value)];
      }
      const parameter =
        isObject(value) && typeof value.Ref === 'string' ? template.Parameters?.[value.Ref] : undefined;
      if (parameter?.Default !== undefined) return [name, String(parameter.Default)];
      const slug = name.toLowerCase().replaceAll('_', '-');
      if (name.endsWith('_ARN')) return [name, `arn:aws:dummy:${region}:${DUMMY_ACCOUNT}:${slug}`];
      if (name.endsWith('_URL')) return [name, `https://dummy.invalid/${slug}`];
      return [name, `dummy-${slug}`];
    }),
  );

/**
 * What Lambda's Node.js runtime sets in every execution environment before the module loads (the
 * "defined runtime environment variables" of the Lambda documentation), for a function with active
 * tracing: Powertools Tracer, for one, traces (and patches `http`/`https` at init) only where
 * `AWS_EXECUTION_ENV` is set, so a cold start measured without these is not the one Lambda runs.
 */
export const lambdaRuntimeEnvironment = (
  fn: LambdaFunction,
  name: string,
  region = 'us-east-1',
): Record<string, string> => ({
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_NAME: name.replaceAll('/', '-'),
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(
    typeof fn.properties.MemorySize === 'number' ? fn.properties.MemorySize : 128,
  ),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  TZ: ':UTC',
});

/** A function that SAM builds with esbuild, and where its bundle is once built. */
export interface EsbuildFunction {
  /** `App/Function` for nested applications, as `sam local invoke` names them. */
  name: string;
  stack: Stack;
  fn: LambdaFunction;
  buildProperties: JsonObject;
  /** The module file named by the Handler, with the OutExtension applied (`index.mjs`). */
  handlerFile: string;
  handlerExport: string;
  /** CodeUri resolved against the template: in a built template, the artifact directory. */
  codeDir: string | undefined;
}

const outputExtension = (buildProperties: JsonObject): string => {
  const mappings = Array.isArray(buildProperties.OutExtension) ? buildProperties.OutExtension : [];
  const js = mappings.find(
    (mapping): mapping is string => typeof mapping === 'string' && mapping.startsWith('.js='),
  );
  return js ? js.slice('.js='.length) : '.js';
};

export const esbuildFunctions = (stacks: Stack[]): EsbuildFunction[] =>
  stacks.flatMap((stack) =>
    functionsOf(stack.template)
      .filter((fn) => fn.resource.Metadata?.BuildMethod === 'esbuild')
      .map((fn) => {
        const declared = fn.resource.Metadata?.BuildProperties;
        const buildProperties = isObject(declared) ? declared : {};
        const handler = typeof fn.properties.Handler === 'string' ? fn.properties.Handler : 'index.handler';
        const dot = handler.lastIndexOf('.');
        const codeUri = fn.properties.CodeUri;
        return {
          name: [...stack.stackPath, fn.id].join('/'),
          stack,
          fn,
          buildProperties,
          handlerFile: `${handler.slice(0, dot)}${outputExtension(buildProperties)}`,
          handlerExport: handler.slice(dot + 1),
          codeDir: typeof codeUri === 'string' ? resolve(dirname(stack.templatePath), codeUri) : undefined,
        };
      }),
  );
