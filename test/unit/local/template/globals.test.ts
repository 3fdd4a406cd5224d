import { TemplateError } from '../../../../local/stack/intrinsics';
import { globalsSectionOf, mergeGlobals, withGlobals } from '../../../../local/template/globals';
import {
  parseTemplate,
  type Template,
  type TemplateResource,
} from '../../../../local/template/parse-template';

/** The examples of the SAM Developer Guide, "Globals section of the AWS SAM template", Overridable properties. */
describe('mergeGlobals, as the SAM Developer Guide describes overriding', () => {
  it('replaces primitives', () => {
    expect(mergeGlobals({ Runtime: 'nodejs12.x' }, { Runtime: 'python3.6' })).toEqual({
      Runtime: 'python3.6',
    });
  });

  it('merges maps, the resource entry winning on a duplicate', () => {
    expect(
      mergeGlobals(
        { Environment: { Variables: { STAGE: 'Production', TABLE_NAME: 'global-table' } } },
        { Environment: { Variables: { TABLE_NAME: 'resource-table', NEW_VAR: 'hello' } } },
      ),
    ).toEqual({
      Environment: { Variables: { STAGE: 'Production', TABLE_NAME: 'resource-table', NEW_VAR: 'hello' } },
    });
  });

  it('adds lists: the global entries first, then the resource entries, duplicates kept', () => {
    expect(
      mergeGlobals(
        { VpcConfig: { SecurityGroupIds: ['sg-123', 'sg-456'] } },
        { VpcConfig: { SecurityGroupIds: ['sg-first', 'sg-123'] } },
      ),
    ).toEqual({ VpcConfig: { SecurityGroupIds: ['sg-123', 'sg-456', 'sg-first', 'sg-123'] } });
  });
});

describe('mergeGlobals, the cases the guide leaves to SAM (samtranslator GlobalProperties)', () => {
  it('keeps global properties the resource does not have: a resource cannot remove them', () => {
    expect(mergeGlobals({ Runtime: 'nodejs22.x', MemorySize: 512 }, { Handler: 'index.handler' })).toEqual({
      Runtime: 'nodejs22.x',
      MemorySize: 512,
      Handler: 'index.handler',
    });
  });

  it('merges maps at any depth', () => {
    expect(
      mergeGlobals(
        { DeploymentPreference: { Enabled: false, Type: 'Canary', Hooks: { PreTraffic: 'A' } } },
        { DeploymentPreference: { Type: 'Linear', Hooks: { PostTraffic: 'B' } } },
      ),
    ).toEqual({
      DeploymentPreference: { Enabled: false, Type: 'Linear', Hooks: { PreTraffic: 'A', PostTraffic: 'B' } },
    });
  });

  it('takes an intrinsic function for a primitive: it replaces a global map, list or intrinsic', () => {
    const ifProduction = { 'Fn::If': ['IsProduction', { Variables: { A: '2' } }, { Ref: 'AWS::NoValue' }] };
    expect(mergeGlobals({ Environment: { Variables: { A: '1' } } }, { Environment: ifProduction })).toEqual({
      Environment: ifProduction,
    });
    expect(mergeGlobals({ Layers: ['global-layer'] }, { Layers: { Ref: 'LayerArns' } })).toEqual({
      Layers: { Ref: 'LayerArns' },
    });
    expect(
      mergeGlobals({ Timeout: { Ref: 'Timeout' } }, { Timeout: { 'Fn::FindInMap': ['M', 'K', 'T'] } }),
    ).toEqual({ Timeout: { 'Fn::FindInMap': ['M', 'K', 'T'] } });
  });

  it('lets a map replace a global intrinsic function rather than merging into it', () => {
    expect(
      mergeGlobals(
        { Environment: { 'Fn::If': ['C', { Variables: { A: '1' } }, {}] } },
        { Environment: { Variables: { B: '2' } } },
      ),
    ).toEqual({ Environment: { Variables: { B: '2' } } });
  });

  it('counts { Condition } as an intrinsic function, and a map with more keys than Ref as a map', () => {
    expect(mergeGlobals({ Enabled: { A: 1 } }, { Enabled: { Condition: 'IsProduction' } })).toEqual({
      Enabled: { Condition: 'IsProduction' },
    });
    expect(mergeGlobals({ Tags: { Ref: 'x', Team: 'shop' } }, { Tags: { Ref: 'y' } })).toEqual({
      Tags: { Ref: 'y' },
    });
    expect(mergeGlobals({ Tags: { Ref: 'x', Team: 'shop' } }, { Tags: { Ref: 'y', Owner: 'me' } })).toEqual({
      Tags: { Ref: 'y', Team: 'shop', Owner: 'me' },
    });
  });

  it('gives the resource value when the kinds differ', () => {
    expect(mergeGlobals({ CodeUri: 's3://bucket/key' }, { CodeUri: { Bucket: 'foo', Key: 'bar' } })).toEqual({
      CodeUri: { Bucket: 'foo', Key: 'bar' },
    });
    expect(mergeGlobals({ Layers: ['a'] }, { Layers: 'b' })).toEqual({ Layers: 'b' });
    expect(mergeGlobals({ Tags: { A: '1' } }, { Tags: ['b'] })).toEqual({ Tags: ['b'] });
  });

  it('gives the resource value when it is null (an empty YAML value)', () => {
    expect(mergeGlobals({ Description: 'global' }, { Description: null })).toEqual({ Description: null });
  });

  it('gives the globals when the resource has no properties, and the properties when there are no globals', () => {
    expect(mergeGlobals({ Timeout: 10 }, undefined)).toEqual({ Timeout: 10 });
    expect(mergeGlobals(undefined, { Timeout: 3 })).toEqual({ Timeout: 3 });
  });

  it('changes neither of its inputs', () => {
    const globals = { Environment: { Variables: { A: '1' } }, Layers: ['a'] };
    const own = { Environment: { Variables: { B: '2' } }, Layers: ['b'] };
    const before = JSON.stringify([globals, own]);
    mergeGlobals(globals, own);
    expect(JSON.stringify([globals, own])).toBe(before);
  });
});

