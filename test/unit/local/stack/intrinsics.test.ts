// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import {
  type EvaluationScope,
  evaluate,
  evaluateCondition,
  NO_VALUE,
  type ResourceState,
  TemplateError,
} from '../../../../local/stack/intrinsics';

const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:111122223333:shop-Queue';
const NESTED_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:shop-App-Topic';

const aScope = (overrides: Partial<EvaluationScope> = {}): EvaluationScope => ({
  pseudo: {
    region: 'eu-west-1',
    accountId: '111122223333',
    stackName: 'shop',
    stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/shop/local',
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
  },
  parameters: { Stage: 'dev', Zones: ['a', 'b', 'c'], AttributeName: 'QueueName' },
  conditions: { IsProd: false, IsDev: true },
  mappings: { Sizes: { dev: { Memory: 128 }, prod: { Memory: 1024 } } },
  resources: new Map<string, ResourceState>([
    [
      'Queue',
      {
        ref: 'http://localhost/123/shop-Queue',
        attributes: { Arn: QUEUE_ARN, QueueName: 'shop-Queue' },
      },
    ],
    ['App', { ref: 'shop-App', attributes: { 'Outputs.TopicArn': NESTED_TOPIC_ARN } }],
  ]),
  ...overrides,
});

const evaluated = (value: unknown, scope = aScope()) => evaluate(value, scope);

/** The TemplateError `run` throws (fails the test if it throws nothing, or something else). */
const templateErrorOf = (run: () => unknown): TemplateError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError, but nothing was thrown');
};

