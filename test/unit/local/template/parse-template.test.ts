// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { loadTemplate, parseTemplate } from '../../../../local/template/parse-template';
import { makeTempDir, writeFile } from '../../../helpers/local-runtime';

/** Parses `properties` (YAML lines) as the properties of a single resource and returns them. */
const propertiesOf = (properties: string) => {
  const text = [
    'Resources:',
    '  Thing:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    ...properties
      .trim()
      .split('\n')
      .map((line) => `      ${line}`),
  ].join('\n');
  return parseTemplate(text).Resources.Thing?.Properties ?? {};
};

describe('parseTemplate', () => {
  it('turns !Ref into { Ref }', () => {
    expect(propertiesOf('A: !Ref Topic')).toEqual({ A: { Ref: 'Topic' } });
  });

  it('splits !GetAtt Resource.Attribute at the first dot', () => {
    expect(propertiesOf('A: !GetAtt Queue.Arn')).toEqual({ A: { 'Fn::GetAtt': ['Queue', 'Arn'] } });
  });

  it('keeps the rest of a nested output name in the attribute (!GetAtt App.Outputs.X)', () => {
    expect(propertiesOf('A: !GetAtt App.Outputs.TopicArn')).toEqual({
      A: { 'Fn::GetAtt': ['App', 'Outputs.TopicArn'] },
    });
  });

  it('accepts !GetAtt in its list form', () => {
    expect(propertiesOf('A: !GetAtt [Queue, Arn]')).toEqual({ A: { 'Fn::GetAtt': ['Queue', 'Arn'] } });
  });

  it('reads !Sub in its string and list forms', () => {
    expect(propertiesOf("A: !Sub '${AWS::StackName}-orders'")).toEqual({
      A: { 'Fn::Sub': '${AWS::StackName}-orders' },
    });
    expect(
      propertiesOf(`
A: !Sub
  - 'arn:\${AWS::Partition}:s3:::\${Bucket}/*'
  - Bucket: !Ref Archive`),
    ).toEqual({
      A: { 'Fn::Sub': ['arn:${AWS::Partition}:s3:::${Bucket}/*', { Bucket: { Ref: 'Archive' } }] },
    });
  });

  it('reads the condition functions !If, !Equals, !Not, !And, !Or and !Condition', () => {
    expect(
      propertiesOf(`
A: !If [IsProd, !Ref ProdKey, !Ref AWS::NoValue]
B: !Equals [!Ref Stage, prod]
C: !Not [!Equals [!Ref Stage, prod]]
D: !And [!Condition IsProd, !Equals [a, a]]
E: !Or [!Condition IsProd, !Condition IsDev]`),
    ).toEqual({
      A: { 'Fn::If': ['IsProd', { Ref: 'ProdKey' }, { Ref: 'AWS::NoValue' }] },
      B: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] },
      C: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }] },
      D: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': ['a', 'a'] }] },
      E: { 'Fn::Or': [{ Condition: 'IsProd' }, { Condition: 'IsDev' }] },
    });
  });

  it('reads the list functions !Join, !Select, !Split, !FindInMap, !GetAZs and !Base64, nested', () => {
    expect(
      propertiesOf(`
A: !Join ['-', [!Ref AWS::StackName, !Select [0, !Split [',', !Ref Names]]]]
B: !FindInMap [Sizes, !Ref Stage, Memory]
C: !GetAZs ''
D: !Base64 hello`),
    ).toEqual({
      A: {
        'Fn::Join': [
          '-',
          [{ Ref: 'AWS::StackName' }, { 'Fn::Select': [0, { 'Fn::Split': [',', { Ref: 'Names' }] }] }],
        ],
      },
      B: { 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] },
      C: { 'Fn::GetAZs': '' },
      D: { 'Fn::Base64': 'hello' },
    });
  });

  it('reads a !Sub written as a block scalar', () => {
    expect(propertiesOf('A: !Sub |\n  line ${Stage}\n')).toEqual({ A: { 'Fn::Sub': 'line ${Stage}\n' } });
  });

  it('reads the other sections as plain data', () => {
    const template = parseTemplate(`
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Condition: IsProd
    DependsOn: [Other]
Outputs:
  QueueArn:
    Value: !GetAtt Queue.Arn
`);
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(template.Parameters?.Stage).toEqual({
      Type: 'String',
      Default: 'dev',
      AllowedValues: ['dev', 'prod'],
    });
    expect(template.Conditions).toEqual({ IsProd: { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] } });
    expect(template.Resources.Queue).toEqual({
      Type: 'AWS::SQS::Queue',
      Condition: 'IsProd',
      DependsOn: ['Other'],
    });
    expect(template.Outputs?.QueueArn?.Value).toEqual({ 'Fn::GetAtt': ['Queue', 'Arn'] });
  });

  it('reads a template written in JSON', () => {
    const template = parseTemplate(
      JSON.stringify({
        Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { Ref: 'Name' } } } },
      }),
    );
    expect(template.Resources.Topic?.Properties).toEqual({ TopicName: { Ref: 'Name' } });
  });

  it('resolves YAML anchors and aliases', () => {
    expect(
      propertiesOf(`
A: &shared { Key: value }
B: *shared`),
    ).toEqual({ A: { Key: 'value' }, B: { Key: 'value' } });
  });

  it.each([
    ['a plain string', 'hello world'],
    ['an empty document', ''],
    ['a mapping without Resources', 'Parameters:\n  Stage: { Type: String }\n'],
    ['a list', '- Resources\n'],
  ])('refuses %s with a clear error', (_, text) => {
    expect(() => parseTemplate(text)).toThrow('Not a CloudFormation template: it has no Resources section');
  });
});

describe('loadTemplate', () => {
  const dir = makeTempDir('parse-template');
  afterAll(() => dir.remove());

  it('reads and parses a template file', () => {
    const path = writeFile(dir.path, 'template.yaml', 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n');
    expect(loadTemplate(path).Resources).toEqual({ Topic: { Type: 'AWS::SNS::Topic' } });
  });

  it('names the file when it does not exist', () => {
    const path = `${dir.path}/missing.yaml`;
    expect(() => loadTemplate(path)).toThrow(`Cannot read the template ${path}:`);
  });

  it('names the file and the problem when it is not a template', () => {
    const path = writeFile(dir.path, 'not-a-template.yaml', 'just: data\n');
    expect(() => loadTemplate(path)).toThrow(
      `Cannot read the template ${path}: Not a CloudFormation template: it has no Resources section`,
    );
  });

  it('names the file when its YAML is broken', () => {
    const path = writeFile(dir.path, 'broken.yaml', 'Resources:\n  Topic: [unclosed\n');
    expect(() => loadTemplate(path)).toThrow(`Cannot read the template ${path}:`);
  });
});
