// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { loadTemplate } from '../../local/template/parse-template';
import type { JsonObject } from '../../local/template/values';
import { loadStacks, resourcesOfType, type Stack } from '../../scripts/lib/project-templates';
import { renderModelBlock, renderValidatorModule, VALIDATOR_MODULES } from '../../scripts/sync-order-schema';
import { apiGatewayRequestModel, VALUE_QUOTING_KEYWORDS } from '../../src/domain/order/order-schema';
import {
  deadLetterQueueIds,
  missingOutputs,
  requestModelsMatchSchemas,
  sqsConsumers,
  templateInvariants,
} from './invariants';
import { projectTemplates } from './templates';

const REQUIRED_OUTPUTS = [
  'ApiUrl',
  'TopicArn',
  'CheckoutQueueUrl',
  'CheckoutDeadLetterQueueUrl',
  'CheckoutTableName',
];

describe.each(projectTemplates())('$name', ({ template }) => {
  it.each(Object.entries(templateInvariants))('keeps the invariant: %s', (_, invariant) => {
    expect(invariant(template)).toEqual([]);
  });

  it('keeps the invariant: every API request model deep-equals its source schema', () => {
    expect(requestModelsMatchSchemas(template, { Order: apiGatewayRequestModel() })).toEqual([]);
  });
});

