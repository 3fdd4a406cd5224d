// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { loadTemplate } from '../../local/template/parse-template';
import { loadStacks, resourcesOfType } from '../../scripts/lib/sam-template';
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
