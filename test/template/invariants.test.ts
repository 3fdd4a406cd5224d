import { parseTemplate, type Template } from '../../local/template/parse-template';
import {
  bucketsAreVersioned,
  bucketsLogAccessOrReceiveAccessLogs,
  consumedQueuesOutlastTheirConsumers,
  deadLetterQueuesHaveAlarms,
  deadLetterQueuesKeepMessagesFourteenDays,
  firstDifference,
  functionsAreBundledAsEsm,
  functionsRunNode22OnArm64,
  logGroupsAreEncryptedWithAKey,
  missingOutputs,
  noRoleConsumesEveryQueue,
  noWildcardActions,
  queuesAreEncrypted,
  queuesHaveDeadLetterQueues,
  requestModelsMatchSchemas,
  sqsEventSourcesReportBatchItemFailures,
  subscriptionsHaveDeadLetterQueues,
  tablesUseACustomerManagedKey,
  type Violation,
} from './invariants';

/** A template from YAML with the CloudFormation short forms (`!Ref`, `!GetAtt`). */
const template = (yaml: string): Template => parseTemplate(yaml);

const culprits = (violations: Violation[]) => violations.map((violation) => violation.resource);

const ESM_METADATA = `
    Metadata:
      BuildMethod: esbuild
      BuildProperties: { Format: esm, OutExtension: [.js=.mjs], Target: node22, Sourcemap: false }`;

describe('queuesAreEncrypted', () => {
  it('accepts queues encrypted with a KMS key or with SQS-managed keys', () => {
    const encrypted = template(`
Resources:
  Key: { Type: AWS::KMS::Key }
  KmsQueue: { Type: AWS::SQS::Queue, Properties: { KmsMasterKeyId: !GetAtt Key.Arn } }
  SseQueue: { Type: AWS::SQS::Queue, Properties: { SqsManagedSseEnabled: true } }
`);
    expect(queuesAreEncrypted(encrypted)).toEqual([]);
  });

  it('flags a queue without encryption, and one with SQS-managed encryption turned off', () => {
    const unencrypted = template(`
Resources:
  PlainQueue: { Type: AWS::SQS::Queue }
  SseOffQueue: { Type: AWS::SQS::Queue, Properties: { SqsManagedSseEnabled: false } }
`);
    expect(culprits(queuesAreEncrypted(unencrypted))).toEqual(['PlainQueue', 'SseOffQueue']);
  });
});

describe('queuesHaveDeadLetterQueues', () => {
  it('accepts a queue with a dead-letter queue and the dead-letter queues of queues and subscriptions', () => {
    const redriven = template(`
Resources:
  Topic: { Type: AWS::SNS::Topic }
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties: { RedrivePolicy: { deadLetterTargetArn: !GetAtt WorkDlq.Arn, maxReceiveCount: 5 } }
  WorkDlq: { Type: AWS::SQS::Queue }
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt WorkQueue.Arn, RedrivePolicy: { deadLetterTargetArn: !GetAtt SubscriptionDlq.Arn } }
  SubscriptionDlq: { Type: AWS::SQS::Queue }
`);
    expect(queuesHaveDeadLetterQueues(redriven)).toEqual([]);
  });

  it('reads a RedrivePolicy given as a JSON string', () => {
    const stringPolicy = template(`
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties: { RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}' }
`);
    expect(queuesHaveDeadLetterQueues(stringPolicy)).toEqual([]);
  });

  it('flags a queue that neither has a dead-letter queue nor is one', () => {
    const orphan = template(`
Resources:
  WorkQueue: { Type: AWS::SQS::Queue, Properties: { RedrivePolicy: { maxReceiveCount: 5 } } }
  LonelyQueue: { Type: AWS::SQS::Queue }
`);
    expect(culprits(queuesHaveDeadLetterQueues(orphan))).toEqual(['WorkQueue', 'LonelyQueue']);
  });
});

