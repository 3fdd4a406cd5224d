// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { RestApiServer } from '../../../../local/api/rest-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { creationOrder, type DeployOptions, deployStack } from '../../../../local/stack/deploy-stack';
import { TemplateError } from '../../../../local/stack/intrinsics';
import type { LocalRuntime } from '../../../../local/stack/resources';
import type { TemplateResource } from '../../../../local/template/parse-template';
import {
  aLocalRuntime,
  makeTempDir,
  recordingLog,
  unreachableClients,
  writeFile,
} from '../../../helpers/local-runtime';

const resource = (
  Type: string,
  Properties: Record<string, unknown> = {},
  extra: Partial<TemplateResource> = {},
) => ({
  Type,
  Properties,
  ...extra,
});

describe('creationOrder', () => {
  /** Asserts that every resource comes after the ones listed as its dependencies. */
  const expectBefore = (order: string[], pairs: [before: string, after: string][]) => {
    for (const [before, after] of pairs) {
      expect(order.indexOf(before)).toBeGreaterThanOrEqual(0);
      expect(order.indexOf(before)).toBeLessThan(order.indexOf(after));
    }
  };

  it('puts a resource after those it refers to with Ref and GetAtt', () => {
    const order = creationOrder({
      Subscription: resource('AWS::SNS::Subscription', {
        TopicArn: { Ref: 'Topic' },
        Endpoint: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      }),
      Queue: resource('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': 'Key.Arn' } }),
      Topic: resource('AWS::SNS::Topic', { KmsMasterKeyId: { Ref: 'Key' } }),
      Key: resource('AWS::KMS::Key'),
    });
    expect([...order].sort()).toEqual(['Key', 'Queue', 'Subscription', 'Topic']);
    expectBefore(order, [
      ['Key', 'Queue'],
      ['Key', 'Topic'],
      ['Topic', 'Subscription'],
      ['Queue', 'Subscription'],
    ]);
  });

  it('follows the names in Fn::Sub, including ${Resource.Attribute}', () => {
    const order = creationOrder({
      Alias: resource('AWS::KMS::Alias', { AliasName: { 'Fn::Sub': 'alias/${Table}-${Key.Arn}' } }),
      Table: resource('AWS::DynamoDB::Table'),
      Key: resource('AWS::KMS::Key'),
    });
    expectBefore(order, [
      ['Table', 'Alias'],
      ['Key', 'Alias'],
    ]);
  });

  it('follows DependsOn, as a single name or a list', () => {
    const order = creationOrder({
      A: resource('AWS::SQS::Queue', {}, { DependsOn: 'C' }),
      B: resource('AWS::SQS::Queue', {}, { DependsOn: ['C', 'D'] }),
      C: resource('AWS::SQS::Queue', {}, { DependsOn: 'D' }),
      D: resource('AWS::SQS::Queue'),
    });
    expect(order).toEqual(['D', 'C', 'A', 'B']);
  });

  it('ignores parameters, pseudo parameters and a resource naming itself', () => {
    const order = creationOrder({
      Queue: resource('AWS::SQS::Queue', {
        QueueName: { 'Fn::Sub': '${AWS::StackName}-${Stage}' },
        Tags: [{ Key: 'self', Value: { 'Fn::Sub': '${Queue}' } }],
      }),
    });
    expect(order).toEqual(['Queue']);
  });

  it('leaves out a function DeploymentPreference, whose alarms refer back to the function', () => {
    const order = creationOrder({
      Fn: resource('AWS::Serverless::Function', { DeploymentPreference: { Alarms: [{ Ref: 'FnErrors' }] } }),
      FnErrors: resource('AWS::CloudWatch::Alarm', {
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }],
      }),
    });
    expect(order).toEqual(['Fn', 'FnErrors']);
  });

  it('reports a cycle with the path that closes it', () => {
    expect(() =>
      creationOrder({
        A: resource('AWS::SQS::Queue', { X: { Ref: 'B' } }),
        B: resource('AWS::SQS::Queue', { X: { 'Fn::Sub': '${C.Arn}' } }),
        C: resource('AWS::SQS::Queue', {}, { DependsOn: 'A' }),
      }),
    ).toThrow(new TemplateError('Circular dependency: A -> B -> C -> A'));
  });

  it('reports a cycle of two resources', () => {
    expect(() =>
      creationOrder({
        Topic: resource('AWS::SNS::Topic', { KmsMasterKeyId: { Ref: 'Key' } }),
        Key: resource('AWS::KMS::Key', { Description: { 'Fn::GetAtt': 'Topic.TopicName' } }),
      }),
    ).toThrow('Circular dependency: Key -> Topic -> Key');
  });
});

