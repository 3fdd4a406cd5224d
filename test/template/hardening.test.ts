// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings are written with ${} on purpose
import { join } from 'node:path';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { loadTemplate, type Template } from '../../local/template/parse-template';
import { isObject, type JsonObject } from '../../local/template/values';
import { resourcesOfType } from '../../scripts/lib/project-templates';

const root = loadTemplate(ROOT_TEMPLATE);
const search = loadTemplate(join(PROJECT_ROOT, 'pipelines/search-analytics/template.yaml'));

const propertiesOf = (template: Template, logicalId: string): JsonObject => {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`The template has no resource ${logicalId}`);
  return resource.Properties ?? {};
};

const statementsOf = (document: unknown): JsonObject[] => {
  if (!isObject(document)) return [];
  const statement = document.Statement;
  return (Array.isArray(statement) ? statement : [statement]).filter(isObject);
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** The alarms on one metric of one function, by the function's logical id. */
const functionAlarms = (metricName: string, functionId: string) =>
  resourcesOfType(root, 'AWS::CloudWatch::Alarm').filter(([, alarm]) => {
    const properties = alarm.Properties ?? {};
    return (
      properties.Namespace === 'AWS/Lambda' &&
      properties.MetricName === metricName &&
      JSON.stringify(properties.Dimensions) ===
        JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }])
    );
  });

describe('the encryption key of the root template.yaml', () => {
  it('is retained with the stack deleted or replaced, and rotates, since the data it encrypts is retained', () => {
    expect(root.Resources.EncryptionKey).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
  });

  it("lets CloudWatch Logs use it only for this account's log groups in this Region", () => {
    const statements = statementsOf(propertiesOf(root, 'EncryptionKey').KeyPolicy);
    const forLogs = statements.filter((statement) =>
      JSON.stringify(statement.Principal).includes('logs.${AWS::Region}.amazonaws.com'),
    );
    expect(forLogs).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': {
              'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
            },
          },
        },
      }),
    ]);
    expect(asList(forLogs[0]?.Action)).not.toContain('kms:CreateGrant');
  });
});

describe('concurrency of the root template.yaml', () => {
  it.each([
    ['CheckoutApiFunction', 'CheckoutApiReservedConcurrency', 'HasApiReservedConcurrency'],
    ['CardDataTransformFunction', 'CardDataTransformReservedConcurrency', 'HasTransformReservedConcurrency'],
  ])(
    'reserves the concurrency of %s from the parameter %s, 0 meaning unreserved',
    (fn, parameter, condition) => {
      expect(propertiesOf(root, fn).ReservedConcurrentExecutions).toEqual({
        'Fn::If': [condition, { Ref: parameter }, { Ref: 'AWS::NoValue' }],
      });
      expect(Number(root.Parameters?.[parameter]?.Default)).toBeGreaterThan(0);
      expect(root.Conditions?.[condition]).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: parameter }, 0] }],
      });
    },
  );

  it.each(['CheckoutApiFunction', 'CardDataTransformFunction'])(
    'alarms on the first throttle of %s, to the alarm topic',
    (fn) => {
      const alarms = functionAlarms('Throttles', fn);
      expect(alarms).toHaveLength(1);
      expect(alarms[0]?.[1].Properties).toMatchObject({
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
    },
  );

  it("caps CheckoutFunction by its queue's maximum concurrency, a parameter", () => {
    const events = propertiesOf(root, 'CheckoutFunction').Events as Record<
      string,
      { Properties: JsonObject }
    >;
    expect(events.CheckoutQueueOrders?.Properties.ScalingConfig).toEqual({
      MaximumConcurrency: { Ref: 'CheckoutMaximumConcurrency' },
    });
    expect(root.Parameters?.CheckoutMaximumConcurrency).toMatchObject({ MinValue: 2, MaxValue: 1000 });
  });
});