describe('deadLetterQueuesKeepMessagesFourteenDays', () => {
  it('accepts a dead-letter queue that keeps messages for 1209600 seconds, given literally or as a parameter', () => {
    const fourteenDays = template(`
Parameters:
  Retention: { Type: Number, Default: 1209600 }
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties: { MessageRetentionPeriod: 60, RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn } }
  OtherQueue:
    Type: AWS::SQS::Queue
    Properties: { RedrivePolicy: { deadLetterTargetArn: !GetAtt OtherDlq.Arn } }
  Dlq: { Type: AWS::SQS::Queue, Properties: { MessageRetentionPeriod: 1209600 } }
  OtherDlq: { Type: AWS::SQS::Queue, Properties: { MessageRetentionPeriod: !Ref Retention } }
`);
    expect(deadLetterQueuesKeepMessagesFourteenDays(fourteenDays)).toEqual([]);
  });

  it('flags dead-letter queues with a shorter or the default retention, and only them', () => {
    const short = template(`
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties: { MessageRetentionPeriod: 60, RedrivePolicy: { deadLetterTargetArn: !GetAtt ShortDlq.Arn } }
  OtherQueue:
    Type: AWS::SQS::Queue
    Properties: { RedrivePolicy: { deadLetterTargetArn: !GetAtt DefaultDlq.Arn } }
  ShortDlq: { Type: AWS::SQS::Queue, Properties: { MessageRetentionPeriod: 345600 } }
  DefaultDlq: { Type: AWS::SQS::Queue }
`);
    expect(culprits(deadLetterQueuesKeepMessagesFourteenDays(short))).toEqual(['ShortDlq', 'DefaultDlq']);
  });
});

describe('deadLetterQueuesHaveAlarms', () => {
  const withAlarm = (dimensionValue: string) =>
    template(`
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties: { RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn } }
  Dlq: { Type: AWS::SQS::Queue }
  DlqAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/SQS
      MetricName: ApproximateNumberOfMessagesVisible
      Dimensions: [{ Name: QueueName, Value: ${dimensionValue} }]
`);

  it('accepts a dead-letter queue with an alarm on its QueueName', () => {
    expect(deadLetterQueuesHaveAlarms(withAlarm('!GetAtt Dlq.QueueName'))).toEqual([]);
  });

  it('accepts an alarm on a metric math expression over the queue', () => {
    const metricMath = template(`
Resources:
  WorkQueue:
    Type: AWS::SQS::Queue
    Properties: { RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn } }
  Dlq: { Type: AWS::SQS::Queue }
  DlqAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Metrics:
        - Id: visible
          MetricStat:
            Metric: { Namespace: AWS/SQS, MetricName: ApproximateNumberOfMessagesVisible, Dimensions: [{ Name: QueueName, Value: !GetAtt Dlq.QueueName }] }
`);
    expect(deadLetterQueuesHaveAlarms(metricMath)).toEqual([]);
  });

  it('flags a dead-letter queue whose alarm watches another queue or names it by URL', () => {
    expect(culprits(deadLetterQueuesHaveAlarms(withAlarm('!GetAtt WorkQueue.QueueName')))).toEqual(['Dlq']);
    expect(culprits(deadLetterQueuesHaveAlarms(withAlarm('!Ref Dlq')))).toEqual(['Dlq']);
  });
});

describe('subscriptionsHaveDeadLetterQueues', () => {
  it('accepts subscriptions and SAM SNS events with a dead-letter queue', () => {
    const redriven = template(`
Resources:
  Topic: { Type: AWS::SNS::Topic }
  Dlq: { Type: AWS::SQS::Queue }
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Topic, Protocol: firehose, Endpoint: arn, RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Orders: { Type: SNS, Properties: { Topic: !Ref Topic, RedrivePolicy: { deadLetterTargetArn: !GetAtt Dlq.Arn } } }
`);
    expect(subscriptionsHaveDeadLetterQueues(redriven)).toEqual([]);
  });

  it('flags a subscription, a SAM SNS event and an inline topic subscription without a dead-letter queue', () => {
    const unredriven = template(`
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties: { Subscription: [{ Protocol: sqs, Endpoint: arn }] }
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: { TopicArn: !Ref Topic, Protocol: sqs, Endpoint: arn }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Orders: { Type: SNS, Properties: { Topic: !Ref Topic } }
`);
    expect(culprits(subscriptionsHaveDeadLetterQueues(unredriven))).toEqual([
      'Subscription',
      'Fn.Events.Orders',
      'Topic',
    ]);
  });
});

