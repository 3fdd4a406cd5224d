import { asIntrinsic, isObject } from '../../../../local/template/values';

describe('asIntrinsic', () => {
  it('recognises Ref, Condition and Fn:: objects with a single key', () => {
    expect(asIntrinsic({ Ref: 'A' })).toEqual(['Ref', 'A']);
    expect(asIntrinsic({ Condition: 'C' })).toEqual(['Condition', 'C']);
    expect(asIntrinsic({ 'Fn::GetAtt': ['A', 'Arn'] })).toEqual(['Fn::GetAtt', ['A', 'Arn']]);
  });

  it('does not take ordinary objects, lists or scalars for intrinsics', () => {
    expect(asIntrinsic({ Ref: 'A', Other: 1 })).toBeUndefined();
    expect(asIntrinsic({ StringEquals: { a: 'b' } })).toBeUndefined();
    expect(asIntrinsic([{ Ref: 'A' }])).toBeUndefined();
    expect(asIntrinsic('Ref')).toBeUndefined();
    expect(asIntrinsic(null)).toBeUndefined();
  });
});

describe('isObject', () => {
  it('takes maps, intrinsic functions among them', () => {
    expect(isObject({})).toBe(true);
    expect(isObject({ Ref: 'A' })).toBe(true);
  });

  it('does not take lists, null or scalars', () => {
    for (const value of [[], null, undefined, 'a', 1, true]) expect(isObject(value)).toBe(false);
  });
});
