import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../../../cli/redrive/main';
import { describeTaskStatus } from '../../../../cli/redrive/move-task';
import { runCli } from '../../../helpers/cli';

const QUEUES = 'https://sqs.eu-west-1.amazonaws.com/123456789012';
const OUTPUTS = {
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:checkout-CheckoutEventsTopic',
  CheckoutQueueUrl: `${QUEUES}/checkout-CheckoutQueue`,
  CheckoutDeadLetterQueueUrl: `${QUEUES}/checkout-CheckoutDeadLetterQueue`,
  CheckoutSubscriptionDeadLetterQueueUrl: `${QUEUES}/checkout-CheckoutSubscriptionDeadLetterQueue`,
  OtherQueueUrl: `${QUEUES}/checkout-OtherQueue`,
};
const AWS = ['--stack-name', 'checkout', '--region', 'eu-west-1'];
const arnOf = (url: string) => `arn:aws:sqs:eu-west-1:123456789012:${url.split('/').pop()}`;

describe('the redrive CLI against a stack in AWS (mocked clients)', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const sqs = mockClient(SQSClient);
  const sns = mockClient(SNSClient);
  const runRedrive = (...argv: string[]) => runCli(run, argv, { env: {} });

  beforeEach(() => {
    for (const client of [cloudFormation, sqs, sns]) client.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'checkout',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: Object.entries(OUTPUTS).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    });
    sqs.on(GetQueueAttributesCommand).callsFake(({ QueueUrl }) => ({
      Attributes: {
        QueueArn: arnOf(QueueUrl),
        ApproximateNumberOfMessages: QueueUrl.includes('DeadLetter') ? '3' : '0',
        ApproximateNumberOfMessagesNotVisible: '0',
      },
    }));
    sqs.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [OUTPUTS.CheckoutQueueUrl] });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          TaskHandle: 'task-1',
          Status: 'RUNNING',
          SourceArn: arnOf(OUTPUTS.CheckoutDeadLetterQueueUrl),
          ApproximateNumberOfMessagesMoved: 0,
          ApproximateNumberOfMessagesToMove: 3,
        },
      ],
    });
  });

  it('starts an SQS message move task back to the source queue and reports it', async () => {
    const { code, stdout } = await runRedrive('CheckoutDeadLetterQueueUrl', ...AWS);
    expect(code).toBe(0);

    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arnOf(OUTPUTS.CheckoutDeadLetterQueueUrl),
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(0);
    expect(stdout).toBe(
      [
        'Started an SQS message move task: about 3 messages from checkout-CheckoutDeadLetterQueue to checkout-CheckoutQueue (its source queue), as fast as SQS allows.',
        '  Task    task-1',
        '  Status  RUNNING: 0 of 3 moved',
        `Follow it:  aws sqs list-message-move-tasks --source-arn ${arnOf(OUTPUTS.CheckoutDeadLetterQueueUrl)} --region eu-west-1`,
        'Cancel it:  aws sqs cancel-message-move-task --task-handle task-1 --region eu-west-1',
        '',
      ].join('\n'),
    );
  });

  it('gives the move task the destination of --to and the rate of --max-per-second', async () => {
    const { code } = await runRedrive(
      'CheckoutDeadLetterQueueUrl',
      '--to',
      'OtherQueueUrl',
      '--max-per-second',
      '10',
      ...AWS,
    );
    expect(code).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arnOf(OUTPUTS.CheckoutDeadLetterQueueUrl),
      DestinationArn: arnOf(OUTPUTS.OtherQueueUrl),
      MaxNumberOfMessagesPerSecond: 10,
    });
  });

  it('starts no task for an empty dead-letter queue', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { QueueArn: arnOf(OUTPUTS.CheckoutDeadLetterQueueUrl), ApproximateNumberOfMessages: '0' },
    });
    const { code, stdout } = await runRedrive('CheckoutDeadLetterQueueUrl', ...AWS);
    expect(code).toBe(0);
    expect(stdout).toBe('checkout-CheckoutDeadLetterQueue has no messages waiting: nothing to redrive.\n');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
  });

  it('moves the dead-letter queue of an sqs subscription by hand in AWS too', async () => {
    sqs.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [] });
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ SubscriptionArn: `${OUTPUTS.TopicArn}:sub-1`, Protocol: 'sqs' }],
    });
    sns.on(GetSubscriptionAttributesCommand).resolves({
      Attributes: {
        Protocol: 'sqs',
        Endpoint: arnOf(OUTPUTS.CheckoutQueueUrl),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: arnOf(OUTPUTS.CheckoutSubscriptionDeadLetterQueueUrl),
        }),
      },
    });
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: OUTPUTS.CheckoutQueueUrl });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm', ReceiptHandle: 'r', Body: '{}' }] })
      .resolves({});
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'n', MD5OfMessageBody: '' }] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });

    const { code, stdout } = await runRedrive('CheckoutSubscriptionDeadLetterQueueUrl', ...AWS);
    expect(code).toBe(0);

    expect(sqs.commandCalls(StartMessageMoveTaskCommand)).toHaveLength(0);
    expect(sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({
      QueueName: 'checkout-CheckoutQueue',
      QueueOwnerAWSAccountId: '123456789012',
    });
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ WaitTimeSeconds: 1 });
    expect(stdout).toMatch(
      /^Moved 1 message from checkout-CheckoutSubscriptionDeadLetterQueue to checkout-CheckoutQueue/,
    );
  });

  it('fails, naming what stayed behind, when some messages could not be sent', async () => {
    sqs.on(ListDeadLetterSourceQueuesCommand).resolves({ queueUrls: [] });
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: 'm', ReceiptHandle: 'r', Body: '{}' }] })
      .resolves({});
    sqs.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'AccessDenied', Message: 'not allowed', SenderFault: true }],
    });

    const { code, stderr } = await runRedrive(
      'CheckoutSubscriptionDeadLetterQueueUrl',
      '--to',
      'OtherQueueUrl',
      ...AWS,
    );
    expect(code).toBe(1);

    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(stderr).toBe(
      'redrive: 1 message could not be sent and stay in checkout-CheckoutSubscriptionDeadLetterQueue (visible again within 60 s): run the redrive again (not allowed)\n',
    );
  });
});

describe('the status of a message move task', () => {
  it('reads as status, progress and failure reason', () => {
    expect(describeTaskStatus(undefined)).toBe('not listed yet');
    expect(describeTaskStatus({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 })).toBe(
      'COMPLETED: 3 moved',
    );
    expect(
      describeTaskStatus({
        Status: 'FAILED',
        ApproximateNumberOfMessagesMoved: 1,
        ApproximateNumberOfMessagesToMove: 3,
        FailureReason: 'AccessDenied',
      }),
    ).toBe('FAILED: 1 of 3 moved (AccessDenied)');
  });
});