describe('noWildcardActions', () => {
  it('accepts named actions and prefixes such as kms:Create*', () => {
    const named = template(`
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement: [{ Effect: Allow, Principal: { AWS: root }, Action: [kms:Create*, kms:Describe*], Resource: '*' }]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - SQSPollerPolicy: { QueueName: q }
        - Statement: [{ Effect: Allow, Action: dynamodb:PutItem, Resource: '*' }]
`);
    expect(noWildcardActions(named)).toEqual([]);
  });

  it('accepts a deny of <service>:*, which grants nothing (the deny-without-TLS guardrail)', () => {
    const guardrail = template(`
Resources:
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Statement: [{ Effect: Deny, Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]
`);
    expect(noWildcardActions(guardrail)).toEqual([]);
  });

  it('flags * and <service>:* in every kind of policy', () => {
    const wildcards = template(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
      Policies: [{ PolicyName: p, PolicyDocument: { Statement: [{ Effect: Allow, Action: '*', Resource: '*' }] } }]
  Policy:
    Type: AWS::IAM::Policy
    Properties: { PolicyDocument: { Statement: { Effect: Allow, NotAction: 's3:*', Resource: '*' } } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies: [{ Statement: [{ Effect: Allow, Action: [sqs:SendMessage, 'sqs:*'], Resource: '*' }] }]
  Key:
    Type: AWS::KMS::Key
    Properties: { KeyPolicy: { Statement: [{ Effect: Allow, Principal: { AWS: root }, Action: 'kms:*', Resource: '*' }] } }
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties: { Queues: [q], PolicyDocument: { Statement: [{ Effect: Allow, Principal: '*', Action: 'sqs:*' }] } }
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties: { Topics: [t], PolicyDocument: { Statement: [{ Effect: Allow, Action: 'sns:*' }] } }
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties: { Bucket: b, PolicyDocument: { Statement: [{ Effect: Allow, Principal: '*', Action: 's3:*' }] } }
  Permission:
    Type: AWS::Lambda::Permission
    Properties: { Action: 'lambda:*', FunctionName: f, Principal: sns.amazonaws.com }
`);
    expect(culprits(noWildcardActions(wildcards))).toEqual([
      'Role',
      'Policy',
      'Fn',
      'Key',
      'QueuePolicy',
      'TopicPolicy',
      'BucketPolicy',
      'Permission',
    ]);
  });

  it('says where the wildcard is', () => {
    const wildcard = template(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies: [{ Statement: [{ Effect: Allow, Action: [sqs:SendMessage, 'sqs:*'], Resource: '*' }] }]
`);
    expect(noWildcardActions(wildcard)).toEqual([
      { resource: 'Fn', message: "Properties.Policies[0].Statement[0].Action is 'sqs:*'" },
    ]);
  });

  it('flags AWS managed policies that grant wildcard actions', () => {
    const managed = template(`
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Policies: [AmazonSQSFullAccess] }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Action: sts:AssumeRole }] }
      ManagedPolicyArns: [!Sub 'arn:\${AWS::Partition}:iam::aws:policy/AdministratorAccess']
  LoggingRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Action: sts:AssumeRole }] }
      ManagedPolicyArns: [!Sub 'arn:\${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']
`);
    expect(culprits(noWildcardActions(managed))).toEqual(['Fn', 'Role']);
  });
});

describe('functionsRunNode22OnArm64', () => {
  it('takes the runtime and architecture from Globals.Function', () => {
    const fromGlobals = template(`
Globals:
  Function: { Runtime: nodejs22.x, Architectures: [arm64] }
Resources:
  Fn: { Type: AWS::Serverless::Function, Properties: { Handler: index.handler } }
  Plain: { Type: AWS::Lambda::Function, Properties: { Runtime: nodejs22.x, Architectures: [arm64] } }
`);
    expect(functionsRunNode22OnArm64(fromGlobals)).toEqual([]);
  });

  it('flags a function that overrides the runtime, adds an architecture or runs on the default x86_64', () => {
    const off = template(`
Globals:
  Function: { Runtime: nodejs22.x, Architectures: [arm64] }
Resources:
  OldRuntime: { Type: AWS::Serverless::Function, Properties: { Runtime: nodejs20.x } }
  TwoArchitectures: { Type: AWS::Serverless::Function, Properties: { Architectures: [x86_64] } }
  DefaultArchitecture: { Type: AWS::Lambda::Function, Properties: { Runtime: nodejs22.x } }
`);
    expect(culprits(functionsRunNode22OnArm64(off))).toEqual([
      'OldRuntime',
      'TwoArchitectures',
      'DefaultArchitecture',
    ]);
  });
});

describe('functionsAreBundledAsEsm', () => {
  it('accepts a function built by esbuild as ESM for node22 with source maps', () => {
    const esm = template(`
Resources:
  Fn:
    Type: AWS::Serverless::Function${ESM_METADATA}
`);
    expect(functionsAreBundledAsEsm(esm)).toEqual([]);
  });

  it('flags a function without an esbuild build, and each build property that is off', () => {
    const off = template(`
Resources:
  Unbundled: { Type: AWS::Serverless::Function }
  CommonJs:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: esbuild
      BuildProperties: { Format: cjs, Target: es2020 }
`);
    expect(functionsAreBundledAsEsm(off).map(({ resource, message }) => `${resource} ${message}`)).toEqual([
      'Unbundled has Metadata.BuildMethod undefined, not esbuild',
      'CommonJs has BuildProperties.Format "cjs", not esm',
      'CommonJs has BuildProperties.OutExtension undefined, not [.js=.mjs]',
      'CommonJs has BuildProperties.Target "es2020", not node22',
      'CommonJs has BuildProperties.Sourcemap undefined, not false',
    ]);
  });
});

describe('sqsEventSourcesReportBatchItemFailures', () => {
  it('accepts SQS events and event source mappings that report batch item failures', () => {
    const reporting = template(`
Resources:
  Queue: { Type: AWS::SQS::Queue }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Orders: { Type: SQS, Properties: { Queue: !GetAtt Queue.Arn, FunctionResponseTypes: [ReportBatchItemFailures] } }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Fn, FunctionResponseTypes: [ReportBatchItemFailures] }
`);
    expect(sqsEventSourcesReportBatchItemFailures(reporting)).toEqual([]);
  });

  it('flags SQS event sources that fail whole batches, and leaves stream event sources alone', () => {
    const failing = template(`
Resources:
  Queue: { Type: AWS::SQS::Queue }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Orders: { Type: SQS, Properties: { Queue: !GetAtt Queue.Arn } }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { EventSourceArn: !Sub 'arn:aws:sqs:\${AWS::Region}:\${AWS::AccountId}:q', FunctionName: !Ref Fn }
  StreamMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { EventSourceArn: !Ref StreamArn, FunctionName: !Ref Fn, StartingPosition: LATEST }
`);
    expect(culprits(sqsEventSourcesReportBatchItemFailures(failing))).toEqual([
      'Fn.Events.Orders',
      'Mapping',
    ]);
  });
});

describe('consumedQueuesOutlastTheirConsumers', () => {
  const consumed = (visibilityTimeout: string, timeout: string) =>
    template(`
Parameters:
  FunctionTimeout: { Type: Number, Default: 10 }
Globals:
  Function: { Timeout: !Ref FunctionTimeout }
Resources:
  Queue: { Type: AWS::SQS::Queue, Properties: { VisibilityTimeout: ${visibilityTimeout} } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      ${timeout}
      Events:
        Orders: { Type: SQS, Properties: { Queue: !GetAtt Queue.Arn } }
`);

  it('accepts a visibility timeout of 6 times the timeout of the consuming function, from Globals', () => {
    expect(consumedQueuesOutlastTheirConsumers(consumed('60', ''))).toEqual([]);
  });

  it("flags a queue whose visibility timeout is under 6 times its consumer's timeout", () => {
    expect(culprits(consumedQueuesOutlastTheirConsumers(consumed('59', '')))).toEqual(['Queue']);
    expect(culprits(consumedQueuesOutlastTheirConsumers(consumed('60', 'Timeout: 30')))).toEqual(['Queue']);
  });

  it('counts the SQS default of 30 seconds when the queue sets no visibility timeout', () => {
    const defaults = template(`
Resources:
  Queue: { Type: AWS::SQS::Queue }
  Fn: { Type: AWS::Serverless::Function, Properties: { Timeout: 6 } }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { EventSourceArn: !GetAtt Queue.Arn, FunctionName: !GetAtt Fn.Arn }
`);
    expect(culprits(consumedQueuesOutlastTheirConsumers(defaults))).toEqual(['Queue']);
  });
});

describe('requestModelsMatchSchemas', () => {
  const schema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };
  const withModel = (model: string, modelName = 'Order') =>
    template(`
Resources:
  Api: { Type: AWS::Serverless::Api, Properties: { StageName: dev, Models: { Order: ${model} } } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Post: { Type: Api, Properties: { RestApiId: !Ref Api, Path: /, Method: post, RequestModel: { Model: ${modelName} } } }
`);

  it('accepts a request model equal to its source schema', () => {
    expect(requestModelsMatchSchemas(withModel(JSON.stringify(schema)), { Order: schema })).toEqual([]);
  });

  it('flags a request model that drifted from its schema, and says where', () => {
    const drifted = { ...schema, required: ['id', 'date'] };
    expect(requestModelsMatchSchemas(withModel(JSON.stringify(drifted)), { Order: schema })).toEqual([
      {
        resource: 'Api',
        message: 'Models.Order differs from its schema at $.required (length 2, expected 1)',
      },
    ]);
  });

  it('flags an event using a model that the API does not define or that has no schema', () => {
    expect(culprits(requestModelsMatchSchemas(withModel('{}', 'Missing'), { Order: schema }))).toEqual([
      'Fn.Events.Post',
    ]);
    expect(culprits(requestModelsMatchSchemas(withModel('{}'), {}))).toEqual(['Fn.Events.Post']);
  });
});

