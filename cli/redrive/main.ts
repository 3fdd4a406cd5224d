/**
 * `npm run redrive -- <queue> [--to <queue>] [--max-per-second <n>]`: moves the messages of a dead-letter
 * queue of the system back to their source (see README, "Replaying orders, redriving dead-letter queues
 * and the fault switch"), in the local stack or in AWS.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CliError, EXIT_OK, type FailureContext, reportFailure } from '../shared/errors';
import { joinWords, plural } from '../shared/format';
import { type CliIo, runAsProcess } from '../shared/io';
import { resolveQueueUrl } from '../shared/queues';
import { createClient, resolveTarget, type Target } from '../shared/target';
import { MOVE_VISIBILITY_TIMEOUT_SECONDS, type MoveResult, moveMessages } from './move-messages';
import { describeTaskStatus, startMoveTask } from './move-task';
import { parseRedriveArguments } from './options';
import { type Destination, planRedrive, type RedrivePlan } from './redrive-plan';

export const PROGRAM = 'redrive';
/** What redriving takes in AWS (with --stack-name, also cloudformation:DescribeStacks). */
const PERMISSIONS =
  'sqs:GetQueueAttributes, sqs:ListDeadLetterSourceQueues, sqs:StartMessageMoveTask, sqs:ListMessageMoveTasks, sqs:ReceiveMessage, sqs:DeleteMessage and sqs:SendMessage on the queues, sns:ListSubscriptionsByTopic and sns:GetSubscriptionAttributes on the topic, and kms:Decrypt and kms:GenerateDataKey on their key';

const whereTo = (destination: Destination) => {
  switch (destination.kind) {
    case 'source-queue':
      return `${destination.queue.name} (its source queue)`;
    case 'subscription':
      return `${destination.queue.name} (the queue of the sqs subscription ${destination.subscription.arn}, whose dead-letter queue it is)`;
    case 'to':
      return `${destination.queue.name} (--to)`;
  }
};

/** In AWS, the dead-letter queue of SQS queues is redriven by SQS itself, with a message move task. */
const redriveWithMoveTask = async (
  sqs: SQSClient,
  plan: RedrivePlan,
  maxPerSecond: number | undefined,
  io: CliIo,
) => {
  const { deadLetterQueue, destination } = plan;
  if (deadLetterQueue.waiting === 0) {
    const inFlight = deadLetterQueue.inFlight > 0 ? ` (${deadLetterQueue.inFlight} in flight)` : '';
    io.stdout.write(`${deadLetterQueue.name} has no messages waiting${inFlight}: nothing to redrive.\n`);
    return;
  }
  const task = await startMoveTask(sqs, {
    sourceArn: deadLetterQueue.arn,
    destinationArn: destination.kind === 'to' ? destination.queue.arn : undefined,
    maxPerSecond,
  });
  const region = await sqs.config.region();
  const rate = maxPerSecond ? `at most ${maxPerSecond} per second` : 'as fast as SQS allows';
  io.stdout.write(
    [
      `Started an SQS message move task: about ${plural(deadLetterQueue.waiting, 'message')} from ${deadLetterQueue.name} to ${whereTo(destination)}, ${rate}.`,
      `  Task    ${task.taskHandle}`,
      `  Status  ${describeTaskStatus(task.status)}`,
      `Follow it:  aws sqs list-message-move-tasks --source-arn ${deadLetterQueue.arn} --region ${region}`,
      `Cancel it:  aws sqs cancel-message-move-task --task-handle ${task.taskHandle} --region ${region}`,
      '',
    ].join('\n'),
  );
};

const reportMove = (plan: RedrivePlan, result: MoveResult, byHandReason: string, io: CliIo) => {
  const { deadLetterQueue, destination, dropAttributes } = plan;
  if (result.moved === 0 && result.notSent === 0) {
    io.stdout.write(`${deadLetterQueue.name} is empty: nothing to redrive.\n`);
    return;
  }
  const dropped =
    dropAttributes.length > 0
      ? ` (without SNS's delivery-failure attributes ${joinWords(dropAttributes)})`
      : '';
  io.stdout.write(
    `Moved ${plural(result.moved, 'message')} from ${deadLetterQueue.name} to ${whereTo(destination)}, with their bodies and message attributes${dropped}; ${byHandReason}.\n`,
  );
  const problems = [
    result.notSent > 0
      ? `${plural(result.notSent, 'message')} could not be sent and stay in ${deadLetterQueue.name} (visible again within ${MOVE_VISIBILITY_TIMEOUT_SECONDS} s): run the redrive again`
      : '',
    result.notDeleted > 0
      ? `${plural(result.notDeleted, 'message')} were sent but could not be deleted from ${deadLetterQueue.name}, so another redrive would send them again (checkout processing is idempotent)`
      : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    const reasons = result.reasons.length > 0 ? ` (${result.reasons.join('; ')})` : '';
    throw new CliError(`${problems.join('; ')}${reasons}`);
  }
};

const redrive = async (
  target: Target,
  args: { queue: string; to?: string | undefined; maxPerSecond?: number | undefined },
  io: CliIo,
) => {
  const sqs = createClient(SQSClient, target);
  const sns = createClient(SNSClient, target);
  let moved = 0;
  try {
    const deadLetterQueueUrl = await resolveQueueUrl(target, args.queue);
    const toUrl = args.to === undefined ? undefined : await resolveQueueUrl(target, args.to);
    const topicArn = (await target.outputs()).TopicArn;
    const plan = await planRedrive({ sqs, sns, deadLetterQueueUrl, toUrl, topicArn });
    const bySqs = plan.sourceQueueUrls.length > 0;
    if (bySqs && target.kind === 'aws') return await redriveWithMoveTask(sqs, plan, args.maxPerSecond, io);
    const result = await moveMessages(sqs, plan.deadLetterQueue.url, plan.destination.queue.url, {
      maxPerSecond: args.maxPerSecond,
      dropAttributes: plan.dropAttributes,
      waitTimeSeconds: target.kind === 'local' ? 0 : 1,
      onBatch: (count) => {
        moved = count;
      },
    });
    const byHandReason = bySqs
      ? 'moved by hand (receive, send, delete), as the local stack has no SQS message move tasks'
      : 'moved by hand (receive, send, delete), as SQS message move tasks only start from the dead-letter queue of SQS queues';
    reportMove(plan, result, byHandReason, io);
  } catch (error) {
    if (moved > 0) io.stderr.write(`${PROGRAM}: ${plural(moved, 'message')} had been moved when it failed\n`);
    throw error;
  } finally {
    sqs.destroy();
    sns.destroy();
  }
};

/** Runs the CLI in-process: results on `io.stdout`, errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  const failureContext: FailureContext = { permissions: PERMISSIONS };
  try {
    const args = parseRedriveArguments(argv);
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    const target = resolveTarget(args.target, io);
    Object.assign(failureContext, target.failureContext);
    await redrive(target, args, io);
    return EXIT_OK;
  } catch (error) {
    return reportFailure(io, PROGRAM, error, failureContext);
  }
};

if (require.main === module) runAsProcess(run);
