/**
 * The SAM `Globals` section: what a resource's properties are once SAM has merged the section for its
 * type (`Globals.Function` into every AWS::Serverless::Function, ...) into them.
 *
 * The rules are SAM's (AWS SAM Developer Guide, "Globals section of the AWS SAM template", Overridable
 * properties; samtranslator/plugins/globals/globals.py, GlobalProperties):
 * - primitives (strings, numbers, booleans, null) are replaced by the resource's value;
 * - maps are merged key by key, recursively, the resource winning on a clash;
 * - lists are additive: the global items, then the resource's (no de-duplication);
 * - an intrinsic function (`{ Ref }`, `{ Condition }`, `{ "Fn::...": }`, a map with that single key)
 *   counts as a primitive: it replaces a global map or list, and a global one is replaced;
 * - values of different kinds (a list and a map, a string and a map, ...) take the resource's value;
 * - a property only the Globals have is kept: a resource cannot remove a global property.
 * A resource's `IgnoreGlobals` attribute (`'*'`, or a list of global property names) leaves out all of
 * the Globals, or those properties.
 */
import { TemplateError } from '../stack/intrinsics';
import type { Template, TemplateResource } from './parse-template';
import { asIntrinsic, isObject, type JsonObject } from './values';

const SERVERLESS = 'AWS::Serverless::';

/** The Globals section for a resource type: `Function` for AWS::Serverless::Function; none for others. */
export const globalsSectionOf = (type: string): string | undefined =>
  type.startsWith(SERVERLESS) ? type.slice(SERVERLESS.length) : undefined;

type Kind = 'primitive' | 'map' | 'list';

const kindOf = (value: unknown): Kind => {
  if (Array.isArray(value)) return 'list';
  return isObject(value) && !asIntrinsic(value) ? 'map' : 'primitive';
};

/** A global value merged with the resource's (`undefined`: the resource does not have the property). */
export const mergeGlobals = (globals: unknown, own: unknown): unknown => {
  if (own === undefined) return globals;
  if (globals === undefined) return own;
  const kind = kindOf(own);
  if (kind !== kindOf(globals) || kind === 'primitive') return own;
  if (kind === 'list') return [...(globals as unknown[]), ...(own as unknown[])];
  const merged: JsonObject = { ...(globals as JsonObject) };
  for (const [key, value] of Object.entries(own as JsonObject)) {
    merged[key] = mergeGlobals(merged[key], value);
  }
  return merged;
};

/** The Globals that apply to a resource: its type's section, less what its `IgnoreGlobals` names. */
const applicableGlobals = (template: Template, logicalId: string, resource: TemplateResource): JsonObject => {
  const section = globalsSectionOf(resource.Type);
  const globals = section === undefined ? undefined : template.Globals?.[section];
  const ignored = resource.IgnoreGlobals;
  if (!isObject(globals) || ignored === undefined) return isObject(globals) ? globals : {};
  if (ignored === '*') return {};
  if (!Array.isArray(ignored)) {
    throw new TemplateError(`${logicalId}: IgnoreGlobals must be '*' or a list of global property names`);
  }
  const unknown = ignored.filter((name) => !(name in globals));
  if (unknown.length > 0) {
    throw new TemplateError(
      `${logicalId}: IgnoreGlobals names ${unknown.join(', ')}, which Globals.${section} does not have`,
    );
  }
  return Object.fromEntries(Object.entries(globals).filter(([name]) => !ignored.includes(name)));
};

/**
 * The resource's properties as SAM deploys them: for SAM resource types, with the Globals section of the
 * type merged in; for any other type, as written.
 */
export const withGlobals = (template: Template, logicalId: string, resource: TemplateResource): JsonObject =>
  mergeGlobals(applicableGlobals(template, logicalId, resource), resource.Properties ?? {}) as JsonObject;