describe('firstDifference', () => {
  it('finds nothing between equal values and the path of the first difference otherwise', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe('$.a[1].b');
    expect(firstDifference({ a: 1 }, { a: 1, c: 2 })).toBe('$.c');
  });
});

describe('missingOutputs', () => {
  it('names each required output the template lacks', () => {
    const outputs = template(`
Resources:
  Topic: { Type: AWS::SNS::Topic }
Outputs:
  TopicArn: { Value: !Ref Topic }
`);
    expect(culprits(missingOutputs(outputs, ['TopicArn', 'ApiUrl']))).toEqual(['ApiUrl']);
  });
});

describe('logGroupsAreEncryptedWithAKey', () => {
  it('accepts a log group with a KMS key and flags one without', () => {
    const groups = template(`
Resources:
  Key: { Type: AWS::KMS::Key }
  Encrypted:
    Type: AWS::Logs::LogGroup
    Properties: { RetentionInDays: 30, KmsKeyId: !GetAtt Key.Arn }
  Plain:
    Type: AWS::Logs::LogGroup
    Properties: { RetentionInDays: 30 }
`);
    expect(culprits(logGroupsAreEncryptedWithAKey(groups))).toEqual(['Plain']);
  });
});

describe('tablesUseACustomerManagedKey', () => {
  it('accepts SSEType KMS with a key and flags the AWS owned and AWS managed keys', () => {
    const tables = template(`
Resources:
  Customer:
    Type: AWS::DynamoDB::Table
    Properties: { SSESpecification: { SSEEnabled: true, SSEType: KMS, KMSMasterKeyId: !GetAtt Key.Arn } }
  AwsManaged:
    Type: AWS::DynamoDB::Table
    Properties: { SSESpecification: { SSEEnabled: true } }
  AwsOwned:
    Type: AWS::DynamoDB::Table
    Properties: {}
`);
    expect(culprits(tablesUseACustomerManagedKey(tables))).toEqual(['AwsManaged', 'AwsOwned']);
  });
});

