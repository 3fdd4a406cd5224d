/**
 * `npm run status -- [--json] [--watch [--interval <s>]] [target]`: the health of every pipeline at a
 * glance (see README, "Status of every pipeline"), in the local stack or in AWS. Exit code 0 when every
 * pipeline is healthy, 1 when one is not or could not be read, 2 for bad arguments.
 */
import { targetFlags } from '../shared/args';
import {
  describeFailure,
  EXIT_FAILURE,
  EXIT_OK,
  type FailureContext,
  reportFailure,
  UsageError,
} from '../shared/errors';
import { type CliIo, nowOf, runAsProcess } from '../shared/io';
import { resolveTarget, type Target, type TargetOptions } from '../shared/target';
import { parseStatusArguments } from './options';
import { readStackStatus } from './read-status';
import { formatStatus, statusToJson } from './report';
import { StatusStack } from './status-stack';
import { type StackVerdict, type VerdictContext, verdictsOf } from './verdicts';
import { CLEAR_SCREEN, type WatchRound, watch } from './watch';

export const PROGRAM = 'status';
/**
 * What reading the stack takes in AWS besides what each part needs (a part that may not be read is
 * reported as unknown, with the permission it needs).
 */
const PERMISSIONS = 'cloudformation:DescribeStacks on the stack';

export interface StatusIo extends CliIo {
  /** Ends --watch; the process's SIGINT (Ctrl-C) and SIGTERM when absent. */
  signal?: AbortSignal;
}

export const exitCodeOf = (verdict: StackVerdict) => (verdict.health === 'healthy' ? EXIT_OK : EXIT_FAILURE);

/** Reads every part of the target once; a signal that aborts ends the requests in flight. */
const readOnce = async (target: Target, context: VerdictContext, io: CliIo, signal?: AbortSignal) => {
  const stack = await StatusStack.open(target, () => nowOf(io), signal);
  try {
    const status = await readStackStatus(stack, nowOf(io));
    return { status, verdict: verdictsOf(status, context) };
  } finally {
    stack.destroy();
  }
};

/**
 * The target of each round of --watch: the local stack's outputs are read again each time (so that the
 * watch follows a restart of npm start); a stack in AWS is described once.
 */
const targetsFor = (options: TargetOptions, io: CliIo) => {
  let aws: Target | undefined;
  return (): Target => {
    if (options.stackName === undefined) return resolveTarget(options, io);
    aws ??= resolveTarget(options, io);
    return aws;
  };
};

/** The process's Ctrl-C and SIGTERM as an abort signal, while --watch runs. */
const processSignal = () => {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
};

const watchStatus = async (
  args: { target: TargetOptions; json: boolean; intervalSeconds: number },
  context: VerdictContext,
  io: StatusIo,
) => {
  const owned = io.signal ? undefined : processSignal();
  const signal = (io.signal ?? owned?.signal) as AbortSignal;
  const targetOf = targetsFor(args.target, io);
  const terminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
  const header = `Every ${args.intervalSeconds} s; Ctrl-C to stop.\n\n`;
  const round = async (): Promise<WatchRound> => {
    const failureContext: FailureContext = { permissions: PERMISSIONS };
    try {
      const target = targetOf();
      Object.assign(failureContext, target.failureContext);
      const { status, verdict } = await readOnce(target, context, io, signal);
      const text = args.json
        ? `${JSON.stringify(statusToJson(status, verdict, context))}\n`
        : `${header}${formatStatus(status, verdict, context)}`;
      return { text, code: exitCodeOf(verdict) };
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // The stack could not be read at all (no outputs.json while npm start restarts, say): say so, go on.
      const message = describeFailure(error, failureContext);
      const checkedAt = nowOf(io).toISOString();
      const text = args.json
        ? `${JSON.stringify({ checkedAt, health: 'unknown', healthy: false, error: message })}\n`
        : `${header}Status at ${checkedAt}\n\n${PROGRAM}: ${message}\n`;
      return { text, code: EXIT_FAILURE };
    }
  };
  try {
    return await watch({
      round,
      show: ({ text }) => {
        io.stdout.write(
          !args.json && terminal ? `${CLEAR_SCREEN}${text}` : `${text}${args.json ? '' : '\n'}`,
        );
      },
      intervalMs: args.intervalSeconds * 1000,
      signal,
    });
  } finally {
    owned?.dispose();
  }
};

/** Runs the CLI in-process: results on `io.stdout`, errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: StatusIo): Promise<number> => {
  const failureContext: FailureContext = { permissions: PERMISSIONS };
  try {
    const args = parseStatusArguments(argv);
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    const context: VerdictContext = { flags: targetFlags(args.target) };
    if (args.watch) return await watchStatus(args, context, io);
    const target = resolveTarget(args.target, io);
    Object.assign(failureContext, target.failureContext);
    const { status, verdict } = await readOnce(target, context, io);
    io.stdout.write(
      args.json
        ? `${JSON.stringify(statusToJson(status, verdict, context), null, 2)}\n`
        : formatStatus(status, verdict, context),
    );
    return exitCodeOf(verdict);
  } catch (error) {
    return reportFailure(io, PROGRAM, error, failureContext);
  }
};

if (require.main === module) runAsProcess(run);
