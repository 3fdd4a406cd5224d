/**
 * Template values as plain data: the maps, lists and scalars YAML gives, and intrinsic functions in
 * their JSON form (`{ "Fn::Sub": ... }`, `{ "Ref": ... }`), as `parse-template.ts` produces them.
 */

export type JsonObject = Record<string, unknown>;

/** A map: an object that is neither null nor a list (an intrinsic function is one too). */
export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The single intrinsic in `{ "Fn::X": args }` / `{ Ref: x }` / `{ Condition: x }`, if `value` is one:
 * a map with exactly one key, `Ref`, `Condition` or `Fn::...` (SAM's `is_intrinsic`).
 */
export const asIntrinsic = (value: unknown): [string, unknown] | undefined => {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? [key, value[key]] : undefined;
};