describe('bucketsLogAccessOrReceiveAccessLogs', () => {
  it('accepts a bucket logging to another, the log bucket S3 may deliver to, and a log bucket behind Fn::If', () => {
    const buckets = template(`
Conditions:
  HasLogBucket: !Equals [a, a]
Resources:
  Logs:
    Type: AWS::S3::Bucket
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: logging.s3.amazonaws.com }, Action: s3:PutObject, Resource: x }
  Data:
    Type: AWS::S3::Bucket
    Properties: { LoggingConfiguration: { DestinationBucketName: !Ref Logs } }
  Pipeline:
    Type: AWS::S3::Bucket
    Properties:
      LoggingConfiguration: !If [HasLogBucket, { DestinationBucketName: given }, !Ref AWS::NoValue]
`);
    expect(bucketsLogAccessOrReceiveAccessLogs(buckets)).toEqual([]);
  });

  it('flags a bucket that logs nowhere, and one whose policy lets someone else than S3 logging write', () => {
    const buckets = template(`
Resources:
  Silent:
    Type: AWS::S3::Bucket
  Other:
    Type: AWS::S3::Bucket
  OtherPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Other
      PolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: firehose.amazonaws.com }, Action: s3:PutObject }]
`);
    expect(culprits(bucketsLogAccessOrReceiveAccessLogs(buckets))).toEqual(['Silent', 'Other']);
  });
});

