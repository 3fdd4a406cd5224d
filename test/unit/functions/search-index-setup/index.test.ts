import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { findFreePort } from '../../../../local/net';
import {
  AUDIT_CONFIGURATION,
  indexReaderRole,
  indexWriterRole,
  orderIndexTemplate,
  orderIngestPipeline,
  retentionPolicy,
} from '../../../../src/domain/search';
import {
  aCustomResourceEvent,
  type CustomResourceProperties,
  STACK_ID,
} from '../../../factories/custom-resource';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anIamRoleArn } from '../../../factories/order-index';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import {
  json,
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../../../helpers/recording-server';

const MODULE = '../../../../src/functions/search-index-setup/index';

/** How the stand-in domain behaves. */
type DomainBehaviour = 'healthy' | 'without-ism' | 'failing' | 'silent';
/** Its security plugin: there (fine-grained access control), absent, or refusing the function's role. */
type SecurityPlugin = 'installed' | 'absent' | 'forbidden';

const WRITER = anIamRoleArn('checkout-SearchAnalyticsPipeline-DeliveryRole-1A2B');
const READER = anIamRoleArn('checkout-SearchAnalyticsPipeline-AnalystsRole-3C4D');
const SECURITY_CALLS = [
  'PUT /_plugins/_security/api/roles/orders_writer',
  'PUT /_plugins/_security/api/roles/orders_reader',
  'PUT /_plugins/_security/api/rolesmapping/orders_writer',
  'PUT /_plugins/_security/api/rolesmapping/orders_reader',
  'PUT /_plugins/_security/api/audit/config',
];

interface CloudFormationAnswer {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data: Record<string, string>;
}

describe('the index set-up custom resource handler', () => {
  let restoreEnvironment: () => void;
  let handler: (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;
  let domain: RecordingServer;
  let cloudFormation: RecordingServer;
  let behaviour: DomainBehaviour;
  let securityPlugin: SecurityPlugin;
  let output: CapturedOutput;

  /** A domain that answers as OpenSearch does, refuses everything, or never answers. */
  const actAsDomain = (request: RecordedRequest, response: Parameters<typeof json>[0]) => {
    if (behaviour === 'silent') return;
    if (behaviour === 'failing') {
      return json(response, 500, {
        error: { type: 'cluster_block_exception', reason: 'index [.opensearch] blocked', root_cause: [] },
        status: 500,
      });
    }
    if (request.path.startsWith('/_plugins/_security/')) {
      if (securityPlugin === 'absent') {
        return json(response, 400, {
          error: `no handler found for uri [${request.path}] and method [${request.method}]`,
        });
      }
      if (securityPlugin === 'forbidden') {
        return json(response, 403, {
          status: 'FORBIDDEN',
          message:
            'No permission to access REST API: User with Security roles [] does not have any role privileged for admin access',
        });
      }
      return json(response, 200, { status: 'OK', message: 'done' });
    }
    if (request.path.startsWith('/_plugins/_ism/')) {
      if (behaviour === 'without-ism') {
        return json(response, 400, {
          error: `no handler found for uri [${request.path}] and method [${request.method}]`,
        });
      }
      return json(response, request.method === 'DELETE' ? 200 : 201, { _id: 'orders-retention' });
    }
    return json(response, 200, { acknowledged: true });
  };

  beforeAll(async () => {
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: 'search-index-setup',
      AWS_ACCESS_KEY_ID: 'AKIDINDEXSETUPTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    domain = await startRecordingServer((request, response) => actAsDomain(request, response));
    cloudFormation = await startRecordingServer();
    const module = await import(MODULE);
    handler = module.handler;
  });

  afterAll(async () => {
    restoreEnvironment();
    await Promise.all([domain.close(), cloudFormation.close()]);
  });

  beforeEach(() => {
    behaviour = 'healthy';
    securityPlugin = 'installed';
    domain.requests.length = 0;
    cloudFormation.requests.length = 0;
    output = captureOutput();
  });

  afterEach(() => output.restore());

  const properties = (overrides: CustomResourceProperties = {}): CustomResourceProperties => ({
    DomainEndpoint: domain.url,
    IndexName: 'orders',
    Replicas: '0',
    RetentionDays: '90',
    IndexRotationPeriod: 'OneDay',
    IndexWriterRoleArns: [WRITER],
    IndexReaderRoleArns: [READER],
    ...overrides,
  });

  const run = async (event: CloudFormationCustomResourceEvent, remainingMs = 10_000) => {
    await handler(event, {
      ...aLambdaContext('search-index-setup'),
      getRemainingTimeInMillis: () => remainingMs,
    });
  };

  /** The one answer CloudFormation received, and the request that carried it. */
  const theAnswer = () => {
    expect(cloudFormation.requests).toHaveLength(1);
    const [request] = cloudFormation.requests as [RecordedRequest];
    return { request, answer: JSON.parse(request.body) as CloudFormationAnswer };
  };

  /** What the domain was asked, as `METHOD /path`; PUT and POST both create or replace a template. */
  const domainCalls = () =>
    domain.requests.map(
      (request) => `${request.method.replace('POST', 'PUT')} ${request.path.split('?')[0]}`,
    );

  /** The body of the request that created or replaced `path`. */
  const bodyPutAt = (path: string) => {
    const request = domain.requests.find(
      (each) => ['PUT', 'POST'].includes(each.method) && each.path.split('?')[0] === path,
    );
    if (!request) throw new Error(`Nothing was put at ${path}; the domain got: ${domainCalls().join(', ')}`);
    return JSON.parse(request.body) as unknown;
  };

  describe('on Create', () => {
    it('applies the one-per-order pipeline, the typed index template with its alias, the retention policy, then the access control', async () => {
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      const settings = { indexName: 'orders', replicas: 0, retentionDays: 90, rotation: 'OneDay' } as const;
      expect(domainCalls()).toEqual([
        'PUT /_ingest/pipeline/orders-one-per-order',
        'PUT /_index_template/orders-template',
        'PUT /orders-*/_settings',
        'PUT /_plugins/_ism/policies/orders-retention',
        ...SECURITY_CALLS,
      ]);
      expect(bodyPutAt('/_ingest/pipeline/orders-one-per-order')).toEqual(orderIngestPipeline(settings));
      expect(bodyPutAt('/_index_template/orders-template')).toEqual(orderIndexTemplate(settings));
      expect(bodyPutAt('/orders-*/_settings')).toEqual({
        index: { default_pipeline: 'orders-one-per-order' },
      });
      expect(bodyPutAt('/_plugins/_ism/policies/orders-retention')).toEqual(retentionPolicy(settings));
    });

    it('puts the writer and reader roles, maps them to the IAM roles of its properties, and puts the audit configuration', async () => {
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      expect(bodyPutAt('/_plugins/_security/api/roles/orders_writer')).toEqual(indexWriterRole('orders'));
      expect(bodyPutAt('/_plugins/_security/api/roles/orders_reader')).toEqual(indexReaderRole('orders'));
      expect(bodyPutAt('/_plugins/_security/api/rolesmapping/orders_writer')).toMatchObject({
        backend_roles: [WRITER],
      });
      expect(bodyPutAt('/_plugins/_security/api/rolesmapping/orders_reader')).toMatchObject({
        backend_roles: [READER],
      });
      expect(bodyPutAt('/_plugins/_security/api/audit/config')).toEqual(AUDIT_CONFIGURATION);
      expect(theAnswer().answer.Status).toBe('SUCCESS');
    });

    it('maps no IAM role without IndexWriterRoleArns and IndexReaderRoleArns', async () => {
      const { IndexWriterRoleArns: _, IndexReaderRoleArns: __, ...withoutRoles } = properties();
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: withoutRoles }),
      );

      expect(domainCalls()).toContain('DELETE /_plugins/_security/api/rolesmapping/orders_writer');
      expect(domainCalls()).toContain('DELETE /_plugins/_security/api/rolesmapping/orders_reader');
      expect(domainCalls()).not.toContain('PUT /_plugins/_security/api/rolesmapping/orders_writer');
      expect(theAnswer().answer.Status).toBe('SUCCESS');
    });

    it('still succeeds on a domain without fine-grained access control, saying in a warning what it did not apply', async () => {
      securityPlugin = 'absent';
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      expect(domainCalls()).toContain('PUT /_index_template/orders-template');
      expect(domainCalls().filter((call) => call.includes('_security'))).toEqual([SECURITY_CALLS[0]]);
      expect(theAnswer().answer).toMatchObject({
        Status: 'SUCCESS',
        Data: { IndexTemplate: 'orders-template', Alias: 'orders', RetentionPolicy: 'orders-retention' },
      });
      const warnings = output.jsonLines().filter((line) => line.level === 'WARN');
      expect(warnings).toEqual([
        expect.objectContaining({
          message:
            'The domain has no fine-grained access control (no security plugin): its role mappings and audit configuration were not applied',
        }),
      ]);
    });

    it('answers FAILED with what the domain said when it refuses the access control', async () => {
      securityPlugin = 'forbidden';
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      const { answer } = theAnswer();
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'orders-index-setup' });
      expect(answer.Reason).toBe(
        'Setting up the order index failed: fine-grained access control: the domain answered 403 to PUT _plugins/_security/api/roles/orders_writer: No permission to access REST API: User with Security roles [] does not have any role privileged for admin access (the index set-up function must call the domain as its master user, which is mapped to all_access and security_manager)',
      );
    });

    it('answers FAILED, naming the property, for role ARNs that are not IAM ARNs, without touching the domain', async () => {
      await run(
        aCustomResourceEvent('Create', {
          responseUrl: cloudFormation.url,
          properties: properties({ IndexReaderRoleArns: ['AnalystsRole'] }),
        }),
      );

      expect(domain.requests).toEqual([]);
      expect(theAnswer().answer).toMatchObject({
        Status: 'FAILED',
        Reason:
          'Setting up the order index failed: IndexReaderRoleArns must be a list of IAM role ARNs (arn:<partition>:iam::<account>:role/<name>), not "AnalystsRole"',
      });
    });

    it('answers SUCCESS at the ResponseURL with the template, the alias and the policy as Data', async () => {
      const event = aCustomResourceEvent('Create', {
        responseUrl: cloudFormation.url,
        properties: properties(),
      });
      await run(event);

      const { request, answer } = theAnswer();
      expect(request.method).toBe('PUT');
      expect(`${cloudFormation.url}${request.path}`).toBe(event.ResponseURL);
      expect(answer).toEqual({
        Status: 'SUCCESS',
        Reason: 'OK',
        PhysicalResourceId: 'orders-index-setup',
        StackId: STACK_ID,
        RequestId: event.RequestId,
        LogicalResourceId: 'OrderIndexSetup',
        Data: { IndexTemplate: 'orders-template', Alias: 'orders', RetentionPolicy: 'orders-retention' },
      });
    });

    it('signs its requests to the domain with SigV4 for the es service in its region', async () => {
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      expect(domain.requests.length).toBeGreaterThan(0);
      for (const request of domain.requests) {
        expect(request.headers.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIDINDEXSETUPTEST\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
        );
        expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
      }
    });

    it('names an index of its own from the IndexName property', async () => {
      await run(
        aCustomResourceEvent('Create', {
          responseUrl: cloudFormation.url,
          properties: properties({ IndexName: 'sales', Replicas: '1', RetentionDays: '7' }),
        }),
      );

      expect(bodyPutAt('/_index_template/sales-template')).toEqual(
        orderIndexTemplate({ indexName: 'sales', replicas: 1, retentionDays: 7, rotation: 'OneDay' }),
      );
      expect(theAnswer().answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: 'sales-index-setup',
        Data: { IndexTemplate: 'sales-template', Alias: 'sales', RetentionPolicy: 'sales-retention' },
      });
    });

    it('still succeeds on a domain without index state management, reporting the policy as unavailable', async () => {
      behaviour = 'without-ism';
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      expect(domainCalls()).toContain('PUT /_index_template/orders-template');
      expect(theAnswer().answer).toMatchObject({
        Status: 'SUCCESS',
        Data: { IndexTemplate: 'orders-template', Alias: 'orders', RetentionPolicy: 'unavailable' },
      });
      expect(output.text()).toContain('no index state management plugin');
    });
  });

  describe('on Update', () => {
    it('applies the new properties and answers SUCCESS with the same physical id', async () => {
      await run(
        aCustomResourceEvent('Update', {
          responseUrl: cloudFormation.url,
          properties: properties({ Replicas: '1', RetentionDays: '30', IndexRotationPeriod: 'OneWeek' }),
          oldProperties: properties(),
        }),
      );

      const settings = { indexName: 'orders', replicas: 1, retentionDays: 30, rotation: 'OneWeek' } as const;
      expect(bodyPutAt('/_ingest/pipeline/orders-one-per-order')).toEqual(orderIngestPipeline(settings));
      expect(bodyPutAt('/_index_template/orders-template')).toEqual(orderIndexTemplate(settings));
      expect(bodyPutAt('/_plugins/_ism/policies/orders-retention')).toEqual(retentionPolicy(settings));
      expect(theAnswer().answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: 'orders-index-setup',
        Data: { IndexTemplate: 'orders-template', Alias: 'orders', RetentionPolicy: 'orders-retention' },
      });
    });
  });

  describe('with a rotation it does not know', () => {
    it('answers FAILED, naming the rotations it knows, without touching the domain', async () => {
      await run(
        aCustomResourceEvent('Create', {
          responseUrl: cloudFormation.url,
          properties: properties({ IndexRotationPeriod: 'Daily' }),
        }),
      );

      expect(domain.requests).toEqual([]);
      const { answer } = theAnswer();
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'orders-index-setup' });
      expect(answer.Reason).toBe(
        'Setting up the order index failed: IndexRotationPeriod must be one of NoRotation, OneHour, OneDay, OneWeek, OneMonth, not "Daily"',
      );
    });
  });

  describe('when the domain fails', () => {
    it('answers FAILED with the reason on Create, under the id it would have had', async () => {
      behaviour = 'failing';
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
      );

      const { answer } = theAnswer();
      expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'orders-index-setup', Data: {} });
      expect(answer.Reason).toMatch(/^Setting up the order index failed: .*cluster_block_exception/);
      expect(output.text()).toContain('The order index set-up failed');
    });

    it('answers FAILED on Update under the physical id CloudFormation gave', async () => {
      behaviour = 'failing';
      await run(
        aCustomResourceEvent('Update', {
          responseUrl: cloudFormation.url,
          properties: properties({ IndexName: 'renamed' }),
          physicalResourceId: 'orders-index-setup',
        }),
      );

      expect(theAnswer().answer).toMatchObject({
        Status: 'FAILED',
        PhysicalResourceId: 'orders-index-setup',
      });
    });

    it('answers FAILED promptly when nothing listens at the endpoint', async () => {
      const closed = `http://127.0.0.1:${await findFreePort()}`;
      const started = Date.now();
      await run(
        aCustomResourceEvent('Create', {
          responseUrl: cloudFormation.url,
          properties: properties({ DomainEndpoint: closed }),
        }),
      );

      const { answer } = theAnswer();
      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/^Setting up the order index failed: .+/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('answers FAILED before its own time runs out when the domain never answers', async () => {
      behaviour = 'silent';
      const started = Date.now();
      // 7 s left: the handler keeps some of it to answer, so that the stack does not wait an hour.
      await run(
        aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }),
        7_000,
      );

      const elapsed = Date.now() - started;
      const { answer } = theAnswer();
      expect(answer.Status).toBe('FAILED');
      expect(answer.Reason).toMatch(/did not answer/);
      expect(elapsed).toBeLessThan(7_000);
    }, 15_000);
  });

  describe('on Delete', () => {
    it('removes the template, the policy, the role mappings and the roles, keeps the audit configuration, and answers SUCCESS with the physical id it was given', async () => {
      const event = aCustomResourceEvent('Delete', {
        responseUrl: cloudFormation.url,
        properties: properties(),
        physicalResourceId: 'orders-index-setup',
      });
      await run(event);

      expect(domainCalls()).toEqual([
        'DELETE /_index_template/orders-template',
        'DELETE /_plugins/_ism/policies/orders-retention',
        'DELETE /_plugins/_security/api/rolesmapping/orders_writer',
        'DELETE /_plugins/_security/api/roles/orders_writer',
        'DELETE /_plugins/_security/api/rolesmapping/orders_reader',
        'DELETE /_plugins/_security/api/roles/orders_reader',
      ]);
      expect(theAnswer().answer).toEqual({
        Status: 'SUCCESS',
        Reason: 'OK',
        PhysicalResourceId: 'orders-index-setup',
        StackId: STACK_ID,
        RequestId: event.RequestId,
        LogicalResourceId: 'OrderIndexSetup',
        Data: {},
      });
    });

    it('keeps the physical id of a resource created under another name', async () => {
      await run(
        aCustomResourceEvent('Delete', {
          responseUrl: cloudFormation.url,
          properties: properties({ IndexName: 'sales' }),
          physicalResourceId: 'a-physical-id-from-before',
        }),
      );

      expect(domainCalls()).toContain('DELETE /_index_template/sales-template');
      expect(theAnswer().answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: 'a-physical-id-from-before',
      });
    });

    it('answers SUCCESS even when the domain cannot be cleaned up, so that a rollback or a stack deletion completes', async () => {
      behaviour = 'failing';
      await run(
        aCustomResourceEvent('Delete', {
          responseUrl: cloudFormation.url,
          properties: properties(),
          physicalResourceId: 'orders-index-setup',
        }),
      );

      expect(domain.requests.length).toBeGreaterThan(0);
      expect(theAnswer().answer).toMatchObject({
        Status: 'SUCCESS',
        PhysicalResourceId: 'orders-index-setup',
      });
      expect(output.text()).toContain('could not be removed');
    });
  });
});
