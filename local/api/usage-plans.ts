/**
 * API keys and usage plans as API Gateway applies them to a method with ApiKeyRequired: the `x-api-key`
 * header must name an enabled key of a usage plan of this API and stage; the plan's throttle (a token
 * bucket per key) and quota (requests per UTC day, week or month, per key) then apply.
 */

export interface ApiKey {
  id: string;
  value: string;
  name: string;
  enabled: boolean;
}

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

export interface UsagePlan {
  id: string;
  name: string;
  apiStages: { apiId: string; stage: string }[];
  /** Requests per second and burst, for each key of the plan. */
  throttle?: { rateLimit?: number; burstLimit?: number };
  /** Requests per period for each key; `offset` is the day the period starts on (WEEK: 0 = Sunday). */
  quota?: { limit: number; period: QuotaPeriod; offset: number };
}

export type UsageDecision =
  | { admitted: true; key: ApiKey; plan: UsagePlan }
  | { admitted: false; gatewayResponse: 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED'; reason: string };

const DAY_MS = 86_400_000;

/** When the quota period holding `now` began (UTC), as a number that changes when a new period starts. */
export const quotaPeriodStart = (now: number, period: QuotaPeriod, offset = 0): number => {
  const date = new Date(now);
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  if (period === 'DAY') return midnight;
  if (period === 'WEEK') {
    const daysIntoWeek = (date.getUTCDay() - offset + 7) % 7;
    return midnight - daysIntoWeek * DAY_MS;
  }
  const day = offset + 1;
  const thisMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), day);
  return thisMonth <= now ? thisMonth : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - 1, day);
};

interface KeyUsage {
  tokens: number;
  updatedAt: number;
  periodStart: number;
  used: number;
}

/** A plan's throttle is configured per key: a burst of BurstLimit refilled at RateLimit per second. */
const hasThrottle = (plan: UsagePlan) =>
  plan.throttle?.rateLimit !== undefined || plan.throttle?.burstLimit !== undefined;

export class UsagePlans {
  private readonly keys = new Map<string, ApiKey>();
  private readonly plans = new Map<string, UsagePlan>();
  /** Key ids by plan id. */
  private readonly planKeys = new Map<string, Set<string>>();
  private readonly usage = new Map<string, KeyUsage>();

  addKey(key: ApiKey) {
    if ([...this.keys.values()].some((other) => other.value === key.value))
      throw new Error(`an API key with the value of ${key.name} already exists`);
    this.keys.set(key.id, key);
  }

  keyById(id: string): ApiKey | undefined {
    return this.keys.get(id);
  }

  addPlan(plan: UsagePlan) {
    this.plans.set(plan.id, plan);
    this.planKeys.set(plan.id, new Set());
  }

  /** Associates a key with a plan; as in API Gateway, a key has one plan per API stage. */
  addPlanKey(planId: string, keyId: string) {
    const plan = this.plans.get(planId);
    if (!plan) throw new Error(`${planId} is not a usage plan of the local stack`);
    if (!this.keys.has(keyId)) throw new Error(`${keyId} is not an API key of the local stack`);
    for (const other of this.plans.values()) {
      const shared = other.apiStages.some((stage) =>
        plan.apiStages.some((own) => own.apiId === stage.apiId && own.stage === stage.stage),
      );
      if (other.id !== planId && shared && this.planKeys.get(other.id)?.has(keyId)) {
        throw new Error(
          `the API key ${keyId} is already in the usage plan ${other.id} of the same API stage`,
        );
      }
    }
    this.planKeys.get(planId)?.add(keyId);
  }

  /** The decision for a request to `apiId`/`stage` carrying the `x-api-key` value `keyValue`. */
  admit(apiId: string, stage: string, keyValue: string | undefined, now = Date.now()): UsageDecision {
    const refuse = (gatewayResponse: 'INVALID_API_KEY' | 'THROTTLED' | 'QUOTA_EXCEEDED', reason: string) =>
      ({ admitted: false, gatewayResponse, reason }) as const;
    if (!keyValue) return refuse('INVALID_API_KEY', 'no API key');
    const key = [...this.keys.values()].find((candidate) => candidate.value === keyValue);
    if (!key) return refuse('INVALID_API_KEY', 'an unknown API key');
    if (!key.enabled) return refuse('INVALID_API_KEY', `the API key ${key.id} is disabled`);
    const plan = [...this.plans.values()].find(
      (candidate) =>
        this.planKeys.get(candidate.id)?.has(key.id) &&
        candidate.apiStages.some((each) => each.apiId === apiId && each.stage === stage),
    );
    if (!plan) return refuse('INVALID_API_KEY', `the API key ${key.id} is in no usage plan of this stage`);

    const usageId = `${plan.id}/${key.id}`;
    const burst = plan.throttle?.burstLimit ?? plan.throttle?.rateLimit ?? Number.POSITIVE_INFINITY;
    const rate = plan.throttle?.rateLimit ?? Number.POSITIVE_INFINITY;
    const periodStart = plan.quota ? quotaPeriodStart(now, plan.quota.period, plan.quota.offset) : 0;
    let usage = this.usage.get(usageId);
    if (!usage) {
      usage = { tokens: burst, updatedAt: now, periodStart, used: 0 };
      this.usage.set(usageId, usage);
    }
    if (usage.periodStart !== periodStart) Object.assign(usage, { periodStart, used: 0 });
    if (plan.quota && usage.used >= plan.quota.limit)
      return refuse('QUOTA_EXCEEDED', `the usage plan ${plan.id}'s quota is spent`);
    if (hasThrottle(plan)) {
      const elapsedMs = Math.max(0, now - usage.updatedAt);
      usage.tokens = Math.min(burst, usage.tokens + (elapsedMs === 0 ? 0 : (elapsedMs / 1000) * rate));
      usage.updatedAt = now;
      if (usage.tokens < 1) return refuse('THROTTLED', `the usage plan ${plan.id}'s throttle`);
      usage.tokens -= 1;
    }
    usage.used += 1;
    return { admitted: true, key, plan };
  }
}