describe('the root template.yaml', () => {
  const root = loadTemplate(ROOT_TEMPLATE);

  it('relates the checkout queues and their consumer through their references, so the invariants see them', () => {
    expect(deadLetterQueueIds(root)).toEqual(
      new Set(['CheckoutDeadLetterQueue', 'CheckoutSubscriptionDeadLetterQueue']),
    );
    expect(sqsConsumers(root)).toMatchObject([
      {
        source: 'CheckoutFunction.Events.CheckoutQueueOrders',
        functionId: 'CheckoutFunction',
        queueId: 'CheckoutQueue',
      },
    ]);
  });

  it('gives CheckoutApi the API Gateway request model of the order schema as its Order model', () => {
    expect(root.Resources.CheckoutApi?.Properties?.Models).toEqual({ Order: apiGatewayRequestModel() });
  });

  it('gives API Gateway no keyword whose validation message could quote a value, anywhere in any model', () => {
    const quoting = new Set<string>(VALUE_QUOTING_KEYWORDS);
    const keys = (value: unknown, path: string): string[] => {
      if (Array.isArray(value)) return value.flatMap((child, index) => keys(child, `${path}[${index}]`));
      if (value === null || typeof value !== 'object') return [];
      return Object.entries(value).flatMap(([key, child]) => [
        ...(quoting.has(key) ? [`${path}.${key}`] : []),
        ...keys(child, `${path}.${key}`),
      ]);
    };
    const models = Object.entries(root.Resources)
      .filter(
        ([, resource]) =>
          resource.Type === 'AWS::Serverless::Api' || resource.Type === 'AWS::ApiGateway::Model',
      )
      .flatMap(([id, resource]) =>
        keys(resource.Properties?.Models ?? resource.Properties?.Schema ?? {}, id),
      );
    expect(Object.keys(root.Resources.CheckoutApi?.Properties?.Models ?? {})).toEqual(['Order']);
    expect(models).toEqual([]);
  });

  it('validates POST /checkout bodies against the Order model', () => {
    expect(root.Resources.CheckoutApiFunction?.Properties?.Events).toMatchObject({
      PostCheckout: { Type: 'Api', Properties: { RequestModel: { Model: 'Order', ValidateBody: true } } },
    });
  });

  it.each(Object.entries(VALIDATOR_MODULES))(
    'has beside it %s exactly as `npm run schema:sync` compiles it',
    (module, { schema, name }) => {
      expect(readFileSync(join(PROJECT_ROOT, module), 'utf8')).toBe(renderValidatorModule(schema, name));
    },
  );

  it('has a validator for the request and one for the event', () => {
    expect(
      Object.values(VALIDATOR_MODULES)
        .map(({ name }) => name)
        .sort(),
    ).toEqual(['validateOrderEventSchema', 'validateOrderRequestSchema']);
  });

  it('holds the Order model block exactly as `npm run schema:sync` writes it', () => {
    const text = readFileSync(ROOT_TEMPLATE, 'utf8');
    expect(renderModelBlock(text)).toBe(text);
  });

  it('outputs what the local stack, the CLIs and the integration tests look up', () => {
    expect(missingOutputs(root, REQUIRED_OUTPUTS)).toEqual([]);
  });

  it('passes each nested application only values its parameters allow', () => {
    const stacks = loadStacks(ROOT_TEMPLATE);
    const mismatches = stacks.flatMap(({ stackPath, template }) =>
      resourcesOfType(template, 'AWS::Serverless::Application').flatMap(([id, application]) => {
        const nested = stacks.find((stack) => stack.stackPath.join('/') === [...stackPath, id].join('/'));
        const passed = (application.Properties?.Parameters ?? {}) as Record<string, unknown>;
        return Object.entries(passed).flatMap(([name, value]) => {
          const source = (value as { Ref?: string }).Ref;
          const allowedAbove = source ? template.Parameters?.[source]?.AllowedValues : undefined;
          const allowedBelow = nested?.template.Parameters?.[name]?.AllowedValues;
          if (!nested?.template.Parameters?.[name]) return [`${id} has no parameter ${name}`];
          if (!allowedAbove || !allowedBelow) return [];
          const refused = (allowedAbove as unknown[]).filter(
            (each) => !(allowedBelow as unknown[]).includes(each),
          );
          return refused.length > 0 ? [`${id}.${name} refuses ${refused.join(', ')} of ${source}`] : [];
        });
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it("lets the search pipeline's analysts read this stack's outputs, and nothing else in CloudFormation", () => {
    const search = loadTemplate(join(PROJECT_ROOT, 'pipelines/search-analytics/template.yaml'));
    expect(search.Outputs?.AnalystsRoleName?.Value).toEqual({ Ref: 'AnalystsRole' });
    expect(root.Resources.SearchAnalystsReadStackOutputs?.Properties).toEqual({
      PolicyName: 'read-checkout-stack-outputs',
      Roles: [{ 'Fn::GetAtt': ['SearchAnalyticsPipeline', 'Outputs.AnalystsRoleName'] }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DescribeThisStack',
            Effect: 'Allow',
            Action: 'cloudformation:DescribeStacks',
            Resource: {
              'Fn::Sub':
                'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*',
            },
          },
        ],
      },
    });
  });
});

describe('partners on the root template.yaml (Fn::ForEach expanded with the parameters’ defaults)', () => {
  const root = (loadStacks(ROOT_TEMPLATE)[0] as Stack).template;
  const WRITE_SCOPE = 'checkout/orders.write';
  const defaultPartners = String(root.Parameters?.Partners?.Default).split(',');

  const apiEvents = resourcesOfType(root, 'AWS::Serverless::Function').flatMap(([functionId, fn]) =>
    Object.entries((fn.Properties?.Events ?? {}) as Record<string, { Type: string; Properties: JsonObject }>)
      .filter(([, event]) => event.Type === 'Api')
      .map(([eventId, event]) => ({ name: `${functionId}.${eventId}`, properties: event.Properties })),
  );

  it('has at least one API method to protect', () => {
    expect(apiEvents.map(({ name }) => name)).toContain('CheckoutApiFunction.PostCheckout');
  });

  it.each(apiEvents)(
    'requires the partner authorizer, the write scope and an API key on $name',
    ({ properties }) => {
      expect(properties.Auth).toEqual({
        Authorizer: 'PartnerAuthorizer',
        AuthorizationScopes: [WRITE_SCOPE],
        ApiKeyRequired: true,
      });
    },
  );

  it('makes the partner authorizer, backed by the partner user pool, the default of CheckoutApi', () => {
    expect(root.Resources.CheckoutApi?.Properties?.Auth).toEqual({
      DefaultAuthorizer: 'PartnerAuthorizer',
      ApiKeyRequired: true,
      Authorizers: {
        PartnerAuthorizer: {
          UserPoolArn: { 'Fn::GetAtt': ['PartnerUserPool', 'Arn'] },
          Identity: { Header: 'Authorization' },
        },
      },
    });
  });

  it('declares the write scope on the resource server the methods name', () => {
    const [identifier, scopeName] = WRITE_SCOPE.split('/');
    expect(root.Resources.CheckoutResourceServer?.Properties).toMatchObject({
      Identifier: identifier,
      Scopes: [expect.objectContaining({ ScopeName: scopeName })],
    });
  });

  it('gives each partner of the Partners parameter one app client, API key, usage plan and plan key', () => {
    expect(defaultPartners.length).toBeGreaterThanOrEqual(1);
    for (const partner of defaultPartners) {
      expect([
        root.Resources[`PartnerClient${partner}`]?.Type,
        root.Resources[`PartnerApiKey${partner}`]?.Type,
        root.Resources[`PartnerUsagePlan${partner}`]?.Type,
        root.Resources[`PartnerUsagePlanKey${partner}`]?.Type,
      ]).toEqual([
        'AWS::Cognito::UserPoolClient',
        'AWS::ApiGateway::ApiKey',
        'AWS::ApiGateway::UsagePlan',
        'AWS::ApiGateway::UsagePlanKey',
      ]);
    }
  });

  it.each(resourcesOfType(root, 'AWS::Cognito::UserPoolClient'))(
    'lets the app client %s use client credentials for the write scope only, with a secret',
    (_, client) => {
      expect(client.Properties).toMatchObject({
        UserPoolId: { Ref: 'PartnerUserPool' },
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [WRITE_SCOPE],
      });
      expect(client.Properties).not.toHaveProperty('CallbackURLs');
      expect(JSON.stringify(client.Properties?.ExplicitAuthFlows ?? [])).not.toMatch(/PASSWORD|CUSTOM_AUTH/);
    },
  );

  it.each(defaultPartners)(
    'throttles and caps %s with its own usage plan on the CheckoutApi stage',
    (partner) => {
      expect(root.Resources[`PartnerUsagePlan${partner}`]?.Properties).toMatchObject({
        ApiStages: [{ ApiId: { Ref: 'CheckoutApi' }, Stage: { Ref: 'CheckoutApi.Stage' } }],
        Throttle: {
          RateLimit: { Ref: 'PartnerThrottlingRateLimit' },
          BurstLimit: { Ref: 'PartnerThrottlingBurstLimit' },
        },
        Quota: { Limit: { Ref: 'PartnerDailyQuota' }, Period: 'DAY' },
      });
      expect(root.Resources[`PartnerUsagePlanKey${partner}`]?.Properties).toEqual({
        KeyId: { 'Fn::GetAtt': [`PartnerApiKey${partner}`, 'APIKeyId'] },
        KeyType: 'API_KEY',
        UsagePlanId: { 'Fn::GetAtt': [`PartnerUsagePlan${partner}`, 'Id'] },
      });
    },
  );

  it("hands the checkout API function each partner's client id, the idempotency table and the retention", () => {
    const environment = root.Resources.CheckoutApiFunction?.Properties?.Environment as
      | { Variables: JsonObject }
      | undefined;
    const variables = environment?.Variables;
    expect(variables).toMatchObject({
      IDEMPOTENCY_TABLE_NAME: { Ref: 'IdempotencyTable' },
      ORDER_ID_RETENTION_SECONDS: { Ref: 'OrderIdRetentionSeconds' },
      ...Object.fromEntries(
        defaultPartners.map((partner) => [
          `PARTNER_CLIENT_ID_${partner}`,
          { 'Fn::GetAtt': [`PartnerClient${partner}`, 'ClientId'] },
        ]),
      ),
    });
  });

  it('remembers accepted order ids for at least 24 hours by default, in a table whose items expire', () => {
    expect(Number(root.Parameters?.OrderIdRetentionSeconds?.Default)).toBeGreaterThanOrEqual(86_400);
    expect(root.Resources.IdempotencyTable?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('lets the checkout API function only read, write and delete items of the idempotency table', () => {
    const statements = JSON.stringify(root.Resources.CheckoutApiFunction?.Properties?.Policies);
    expect(statements).toContain(
      JSON.stringify({
        Sid: 'RememberAcceptedOrderIds',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] },
      }),
    );
  });
});
