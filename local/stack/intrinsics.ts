/**
 * Evaluates CloudFormation intrinsic functions against a local stack: parameters, conditions, mappings,
 * pseudo parameters and the physical ids/attributes of resources already created.
 */
import { SUB_VARIABLE } from '../template/references';
import { asIntrinsic, isObject } from '../template/values';

export const NO_VALUE = Symbol('AWS::NoValue');

export interface PseudoParameters {
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  partition: string;
  urlSuffix: string;
}

export interface ResourceState {
  /** What `Ref` returns. */
  ref: string;
  /** What `Fn::GetAtt` returns, by attribute name ("Arn", "Outputs.X", ...). */
  attributes: Record<string, unknown>;
}

export interface EvaluationScope {
  pseudo: PseudoParameters;
  parameters: Record<string, string | string[]>;
  conditions: Record<string, boolean>;
  mappings: Record<string, Record<string, Record<string, unknown>>>;
  resources: ReadonlyMap<string, ResourceState>;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const pseudoParameter = (name: string, { pseudo }: EvaluationScope): unknown => {
  switch (name) {
    case 'AWS::Region':
      return pseudo.region;
    case 'AWS::AccountId':
      return pseudo.accountId;
    case 'AWS::StackName':
      return pseudo.stackName;
    case 'AWS::StackId':
      return pseudo.stackId;
    case 'AWS::Partition':
      return pseudo.partition;
    case 'AWS::URLSuffix':
      return pseudo.urlSuffix;
    case 'AWS::NotificationARNs':
      return [];
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
};

const resourceOf = (logicalId: string, scope: EvaluationScope): ResourceState => {
  const resource = scope.resources.get(logicalId);
  if (!resource) throw new TemplateError(`${logicalId} is not a parameter or a created resource`);
  return resource;
};

const ref = (name: string, scope: EvaluationScope): unknown => {
  const pseudo = pseudoParameter(name, scope);
  if (pseudo !== undefined) return pseudo;
  if (name in scope.parameters) return scope.parameters[name];
  // SAM's `!Ref Function.Alias` / `!Ref Function.Version` (with AutoPublishAlias).
  const dot = name.indexOf('.');
  if (dot > 0 && !scope.resources.has(name)) return getAtt(name.slice(0, dot), name.slice(dot + 1), scope);
  return resourceOf(name, scope).ref;
};

const getAtt = (logicalId: string, attribute: string, scope: EvaluationScope): unknown => {
  const value = resourceOf(logicalId, scope).attributes[attribute];
  if (value === undefined)
    throw new TemplateError(`${logicalId} has no attribute ${attribute} in the local stack`);
  return value;
};

const sub = (text: string, variables: Record<string, unknown>, scope: EvaluationScope): string =>
  text.replace(SUB_VARIABLE, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(variables[name]);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::'))
      return String(getAtt(name.slice(0, dot), name.slice(dot + 1), scope));
    const value = ref(name, scope);
    if (value === undefined) throw new TemplateError(`Cannot substitute ${whole}`);
    return Array.isArray(value) ? value.join(',') : String(value);
  });

const expectArray = (name: string, value: unknown): unknown[] => {
  if (!Array.isArray(value)) throw new TemplateError(`${name} expects a list`);
  return value;
};

export const evaluateCondition = (expression: unknown, scope: EvaluationScope): boolean => {
  const value = evaluate(expression, scope);
  if (typeof value !== 'boolean') throw new TemplateError('A condition must evaluate to true or false');
  return value;
};

const intrinsic = (name: string, args: unknown, scope: EvaluationScope): unknown => {
  switch (name) {
    case 'Ref':
      return ref(String(args), scope);
    case 'Condition': {
      const condition = scope.conditions[String(args)];
      if (condition === undefined) throw new TemplateError(`Unknown condition ${String(args)}`);
      return condition;
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] =
        typeof args === 'string'
          ? [args.slice(0, args.indexOf('.')), args.slice(args.indexOf('.') + 1)]
          : expectArray(name, args);
      // The logical id may itself be computed: `!GetAtt [!Sub 'Client${Partner}', ClientId]` (Fn::ForEach).
      return getAtt(String(evaluate(logicalId, scope)), String(evaluate(attribute, scope)), scope);
    }
    case 'Fn::Sub': {
      if (typeof args === 'string') return sub(args, {}, scope);
      const [text, variables = {}] = expectArray(name, args);
      return sub(String(text), evaluate(variables, scope) as Record<string, unknown>, scope);
    }
    case 'Fn::Join': {
      const [separator, list] = expectArray(name, args);
      return expectArray(name, evaluate(list, scope)).join(String(separator));
    }
    case 'Fn::Select': {
      const [index, list] = expectArray(name, args);
      const items = expectArray(name, evaluate(list, scope));
      const selected = evaluate(index, scope);
      const position = Number(selected);
      if (!Number.isInteger(position) || position < 0 || position >= items.length) {
        throw new TemplateError(
          `Fn::Select index ${String(selected)} is out of range for a list of ${items.length}`,
        );
      }
      return items[position];
    }
    case 'Fn::Split': {
      const [separator, text] = expectArray(name, args);
      return String(evaluate(text, scope)).split(String(separator));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectArray(name, args);
      const holds = scope.conditions[String(condition)];
      if (holds === undefined) throw new TemplateError(`Unknown condition ${String(condition)}`);
      return evaluate(holds ? whenTrue : whenFalse, scope);
    }
    case 'Fn::Equals': {
      const [left, right] = expectArray(name, args).map((part) => evaluate(part, scope));
      return String(left) === String(right);
    }
    case 'Fn::Not':
      return !evaluateCondition(expectArray(name, args)[0], scope);
    case 'Fn::And':
      return expectArray(name, args).every((part) => evaluateCondition(part, scope));
    case 'Fn::Or':
      return expectArray(name, args).some((part) => evaluateCondition(part, scope));
    case 'Fn::FindInMap': {
      const [map, key, attribute] = expectArray(name, args).map((part) => String(evaluate(part, scope)));
      const value = scope.mappings[map as string]?.[key as string]?.[attribute as string];
      if (value === undefined) throw new TemplateError(`Mapping ${map}.${key}.${attribute} does not exist`);
      return value;
    }
    case 'Fn::Base64':
      return Buffer.from(String(evaluate(args, scope))).toString('base64');
    case 'Fn::GetAZs':
      return ['a', 'b', 'c'].map((zone) => `${scope.pseudo.region}${zone}`);
    default:
      throw new TemplateError(`${name} is not supported by the local stack`);
  }
};

/** Evaluates every intrinsic in `value`; properties that evaluate to AWS::NoValue are dropped. */
export const evaluate = (value: unknown, scope: EvaluationScope): unknown => {
  const call = asIntrinsic(value);
  if (call) return intrinsic(call[0], call[1], scope);
  if (Array.isArray(value)) {
    return value.map((item) => evaluate(item, scope)).filter((item) => item !== NO_VALUE);
  }
  if (isObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const evaluated = evaluate(child, scope);
      if (evaluated !== NO_VALUE) result[key] = evaluated;
    }
    return result;
  }
  return value;
};
