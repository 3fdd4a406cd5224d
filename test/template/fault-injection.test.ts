import { parameterOverridesFrom } from '../../local/parameter-overrides';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { evaluateCondition, NO_VALUE } from '../../local/stack/intrinsics';
import { resolveParameters } from '../../local/template/parameters';
import { loadTemplate, type Template } from '../../local/template/parse-template';
import { asIntrinsic, isObject, type JsonObject } from '../../local/template/values';

const template = loadTemplate(ROOT_TEMPLATE);

/** The template's conditions for a set of parameter overrides, as CloudFormation evaluates them. */
const conditionsFor = (overrides: Record<string, string>) => {
  const scope = {
    pseudo: {
      region: 'us-east-1',
      accountId: '123456789012',
      stackName: 'checkout',
      stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/checkout/1',
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
    },
    parameters: resolveParameters(template, overrides),
    conditions: {} as Record<string, boolean>,
    mappings: {},
    resources: new Map(),
  };
  for (const [name, expression] of Object.entries(template.Conditions ?? {})) {
    scope.conditions[name] = evaluateCondition(expression, scope);
  }
  return scope.conditions;
};

/** Every `Fn::If` replaced by its chosen branch; `AWS::NoValue` dropped. */
const choose = (value: unknown, conditions: Record<string, boolean>): unknown => {
  const intrinsic = asIntrinsic(value);
  if (intrinsic?.[0] === 'Fn::If') {
    const [name, whenTrue, whenFalse] = intrinsic[1] as [string, unknown, unknown];
    return choose(conditions[name] ? whenTrue : whenFalse, conditions);
  }
  if (intrinsic?.[0] === 'Ref' && intrinsic[1] === 'AWS::NoValue') return NO_VALUE;
  if (Array.isArray(value))
    return value.map((item) => choose(item, conditions)).filter((item) => item !== NO_VALUE);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, choose(item, conditions)])
        .filter(([, item]) => item !== NO_VALUE),
    );
  }
  return value;
};

/** The resources and outputs a stack deployed with these overrides would have, conditions applied. */
const deployedWith = (overrides: Record<string, string>) => {
  const conditions = conditionsFor(overrides);
  const kept = (section: Template['Resources'] | Template['Outputs']) =>
    Object.fromEntries(
      Object.entries((section ?? {}) as Record<string, JsonObject>)
        .filter(([, entry]) => entry.Condition === undefined || conditions[String(entry.Condition)])
        .map(([id, entry]) => [id, choose(entry, conditions) as JsonObject]),
    );
  return { resources: kept(template.Resources), outputs: kept(template.Outputs) };
};

const actionsOf = (resources: Record<string, JsonObject>) =>
  JSON.stringify(resources).match(/"ssm:[A-Za-z*]+"/g) ?? [];

const checkoutEnvironment = (resources: Record<string, JsonObject>) =>
  (
    ((resources.CheckoutFunction as JsonObject).Properties as JsonObject).Environment as {
      Variables: JsonObject;
    }
  ).Variables;

describe('the game-day fault switch', () => {
  it('does not exist in a stack deployed with the prod configuration (samconfig.toml)', () => {
    const overrides = parameterOverridesFrom(['--config-env', 'prod'], PROJECT_ROOT);
    expect(overrides.EnableFaultInjection).toBe('false');
    const { resources, outputs } = deployedWith(overrides);

    expect(Object.values(resources).filter(({ Type }) => Type === 'AWS::SSM::Parameter')).toEqual([]);
    expect(actionsOf(resources)).toEqual([]);
    expect(checkoutEnvironment(resources)).not.toHaveProperty('FAULT_MODE_PARAMETER_NAME');
    expect(outputs).not.toHaveProperty('CheckoutFaultModeParameterName');
  });

  it('does not exist by default, without any parameter', () => {
    const { resources, outputs } = deployedWith({});
    expect(resources).not.toHaveProperty('CheckoutFaultModeParameter');
    expect(actionsOf(resources)).toEqual([]);
    expect(checkoutEnvironment(resources)).not.toHaveProperty('FAULT_MODE_PARAMETER_NAME');
    expect(outputs).not.toHaveProperty('CheckoutFaultModeParameterName');
  });

  it('exists, readable by CheckoutFunction only, when EnableFaultInjection is true', () => {
    const { resources, outputs } = deployedWith({ EnableFaultInjection: 'true' });
    expect(resources.CheckoutFaultModeParameter?.Type).toBe('AWS::SSM::Parameter');
    expect(checkoutEnvironment(resources).FAULT_MODE_PARAMETER_NAME).toEqual({
      Ref: 'CheckoutFaultModeParameter',
    });
    const readers = Object.entries(resources)
      .filter(([, resource]) => actionsOf({ resource }).length > 0)
      .map(([id]) => id);
    expect(readers).toEqual(['CheckoutFunctionRole']);
    expect(actionsOf(resources)).toEqual(['"ssm:GetParameter"']);
    expect(outputs).toHaveProperty('CheckoutFaultModeParameterName');
  });

  it('is enabled in the dev configuration (samconfig.toml default), for game days', () => {
    const overrides = parameterOverridesFrom(['--config-env', 'default'], PROJECT_ROOT);
    expect(deployedWith(overrides).resources).toHaveProperty('CheckoutFaultModeParameter');
  });
});
