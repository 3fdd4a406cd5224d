import { join } from 'node:path';
import { parameterOverridesFrom } from '../../../../local/parameter-overrides';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../../../local/paths';
import { TemplateError } from '../../../../local/stack/intrinsics';
import { resolveParameters } from '../../../../local/template/parameters';
import {
  loadTemplate,
  parseTemplate,
  type TemplateParameter,
} from '../../../../local/template/parse-template';

const templateWith = (parameters: Record<string, TemplateParameter>) => ({ Parameters: parameters });

/** The problems of the TemplateError `resolve` throws, one per line, without the heading. */
const problemsOf = (resolve: () => unknown): string[] => {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    const [heading, ...lines] = (error as Error).message.split('\n');
    expect(heading).toMatch(/^The template parameters are not valid \(\d+ problems?\):$/);
    return lines;
  }
  throw new Error('expected the parameters to be refused');
};

describe('resolveParameters', () => {
  describe('values', () => {
    it('uses the Defaults, lets an override replace one, and keeps numbers as the strings Ref gives', () => {
      const template = templateWith({
        Stage: { Type: 'String', Default: 'dev' },
        Retention: { Type: 'Number', Default: 30 },
        Owner: { Type: 'String' },
      });
      expect(resolveParameters(template, { Owner: 'team-a', Stage: 'prod' })).toEqual({
        Stage: 'prod',
        Retention: '30',
        Owner: 'team-a',
      });
    });

    it('splits list parameters at commas and trims each item', () => {
      const template = templateWith({
        Zones: { Type: 'CommaDelimitedList', Default: 'a, b,c' },
        Ports: { Type: 'List<Number>' },
        Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' },
      });
      expect(resolveParameters(template, { Ports: '80, 443', Subnets: 'subnet-1,subnet-2' })).toEqual({
        Zones: ['a', 'b', 'c'],
        Ports: ['80', '443'],
        Subnets: ['subnet-1', 'subnet-2'],
      });
    });

    it('reads a YAML Default that is a number, a boolean or a list as CloudFormation reads the string', () => {
      const template = parseTemplate(`
Parameters:
  Enabled: { Type: String, Default: true, AllowedValues: ['true', 'false'] }
  Size: { Type: Number, Default: 1.5 }
  Zones: { Type: CommaDelimitedList, Default: [a, b] }
Resources: {}
`);
      expect(resolveParameters(template, {})).toEqual({ Enabled: 'true', Size: '1.5', Zones: ['a', 'b'] });
    });

    it('accepts an empty string as a value, which is not a missing one', () => {
      expect(resolveParameters(templateWith({ Filter: { Type: 'String' } }), { Filter: '' })).toEqual({
        Filter: '',
      });
    });
  });

  describe('keys', () => {
    const template = templateWith({
      StageName: { Type: 'String', Default: 'dev' },
      LogLevel: { Type: 'String', Default: 'INFO' },
    });

    it('refuses a key the template does not declare, suggesting the declared name it is a typo of', () => {
      expect(problemsOf(() => resolveParameters(template, { StageNmae: 'prod' }))).toEqual([
        '  - StageNmae: the template has no such parameter; did you mean StageName?',
      ]);
    });

    it('suggests the one declared name an unknown key begins, whatever its case', () => {
      expect(problemsOf(() => resolveParameters(template, { loglev: 'DEBUG' }))).toEqual([
        '  - loglev: the template has no such parameter; did you mean LogLevel?',
      ]);
    });

    it('lists the declared parameters when an unknown key is like none of them', () => {
      expect(problemsOf(() => resolveParameters(template, { Region: 'eu-west-1' }))).toEqual([
        '  - Region: the template has no such parameter',
        "The template's parameters are StageName, LogLevel.",
      ]);
    });

    it('refuses a parameter with no Default when no value is given', () => {
      expect(problemsOf(() => resolveParameters(templateWith({ Owner: { Type: 'String' } }), {}))).toEqual([
        '  - Owner: no value was given and it has no Default',
      ]);
    });

    it('refuses a Type CloudFormation does not know', () => {
      expect(
        problemsOf(() => resolveParameters(templateWith({ A: { Type: 'Strnig', Default: 'x' } }), {})),
      ).toEqual([
        '  - A: its Type Strnig is not a CloudFormation parameter type (String, Number, List<Number>, ' +
          'CommaDelimitedList, an AWS-specific type AWS::... or List<AWS::...>)',
      ]);
    });

    it('treats AWS-specific and SSM parameter types as strings (the resources they name are not looked up)', () => {
      const typed = templateWith({
        Key: { Type: 'AWS::EC2::KeyPair::KeyName', AllowedPattern: 'key-.*' },
        Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/aws/ami' },
      });
      expect(resolveParameters(typed, { Key: 'key-1' })).toEqual({ Key: 'key-1', Ami: '/aws/ami' });
    });
  });

  describe('Number', () => {
    const template = templateWith({
      Rate: { Type: 'Number', Default: 100, MinValue: 1, MaxValue: 10000 },
    });

    it.each(['1', '-2', '2.5', '1e3', '.5'])('accepts %s, an integer or a float', (value) => {
      expect(resolveParameters(templateWith({ N: { Type: 'Number' } }), { N: value })).toEqual({ N: value });
    });

    it.each(['ten', '', ' 5', '0x10', 'Infinity', '5 rps'])('refuses %j, which is not a number', (value) => {
      expect(problemsOf(() => resolveParameters(template, { Rate: value }))).toEqual([
        `  - Rate: the value ${JSON.stringify(value)} is not a number (Type: Number)`,
      ]);
    });

    it('refuses a value below MinValue or above MaxValue, naming the bound', () => {
      expect(problemsOf(() => resolveParameters(template, { Rate: '0' }))).toEqual([
        '  - Rate: the value "0" is less than its MinValue 1',
      ]);
      expect(problemsOf(() => resolveParameters(template, { Rate: '10001' }))).toEqual([
        '  - Rate: the value "10001" is greater than its MaxValue 10000',
      ]);
    });

    it('checks AllowedValues of a Number as CloudFormation does, against the value as written', () => {
      const retention = templateWith({ Days: { Type: 'Number', Default: 30, AllowedValues: [1, 7, 30] } });
      expect(resolveParameters(retention, { Days: '7' })).toEqual({ Days: '7' });
      expect(problemsOf(() => resolveParameters(retention, { Days: '2' }))).toEqual([
        '  - Days: the value "2" is not one of the AllowedValues (1, 7, 30)',
      ]);
    });
  });

  describe('String', () => {
    it('refuses a value outside AllowedValues, naming them', () => {
      const template = templateWith({
        Level: { Type: 'String', Default: 'INFO', AllowedValues: ['DEBUG', 'INFO'] },
      });
      expect(problemsOf(() => resolveParameters(template, { Level: 'TRACE' }))).toEqual([
        '  - Level: the value "TRACE" is not one of the AllowedValues (DEBUG, INFO)',
      ]);
    });

    it('anchors AllowedPattern to the whole value, as CloudFormation does', () => {
      const template = templateWith({ Stage: { Type: 'String', AllowedPattern: '[a-z]+' } });
      expect(resolveParameters(template, { Stage: 'prod' })).toEqual({ Stage: 'prod' });
      expect(problemsOf(() => resolveParameters(template, { Stage: 'prod-1' }))).toEqual([
        '  - Stage: the value "prod-1" does not match its AllowedPattern [a-z]+ (the whole value must)',
      ]);
    });

    it('keeps an alternation inside the anchors (a|b matches a or b, not anything starting with a)', () => {
      const template = templateWith({ Mode: { Type: 'String', AllowedPattern: 'on|off' } });
      expect(problemsOf(() => resolveParameters(template, { Mode: 'online' }))).toHaveLength(1);
      expect(resolveParameters(template, { Mode: 'off' })).toEqual({ Mode: 'off' });
    });

    it('refuses a value shorter than MinLength or longer than MaxLength, counting characters', () => {
      const template = templateWith({ Name: { Type: 'String', MinLength: 2, MaxLength: '4' } });
      expect(resolveParameters(template, { Name: 'ééé' })).toEqual({ Name: 'ééé' });
      expect(problemsOf(() => resolveParameters(template, { Name: 'a' }))).toEqual([
        '  - Name: the value "a" is shorter than its MinLength 2 (1 character)',
      ]);
      expect(problemsOf(() => resolveParameters(template, { Name: 'abcde' }))).toEqual([
        '  - Name: the value "abcde" is longer than its MaxLength 4 (5 characters)',
      ]);
    });

    it('adds the ConstraintDescription to every constraint the value breaks', () => {
      const template = templateWith({
        Stage: {
          Type: 'String',
          AllowedPattern: '[a-z]+',
          MaxLength: 3,
          ConstraintDescription: 'lower-case letters, at most 3',
        },
      });
      expect(problemsOf(() => resolveParameters(template, { Stage: 'Prod' }))).toEqual([
        '  - Stage: the value "Prod" does not match its AllowedPattern [a-z]+ (the whole value must) ' +
          '(ConstraintDescription: lower-case letters, at most 3)',
        '  - Stage: the value "Prod" is longer than its MaxLength 3 (4 characters) ' +
          '(ConstraintDescription: lower-case letters, at most 3)',
      ]);
    });

    it('does not show the value of a NoEcho parameter', () => {
      const template = templateWith({ Secret: { Type: 'String', NoEcho: true, MinLength: 12 } });
      expect(problemsOf(() => resolveParameters(template, { Secret: 'hunter2' }))).toEqual([
        '  - Secret: the value **** is shorter than its MinLength 12 (7 characters)',
      ]);
    });

    it('refuses an AllowedPattern that is not a regular expression, once', () => {
      const template = templateWith({ A: { Type: 'String', Default: 'x', AllowedPattern: '[a-' } });
      const problems = problemsOf(() => resolveParameters(template, { A: 'y' }));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^ {2}- A: its AllowedPattern \[a- is not a regular expression: /);
    });
  });

  describe('lists', () => {
    it('checks AllowedValues and AllowedPattern on each item of a CommaDelimitedList', () => {
      const template = templateWith({
        Partners: {
          Type: 'CommaDelimitedList',
          AllowedPattern: '[A-Za-z0-9]+',
          AllowedValues: ['Acme', 'Globex'],
        },
      });
      expect(resolveParameters(template, { Partners: 'Acme, Globex' })).toEqual({
        Partners: ['Acme', 'Globex'],
      });
      expect(problemsOf(() => resolveParameters(template, { Partners: 'Acme,Acme Retail' }))).toEqual([
        '  - Partners: the value "Acme,Acme Retail" has the item "Acme Retail", which is not one of the ' +
          'AllowedValues (Acme, Globex)',
        '  - Partners: the value "Acme,Acme Retail" has the item "Acme Retail", which does not match its ' +
          'AllowedPattern [A-Za-z0-9]+',
      ]);
    });

    it('checks that each item of a List<Number> is a number', () => {
      const template = templateWith({ Ports: { Type: 'List<Number>', Default: '80,443' } });
      expect(problemsOf(() => resolveParameters(template, { Ports: '80,http' }))).toEqual([
        '  - Ports: the value "80,http" has the item "http", which is not a number (Type: List<Number>)',
      ]);
    });

    it('applies no item constraint to an empty list', () => {
      const template = templateWith({
        Ids: { Type: 'CommaDelimitedList', Default: '', AllowedPattern: 'id-.+' },
      });
      expect(resolveParameters(template, {})).toEqual({ Ids: [''] });
    });
  });

  describe('Defaults', () => {
    it('refuses a Default that breaks its own constraint, even when a value overrides it', () => {
      const template = templateWith({ Size: { Type: 'Number', Default: 0, MinValue: 1 } });
      expect(problemsOf(() => resolveParameters(template, {}))).toEqual([
        '  - Size: the Default "0" is less than its MinValue 1',
      ]);
      expect(problemsOf(() => resolveParameters(template, { Size: '5' }))).toEqual([
        '  - Size: the Default "0" is less than its MinValue 1',
      ]);
    });
  });

  it('lists every problem in one error: unknown keys first, then the parameters in template order', () => {
    const template = templateWith({
      Stage: { Type: 'String', AllowedValues: ['dev', 'prod'] },
      Rate: { Type: 'Number', Default: 10, MaxValue: 100 },
      Owner: { Type: 'String' },
    });
    expect(
      problemsOf(() => resolveParameters(template, { Stgae: 'dev', Stage: 'test', Rate: '500' })),
    ).toEqual([
      '  - Stgae: the template has no such parameter; did you mean Stage?',
      '  - Stage: the value "test" is not one of the AllowedValues (dev, prod)',
      '  - Rate: the value "500" is greater than its MaxValue 100',
      '  - Owner: no value was given and it has no Default',
    ]);
  });

  it.each(['event-replay', 'search-analytics', 'storage-backup'])(
    'finds every Default of the %s pipeline template within its constraints',
    (pipeline) => {
      const nested = loadTemplate(join(PROJECT_ROOT, 'pipelines', pipeline, 'template.yaml'));
      const problems = problemsOf(() => resolveParameters(nested, {}));
      // Only the parameters the root template always passes (topic, key, ...) lack a value.
      expect(
        problems.filter((problem) => !problem.endsWith('no value was given and it has no Default')),
      ).toEqual([]);
    },
  );

  describe('the real root template', () => {
    const root = loadTemplate(ROOT_TEMPLATE);

    it('resolves with its Defaults alone', () => {
      expect(resolveParameters(root, {})).toMatchObject({ StageName: 'dev', Partners: ['ExamplePartner'] });
    });

    it('resolves the prod env of the real samconfig.toml without error', () => {
      const overrides = parameterOverridesFrom(['--config-env', 'prod'], PROJECT_ROOT);
      expect(resolveParameters(root, overrides)).toMatchObject({
        StageName: 'prod',
        DeploymentPreferenceType: 'Canary10Percent5Minutes',
        ApiThrottlingRateLimit: '500',
      });
    });

    it('resolves the default env of the real samconfig.toml without error', () => {
      const overrides = parameterOverridesFrom(['--config-env', 'default'], PROJECT_ROOT);
      expect(resolveParameters(root, overrides)).toMatchObject({ StageName: 'dev', LogLevel: 'DEBUG' });
    });

    it('refuses an out-of-range ApiThrottlingRateLimit, naming its MinValue', () => {
      expect(problemsOf(() => resolveParameters(root, { ApiThrottlingRateLimit: '0' }))).toEqual([
        '  - ApiThrottlingRateLimit: the value "0" is less than its MinValue 1',
      ]);
    });

    it('refuses a CheckoutBatchSize above its MaxValue and a StageName its AllowedPattern refuses', () => {
      expect(
        problemsOf(() => resolveParameters(root, { CheckoutBatchSize: '20000', StageName: 'Prod' })),
      ).toEqual([
        '  - StageName: the value "Prod" does not match its AllowedPattern ^[a-z][a-z0-9-]{0,31}$ (the whole value must)',
        '  - CheckoutBatchSize: the value "20000" is greater than its MaxValue 10000',
      ]);
    });
  });
});
