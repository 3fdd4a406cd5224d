/** `npm run redrive -- <queue> [options]`: the arguments and the usage text. */
import {
  HELP_OPTION,
  parseOptions,
  splitCommand,
  TARGET_OPTIONS,
  TARGET_USAGE,
  wantsHelp,
} from '../shared/args';
import { UsageError } from '../shared/errors';
import type { TargetOptions } from '../shared/target';

/** StartMessageMoveTask's MaxNumberOfMessagesPerSecond allows at most 500. */
export const MAX_PER_SECOND_LIMIT = 500;

/** The dead-letter queues of the system's stack outputs. */
export const DEAD_LETTER_QUEUE_OUTPUTS = [
  'CheckoutDeadLetterQueueUrl',
  'CheckoutSubscriptionDeadLetterQueueUrl',
  'ReplayDeadLetterQueueUrl',
  'ReplaySubscriptionDeadLetterQueueUrl',
  'ArchiveSubscriptionDeadLetterQueueUrl',
  'SearchSubscriptionDeadLetterQueueUrl',
] as const;

const OPTIONS = {
  ...HELP_OPTION,
  ...TARGET_OPTIONS,
  to: { type: 'string' },
  'max-per-second': { type: 'string' },
} as const;

export const USAGE = `Usage: npm run redrive -- <queue> [--to <queue>] [--max-per-second <n>] [target]

Moves the messages of a dead-letter queue back to where they came from, body and message attributes
unchanged. Nothing is deleted from the dead-letter queue before it has been sent.

<queue> is a stack output that names a dead-letter queue, or a queue URL:
  ${DEAD_LETTER_QUEUE_OUTPUTS.join('\n  ')}

Where the messages go:
  - the dead-letter queue of an SQS queue (ListDeadLetterSourceQueues finds it): back to that queue. In
    AWS with an SQS message move task (StartMessageMoveTask), reported and left running; locally, where
    moto has no move tasks, by hand: receive, send to the source queue, delete, until the queue is empty.
  - the dead-letter queue of an SNS subscription of the topic (TopicArn): to the subscription's queue
    when its protocol is sqs, by hand (in AWS too; the attributes SNS adds to a failed delivery,
    ErrorCode, ErrorMessage and RequestID, are dropped). Other protocols (firehose, ...) cannot be
    redriven automatically: the command says what to do instead.

  --to <queue>           move the messages to this queue instead (a queue URL or a stack output name);
                         needed when the dead-letter queue serves several queues
  --max-per-second <n>   at most n messages per second (1 to ${MAX_PER_SECOND_LIMIT}); default as fast as SQS allows

${TARGET_USAGE}

  -h, --help             this help

Examples:
  npm run redrive -- CheckoutDeadLetterQueueUrl
  npm run redrive -- CheckoutSubscriptionDeadLetterQueueUrl --max-per-second 50
  npm run redrive -- ReplayDeadLetterQueueUrl --stack-name checkout --region eu-west-1`;

export type RedriveArguments =
  | { command: 'help'; text: string }
  | {
      command: 'redrive';
      queue: string;
      to?: string | undefined;
      maxPerSecond?: number | undefined;
      target: TargetOptions;
    };

export const parseMaxPerSecond = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > MAX_PER_SECOND_LIMIT) {
    throw new UsageError(
      `--max-per-second takes a whole number from 1 to ${MAX_PER_SECOND_LIMIT}, not "${text}"`,
    );
  }
  return value;
};

/** Parses `argv` (what follows `npm run redrive --`); usage errors are thrown as UsageError. */
export const parseRedriveArguments = (argv: readonly string[]): RedriveArguments => {
  const { command: queue, args } = splitCommand(argv);
  if (wantsHelp(args) || queue === 'help') return { command: 'help', text: USAGE };
  if (queue === undefined) {
    if (args.length === 0) {
      throw new UsageError(
        'which dead-letter queue? Give a stack output name (CheckoutDeadLetterQueueUrl, ...) or a queue URL',
      );
    }
    throw new UsageError(`the queue comes first (a stack output name or a queue URL), before ${args[0]}`);
  }
  const values = parseOptions(args, OPTIONS);
  if (values.to !== undefined && values.to === queue) {
    throw new UsageError('--to names the dead-letter queue itself: give the queue to move the messages to');
  }
  return {
    command: 'redrive',
    queue,
    to: values.to,
    maxPerSecond: parseMaxPerSecond(values['max-per-second']),
    target: { stackName: values['stack-name'], region: values.region, outputsFile: values.outputs },
  };
};
