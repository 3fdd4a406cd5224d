import { parameterOverridesFrom } from '../../../local/parameter-overrides';

describe('parameterOverridesFrom (npm start -- --parameter-overrides ...)', () => {
  it('reads Key=Value arguments, a value keeping its commas and equals signs', () => {
    expect(
      parameterOverridesFrom([
        '--parameter-overrides',
        'Partners=AcmeRetail,Globex',
        'Filter={"a":1}',
        'Expr=a=b',
      ]),
    ).toEqual({ Partners: 'AcmeRetail,Globex', Filter: '{"a":1}', Expr: 'a=b' });
  });

  it('reads several pairs in one argument separated by spaces, as sam deploy takes them', () => {
    expect(parameterOverridesFrom(['--parameter-overrides', 'StageName=dev PartnerDailyQuota=10'])).toEqual({
      StageName: 'dev',
      PartnerDailyQuota: '10',
    });
  });

  it('reads the ParameterKey=...,ParameterValue=... form', () => {
    expect(
      parameterOverridesFrom(['--parameter-overrides', 'ParameterKey=Partners,ParameterValue=Acme,Globex']),
    ).toEqual({ Partners: 'Acme,Globex' });
  });

  it('stops at the next option, and gives nothing without the option', () => {
    expect(parameterOverridesFrom(['--parameter-overrides', 'A=1', '--other', 'B=2'])).toEqual({ A: '1' });
    expect(parameterOverridesFrom(['A=1'])).toEqual({});
  });

  it('refuses an argument that is not a Key=Value pair, quoting it', () => {
    expect(() => parameterOverridesFrom(['--parameter-overrides', 'Partners'])).toThrow(
      '--parameter-overrides takes Key=Value pairs, not "Partners"',
    );
  });
});
