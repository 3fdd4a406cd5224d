import Ajv from 'ajv-draft-04';
import { ORDER_SCHEMA_DRAFT, orderSchema } from '../../../../src/domain/order';

/** Every keyword of JSON Schema draft-04 (validation and metadata), which API Gateway models support. */
const DRAFT_04_KEYWORDS = new Set([
  '$schema',
  '$ref',
  'id',
  'title',
  'description',
  'default',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'additionalItems',
  'items',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'additionalProperties',
  'definitions',
  'properties',
  'patternProperties',
  'dependencies',
  'enum',
  'type',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'format',
]);

interface KeywordUse {
  path: string;
  keyword: string;
  value: unknown;
  /** The (sub)schema the keyword belongs to. */
  owner: Record<string, unknown>;
}

/** Every keyword used anywhere in a schema, with where it is used. */
const keywordUses = (schema: unknown, path = '#'): KeywordUse[] => {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return [];
  return Object.entries(schema).flatMap(([keyword, value]) => {
    const here = { path, keyword, value, owner: schema as Record<string, unknown> };
    const at = `${path}/${keyword}`;
    if (['properties', 'patternProperties', 'definitions'].includes(keyword)) {
      return [
        here,
        ...Object.entries(value as object).flatMap(([name, child]) => keywordUses(child, `${at}/${name}`)),
      ];
    }
    if (['items', 'additionalItems', 'additionalProperties', 'not'].includes(keyword)) {
      const children = Array.isArray(value)
        ? value.flatMap((child, index) => keywordUses(child, `${at}/${index}`))
        : keywordUses(value, at);
      return [here, ...children];
    }
    if (['allOf', 'anyOf', 'oneOf'].includes(keyword)) {
      return [here, ...(value as unknown[]).flatMap((child, index) => keywordUses(child, `${at}/${index}`))];
    }
    return [here];
  });
};

describe('orderSchema', () => {
  const uses = keywordUses(orderSchema);

  it('declares draft-04', () => {
    expect(orderSchema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(ORDER_SCHEMA_DRAFT).toBe(orderSchema.$schema);
  });

  it('uses only draft-04 keywords, so that API Gateway accepts it as a model', () => {
    expect(uses.length).toBeGreaterThan(50);
    const foreign = uses.filter(({ keyword }) => !DRAFT_04_KEYWORDS.has(keyword));
    expect(foreign.map(({ path, keyword }) => `${path}/${keyword}`)).toEqual([]);
  });

  it('uses exclusiveMinimum and exclusiveMaximum only in their draft-04 (boolean) form', () => {
    const exclusive = uses.filter(({ keyword }) => keyword.startsWith('exclusive'));
    expect(exclusive.filter(({ value }) => typeof value !== 'boolean')).toEqual([]);
  });

  it('is a valid draft-04 schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(orderSchema)).toBe(true);
  });

  it('requires only properties it declares', () => {
    const undeclared = uses
      .filter(({ keyword }) => keyword === 'required')
      .flatMap(({ path, value, owner }) => {
        const declared = (owner.properties ?? {}) as Record<string, unknown>;
        return (value as string[]).filter((name) => !(name in declared)).map((name) => `${path}: ${name}`);
      });
    expect(undeclared).toEqual([]);
  });

  it('closes every object to unknown fields', () => {
    const open = uses
      .filter(({ keyword, value }) => keyword === 'type' && value === 'object')
      .filter(({ path }) => !uses.some((use) => use.path === path && use.keyword === 'additionalProperties'));
    expect(open.map(({ path }) => path)).toEqual([]);
  });
});
