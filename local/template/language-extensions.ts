/**
 * The part of the AWS::LanguageExtensions transform the project's templates use: `Fn::ForEach`, in
 * Resources, Outputs and Conditions and in any map inside them (a resource's properties, such as a
 * function's Environment.Variables). Pure: the caller evaluates each loop's collection (a list, or an
 * intrinsic such as `!Ref` to a CommaDelimitedList parameter) once parameters are known.
 */
import { TemplateError } from '../stack/intrinsics';
import type { Template } from './parse-template';
import { isObject } from './values';

const FOR_EACH = 'Fn::ForEach::';
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
/** CloudFormation's longest logical id. */
const MAX_LOGICAL_ID = 255;

export const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

/** Evaluates a loop's collection; `loop` names it for error messages. */
export type CollectionResolver = (collection: unknown, loop: string) => unknown;

export const usesLanguageExtensions = (template: Pick<Template, 'Transform'>) =>
  [template.Transform ?? []].flat().includes(LANGUAGE_EXTENSIONS);

/** What `&{Identifier}` gives: the value without its non-alphanumeric characters. */
export const alphanumericOnly = (value: string) => value.replace(/[^A-Za-z0-9]/g, '');

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');

/** Replaces `${Identifier}` (and in keys `&{Identifier}`) with the item. `${!Identifier}` stays literal. */
const replaceIn = (text: string, identifier: string, item: string, inKey: boolean) => {
  const name = escapeRegExp(identifier);
  const replaced = text.replace(new RegExp(`\\$\\{${name}\\}`, 'g'), () => item);
  return inKey ? replaced.replace(new RegExp(`&\\{${name}\\}`, 'g'), () => alphanumericOnly(item)) : replaced;
};

/**
 * A loop's fragment for one item: `${Identifier}` and `&{Identifier}` in keys, `${Identifier}` in
 * `Fn::Sub` strings, and `Ref: Identifier` become the item. Other strings are left as written, as
 * CloudFormation does.
 */
const substitute = (value: unknown, identifier: string, item: string): unknown => {
  if (Array.isArray(value)) return value.map((child) => substitute(child, identifier, item));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && value.Ref === identifier) return item;
  if (keys.length === 1 && keys[0] === 'Fn::Sub') {
    const args = value['Fn::Sub'];
    if (typeof args === 'string') return { 'Fn::Sub': replaceIn(args, identifier, item, false) };
    if (Array.isArray(args) && typeof args[0] === 'string') {
      const [text, variables, ...rest] = args;
      // A variable of the Sub's own map of the same name hides the loop's identifier.
      const hidden = isObject(variables) && identifier in variables;
      return {
        'Fn::Sub': [
          hidden ? text : replaceIn(text, identifier, item, false),
          substitute(variables, identifier, item),
          ...rest,
        ],
      };
    }
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      replaceIn(key, identifier, item, true),
      substitute(child, identifier, item),
    ]),
  );
};

/** `Fn::Sub` of a string without variables (what a loop leaves in `!GetAtt [!Sub 'X${Id}', Attr]`). */
const literalSub = (value: unknown): string | undefined => {
  if (!isObject(value) || Object.keys(value).length !== 1) return undefined;
  const text = value['Fn::Sub'];
  return typeof text === 'string' && !/\$\{(?!!)/.test(text) ? text.replace(/\$\{!/g, '${') : undefined;
};

interface Loop {
  name: string;
  identifier: string;
  items: string[];
  fragment: Record<string, unknown>;
}

const readLoop = (key: string, definition: unknown, resolve: CollectionResolver, where: string): Loop => {
  const name = key.slice(FOR_EACH.length);
  const label = `${key} (in ${where})`;
  if (!ALPHANUMERIC.test(name)) throw new TemplateError(`${label}: a loop's name must be letters and digits`);
  if (!Array.isArray(definition) || definition.length !== 3) {
    throw new TemplateError(
      `${label} must be a list of three: [Identifier, Collection, {OutputKey: OutputValue}]`,
    );
  }
  const [identifier, collection, fragment] = definition as [unknown, unknown, unknown];
  if (typeof identifier !== 'string' || !ALPHANUMERIC.test(identifier)) {
    throw new TemplateError(`${label}: the identifier must be a name of letters and digits`);
  }
  if (!isObject(fragment))
    throw new TemplateError(`${label}: the third item must be a map {OutputKey: OutputValue}`);
  const resolved = resolve(collection, name);
  if (!Array.isArray(resolved)) throw new TemplateError(`${label}: the collection must be a list`);
  const items = resolved.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number')
      throw new TemplateError(`${label}: the collection holds ${JSON.stringify(item)}, not a string`);
    const text = String(item);
    if (text.trim() === '') throw new TemplateError(`${label}: the collection holds an empty value`);
    return text;
  });
  return { name: key, identifier, items, fragment };
};