describe('bucketsAreVersioned', () => {
  it('accepts Status Enabled and flags a bucket without versioning or with it suspended', () => {
    const buckets = template(`
Resources:
  Versioned:
    Type: AWS::S3::Bucket
    Properties: { VersioningConfiguration: { Status: Enabled } }
  Suspended:
    Type: AWS::S3::Bucket
    Properties: { VersioningConfiguration: { Status: Suspended } }
  Plain:
    Type: AWS::S3::Bucket
`);
    expect(culprits(bucketsAreVersioned(buckets))).toEqual(['Suspended', 'Plain']);
  });
});

describe('noRoleConsumesEveryQueue', () => {
  it('accepts receive and delete on a named queue', () => {
    const named = template(`
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: [sqs:ReceiveMessage, sqs:DeleteMessage], Resource: !GetAtt Queue.Arn }]
`);
    expect(noRoleConsumesEveryQueue(named)).toEqual([]);
  });

  it('flags the SQS execution managed policy SAM attaches, and receive or delete on every queue', () => {
    const broad = template(`
Resources:
  SamRole:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole
  Policy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: sqs:DeleteMessage, Resource: 'arn:aws:sqs:us-east-1:123456789012:*' }]
`);
    expect(noRoleConsumesEveryQueue(broad)).toEqual([
      {
        resource: 'SamRole',
        message:
          'attaches arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole, which consumes every queue of the account',
      },
      {
        resource: 'Policy',
        message: 'Properties.PolicyDocument.Statement[0] allows sqs:DeleteMessage on every queue',
      },
    ]);
  });
});