describe('S3 server access logs', () => {
  it('go to a retained access-log bucket encrypted with SSE-S3 (the only encryption S3 delivers logs to), with expiry', () => {
    expect(root.Resources.AccessLogBucket).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(propertiesOf(root, 'AccessLogBucket')).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: expect.arrayContaining([
          expect.objectContaining({
            Status: 'Enabled',
            ExpirationInDays: { Ref: 'AccessLogRetentionInDays' },
          }),
        ]),
      },
    });
  });

  it("let only S3's log delivery for this account write to the access-log bucket, and nobody without TLS", () => {
    const statements = statementsOf(propertiesOf(root, 'AccessLogBucketPolicy').PolicyDocument);
    expect(statements.filter((statement) => statement.Effect === 'Allow')).toEqual([
      {
        Sid: 'S3DeliversServerAccessLogsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Sub': '${AccessLogBucket.Arn}/*' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('are asked of every nested application that can write them', () => {
    const applications = resourcesOfType(root, 'AWS::Serverless::Application');
    const withBuckets = applications.filter(([, application]) => {
      const location = String(application.Properties?.Location);
      return loadTemplate(join(PROJECT_ROOT, location)).Parameters?.AccessLogBucketName !== undefined;
    });
    expect(withBuckets.map(([id]) => id).sort()).toEqual([
      'SearchAnalyticsPipeline',
      'StorageBackupPipeline',
    ]);
    for (const [, application] of withBuckets) {
      expect((application.Properties?.Parameters as JsonObject | undefined)?.AccessLogBucketName).toEqual({
        Ref: 'AccessLogBucket',
      });
    }
  });
});

describe('the search domain of pipelines/search-analytics', () => {
  const domain = propertiesOf(search, 'SearchDomain');

  it('has fine-grained access control, no internal users, and the index set-up role as its master user', () => {
    expect(domain.AdvancedSecurityOptions).toEqual({
      Enabled: true,
      InternalUserDatabaseEnabled: false,
      MasterUserOptions: { MasterUserARN: { 'Fn::GetAtt': ['IndexSetupFunctionRole', 'Arn'] } },
    });
  });

  it('publishes its audit logs to a log group encrypted with the pipeline key, which OpenSearch may write to', () => {
    expect(domain.LogPublishingOptions).toMatchObject({
      AUDIT_LOGS: {
        Enabled: true,
        CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': ['SearchDomainAuditLogGroup', 'Arn'] },
      },
    });
    expect(propertiesOf(search, 'SearchDomainAuditLogGroup').KmsKeyId).toEqual({ Ref: 'KmsKeyArn' });
    const policy = propertiesOf(search, 'SearchDomainLogsResourcePolicy').PolicyDocument as {
      'Fn::Sub': string;
    };
    const document = JSON.parse(policy['Fn::Sub']) as JsonObject;
    expect(statementsOf(document)).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'es.amazonaws.com' },
        Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
        Resource: expect.arrayContaining(['${SearchDomainAuditLogGroup.Arn}']),
      }),
    ]);
    expect(search.Resources.SearchDomain?.DependsOn).toContain('SearchDomainLogsResourcePolicy');
  });

  it("gives the analysts' role no write method, in IAM or in the domain's access policy", () => {
    const readOnly = new Set(['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:DescribeDomain']);
    const analystsStatements = [
      ...resourcesOfType(search, 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy')
        .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes('"AnalystsRole"'))
        .flatMap(([, policy]) => statementsOf(policy.Properties?.PolicyDocument)),
      ...statementsOf(domain.AccessPolicies).filter((statement) =>
        JSON.stringify(statement.Principal).includes('"AnalystsRole"'),
      ),
    ];
    expect(analystsStatements.length).toBeGreaterThanOrEqual(2);
    const actions = analystsStatements.flatMap((statement) => asList(statement.Action));
    expect(actions.filter((action) => !readOnly.has(String(action)))).toEqual([]);
  });

  it("has the index set-up map Firehose's role as the writer and the analysts' role as the reader", () => {
    expect(propertiesOf(search, 'OrderIndexSetup')).toMatchObject({
      IndexWriterRoleArns: [{ 'Fn::GetAtt': ['DeliveryRole', 'Arn'] }],
      IndexReaderRoleArns: [{ 'Fn::GetAtt': ['AnalystsRole', 'Arn'] }],
    });
  });
});
