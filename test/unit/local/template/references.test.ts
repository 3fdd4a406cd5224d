// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import {
  reference,
  referencedId,
  referencedLogicalIds,
  references,
} from '../../../../local/template/references';

describe('referencedLogicalIds', () => {
  const ids = (value: unknown) => [...referencedLogicalIds(value)].sort();

  it('finds Ref targets and the resources of GetAtt in both forms', () => {
    expect(
      ids({ A: { Ref: 'Topic' }, B: { 'Fn::GetAtt': 'Queue.Arn' }, C: { 'Fn::GetAtt': ['Key', 'Arn'] } }),
    ).toEqual(['Key', 'Queue', 'Topic']);
  });

  it('finds the resource of a nested output GetAtt (App.Outputs.X)', () => {
    expect(ids({ 'Fn::GetAtt': 'App.Outputs.TopicArn' })).toEqual(['App']);
  });

  it('finds the resource of a GetAtt whose logical id is a Fn::Sub without variables', () => {
    expect(ids({ 'Fn::GetAtt': [{ 'Fn::Sub': 'ClientAcme' }, 'ClientId'] })).toEqual(['ClientAcme']);
  });

  it('finds what a computed logical id of GetAtt refers to', () => {
    expect(ids({ 'Fn::GetAtt': [{ 'Fn::Sub': 'Client${Partner}' }, 'ClientId'] })).toEqual(['Partner']);
  });

  it("finds the API of SAM's !Ref Api.Stage", () => {
    expect(ids({ Ref: 'CheckoutApi.Stage' })).toEqual(['CheckoutApi']);
  });

  it('finds the variables of Fn::Sub, the resource of ${Res.Attr}, and skips ${!Literal}', () => {
    expect(ids({ 'Fn::Sub': '${Table}/${Queue.Arn}/${!Literal}' })).toEqual(['Queue', 'Table']);
  });

  it('looks into the variables of the list form of Fn::Sub, whose names are not references', () => {
    expect(ids({ 'Fn::Sub': ['${Name}/${Queue}', { Name: { 'Fn::GetAtt': 'Bucket.Arn' } }] })).toEqual([
      'Bucket',
      'Queue',
    ]);
  });

  it('finds a computed attribute of GetAtt', () => {
    expect(ids({ 'Fn::GetAtt': ['App', { 'Fn::Sub': 'Outputs.${Output}' }] })).toEqual(['App', 'Output']);
  });

  it('adds to the set it is given', () => {
    const found = new Set(['DependsOnThis']);
    expect(referencedLogicalIds({ Ref: 'Topic' }, found)).toBe(found);
    expect([...found].sort()).toEqual(['DependsOnThis', 'Topic']);
  });

  it('looks inside other functions, lists and maps at any depth', () => {
    const value = {
      Policies: [
        { Statement: { Resource: { 'Fn::If': ['IsProd', { Ref: 'ProdKey' }, { Ref: 'AWS::NoValue' }] } } },
      ],
      Name: { 'Fn::Join': ['-', [{ Ref: 'Prefix' }, 'x']] },
    };
    expect(ids(value)).toEqual(['AWS::NoValue', 'Prefix', 'ProdKey']);
  });

  it('finds nothing in plain values', () => {
    expect(
      ids({ QueueName: 'orders', VisibilityTimeout: 30, Tags: [{ Key: 'Ref', Value: 'Queue' }] }),
    ).toEqual([]);
  });
});

describe('references', () => {
  it('gives each reference with its attribute, in the order they appear', () => {
    expect(
      references({
        A: { Ref: 'Topic' },
        B: { 'Fn::GetAtt': 'App.Outputs.TopicArn' },
        C: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}/${Key.Arn}' },
      }),
    ).toEqual([
      { id: 'Topic' },
      { id: 'App', attribute: 'Outputs.TopicArn' },
      { id: 'AWS::Partition' },
      { id: 'Bucket' },
      { id: 'Key', attribute: 'Arn' },
    ]);
  });
});

describe('reference', () => {
  it("reads !Ref, SAM's !Ref X.Alias as the function itself", () => {
    expect(reference({ Ref: 'Queue' })).toEqual({ id: 'Queue' });
    expect(reference({ Ref: 'CheckoutFunction.Alias' })).toEqual({ id: 'CheckoutFunction' });
  });

  it('reads both forms of !GetAtt, a nested output keeping the rest of its name', () => {
    expect(reference({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toEqual({ id: 'Queue', attribute: 'Arn' });
    expect(reference({ 'Fn::GetAtt': 'App.Outputs.TopicArn' })).toEqual({
      id: 'App',
      attribute: 'Outputs.TopicArn',
    });
    expect(reference({ 'Fn::GetAtt': ['Queue'] })).toEqual({ id: 'Queue' });
  });

  it('reads a !GetAtt whose logical id is a !Sub without variables, not one that is computed', () => {
    expect(reference({ 'Fn::GetAtt': [{ 'Fn::Sub': 'ClientAcme' }, 'ClientId'] })).toEqual({
      id: 'ClientAcme',
      attribute: 'ClientId',
    });
    expect(reference({ 'Fn::GetAtt': [{ 'Fn::Sub': 'Client${Partner}' }, 'ClientId'] })).toBeUndefined();
  });

  it('reads a !Sub that is exactly one variable, following a variable of the list form', () => {
    expect(reference({ 'Fn::Sub': '${Queue.QueueName}' })).toEqual({ id: 'Queue', attribute: 'QueueName' });
    expect(reference({ 'Fn::Sub': '${Table}' })).toEqual({ id: 'Table' });
    expect(reference({ 'Fn::Sub': ['${Name}', { Name: { 'Fn::GetAtt': 'Bucket.Arn' } }] })).toEqual({
      id: 'Bucket',
      attribute: 'Arn',
    });
  });

  it('gives nothing for a !Sub with more than the variable, a literal, or other values', () => {
    expect(reference({ 'Fn::Sub': 'arn:${Queue.Arn}' })).toBeUndefined();
    expect(reference({ 'Fn::Sub': '${!Literal}' })).toBeUndefined();
    expect(reference({ 'Fn::Join': ['', [{ Ref: 'Queue' }]] })).toBeUndefined();
    expect(reference({ Ref: 'Queue', Other: 1 })).toBeUndefined();
    expect(reference('Queue')).toBeUndefined();
  });

  it('gives the logical id alone with referencedId', () => {
    expect(referencedId({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe('Queue');
    expect(referencedId({ 'Fn::Sub': 'x' })).toBeUndefined();
  });
});