describe('deployStack without AWS (templates of kinds the local stack only records)', () => {
  const dir = makeTempDir('deploy-stack-unit');
  const logDir = makeTempDir('deploy-stack-unit-logs');
  let runtime: LocalRuntime;
  let functions: FunctionHost;

  beforeEach(() => {
    functions = new FunctionHost({}, logDir.path);
    runtime = aLocalRuntime({
      // Any AWS call fails at once: these templates must not need one.
      clients: unreachableClients(),
      functions,
      api: new RestApiServer(functions, recordingLog()),
      apiBaseUrl: 'http://127.0.0.1:3999/',
      log: recordingLog(),
    });
  });

  afterAll(async () => {
    await functions.stop();
    dir.remove();
    logDir.remove();
  });

  let templates = 0;
  const deploy = (template: string, options: Partial<DeployOptions> = {}) => {
    templates += 1;
    const templatePath = writeFile(dir.path, `template-${templates}.yaml`, template);
    return deployStack(
      {
        templatePath,
        stackName: 'shop',
        pseudo: {
          region: 'eu-west-1',
          accountId: '111122223333',
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: dir.path,
        ...options,
      },
      runtime,
    );
  };

  const parameters = `
Parameters:
  Stage:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Retention:
    Type: Number
    Default: 30
  Zones:
    Type: CommaDelimitedList
    Default: 'a, b,c'
  Owner:
    Type: String
`;

  const outputs = `
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: !Ref Retention
Outputs:
  Stage: { Value: !Ref Stage }
  Retention: { Value: !Ref Retention }
  SecondZone: { Value: !Select [1, !Ref Zones] }
  Zones: { Value: !Ref Zones }
  Owner: { Value: !Ref Owner }
`;

  describe('parameters', () => {
    it('uses the defaults, splits and trims list parameters, and takes overrides', async () => {
      const stack = await deploy(parameters + outputs, { parameterOverrides: { Owner: 'team-a' } });
      expect(stack.outputs).toEqual({
        Stage: 'dev',
        Retention: '30',
        SecondZone: 'b',
        Zones: 'a,b,c',
        Owner: 'team-a',
      });
    });

    it('lets an override replace a default', async () => {
      const stack = await deploy(parameters + outputs, { parameterOverrides: { Owner: 'x', Stage: 'prod' } });
      expect(stack.outputs.Stage).toBe('prod');
    });

    it('refuses a value outside AllowedValues, naming the parameter and the allowed values', async () => {
      await expect(
        deploy(parameters + outputs, { parameterOverrides: { Owner: 'x', Stage: 'test' } }),
      ).rejects.toThrow(
        new TemplateError(
          'The template parameters are not valid (1 problem):\n  - Stage: the value "test" is not one of the AllowedValues (dev, prod)',
        ),
      );
    });

    it('refuses a value for a parameter the template does not declare, as CloudFormation does', async () => {
      await expect(
        deploy(parameters + outputs, { parameterOverrides: { Owner: 'x', Stgae: 'prod' } }),
      ).rejects.toThrow(
        new TemplateError(
          'The template parameters are not valid (1 problem):\n  - Stgae: the template has no such parameter; did you mean Stage?',
        ),
      );
    });

    it('refuses a parameter without a default when no value is given', async () => {
      await expect(deploy(parameters + outputs)).rejects.toThrow(
        new TemplateError(
          'The template parameters are not valid (1 problem):\n  - Owner: no value was given and it has no Default',
        ),
      );
    });
  });

  describe('conditions', () => {
    const template = `
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsNotProd: !Not [!Condition IsProd]
  IsProdInIreland: !And [!Condition IsProd, !Equals [!Ref AWS::Region, eu-west-1]]
Resources:
  ProdAlarm:
    Type: AWS::CloudWatch::Alarm
    Condition: IsProd
  DevRole:
    Type: AWS::IAM::Role
    Condition: IsNotProd
Outputs:
  Size:
    Value: !If [IsProdInIreland, large, small]
  ProdAlarm:
    Condition: IsProd
    Value: !Ref ProdAlarm
`;

    it('skips resources and outputs whose condition is false', async () => {
      const stack = await deploy(template);
      expect([...stack.resources.keys()]).toEqual(['DevRole']);
      expect(runtime.notEmulated).toEqual(['AWS::IAM::Role DevRole']);
      expect(stack.outputs).toEqual({ Size: 'small' });
    });

    it('creates them when it holds, conditions referring to other conditions', async () => {
      const stack = await deploy(template, { parameterOverrides: { Stage: 'prod' } });
      expect([...stack.resources.keys()]).toEqual(['ProdAlarm']);
      expect(stack.outputs).toEqual({ Size: 'large', ProdAlarm: 'shop-ProdAlarm' });
    });

    it('names an unknown condition of a resource instead of skipping the resource', async () => {
      await expect(
        deploy(`
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Condition: IsProduction
`),
      ).rejects.toThrow(new TemplateError('Unknown condition IsProduction'));
      expect(runtime.notEmulated).toEqual([]);
    });

    it('names an unknown condition of an output', async () => {
      await expect(
        deploy(`
Resources:
  Logs: { Type: AWS::Logs::LogGroup }
Outputs:
  Name:
    Condition: IsProduction
    Value: !Ref Logs
`),
      ).rejects.toThrow(new TemplateError('Unknown condition IsProduction'));
    });

    it('names the conditions it cannot resolve', async () => {
      await expect(
        deploy(`
Conditions:
  A: !Condition Missing
Resources:
  Logs: { Type: AWS::Logs::LogGroup }
`),
      ).rejects.toThrow(new TemplateError('Conditions A cannot be resolved'));
    });
  });

  describe('resources the local stack does not emulate', () => {
    it('records them with their path and gives well-formed Ref and Arn values', async () => {
      const stack = await deploy(
        `
Resources:
  Role: { Type: AWS::IAM::Role }
  Logs: { Type: AWS::Logs::LogGroup }
Outputs:
  RoleName: { Value: !Ref Role }
  RoleArn: { Value: !GetAtt Role.Arn }
  LogsArn: { Value: !Sub '\${Logs.Arn}' }
`,
        { path: ['Parent'], stackName: 'shop-Parent' },
      );
      expect(runtime.notEmulated.sort()).toEqual([
        'AWS::IAM::Role Parent/Role',
        'AWS::Logs::LogGroup Parent/Logs',
      ]);
      expect(stack.outputs).toEqual({
        RoleName: 'shop-Parent-Role',
        RoleArn: 'arn:aws:iam:eu-west-1:111122223333:shop-Parent-Role',
        LogsArn: 'arn:aws:logs:eu-west-1:111122223333:shop-Parent-Logs',
      });
    });
  });

  describe('outputs', () => {
    it('evaluates pseudo parameters against the stack being deployed', async () => {
      const stack = await deploy(
        `
Resources:
  Logs: { Type: AWS::Logs::LogGroup }
Outputs:
  Id: { Value: !Ref AWS::StackId }
  Where: { Value: !Sub '\${AWS::StackName} in \${AWS::Region} of \${AWS::AccountId}' }
`,
        { stackName: 'other' },
      );
      expect(stack.stackName).toBe('other');
      expect(stack.outputs).toEqual({
        Id: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/other/local',
        Where: 'other in eu-west-1 of 111122223333',
      });
    });

    it('gives the CloudFormation value of an output about an API that does not run locally', async () => {
      const stack = await deploy(`
Resources:
  HttpApi: { Type: AWS::Serverless::HttpApi }
Outputs:
  HttpApiUrl:
    Value: !Sub https://\${HttpApi}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/
`);
      expect(stack.outputs.HttpApiUrl).toBe('https://shop-HttpApi.execute-api.eu-west-1.amazonaws.com/');
    });

    it('names an unknown reference in an output', async () => {
      await expect(
        deploy(`
Resources:
  Logs: { Type: AWS::Logs::LogGroup }
Outputs:
  Broken: { Value: !GetAtt Nowhere.Arn }
`),
      ).rejects.toThrow('Nowhere is not a parameter or a created resource');
    });
  });

  it('names the resource whose creation failed and the reason', async () => {
    await expect(
      deploy(`
Resources:
  Queue: { Type: AWS::SQS::Queue }
`),
    ).rejects.toThrow(/^Creating AWS::SQS::Queue Queue failed: .+/);
  });

  it('refuses a nested application whose Location is not a local template', async () => {
    await expect(
      deploy(`
Resources:
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: { ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x, SemanticVersion: 1.0.0 }
`),
    ).rejects.toThrow(
      'Creating AWS::Serverless::Application App failed: App: only nested applications with a local Location run locally',
    );
  });

  it('names the nested template it cannot read', async () => {
    await expect(
      deploy(`
Resources:
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: nested/missing.yaml
`),
    ).rejects.toThrow(
      `Creating AWS::Serverless::Application App failed: Cannot read the template ${dir.path}/nested/missing.yaml:`,
    );
  });

  it('deploys a nested application with a local Location, passing its Parameters and reading its Outputs', async () => {
    writeFile(
      dir.path,
      'nested/child.yaml',
      `
Parameters:
  Prefix: { Type: String }
  Names: { Type: CommaDelimitedList }
Resources:
  Role: { Type: AWS::IAM::Role }
Outputs:
  Summary:
    Value: !Sub ['\${Prefix}:\${AWS::StackName}:\${First}', { First: !Select [0, !Ref Names] }]
`,
    );
    const stack = await deploy(`
Resources:
  Child:
    Type: AWS::Serverless::Application
    Properties:
      Location: nested/child.yaml
      Parameters:
        Prefix: !Ref AWS::Region
        Names: [alpha, beta]
Outputs:
  FromChild: { Value: !GetAtt Child.Outputs.Summary }
  ChildStack: { Value: !Ref Child }
`);
    expect(stack.outputs).toEqual({ FromChild: 'eu-west-1:shop-Child:alpha', ChildStack: 'shop-Child' });
    expect(runtime.notEmulated).toEqual(['AWS::IAM::Role Child/Role']);
  });

  describe('AWS::LanguageExtensions', () => {
    const partners = `
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Partners: { Type: CommaDelimitedList, Default: Acme }
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: live
  Fn::ForEach::Partners:
    - Partner
    - !Ref Partners
    - Role\${Partner}:
        Type: AWS::IAM::Role
        Properties:
          Description: !Sub \${Partner} calls stage \${Api.Stage}
Outputs:
  Stage: { Value: !Ref Api.Stage }
  Fn::ForEach::Roles:
    - Partner
    - !Ref Partners
    - RoleArn\${Partner}:
        Value: !GetAtt [!Sub 'Role\${Partner}', Arn]
`;

    it('expands Fn::ForEach with the parameter values, in resources and outputs, keeping their order', async () => {
      const stack = await deploy(partners, { parameterOverrides: { Partners: 'Globex, Acme' } });
      expect(stack.declared).toEqual([
        { logicalId: 'Api', type: 'AWS::Serverless::Api' },
        { logicalId: 'RoleGlobex', type: 'AWS::IAM::Role' },
        { logicalId: 'RoleAcme', type: 'AWS::IAM::Role' },
      ]);
      expect(stack.outputs).toEqual({
        Stage: 'live',
        RoleArnGlobex: 'arn:aws:iam:eu-west-1:111122223333:shop-RoleGlobex',
        RoleArnAcme: 'arn:aws:iam:eu-west-1:111122223333:shop-RoleAcme',
      });
    });

    it('uses the default of the list parameter when no value is given', async () => {
      const stack = await deploy(partners);
      expect(Object.keys(stack.outputs)).toEqual(['Stage', 'RoleArnAcme']);
    });

    it('refuses a partner name that would make an invalid logical id, before creating anything', async () => {
      await expect(
        deploy(partners, { parameterOverrides: { Partners: 'Acme,Acme Retail' } }),
      ).rejects.toThrow(
        new TemplateError(
          'Fn::ForEach::Partners (in Resources): the value "Acme Retail" of Partner makes the name "RoleAcme Retail", ' +
            'which is not a valid logical id (letters and digits only, at most 255); give Partner values of ' +
            'letters and digits, or use &{Partner} in the key',
        ),
      );
      expect(runtime.notEmulated).toEqual([]);
    });
  });

  it('refuses a file that is not a template', async () => {
    await expect(deploy('hello: world\n')).rejects.toThrow('Not a CloudFormation template');
  });
});
