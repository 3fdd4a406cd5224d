import { RestApiServer } from '../../../../local/api/rest-api-server';
import { FunctionHost } from '../../../../local/lambda/function-host';
import {
  createApiKey,
  createUsagePlan,
  createUsagePlanKey,
  generateApiKeyValue,
  localApiGatewayId,
} from '../../../../local/provisioners/usage-plans';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import { aLocalRuntime, makeTempDir, recordingLog, unreachableClients } from '../../../helpers/local-runtime';

const stack = aStackFrame({ stackName: 'shop', region: 'eu-west-1', accountId: '111122223333' });

const toCreate = (logicalId: string, type: string, properties: Record<string, unknown>) =>
  aResourceToCreate(logicalId, type, properties, stack);

describe('the API key and usage plan provisioners (no AWS calls)', () => {
  const logs = makeTempDir('usage-plans-logs');
  const functions = new FunctionHost({}, logs.path);
  let runtime: LocalRuntime;

  beforeEach(() => {
    const api = new RestApiServer(functions, recordingLog());
    api.addApi({ apiId: 'checkout01', logicalId: 'CheckoutApi', stageName: 'Prod', models: {} });
    runtime = aLocalRuntime({ clients: unreachableClients(), functions, api });
  });

  afterAll(async () => {
    await functions.stop();
    logs.remove();
  });

  describe('createApiKey', () => {
    it('gives the key an id of 10 lowercase letters and digits, its Ref and APIKeyId, stable per stack and resource', async () => {
      const key = await createApiKey(
        toCreate('AcmeKey', 'AWS::ApiGateway::ApiKey', { Enabled: true }),
        runtime,
      );
      expect(key.ref).toMatch(/^[a-z0-9]{10}$/);
      expect(key).toEqual({
        ref: localApiGatewayId(stack, 'AcmeKey', 10),
        attributes: { APIKeyId: key.ref },
      });
      expect(localApiGatewayId(stack, 'GlobexKey', 10)).not.toBe(key.ref);
    });

    it('generates a value of 40 letters and digits, another on every run, unless the template gives one', async () => {
      const generated = await createApiKey(
        toCreate('AcmeKey', 'AWS::ApiGateway::ApiKey', { Enabled: true }),
        runtime,
      );
      expect(runtime.api.usagePlans.keyById(generated.ref)?.value).toMatch(/^[A-Za-z0-9]{40}$/);
      expect(generateApiKeyValue()).not.toBe(generateApiKeyValue());
      const given = await createApiKey(
        toCreate('FixedKey', 'AWS::ApiGateway::ApiKey', { Value: 'a-key-value-of-twenty-chars' }),
        runtime,
      );
      expect(runtime.api.usagePlans.keyById(given.ref)?.value).toBe('a-key-value-of-twenty-chars');
    });

    it("keeps a key disabled unless Enabled says true, CloudFormation's default", async () => {
      const key = await createApiKey(
        toCreate('Quiet', 'AWS::ApiGateway::ApiKey', { Name: 'quiet' }),
        runtime,
      );
      expect(runtime.api.usagePlans.keyById(key.ref)).toMatchObject({ name: 'quiet', enabled: false });
      const enabled = await createApiKey(
        toCreate('Loud', 'AWS::ApiGateway::ApiKey', { Enabled: 'true' }),
        runtime,
      );
      expect(runtime.api.usagePlans.keyById(enabled.ref)).toMatchObject({ name: 'shop-Loud', enabled: true });
    });

    it('refuses a Value shorter than the 20 characters API Gateway requires', async () => {
      await expect(
        createApiKey(toCreate('Short', 'AWS::ApiGateway::ApiKey', { Value: 'short' }), runtime),
      ).rejects.toThrow('Value must be at least 20 characters long, as API Gateway requires');
    });
  });

  describe('createUsagePlan and createUsagePlanKey', () => {
    it('creates a plan of the API stage whose throttle and quota apply to its keys', async () => {
      const plan = await createUsagePlan(
        toCreate('AcmePlan', 'AWS::ApiGateway::UsagePlan', {
          ApiStages: [{ ApiId: 'checkout01', Stage: 'Prod' }],
          Throttle: { RateLimit: '0.001', BurstLimit: '1' },
          Quota: { Limit: '5', Period: 'DAY' },
        }),
        runtime,
      );
      expect(plan).toEqual({ ref: localApiGatewayId(stack, 'AcmePlan', 6), attributes: { Id: plan.ref } });
      const key = await createApiKey(
        toCreate('AcmeKey', 'AWS::ApiGateway::ApiKey', { Enabled: true }),
        runtime,
      );
      const planKey = await createUsagePlanKey(
        toCreate('AcmePlanKey', 'AWS::ApiGateway::UsagePlanKey', {
          KeyId: key.ref,
          KeyType: 'API_KEY',
          UsagePlanId: plan.ref,
        }),
        runtime,
      );
      expect(planKey).toEqual({ ref: key.ref, attributes: { Id: key.ref } });
      const value = runtime.api.usagePlans.keyById(key.ref)?.value;
      expect(runtime.api.usagePlans.admit('checkout01', 'Prod', value).admitted).toBe(true);
      expect(runtime.api.usagePlans.admit('checkout01', 'Prod', value)).toMatchObject({
        gatewayResponse: 'THROTTLED',
      });
    });

    it('refuses a stage of an API the local stack does not serve, or a stage the API does not have', async () => {
      await expect(
        createUsagePlan(
          toCreate('P', 'AWS::ApiGateway::UsagePlan', { ApiStages: [{ ApiId: 'nowhere01', Stage: 'Prod' }] }),
          runtime,
        ),
      ).rejects.toThrow('ApiStages: nowhere01 is not a REST API of the local stack');
      await expect(
        createUsagePlan(
          toCreate('P', 'AWS::ApiGateway::UsagePlan', { ApiStages: [{ ApiId: 'checkout01', Stage: 'dev' }] }),
          runtime,
        ),
      ).rejects.toThrow('ApiStages: the API checkout01 has the stage Prod, not dev');
    });

    it('refuses a quota period API Gateway does not know, and a key type other than API_KEY', async () => {
      await expect(
        createUsagePlan(
          toCreate('P', 'AWS::ApiGateway::UsagePlan', { Quota: { Limit: 1, Period: 'YEAR' } }),
          runtime,
        ),
      ).rejects.toThrow('Quota.Period must be DAY, WEEK or MONTH, not YEAR');
      await expect(
        createUsagePlanKey(
          toCreate('K', 'AWS::ApiGateway::UsagePlanKey', { KeyId: 'k', KeyType: 'OTHER', UsagePlanId: 'p' }),
          runtime,
        ),
      ).rejects.toThrow('KeyType must be API_KEY');
    });

    it('records a per-method throttle of an API stage as not emulated', async () => {
      await createUsagePlan(
        toCreate('Detailed', 'AWS::ApiGateway::UsagePlan', {
          ApiStages: [
            { ApiId: 'checkout01', Stage: 'Prod', Throttle: { '/checkout/POST': { RateLimit: 1 } } },
          ],
        }),
        runtime,
      );
      expect(runtime.notEmulated).toEqual([
        "the per-method Throttle of Detailed's ApiStages (the plan's Throttle applies)",
      ]);
    });
  });
});
