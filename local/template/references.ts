/**
 * Which resources (or parameters, or pseudo parameters) a template value refers to, read from its
 * intrinsic functions without evaluating them: `!Ref X`, `!GetAtt X.Attribute` in both forms, and the
 * `${X}` / `${X.Attribute}` variables of `!Sub`. The local stack orders creation by it; the template
 * tests and benchmarks relate resources by it.
 */
import { asIntrinsic, isObject } from './values';

/** A variable of a `Fn::Sub` string: `${Name}`, `${Resource.Attribute}`, or the literal `${!Text}`. */
export const SUB_VARIABLE = /\$\{([^}]+)\}/g;

/** A reference to a resource or parameter: `!Ref X` (attribute undefined), `!GetAtt X.Arn`, `!Sub '${X.Arn}'`. */
export interface Reference {
  id: string;
  attribute?: string;
}

/** `X.Arn` -> X and Arn; `App.Outputs.Topic` -> App and Outputs.Topic (the first dot splits). */
const splitDotted = (dotted: string): Reference => {
  const dot = dotted.indexOf('.');
  return dot < 0 ? { id: dotted } : { id: dotted.slice(0, dot), attribute: dotted.slice(dot + 1) };
};

/** The `Fn::Sub` string and its variable map, from either form (`!Sub text` or `!Sub [text, {..}]`). */
const subArguments = (args: unknown): { text: string; variables: Record<string, unknown> } => {
  if (typeof args === 'string') return { text: args, variables: {} };
  const [text, variables] = Array.isArray(args) ? args : [];
  return { text: typeof text === 'string' ? text : '', variables: isObject(variables) ? variables : {} };
};

/** The names in a `Fn::Sub` string that are not literals (`${!Text}`). */
const subVariableNames = (text: string): string[] =>
  [...text.matchAll(SUB_VARIABLE)]
    .map(([, name = '']) => name)
    .filter((name) => name !== '' && !name.startsWith('!'));

/** The text of a `!Sub` without variables (`!Sub 'ClientAcme'`, a computed logical id after Fn::ForEach). */
const literalSub = (value: unknown): string | undefined => {
  const call = asIntrinsic(value);
  return call?.[0] === 'Fn::Sub' && typeof call[1] === 'string' && subVariableNames(call[1]).length === 0
    ? call[1]
    : undefined;
};

/** What `Fn::GetAtt`'s arguments name, when the logical id is known without evaluating anything. */
const getAttTarget = (args: unknown): Reference | undefined => {
  if (typeof args === 'string') return splitDotted(args);
  const [logicalId, attribute] = Array.isArray(args) ? args : [];
  const id = typeof logicalId === 'string' ? logicalId : literalSub(logicalId);
  if (id === undefined) return undefined;
  return typeof attribute === 'string' ? { id, attribute } : { id };
};

/** Every reference in `value`, at any depth, in the order they appear. */
export const references = (value: unknown): Reference[] => {
  const call = asIntrinsic(value);
  if (!call) {
    if (Array.isArray(value)) return value.flatMap(references);
    return isObject(value) ? Object.values(value).flatMap(references) : [];
  }
  const [name, args] = call;
  switch (name) {
    case 'Ref':
      // SAM's `!Ref Function.Alias` / `!Ref Api.Stage` refer to the function / the API.
      return typeof args === 'string' ? [{ id: splitDotted(args).id }] : references(args);
    case 'Fn::GetAtt': {
      if (typeof args === 'string') return [splitDotted(args)];
      const [logicalId, attribute] = Array.isArray(args) ? args : [];
      const target = getAttTarget(args);
      // A computed logical id (Fn::ForEach) that is not a literal is made of what it refers to.
      return [
        ...(target ? [target] : references(logicalId)),
        ...(typeof attribute === 'string' ? [] : references(attribute)),
      ];
    }
    case 'Fn::Sub': {
      const { text, variables } = subArguments(args);
      // A name the variable map defines is that variable, not a resource.
      const own = subVariableNames(text)
        .filter((variable) => !(variable in variables))
        .map(splitDotted);
      return [...own, ...references(variables)];
    }
    default:
      return references(args);
  }
};

/** Logical ids of the resources (and parameters) `value` refers to, at any depth: for ordering creation. */
export const referencedLogicalIds = (value: unknown, found = new Set<string>()): Set<string> => {
  for (const { id } of references(value)) found.add(id);
  return found;
};

/**
 * What `value` itself points at, if it is a single reference: `!Ref X`, `!GetAtt X.Arn`, or a `!Sub`
 * that is exactly one variable (`!Sub '${X.Arn}'`; in the list form, a variable of the map is followed).
 */
export const reference = (value: unknown): Reference | undefined => {
  const call = asIntrinsic(value);
  if (!call) return undefined;
  const [name, args] = call;
  if (name === 'Ref') return typeof args === 'string' ? { id: splitDotted(args).id } : undefined;
  if (name === 'Fn::GetAtt') return getAttTarget(args);
  if (name !== 'Fn::Sub') return undefined;
  const { text, variables } = subArguments(args);
  const whole = /^\$\{([^}!][^}]*)\}$/.exec(text)?.[1];
  if (whole === undefined) return undefined;
  return whole in variables ? reference(variables[whole]) : splitDotted(whole);
};

/** The logical id that `value` (`!Ref X`, `!GetAtt X.Arn`, ...) points at, if it is one. */
export const referencedId = (value: unknown): string | undefined => reference(value)?.id;