describe('globalsSectionOf', () => {
  it('names the section of each SAM resource type, none for other types', () => {
    expect(globalsSectionOf('AWS::Serverless::Function')).toBe('Function');
    expect(globalsSectionOf('AWS::Serverless::Api')).toBe('Api');
    expect(globalsSectionOf('AWS::Serverless::HttpApi')).toBe('HttpApi');
    expect(globalsSectionOf('AWS::Serverless::StateMachine')).toBe('StateMachine');
    expect(globalsSectionOf('AWS::Lambda::Function')).toBeUndefined();
  });
});

describe('withGlobals', () => {
  const template: Template = parseTemplate(`
Globals:
  Function:
    Runtime: nodejs22.x
    Timeout: 10
    Layers: [!Ref PowertoolsLayer]
    Environment:
      Variables:
        LOG_LEVEL: INFO
  Api:
    TracingEnabled: true
Resources:
  Checkout:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 30
      Layers: [!Ref OwnLayer]
      Environment:
        Variables:
          TABLE: !Ref Table
  Bare:
    Type: AWS::Serverless::Function
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
  Gateway:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
  Alone:
    Type: AWS::Serverless::Function
    IgnoreGlobals: '*'
    Properties:
      Timeout: 3
  Partly:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Layers, Environment]
    Properties:
      Timeout: 3
`);
  const of = (logicalId: string) =>
    withGlobals(template, logicalId, template.Resources[logicalId] as TemplateResource);

  it("merges the section of the resource's type into its properties", () => {
    expect(of('Checkout')).toEqual({
      Runtime: 'nodejs22.x',
      Timeout: 30,
      Layers: [{ Ref: 'PowertoolsLayer' }, { Ref: 'OwnLayer' }],
      Environment: { Variables: { LOG_LEVEL: 'INFO', TABLE: { Ref: 'Table' } } },
    });
    expect(of('Gateway')).toEqual({ TracingEnabled: true, StageName: 'dev' });
  });

  it('gives a resource without properties the globals', () => {
    expect(of('Bare')).toEqual({
      Runtime: 'nodejs22.x',
      Timeout: 10,
      Layers: [{ Ref: 'PowertoolsLayer' }],
      Environment: { Variables: { LOG_LEVEL: 'INFO' } },
    });
  });

  it('leaves resources that are not SAM resources as written', () => {
    expect(of('Plain')).toEqual({ Runtime: 'python3.13' });
  });

  it("leaves out all the Globals for IgnoreGlobals '*', and the properties IgnoreGlobals lists", () => {
    expect(of('Alone')).toEqual({ Timeout: 3 });
    expect(of('Partly')).toEqual({ Runtime: 'nodejs22.x', Timeout: 3 });
  });

  it('refuses an IgnoreGlobals that names a property the Globals do not have, or is not * or a list', () => {
    const resource = (IgnoreGlobals: unknown) =>
      ({ Type: 'AWS::Serverless::Function', IgnoreGlobals }) as TemplateResource;
    expect(() => withGlobals(template, 'Odd', resource(['MemorySize']))).toThrow(
      new TemplateError('Odd: IgnoreGlobals names MemorySize, which Globals.Function does not have'),
    );
    expect(() => withGlobals(template, 'Odd', resource('Layers'))).toThrow(
      "Odd: IgnoreGlobals must be '*' or a list of global property names",
    );
  });

  it('takes IgnoreGlobals for nothing when there are no Globals for the type', () => {
    const noGlobals = parseTemplate(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Layers]
    Properties:
      Timeout: 3
`);
    expect(withGlobals(noGlobals, 'Fn', noGlobals.Resources.Fn as TemplateResource)).toEqual({
      Timeout: 3,
    });
  });
});