interface Walk {
  resolve: CollectionResolver;
  /** Where the map is, for messages: "Resources", "Resources.Fn.Properties.Environment.Variables"... */
  where: string;
}

/**
 * Expands the loops of `map` into it and walks its values. With `logicalIds`, every key a loop makes must
 * be a valid logical id (letters and digits, at most 255).
 */
const expandMap = (
  map: Record<string, unknown>,
  walk: Walk,
  logicalIds: boolean,
): Record<string, unknown> => {
  const result: Record<string, unknown> = {};
  const add = (key: string, value: unknown, origin?: { loop: Loop; item: string }) => {
    if (origin && logicalIds && (!ALPHANUMERIC.test(key) || key.length > MAX_LOGICAL_ID)) {
      const { loop, item } = origin;
      throw new TemplateError(
        `${loop.name} (in ${walk.where}): the value "${item}" of ${loop.identifier} makes the name "${key}", ` +
          `which is not a valid logical id (letters and digits only, at most ${MAX_LOGICAL_ID}); ` +
          `give ${loop.identifier} values of letters and digits, or use &{${loop.identifier}} in the key`,
      );
    }
    if (key in result) {
      const by = origin ? `${origin.loop.name} (in ${walk.where}) makes` : `${walk.where} has`;
      throw new TemplateError(`${by} the key ${key} twice`);
    }
    result[key] = value;
  };
  for (const [key, value] of Object.entries(map)) {
    if (!key.startsWith(FOR_EACH)) {
      add(key, expandValue(value, { ...walk, where: `${walk.where}.${key}` }));
      continue;
    }
    const loop = readLoop(key, value, walk.resolve, walk.where);
    for (const item of loop.items) {
      const fragment = substitute(loop.fragment, loop.identifier, item) as Record<string, unknown>;
      // Loops inside the fragment add their keys to this same map.
      for (const [made, madeValue] of Object.entries(expandMap(fragment, walk, logicalIds)))
        add(made, madeValue, { loop, item });
    }
  }
  return result;
};

const expandValue = (value: unknown, walk: Walk): unknown => {
  if (Array.isArray(value))
    return value.map((child, index) => expandValue(child, { ...walk, where: `${walk.where}[${index}]` }));
  if (!isObject(value)) return value;
  const getAtt = value['Fn::GetAtt'];
  if (Object.keys(value).length === 1 && Array.isArray(getAtt)) {
    const logicalId = literalSub(getAtt[0]);
    if (logicalId !== undefined) return { 'Fn::GetAtt': [logicalId, ...getAtt.slice(1)] };
  }
  return expandMap(value, walk, false);
};

const hasLoop = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.some(hasLoop)
    : isObject(value) &&
      Object.entries(value).some(([key, child]) => key.startsWith(FOR_EACH) || hasLoop(child));

/**
 * The template with every `Fn::ForEach` expanded. A template without the AWS::LanguageExtensions
 * transform comes back as it is, unless it has a loop, which CloudFormation would refuse too.
 */
export const expandLanguageExtensions = (template: Template, resolve: CollectionResolver): Template => {
  if (!usesLanguageExtensions(template)) {
    if (hasLoop(template.Resources) || hasLoop(template.Outputs) || hasLoop(template.Conditions)) {
      throw new TemplateError(`Fn::ForEach needs "Transform: ${LANGUAGE_EXTENSIONS}" in the template`);
    }
    return template;
  }
  const section = <T>(name: string, map: Record<string, T> | undefined) =>
    map && (expandMap(map, { resolve, where: name }, true) as Record<string, T>);
  return {
    ...template,
    Resources: section('Resources', template.Resources) ?? {},
    ...(template.Outputs ? { Outputs: section('Outputs', template.Outputs) } : {}),
    ...(template.Conditions ? { Conditions: section('Conditions', template.Conditions) } : {}),
  };
};
