import { parseTemplate } from '../../../../local/template/parse-template';
import {
  dummyEnvironment,
  environmentOf,
  expandWithDefaults,
  functionsOf,
  numberValue,
  parameterDefaults,
} from '../../../../scripts/lib/project-templates';

const template = parseTemplate(`
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Partners:
    Type: CommaDelimitedList
    Default: 'Acme, Globex'
  QueueTimeout:
    Type: Number
    Default: 60
  Stage:
    Type: String
Globals:
  Function:
    Timeout: 10
    Environment:
      Variables:
        LOG_LEVEL: INFO
Resources:
  Checkout:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          TOPIC_ARN: !Ref Topic
          QUEUE_TIMEOUT: !Ref QueueTimeout
  Standalone:
    Type: AWS::Serverless::Function
    IgnoreGlobals: [Environment]
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Timeout: 5
  Fn::ForEach::Partner:
    - Partner
    - !Ref Partners
    - Client\${Partner}:
        Type: AWS::SQS::Queue
`);

describe('functionsOf', () => {
  it('gives the properties that take effect: SAM Globals merged in, IgnoreGlobals honoured', () => {
    expect(functionsOf(template).map(({ id, properties }) => [id, properties])).toEqual([
      [
        'Checkout',
        {
          Timeout: 10,
          Environment: {
            Variables: {
              LOG_LEVEL: 'INFO',
              TOPIC_ARN: { Ref: 'Topic' },
              QUEUE_TIMEOUT: { Ref: 'QueueTimeout' },
            },
          },
        },
      ],
      ['Standalone', { Timeout: 10 }],
      ['Plain', { Timeout: 5 }],
    ]);
  });
});

describe('parameterDefaults and expandWithDefaults', () => {
  it('gives the defaults, lists split and trimmed, and leaves out parameters without one', () => {
    expect(parameterDefaults(template)).toEqual({ Partners: ['Acme', 'Globex'], QueueTimeout: '60' });
  });

  it('expands Fn::ForEach with the defaults', () => {
    expect(Object.keys(expandWithDefaults(template).Resources)).toEqual(
      expect.arrayContaining(['ClientAcme', 'ClientGlobex']),
    );
  });
});

describe('numberValue and dummyEnvironment', () => {
  it('reads a literal number, a numeric string or a parameter default', () => {
    expect(numberValue(template, 30)).toBe(30);
    expect(numberValue(template, '45')).toBe(45);
    expect(numberValue(template, { Ref: 'QueueTimeout' })).toBe(60);
    expect(numberValue(template, { Ref: 'Stage' })).toBeUndefined();
  });

  it('gives plausible values for environment variables that are not literals', () => {
    const checkout = functionsOf(template).find(({ id }) => id === 'Checkout');
    expect(dummyEnvironment(template, checkout ? environmentOf(checkout) : {}, 'eu-west-1')).toEqual({
      LOG_LEVEL: 'INFO',
      TOPIC_ARN: 'arn:aws:dummy:eu-west-1:123456789012:topic-arn',
      QUEUE_TIMEOUT: '60',
    });
  });
});
