import { join } from 'node:path';
import type { Client } from '@opensearch-project/opensearch';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { type OpenSearchNode, startOpenSearchNode } from '../../../../local/opensearch/opensearch-node';
import { plainOpenSearchClient } from '../../../../src/adapters/opensearch-client';
import { orderIndexTemplate } from '../../../../src/domain/search';
import { aCustomResourceEvent, type CustomResourceProperties } from '../../../factories/custom-resource';
import { aLambdaContext } from '../../../factories/lambda-context';
import { anIamRoleArn } from '../../../factories/order-index';
import { type CapturedOutput, captureOutput } from '../../../helpers/capture-output';
import { POWERTOOLS_TEST_ENVIRONMENT, setEnvironment } from '../../../helpers/handler-environment';
import { makeTempDir } from '../../../helpers/local-runtime';
import { type RecordingServer, startRecordingServer } from '../../../helpers/recording-server';

// A real OpenSearch node from local/opensearch/runner, without the security plugin (as the local stack's):
// without a JDK 17+ these tests fail and say why.
jest.setTimeout(120_000);

const MODULE = '../../../../src/functions/search-index-setup/index';
const NO_ACCESS_CONTROL_WARNING =
  'The domain has no fine-grained access control (no security plugin): its role mappings and audit configuration were not applied';

interface CloudFormationAnswer {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  Data: Record<string, string>;
}

describe('the index set-up custom resource on a real OpenSearch node without fine-grained access control', () => {
  const dir = makeTempDir('index-setup-handler');
  let node: OpenSearchNode;
  let client: Client;
  let cloudFormation: RecordingServer;
  let restoreEnvironment: () => void;
  let handler: (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;
  let output: CapturedOutput;

  beforeAll(async () => {
    node = await startOpenSearchNode({
      dataDir: join(dir.path, 'home'),
      logFile: join(dir.path, 'opensearch.log'),
    });
    client = plainOpenSearchClient(node.url);
    cloudFormation = await startRecordingServer();
    restoreEnvironment = setEnvironment({
      ...POWERTOOLS_TEST_ENVIRONMENT,
      POWERTOOLS_SERVICE_NAME: 'search-index-setup',
      AWS_ACCESS_KEY_ID: 'AKIDINDEXSETUPTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    ({ handler } = await import(MODULE));
  });

  afterAll(async () => {
    restoreEnvironment?.();
    await Promise.all([node?.stop(), cloudFormation?.close()]);
    dir.remove();
  });

  beforeEach(() => {
    cloudFormation.requests.length = 0;
    output = captureOutput();
  });

  afterEach(() => output.restore());

  const properties = (): CustomResourceProperties => ({
    DomainEndpoint: node.url,
    IndexName: 'orders',
    Replicas: '0',
    RetentionDays: '90',
    IndexRotationPeriod: 'OneDay',
    IndexWriterRoleArns: [anIamRoleArn('checkout-SearchAnalyticsPipeline-DeliveryRole-1A2B')],
    IndexReaderRoleArns: [anIamRoleArn('checkout-SearchAnalyticsPipeline-AnalystsRole-3C4D')],
  });

  const run = (event: CloudFormationCustomResourceEvent) =>
    handler(event, { ...aLambdaContext('search-index-setup'), getRemainingTimeInMillis: () => 60_000 });

  const theAnswer = () => {
    expect(cloudFormation.requests).toHaveLength(1);
    return JSON.parse(cloudFormation.requests[0]?.body ?? '{}') as CloudFormationAnswer;
  };

  const warnings = () => output.jsonLines().filter((line) => line.level === 'WARN');

  it('sets the index up as before on Create with writer and reader roles given, warns once that the access control was not applied, and succeeds', async () => {
    await run(aCustomResourceEvent('Create', { responseUrl: cloudFormation.url, properties: properties() }));

    expect(theAnswer()).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'orders-index-setup',
      Data: { IndexTemplate: 'orders-template', Alias: 'orders', RetentionPolicy: 'unavailable' },
    });
    const { body } = await client.indices.getIndexTemplate({ name: 'orders-template' });
    const [stored] = (body as { index_templates: { index_template: Record<string, unknown> }[] })
      .index_templates;
    const expected = orderIndexTemplate({
      indexName: 'orders',
      replicas: 0,
      retentionDays: 90,
      rotation: 'OneDay',
    });
    expect(stored?.index_template).toMatchObject({
      index_patterns: expected.index_patterns,
      template: { aliases: expected.template.aliases },
    });
    const { body: pipelines } = await client.ingest.getPipeline({ id: 'orders-one-per-order' });
    expect(Object.keys(pipelines)).toEqual(['orders-one-per-order']);
    const accessControlWarnings = warnings().filter((line) => line.message === NO_ACCESS_CONTROL_WARNING);
    expect(accessControlWarnings).toEqual([expect.objectContaining({ indexName: 'orders' })]);
    // The other warning is the node's missing index state management plugin.
    expect(warnings()).toHaveLength(2);
  });

  it('does the same on Update', async () => {
    await run(
      aCustomResourceEvent('Update', {
        responseUrl: cloudFormation.url,
        properties: properties(),
        oldProperties: properties(),
      }),
    );

    expect(theAnswer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders-index-setup' });
    expect(warnings().filter((line) => line.message === NO_ACCESS_CONTROL_WARNING)).toHaveLength(1);
  });

  it('removes the template on Delete and answers SUCCESS, with no roles to remove', async () => {
    await run(
      aCustomResourceEvent('Delete', {
        responseUrl: cloudFormation.url,
        properties: properties(),
        physicalResourceId: 'orders-index-setup',
      }),
    );

    expect(theAnswer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders-index-setup' });
    expect(warnings()).toEqual([]);
    expect((await client.indices.existsIndexTemplate({ name: 'orders-template' })).body).toBe(false);
  });
});
