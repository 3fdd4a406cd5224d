/**
 * `npm run replay -- <start|status|stop> [options]`: replays a time window of orders from the event replay
 * pipeline's queue into the checkout queue (see README, "Replaying orders, redriving dead-letter queues and
 * the fault switch"), in the local stack or in AWS.
 */
import { targetFlags } from '../shared/args';
import { EXIT_OK, type FailureContext, reportFailure } from '../shared/errors';
import { type CliIo, nowOf, runAsProcess } from '../shared/io';
import { resolveTarget } from '../shared/target';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { stopCommand } from './commands/stop';
import { parseReplayArguments } from './options';
import { ReplayStack } from './replay-stack';
import { commandsFor } from './report';

export const PROGRAM = 'replay';
/** What the commands take in AWS (with --stack-name, also cloudformation:DescribeStacks). */
const PERMISSIONS =
  'lambda:GetEventSourceMapping and lambda:UpdateEventSourceMapping on the replay mapping, dynamodb:GetItem, PutItem and UpdateItem on the replay state table, sqs:GetQueueAttributes (and for --dry-run sqs:ReceiveMessage and sqs:ChangeMessageVisibility) on the replay queue, and kms:Decrypt on its key';

/** Runs the CLI in-process: results on `io.stdout`, errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  const failureContext: FailureContext = { permissions: PERMISSIONS };
  try {
    const args = parseReplayArguments(argv, nowOf(io));
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    const target = resolveTarget(args.target, io);
    Object.assign(failureContext, target.failureContext);
    const commands = commandsFor(targetFlags(args.target));
    const stack = await ReplayStack.open(target);
    try {
      switch (args.command) {
        case 'start':
          await startCommand(
            stack,
            { window: args.window, dryRun: args.dryRun, rate: args.rate, commands },
            io,
          );
          break;
        case 'status':
          await statusCommand(stack, { json: args.json, watchSeconds: args.watchSeconds, commands }, io);
          break;
        case 'stop':
          await stopCommand(stack, io);
          break;
      }
    } finally {
      stack.destroy();
    }
    return EXIT_OK;
  } catch (error) {
    return reportFailure(io, PROGRAM, error, failureContext);
  }
};

if (require.main === module) runAsProcess(run);