describe('evaluate', () => {
  describe('Ref', () => {
    it('gives the value of a parameter', () => {
      expect(evaluated({ Ref: 'Stage' })).toBe('dev');
    });

    it('gives a list parameter as a list', () => {
      expect(evaluated({ Ref: 'Zones' })).toEqual(['a', 'b', 'c']);
    });

    it.each([
      ['AWS::Region', 'eu-west-1'],
      ['AWS::AccountId', '111122223333'],
      ['AWS::StackName', 'shop'],
      ['AWS::StackId', 'arn:aws:cloudformation:eu-west-1:111122223333:stack/shop/local'],
      ['AWS::Partition', 'aws'],
      ['AWS::URLSuffix', 'amazonaws.com'],
    ])('gives the pseudo parameter %s from the stack', (name, value) => {
      expect(evaluated({ Ref: name })).toBe(value);
    });

    it('gives AWS::NotificationARNs as an empty list', () => {
      expect(evaluated({ Ref: 'AWS::NotificationARNs' })).toEqual([]);
    });

    it('gives what a created resource returns for Ref', () => {
      expect(evaluated({ Ref: 'Queue' })).toBe('http://localhost/123/shop-Queue');
    });

    it('prefers a parameter over a resource of the same name, as parameters and resources share names', () => {
      const scope = aScope({ parameters: { Queue: 'from-parameter' } });
      expect(evaluated({ Ref: 'Queue' }, scope)).toBe('from-parameter');
    });

    it('names an unknown name in a TemplateError', () => {
      const error = templateErrorOf(() => evaluated({ Ref: 'Missing' }));
      expect(error.message).toBe('Missing is not a parameter or a created resource');
    });
  });

  describe('Fn::GetAtt', () => {
    it('reads an attribute given in the dotted string form', () => {
      expect(evaluated({ 'Fn::GetAtt': 'Queue.Arn' })).toBe(QUEUE_ARN);
    });

    it('reads an attribute given in the list form', () => {
      expect(evaluated({ 'Fn::GetAtt': ['Queue', 'QueueName'] })).toBe('shop-Queue');
    });

    it("reads a nested application's output in both forms (Outputs.X)", () => {
      expect(evaluated({ 'Fn::GetAtt': 'App.Outputs.TopicArn' })).toBe(NESTED_TOPIC_ARN);
      expect(evaluated({ 'Fn::GetAtt': ['App', 'Outputs.TopicArn'] })).toBe(NESTED_TOPIC_ARN);
    });

    it('evaluates an attribute name given as an intrinsic', () => {
      expect(evaluated({ 'Fn::GetAtt': ['Queue', { Ref: 'AttributeName' }] })).toBe('shop-Queue');
    });

    it('evaluates a logical id given as an intrinsic, as Fn::ForEach writes !GetAtt [!Sub ..., Attr]', () => {
      expect(evaluated({ 'Fn::GetAtt': [{ 'Fn::Sub': 'Queue' }, 'Arn'] })).toBe(QUEUE_ARN);
      expect(evaluated({ 'Fn::GetAtt': [{ 'Fn::Join': ['', ['Que', 'ue']] }, 'QueueName'] })).toBe(
        'shop-Queue',
      );
    });

    it('names the resource and the attribute when the attribute does not exist', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::GetAtt': 'Queue.StreamArn' }));
      expect(error.message).toBe('Queue has no attribute StreamArn in the local stack');
    });

    it('names an unknown resource', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::GetAtt': ['Nowhere', 'Arn'] }));
      expect(error.message).toContain('Nowhere');
    });
  });

  describe('Fn::Sub', () => {
    it('substitutes parameters, pseudo parameters and resource Refs in the string form', () => {
      expect(evaluated({ 'Fn::Sub': '${AWS::StackName}-${Stage}-${AWS::Region} at ${Queue}' })).toBe(
        'shop-dev-eu-west-1 at http://localhost/123/shop-Queue',
      );
    });

    it('substitutes ${Resource.Attribute} with the attribute', () => {
      expect(evaluated({ 'Fn::Sub': 'queue ${Queue.Arn}' })).toBe(`queue ${QUEUE_ARN}`);
    });

    it("substitutes a nested application's output with ${App.Outputs.X}", () => {
      expect(evaluated({ 'Fn::Sub': '${App.Outputs.TopicArn}' })).toBe(NESTED_TOPIC_ARN);
    });

    it('leaves ${!Literal} as the literal ${Literal}', () => {
      expect(evaluated({ 'Fn::Sub': '${!Literal}-${Stage}' })).toBe('${Literal}-dev');
    });

    it('uses the variables of the list form, evaluated, before parameters', () => {
      const value = {
        'Fn::Sub': ['${Stage}/${Arn}', { Stage: 'override', Arn: { 'Fn::GetAtt': 'Queue.Arn' } }],
      };
      expect(evaluated(value)).toBe(`override/${QUEUE_ARN}`);
    });

    it('accepts the list form without variables', () => {
      expect(evaluated({ 'Fn::Sub': ['${Stage}'] })).toBe('dev');
    });

    it('joins a list parameter with commas', () => {
      expect(evaluated({ 'Fn::Sub': 'zones: ${Zones}' })).toBe('zones: a,b,c');
    });

    it('names an unknown variable', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::Sub': 'x-${Unknown}' }));
      expect(error.message).toContain('Unknown');
    });

    it('names an unknown attribute of ${Resource.Attribute}', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::Sub': '${Queue.Nope}' }));
      expect(error.message).toBe('Queue has no attribute Nope in the local stack');
    });
  });

  describe('list functions', () => {
    it('joins evaluated parts with Fn::Join', () => {
      expect(
        evaluated({ 'Fn::Join': ['-', ['a', { Ref: 'Stage' }, { 'Fn::GetAtt': 'Queue.QueueName' }]] }),
      ).toBe('a-dev-shop-Queue');
    });

    it('joins a list that an intrinsic returns', () => {
      expect(evaluated({ 'Fn::Join': ['', { Ref: 'Zones' }] })).toBe('abc');
    });

    it('picks one item with Fn::Select, also when the index is a string', () => {
      expect(evaluated({ 'Fn::Select': [1, ['x', 'y', 'z']] })).toBe('y');
      expect(evaluated({ 'Fn::Select': ['2', { Ref: 'Zones' }] })).toBe('c');
    });

    it('names an index that Fn::Select cannot pick', () => {
      expect(templateErrorOf(() => evaluated({ 'Fn::Select': [3, ['x', 'y', 'z']] })).message).toBe(
        'Fn::Select index 3 is out of range for a list of 3',
      );
      expect(() => evaluated({ 'Fn::Select': [-1, ['x']] })).toThrow(TemplateError);
      expect(() => evaluated({ 'Fn::Select': ['first', ['x']] })).toThrow(TemplateError);
    });

    it('splits a string with Fn::Split, which Fn::Select can index', () => {
      expect(evaluated({ 'Fn::Split': [':', { 'Fn::GetAtt': 'Queue.Arn' }] })).toEqual([
        'arn',
        'aws',
        'sqs',
        'eu-west-1',
        '111122223333',
        'shop-Queue',
      ]);
      expect(evaluated({ 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': 'Queue.Arn' }] }] })).toBe(
        'shop-Queue',
      );
    });

    it('gives three availability zones of the region with Fn::GetAZs', () => {
      expect(evaluated({ 'Fn::GetAZs': '' })).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    });

    it('encodes with Fn::Base64', () => {
      expect(evaluated({ 'Fn::Base64': { 'Fn::Sub': '${Stage}!' } })).toBe(
        Buffer.from('dev!').toString('base64'),
      );
    });

    it('reports a function that needs a list but got something else', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::Join': '-' }));
      expect(error.message).toBe('Fn::Join expects a list');
    });
  });

  describe('conditions', () => {
    it('picks the branch of Fn::If that the condition selects', () => {
      expect(evaluated({ 'Fn::If': ['IsDev', 'small', 'large'] })).toBe('small');
      expect(evaluated({ 'Fn::If': ['IsProd', 'small', { Ref: 'Stage' }] })).toBe('dev');
    });

    it('names an unknown condition in Fn::If', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::If': ['IsStaging', 'a', 'b'] }));
      expect(error.message).toBe('Unknown condition IsStaging');
    });

    it('compares evaluated values with Fn::Equals, numbers and strings alike', () => {
      expect(evaluated({ 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] })).toBe(true);
      expect(evaluated({ 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] })).toBe(false);
      expect(evaluated({ 'Fn::Equals': [1, '1'] })).toBe(true);
    });

    it('combines conditions with Fn::Not, Fn::And and Fn::Or', () => {
      const isDev = { Condition: 'IsDev' };
      const isProd = { Condition: 'IsProd' };
      expect(evaluated({ 'Fn::Not': [isDev] })).toBe(false);
      expect(evaluated({ 'Fn::And': [isDev, { 'Fn::Equals': ['a', 'a'] }] })).toBe(true);
      expect(evaluated({ 'Fn::And': [isDev, isProd] })).toBe(false);
      expect(evaluated({ 'Fn::Or': [isProd, isDev] })).toBe(true);
      expect(evaluated({ 'Fn::Or': [isProd, { 'Fn::Not': [isDev] }] })).toBe(false);
    });

    it('refuses a condition operand that is not true or false', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::Not': ['yes'] }));
      expect(error.message).toBe('A condition must evaluate to true or false');
    });

    it('evaluates a whole condition with evaluateCondition', () => {
      expect(evaluateCondition({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }, aScope())).toBe(true);
      expect(() => evaluateCondition({ Ref: 'Stage' }, aScope())).toThrow(TemplateError);
    });

    it('names an unknown condition referenced with Condition', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::Not': [{ Condition: 'Nope' }] }));
      expect(error.message).toBe('Unknown condition Nope');
    });
  });

  describe('Fn::FindInMap', () => {
    it('reads the mapping with evaluated keys', () => {
      expect(evaluated({ 'Fn::FindInMap': ['Sizes', { Ref: 'Stage' }, 'Memory'] })).toBe(128);
    });

    it('names the missing entry', () => {
      const error = templateErrorOf(() => evaluated({ 'Fn::FindInMap': ['Sizes', 'test', 'Memory'] }));
      expect(error.message).toBe('Mapping Sizes.test.Memory does not exist');
    });
  });

  describe('AWS::NoValue', () => {
    it('drops a property whose value is AWS::NoValue', () => {
      const properties = {
        QueueName: 'orders',
        KmsMasterKeyId: { 'Fn::If': ['IsProd', 'alias/orders', { Ref: 'AWS::NoValue' }] },
      };
      expect(evaluated(properties)).toEqual({ QueueName: 'orders' });
      expect(Object.keys(evaluated(properties) as object)).not.toContain('KmsMasterKeyId');
    });

    it('drops a list item whose value is AWS::NoValue', () => {
      const list = ['first', { 'Fn::If': ['IsProd', 'second', { Ref: 'AWS::NoValue' }] }, 'third'];
      expect(evaluated(list)).toEqual(['first', 'third']);
    });

    it('gives the NO_VALUE marker for a bare Ref', () => {
      expect(evaluated({ Ref: 'AWS::NoValue' })).toBe(NO_VALUE);
    });
  });

  it('evaluates intrinsics at any depth and leaves plain values as they are', () => {
    const value = {
      Name: 'plain',
      Count: 3,
      Enabled: true,
      Nothing: null,
      Statement: [{ Effect: 'Allow', Resource: [{ 'Fn::GetAtt': 'Queue.Arn' }] }],
      Environment: { Variables: { STAGE: { Ref: 'Stage' } } },
    };
    expect(evaluated(value)).toEqual({
      Name: 'plain',
      Count: 3,
      Enabled: true,
      Nothing: null,
      Statement: [{ Effect: 'Allow', Resource: [QUEUE_ARN] }],
      Environment: { Variables: { STAGE: 'dev' } },
    });
  });

  it('reports an intrinsic the local stack does not support by name', () => {
    const error = templateErrorOf(() => evaluated({ 'Fn::ImportValue': 'shared-Topic' }));
    expect(error.message).toBe('Fn::ImportValue is not supported by the local stack');
  });
});
