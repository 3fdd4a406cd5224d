import { dirname } from 'node:path';
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
import { defaultProvisioners, type ProvisionerRegistry } from './registry';
import {
  arn,
  type LocalRuntime,
  type Provisioned,
  type Provisioner,
  physicalName,
  type ResourceToCreate,
  type StackFrame,
} from './resources';

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

/** The properties without those the type's provisioner leaves out (ProvisionerDefinition.notEmulatedProperties). */
const withoutNotEmulatedProperties = (
  type: string,
  properties: Record<string, unknown>,
  provisioners: ProvisionerRegistry,
) => {
  const left = provisioners.notEmulatedPropertiesOf(type);
  return Object.fromEntries(Object.entries(properties).filter(([name]) => !left.includes(name)));
};

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
export const creationOrder = (
  resources: Record<string, TemplateResource>,
  provisioners: ProvisionerRegistry = defaultProvisioners(),
): string[] => {
  const dependencies = new Map(
    Object.entries(resources).map(([logicalId, resource]) => {
      const found = referencedLogicalIds(
        withoutNotEmulatedProperties(resource.Type, resource.Properties ?? {}, provisioners),
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

/**
 * Creates one resource with its provisioner and registers the handles of what it started at once, so that
 * the resources created next find them (a subscription, its delivery stream).
 */
export const provision = async (
  provisioner: Provisioner,
  resource: ResourceToCreate,
  runtime: LocalRuntime,
): Promise<Omit<Provisioned, 'handles'>> => {
  const { handles = [], ...provisioned } = await provisioner(resource, runtime);
  for (const handle of handles) runtime.handles.add(handle);
  return provisioned;
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

  const { provisioners } = runtime;
  for (const logicalId of creationOrder(template.Resources, provisioners)) {
    const definition = template.Resources[logicalId] as TemplateResource;
    // Evaluated as { Condition: name } so that an unknown name is an error, not a skipped resource.
    if (definition.Condition && !evaluate({ Condition: definition.Condition }, scope)) continue;
    const provisioner = provisioners.provisionerOf(definition.Type);
    if (!provisioner) {
      resources.set(logicalId, notEmulated(logicalId, definition, frame, runtime));
      continue;
    }
    const merged = withGlobals(template, logicalId, definition);
    const properties = evaluate(
      withoutNotEmulatedProperties(definition.Type, merged, provisioners),
      scope,
    ) as Record<string, unknown>;
    try {
      const { generated = {}, ...state } = await provision(
        provisioner,
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
