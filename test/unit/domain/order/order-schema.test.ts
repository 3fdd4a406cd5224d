import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import {
  apiGatewayRequestModel,
  ORDER_SCHEMA_DRAFT,
  orderEventSchema,
  orderRequestSchema,
  VALUE_QUOTING_KEYWORDS,
} from '../../../../src/domain/order';
import { anOrder, anOrderEvent, anOrderInput } from '../../../factories/order';

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

/** Every keyword used anywhere in a schema, with where it is used (property names are not keywords). */
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

/** Every key of every object in a JSON value, at any depth, with its path. */
const allKeys = (value: unknown, path = '#'): string[] => {
  if (Array.isArray(value)) return value.flatMap((child, index) => allKeys(child, `${path}/${index}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [
    `${path}/${key}`,
    ...allKeys(child, `${path}/${key}`),
  ]);
};

const SCHEMAS = [
  ['orderRequestSchema', orderRequestSchema],
  ['orderEventSchema', orderEventSchema],
  ['apiGatewayRequestModel()', apiGatewayRequestModel()],
] as const;

describe.each(SCHEMAS)('%s', (_, schema) => {
  const uses = keywordUses(schema);

  it('declares draft-04', () => {
    expect((schema as { $schema: string }).$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(ORDER_SCHEMA_DRAFT).toBe('http://json-schema.org/draft-04/schema#');
  });

  it('uses only draft-04 keywords, so that API Gateway accepts it as a model', () => {
    expect(uses.length).toBeGreaterThan(40);
    const foreign = uses.filter(({ keyword }) => !DRAFT_04_KEYWORDS.has(keyword));
    expect(foreign.map(({ path, keyword }) => `${path}/${keyword}`)).toEqual([]);
  });

  it('uses exclusiveMinimum and exclusiveMaximum only in their draft-04 (boolean) form', () => {
    const exclusive = uses.filter(({ keyword }) => keyword.startsWith('exclusive'));
    expect(exclusive.filter(({ value }) => typeof value !== 'boolean')).toEqual([]);
  });

  it('is a valid draft-04 schema', () => {
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(schema as object)).toBe(true);
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
});

describe.each([
  ['orderRequestSchema', orderRequestSchema],
  ['orderEventSchema', orderEventSchema],
] as const)('%s', (_, schema) => {
  const uses = keywordUses(schema);

  it('closes every object to unknown fields', () => {
    const open = uses
      .filter(({ keyword, value }) => keyword === 'type' && value === 'object')
      .filter(({ path }) => !uses.some((use) => use.path === path && use.keyword === 'additionalProperties'));
    expect(open.map(({ path }) => path)).toEqual([]);
  });
});

describe('orderRequestSchema and orderEventSchema', () => {
  type Schema = { properties: Record<string, unknown>; required: readonly string[] };
  type PaymentSchema = Schema & { properties: { card: Schema } };
  const request = orderRequestSchema as unknown as Schema;
  const event = orderEventSchema as unknown as Schema;
  const withoutKey = (object: Record<string, unknown>, key: string) =>
    Object.fromEntries(Object.entries(object).filter(([name]) => name !== key));
  const requestPayment = request.properties.payment as PaymentSchema;
  const eventPayment = event.properties.payment as PaymentSchema;

  it('share every field but the payment, with the same definition; only an event names its partner', () => {
    const eventFields = withoutKey(event.properties, 'partner');
    expect(Object.keys(request.properties).sort()).toEqual(Object.keys(eventFields).sort());
    expect(withoutKey(eventFields, 'payment')).toEqual(withoutKey(request.properties, 'payment'));
  });

  it('lets an event name the partner that posted it, and refuses a request that names one', () => {
    expect(event.properties.partner).toMatchObject({ required: ['id', 'clientId'] });
    expect(event.required).not.toContain('partner');
    expect(request.properties).not.toHaveProperty('partner');
  });

  it('share every payment field but the card, with the same definition', () => {
    expect(withoutKey(eventPayment.properties, 'card')).toEqual(
      withoutKey(requestPayment.properties, 'card'),
    );
    expect(withoutKey(eventPayment, 'properties')).toEqual(withoutKey(requestPayment, 'properties'));
  });

  it('differ at the top only in that an event always has an id', () => {
    const frame = (schema: Schema) => {
      const {
        properties: _properties,
        required: _required,
        title: _title,
        description: _description,
        ...rest
      } = schema as Schema & Record<string, unknown>;
      return rest;
    };
    expect(request.required).not.toContain('id');
    expect(event.required).toContain('id');
    expect(event.required.filter((name) => name !== 'id')).toEqual([...request.required]);
    expect(frame(event)).toEqual(frame(request));
  });

  it('take the whole card in a request: number, expiry, holder and CVV, the network optional', () => {
    const card = requestPayment.properties.card;
    expect(Object.keys(card.properties).sort()).toEqual(['cvv', 'expiry', 'holder', 'network', 'number']);
    expect([...card.required].sort()).toEqual(['cvv', 'expiry', 'holder', 'number']);
  });

  it('keep of the card in an event only its network and last 4 digits, both required', () => {
    const card = eventPayment.properties.card;
    expect(Object.keys(card.properties).sort()).toEqual(['last4', 'network']);
    expect([...card.required].sort()).toEqual(['last4', 'network']);
    expect(card).toMatchObject({ additionalProperties: false });
  });

  it('name the same card networks', () => {
    expect((eventPayment.properties.card.properties.network as { enum: string[] }).enum).toEqual(
      (requestPayment.properties.card.properties.network as { enum: string[] }).enum,
    );
  });

  describe('as Ajv compiles them', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv, ['date-time', 'email']);
    const isRequest = ajv.compile(orderRequestSchema);
    const isEvent = ajv.compile(orderEventSchema);

    it('take a request, with or without an id, for a request and not for an event', () => {
      expect(isRequest(anOrderInput())).toBe(true);
      expect(isRequest(anOrder())).toBe(true);
      expect(isEvent(anOrder())).toBe(false);
    });

    it('take an event for an event and not for a request', () => {
      expect(isEvent(anOrderEvent())).toBe(true);
      expect(isRequest(anOrderEvent())).toBe(false);
    });

    it('refuse an event without an id, or with a CVV, expiry, holder or number beside the last 4', () => {
      const { id: _id, ...withoutId } = anOrderEvent();
      expect(isEvent(withoutId)).toBe(false);
      for (const extra of [
        { cvv: '123' },
        { expiry: '12/29' },
        { holder: 'ADA' },
        { number: '4111111111111111' },
      ]) {
        const event = anOrderEvent();
        expect(
          isEvent({ ...event, payment: { ...event.payment, card: { ...event.payment.card, ...extra } } }),
        ).toBe(false);
      }
    });
  });
});

describe('VALUE_QUOTING_KEYWORDS', () => {
  it('names the keywords whose API Gateway messages quote a value or an unknown property name', () => {
    expect([...VALUE_QUOTING_KEYWORDS].sort()).toEqual(
      [
        'additionalProperties',
        'enum',
        'format',
        'maxLength',
        'maximum',
        'minLength',
        'minimum',
        'pattern',
      ].sort(),
    );
  });
});

describe('apiGatewayRequestModel', () => {
  const model = apiGatewayRequestModel() as Record<string, unknown>;
  const quoting = new Set<string>(VALUE_QUOTING_KEYWORDS);

  it('is titled Order, the model name the template uses', () => {
    expect(model.title).toBe('Order');
  });

  it('has no value-quoting keyword anywhere, at any depth', () => {
    expect(keywordUses(model).filter(({ keyword }) => quoting.has(keyword))).toEqual([]);
    // Not even as a key of any object: the schema declares no property of these names either.
    expect(allKeys(model).filter((path) => quoting.has(path.split('/').pop() ?? ''))).toEqual([]);
  });

  it('keeps every other keyword of the request schema where it was, with the same value', () => {
    const kept = (schema: unknown) =>
      keywordUses(schema)
        .filter(({ keyword }) => !quoting.has(keyword) && keyword !== 'title')
        .map(({ path, keyword, value }) => ({
          at: `${path}/${keyword}`,
          // A subschema is compared keyword by keyword, through its own entries.
          value:
            typeof value === 'object' && !Array.isArray(value)
              ? Object.keys(value ?? {}).filter((key) => keyword === 'properties' || !quoting.has(key))
              : value,
        }));
    expect(kept(model)).toEqual(kept(orderRequestSchema));
  });

  it('keeps the structure: types, required fields and item counts, and every property', () => {
    expect(model).toMatchObject({
      type: 'object',
      required: ['date', 'customer', 'payment', 'shipping', 'items'],
      properties: {
        items: { type: 'array', minItems: 1, maxItems: 100 },
        payment: {
          type: 'object',
          required: ['amount', 'currency', 'method'],
          properties: {
            amount: { type: 'number' },
            card: { type: 'object', required: ['number', 'expiry', 'holder', 'cvv'] },
          },
        },
      },
    });
  });

  it('is made afresh on every call, so that no caller can change another one', () => {
    expect(apiGatewayRequestModel()).toEqual(apiGatewayRequestModel());
    expect(apiGatewayRequestModel()).not.toBe(apiGatewayRequestModel());
  });

  it('leaves the request schema as it is', () => {
    expect(keywordUses(orderRequestSchema).some(({ keyword }) => keyword === 'pattern')).toBe(true);
    expect(orderRequestSchema.additionalProperties).toBe(false);
  });

  describe('as a validator', () => {
    const validate = new Ajv({ strict: false }).compile(model);

    it('accepts every valid request', () => {
      expect(validate(anOrderInput())).toBe(true);
      expect(validate(anOrder())).toBe(true);
    });

    it('still rejects a request of the wrong structure', () => {
      const { customer: _customer, ...withoutCustomer } = anOrderInput();
      expect(validate(withoutCustomer)).toBe(false);
      expect(validate({ ...anOrderInput(), items: [] })).toBe(false);
      expect(validate({ ...anOrderInput(), payment: { ...anOrderInput().payment, amount: '59.97' } })).toBe(
        false,
      );
    });

    it('leaves the checks that would quote a value to the function', () => {
      expect(validate({ ...anOrderInput(), coupon: '4111111111111111' })).toBe(true);
      expect(validate(anOrderInput({ payment: { currency: '4111111111111111' } }))).toBe(true);
    });
  });
});
