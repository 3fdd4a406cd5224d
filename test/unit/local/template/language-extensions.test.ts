// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { TemplateError } from '../../../../local/stack/intrinsics';
import {
  alphanumericOnly,
  expandLanguageExtensions,
  usesLanguageExtensions,
} from '../../../../local/template/language-extensions';
import { parseTemplate, type Template } from '../../../../local/template/parse-template';

const TRANSFORM = 'Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\n';

/** Collections as the stack would evaluate them: `!Ref Partners` is the list parameter, a list is itself. */
const PARAMETERS: Record<string, unknown> = {
  Partners: ['Acme', 'Globex'],
  Regions: ['eu-west-1', 'us-east-1'],
  Owner: 'team-a',
};
const resolve = (collection: unknown) => {
  if (Array.isArray(collection)) return collection;
  const name = (collection as { Ref?: string }).Ref;
  if (name && name in PARAMETERS) return PARAMETERS[name];
  throw new Error(`cannot evaluate ${JSON.stringify(collection)}`);
};

const expand = (yaml: string): Template => expandLanguageExtensions(parseTemplate(yaml), resolve);

/** The TemplateError that expanding `yaml` throws. */
const refusal = (yaml: string): string => {
  try {
    expand(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return (error as Error).message;
  }
  throw new Error('expected a TemplateError, but the template expanded');
};

describe('expandLanguageExtensions (Fn::ForEach)', () => {
  it('makes one set of resources per item, with ${Id} in keys, Ref Id and ${Id} in Fn::Sub', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Pool: { Type: AWS::Cognito::UserPool }
  Fn::ForEach::Partners:
    - Partner
    - !Ref Partners
    - Client\${Partner}:
        Type: AWS::Cognito::UserPoolClient
        Properties:
          UserPoolId: !Ref Pool
          ClientName: !Ref Partner
          Description: Client \${Partner}
      Key\${Partner}:
        Type: AWS::ApiGateway::ApiKey
        Properties:
          Name: !Sub \${AWS::StackName}-\${Partner}-\${!Partner}
`);
    expect(template.Resources).toEqual({
      Pool: { Type: 'AWS::Cognito::UserPool' },
      ClientAcme: {
        Type: 'AWS::Cognito::UserPoolClient',
        Properties: { UserPoolId: { Ref: 'Pool' }, ClientName: 'Acme', Description: 'Client ${Partner}' },
      },
      KeyAcme: {
        Type: 'AWS::ApiGateway::ApiKey',
        Properties: { Name: { 'Fn::Sub': '${AWS::StackName}-Acme-${!Partner}' } },
      },
      ClientGlobex: {
        Type: 'AWS::Cognito::UserPoolClient',
        Properties: { UserPoolId: { Ref: 'Pool' }, ClientName: 'Globex', Description: 'Client ${Partner}' },
      },
      KeyGlobex: {
        Type: 'AWS::ApiGateway::ApiKey',
        Properties: { Name: { 'Fn::Sub': '${AWS::StackName}-Globex-${!Partner}' } },
      },
    });
  });

  it('keeps the order of the collection, so the first item makes the first resources', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners:
    - Partner
    - !Ref Partners
    - Client\${Partner}: { Type: AWS::Cognito::UserPoolClient }
`);
    expect(Object.keys(template.Resources)).toEqual(['ClientAcme', 'ClientGlobex']);
  });

  it('expands a loop inside a resource property map, such as Environment.Variables', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TABLE: orders
          Fn::ForEach::ClientIds:
            - Partner
            - !Ref Partners
            - PARTNER_CLIENT_ID_\${Partner}: !GetAtt [!Sub 'Client\${Partner}', ClientId]
`);
    expect(template.Resources.Fn?.Properties?.Environment).toEqual({
      Variables: {
        TABLE: 'orders',
        PARTNER_CLIENT_ID_Acme: { 'Fn::GetAtt': ['ClientAcme', 'ClientId'] },
        PARTNER_CLIENT_ID_Globex: { 'Fn::GetAtt': ['ClientGlobex', 'ClientId'] },
      },
    });
  });

  it('expands Outputs, turning !GetAtt [!Sub ..., Attr] into a plain GetAtt of the logical id', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Pool: { Type: AWS::Cognito::UserPool }
Outputs:
  PoolId: { Value: !Ref Pool }
  Fn::ForEach::PartnerOutputs:
    - Partner
    - !Ref Partners
    - ClientId\${Partner}:
        Description: !Sub The client of \${Partner}.
        Value: !GetAtt [!Sub 'Client\${Partner}', ClientId]
`);
    expect(template.Outputs).toEqual({
      PoolId: { Value: { Ref: 'Pool' } },
      ClientIdAcme: {
        Description: { 'Fn::Sub': 'The client of Acme.' },
        Value: { 'Fn::GetAtt': ['ClientAcme', 'ClientId'] },
      },
      ClientIdGlobex: {
        Description: { 'Fn::Sub': 'The client of Globex.' },
        Value: { 'Fn::GetAtt': ['ClientGlobex', 'ClientId'] },
      },
    });
  });

  it('leaves a GetAtt whose Fn::Sub still has variables for the stack to evaluate', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners:
    - Partner
    - !Ref Partners
    - Alias\${Partner}:
        Type: AWS::KMS::Alias
        Properties:
          TargetKeyId: !GetAtt [!Sub '\${Prefix}\${Partner}', Arn]
`);
    expect(template.Resources.AliasAcme?.Properties?.TargetKeyId).toEqual({
      'Fn::GetAtt': [{ 'Fn::Sub': '${Prefix}Acme' }, 'Arn'],
    });
  });

  it('drops the non-alphanumeric characters of the item where a key says &{Id}', () => {
    expect(alphanumericOnly('eu-west-1')).toBe('euwest1');
    const template = expand(`${TRANSFORM}
Resources:
  Fn::ForEach::Regions:
    - Region
    - !Ref Regions
    - Topic&{Region}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub orders-\${Region}
`);
    expect(template.Resources).toEqual({
      Topiceuwest1: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'orders-eu-west-1' } } },
      Topicuseast1: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': 'orders-us-east-1' } } },
    });
  });

  it('expands nested loops, the inner collection and fragment seeing the outer identifier', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners:
    - Partner
    - [Acme, Globex]
    - Fn::ForEach::Stages:
        - Stage
        - [Dev, Prod]
        - Queue\${Partner}\${Stage}:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub \${Partner}-\${Stage}
`);
    expect(Object.keys(template.Resources)).toEqual([
      'QueueAcmeDev',
      'QueueAcmeProd',
      'QueueGlobexDev',
      'QueueGlobexProd',
    ]);
    expect(template.Resources.QueueGlobexProd?.Properties).toEqual({
      QueueName: { 'Fn::Sub': 'Globex-Prod' },
    });
  });

  it('lets a Fn::Sub variable of the same name hide the identifier', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners:
    - Partner
    - [Acme]
    - Topic\${Partner}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub ['\${Partner}', { Partner: fixed }]
`);
    expect(template.Resources.TopicAcme?.Properties?.TopicName).toEqual({
      'Fn::Sub': ['${Partner}', { Partner: 'fixed' }],
    });
  });

  it('makes nothing for an empty collection', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Keep: { Type: AWS::SNS::Topic }
  Fn::ForEach::None:
    - Item
    - []
    - Topic\${Item}: { Type: AWS::SNS::Topic }
`);
    expect(Object.keys(template.Resources)).toEqual(['Keep']);
  });

  it('refuses a value that would make an invalid logical id, naming the loop, the value and the way out', () => {
    const message = refusal(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners:
    - Partner
    - [Acme, Acme-Retail]
    - Client\${Partner}: { Type: AWS::Cognito::UserPoolClient }
`);
    expect(message).toBe(
      'Fn::ForEach::Partners (in Resources): the value "Acme-Retail" of Partner makes the name "ClientAcme-Retail", ' +
        'which is not a valid logical id (letters and digits only, at most 255); give Partner values of letters ' +
        'and digits, or use &{Partner} in the key',
    );
  });

  it('refuses an invalid output name the same way', () => {
    expect(
      refusal(`${TRANSFORM}
Resources:
  Keep: { Type: AWS::SNS::Topic }
Outputs:
  Fn::ForEach::Outputs:
    - Partner
    - [Acme Retail]
    - Client\${Partner}: { Value: x }
`),
    ).toContain('the value "Acme Retail" of Partner makes the name "ClientAcme Retail"');
  });

  it('accepts inside a property map keys that are no logical ids, such as environment variable names', () => {
    const template = expand(`${TRANSFORM}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          Fn::ForEach::Regions:
            - Region
            - !Ref Regions
            - QUEUE_\${Region}: x
`);
    expect(template.Resources.Fn?.Properties?.Environment).toEqual({
      Variables: { 'QUEUE_eu-west-1': 'x', 'QUEUE_us-east-1': 'x' },
    });
  });

  it('refuses a loop that makes a key the map already has', () => {
    expect(
      refusal(`${TRANSFORM}
Resources:
  ClientAcme: { Type: AWS::Cognito::UserPoolClient }
  Fn::ForEach::Partners:
    - Partner
    - [Acme]
    - Client\${Partner}: { Type: AWS::Cognito::UserPoolClient }
`),
    ).toBe('Fn::ForEach::Partners (in Resources) makes the key ClientAcme twice');
  });

  it('refuses an empty value, and a collection that is not a list of strings', () => {
    const loop = (collection: string) => `${TRANSFORM}
Resources:
  Fn::ForEach::Partners:
    - Partner
    - ${collection}
    - Client\${Partner}: { Type: AWS::Cognito::UserPoolClient }
`;
    expect(refusal(loop("['']"))).toBe(
      'Fn::ForEach::Partners (in Resources): the collection holds an empty value',
    );
    expect(refusal(loop('[{ a: 1 }]'))).toContain('the collection holds {"a":1}, not a string');
    expect(refusal(loop('!Ref Owner'))).toBe(
      'Fn::ForEach::Partners (in Resources): the collection must be a list',
    );
  });

  it('refuses a loop that is not [Identifier, Collection, {OutputKey: OutputValue}]', () => {
    expect(
      refusal(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners: [Partner, [Acme]]
`),
    ).toBe(
      'Fn::ForEach::Partners (in Resources) must be a list of three: [Identifier, Collection, {OutputKey: OutputValue}]',
    );
    expect(
      refusal(`${TRANSFORM}
Resources:
  Fn::ForEach::Partners: [Part-ner, [Acme], { X: { Type: T } }]
`),
    ).toContain('the identifier must be a name of letters and digits');
  });

  it('refuses Fn::ForEach in a template without the AWS::LanguageExtensions transform', () => {
    expect(
      refusal(`Transform: AWS::Serverless-2016-10-31
Resources:
  Fn::ForEach::Partners:
    - Partner
    - [Acme]
    - Client\${Partner}: { Type: T }
`),
    ).toBe('Fn::ForEach needs "Transform: AWS::LanguageExtensions" in the template');
  });

  it('gives a template without the transform and without loops back as it is', () => {
    const template = parseTemplate('Resources:\n  Topic: { Type: AWS::SNS::Topic }\n');
    expect(expandLanguageExtensions(template, resolve)).toBe(template);
    expect(usesLanguageExtensions(template)).toBe(false);
    expect(usesLanguageExtensions({ Transform: 'AWS::LanguageExtensions' })).toBe(true);
  });
});
