import { quotaPeriodStart, type UsagePlan, UsagePlans } from '../../../../local/api/usage-plans';

const KEY_VALUE = 'AcmeKeyValueAcmeKeyValueAcmeKeyValue0001';
const T0 = Date.UTC(2026, 10, 26, 12, 0, 0); // a Thursday

const aPlan = (overrides: Partial<UsagePlan> = {}): UsagePlan => ({
  id: 'plan01',
  name: 'acme',
  apiStages: [{ apiId: 'checkout01', stage: 'Prod' }],
  ...overrides,
});

/** Plans with one enabled key, `acme01`, in `plan`. */
const plansWith = (plan: UsagePlan) => {
  const plans = new UsagePlans();
  plans.addKey({ id: 'acme01', value: KEY_VALUE, name: 'acme', enabled: true });
  plans.addPlan(plan);
  plans.addPlanKey(plan.id, 'acme01');
  return plans;
};

describe('UsagePlans.admit (API keys and usage plans of a method with ApiKeyRequired)', () => {
  it('admits an enabled key of a plan of the API stage, naming the key and the plan', () => {
    const decision = plansWith(aPlan()).admit('checkout01', 'Prod', KEY_VALUE, T0);
    expect(decision).toMatchObject({
      admitted: true,
      key: { id: 'acme01', value: KEY_VALUE },
      plan: { id: 'plan01' },
    });
  });

  it.each([
    ['no key', undefined, 'no API key'],
    ['an empty key', '', 'no API key'],
    ['an unknown key', 'SomeOtherValueSomeOtherValueSomeOther001', 'an unknown API key'],
  ])('refuses %s with INVALID_API_KEY', (_, value, reason) => {
    expect(plansWith(aPlan()).admit('checkout01', 'Prod', value, T0)).toEqual({
      admitted: false,
      gatewayResponse: 'INVALID_API_KEY',
      reason,
    });
  });

  it('refuses a disabled key', () => {
    const plans = new UsagePlans();
    plans.addKey({ id: 'acme01', value: KEY_VALUE, name: 'acme', enabled: false });
    plans.addPlan(aPlan());
    plans.addPlanKey('plan01', 'acme01');
    expect(plans.admit('checkout01', 'Prod', KEY_VALUE, T0)).toMatchObject({
      admitted: false,
      gatewayResponse: 'INVALID_API_KEY',
      reason: 'the API key acme01 is disabled',
    });
  });

  it('refuses a key whose plans are for another API or another stage', () => {
    const plans = plansWith(aPlan());
    for (const [apiId, stage] of [
      ['otherapi01', 'Prod'],
      ['checkout01', 'dev'],
    ] as const) {
      expect(plans.admit(apiId, stage, KEY_VALUE, T0)).toMatchObject({
        admitted: false,
        gatewayResponse: 'INVALID_API_KEY',
        reason: 'the API key acme01 is in no usage plan of this stage',
      });
    }
  });

  it('refuses a key that is in no plan at all', () => {
    const plans = new UsagePlans();
    plans.addKey({ id: 'acme01', value: KEY_VALUE, name: 'acme', enabled: true });
    plans.addPlan(aPlan());
    expect(plans.admit('checkout01', 'Prod', KEY_VALUE, T0)).toMatchObject({
      gatewayResponse: 'INVALID_API_KEY',
    });
  });

  describe('throttle', () => {
    it('allows a burst of BurstLimit, then THROTTLED until RateLimit refills the bucket', () => {
      const plans = plansWith(aPlan({ throttle: { rateLimit: 2, burstLimit: 3 } }));
      const at = (ms: number) => plans.admit('checkout01', 'Prod', KEY_VALUE, T0 + ms);
      expect([at(0), at(0), at(0), at(0)].map((decision) => decision.admitted)).toEqual([
        true,
        true,
        true,
        false,
      ]);
      expect(at(0)).toMatchObject({ gatewayResponse: 'THROTTLED' });
      // 2 requests per second: one token back after 500 ms.
      expect(at(400).admitted).toBe(false);
      expect(at(500).admitted).toBe(true);
      expect(at(500).admitted).toBe(false);
    });

    it('throttles each key on its own', () => {
      const plans = plansWith(aPlan({ throttle: { rateLimit: 1, burstLimit: 1 } }));
      const otherValue = 'GlobexKeyValueGlobexKeyValueGlobex000001';
      plans.addKey({ id: 'globex01', value: otherValue, name: 'globex', enabled: true });
      plans.addPlanKey('plan01', 'globex01');
      expect(plans.admit('checkout01', 'Prod', KEY_VALUE, T0).admitted).toBe(true);
      expect(plans.admit('checkout01', 'Prod', KEY_VALUE, T0).admitted).toBe(false);
      expect(plans.admit('checkout01', 'Prod', otherValue, T0).admitted).toBe(true);
    });

    it('does not throttle a plan without a throttle', () => {
      const plans = plansWith(aPlan());
      const decisions = Array.from({ length: 50 }, () => plans.admit('checkout01', 'Prod', KEY_VALUE, T0));
      expect(decisions.every((decision) => decision.admitted)).toBe(true);
    });
  });

  describe('quota', () => {
    it('answers QUOTA_EXCEEDED once the day is spent, and admits again the next UTC day', () => {
      const plans = plansWith(aPlan({ quota: { limit: 2, period: 'DAY', offset: 0 } }));
      const at = (time: number) => plans.admit('checkout01', 'Prod', KEY_VALUE, time);
      expect(at(T0).admitted).toBe(true);
      expect(at(T0 + 1000).admitted).toBe(true);
      expect(at(T0 + 2000)).toEqual({
        admitted: false,
        gatewayResponse: 'QUOTA_EXCEEDED',
        reason: "the usage plan plan01's quota is spent",
      });
      const lastMsOfTheDay = Date.UTC(2026, 10, 26, 23, 59, 59, 999);
      expect(at(lastMsOfTheDay).admitted).toBe(false);
      expect(at(lastMsOfTheDay + 1).admitted).toBe(true);
    });

    it('does not count throttled requests against the quota', () => {
      const plans = plansWith(
        aPlan({ throttle: { rateLimit: 1, burstLimit: 1 }, quota: { limit: 2, period: 'DAY', offset: 0 } }),
      );
      const at = (ms: number) => plans.admit('checkout01', 'Prod', KEY_VALUE, T0 + ms);
      expect(at(0).admitted).toBe(true);
      expect(at(1)).toMatchObject({ gatewayResponse: 'THROTTLED' });
      expect(at(1000).admitted).toBe(true);
      expect(at(5000)).toMatchObject({ gatewayResponse: 'QUOTA_EXCEEDED' });
    });
  });

  it('refuses to put a key in a second plan of the same API stage, as API Gateway does', () => {
    const plans = plansWith(aPlan());
    plans.addPlan(aPlan({ id: 'plan02', name: 'second' }));
    expect(() => plans.addPlanKey('plan02', 'acme01')).toThrow(
      'the API key acme01 is already in the usage plan plan01 of the same API stage',
    );
  });

  it('refuses a second key with the same value, and associations of unknown keys and plans', () => {
    const plans = plansWith(aPlan());
    expect(() => plans.addKey({ id: 'copy01', value: KEY_VALUE, name: 'copy', enabled: true })).toThrow(
      'an API key with the value of copy already exists',
    );
    expect(() => plans.addPlanKey('plan01', 'nokey01')).toThrow(
      'nokey01 is not an API key of the local stack',
    );
    expect(() => plans.addPlanKey('noplan', 'acme01')).toThrow(
      'noplan is not a usage plan of the local stack',
    );
  });
});

describe('quotaPeriodStart', () => {
  it('starts a DAY at UTC midnight', () => {
    expect(quotaPeriodStart(T0, 'DAY')).toBe(Date.UTC(2026, 10, 26));
  });

  it('starts a WEEK on Sunday, or the day Offset says (1 = Monday)', () => {
    expect(quotaPeriodStart(T0, 'WEEK')).toBe(Date.UTC(2026, 10, 22));
    expect(quotaPeriodStart(T0, 'WEEK', 1)).toBe(Date.UTC(2026, 10, 23));
    expect(quotaPeriodStart(Date.UTC(2026, 10, 22, 0, 0, 1), 'WEEK')).toBe(Date.UTC(2026, 10, 22));
  });

  it('starts a MONTH on its first day, or on day Offset + 1, in the previous month before that day', () => {
    expect(quotaPeriodStart(T0, 'MONTH')).toBe(Date.UTC(2026, 10, 1));
    expect(quotaPeriodStart(T0, 'MONTH', 27)).toBe(Date.UTC(2026, 9, 28));
    expect(quotaPeriodStart(Date.UTC(2026, 0, 3), 'MONTH', 9)).toBe(Date.UTC(2025, 11, 10));
  });
});
