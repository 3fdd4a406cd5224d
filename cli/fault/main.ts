/**
 * `npm run fault -- <status|off|fail|corrupt>`: reads and flips the checkout pipeline's game-day fault
 * switch (see README, "Replaying orders, redriving dead-letter queues and the fault switch"), in the local
 * stack or in AWS.
 */
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type FaultMode, parseFaultMode } from '../../src/functions/checkout/fault-mode';
import { targetFlags } from '../shared/args';
import { CliError, EXIT_OK, type FailureContext, reportFailure } from '../shared/errors';
import { type CliIo, runAsProcess } from '../shared/io';
import { createClient, resolveTarget, type Target } from '../shared/target';
import { parseFaultArguments } from './options';

export const PROGRAM = 'fault';
const PERMISSIONS = 'ssm:GetParameter and ssm:PutParameter on the fault switch parameter';

/** What each mode does to CheckoutFunction. */
export const EFFECTS: Record<FaultMode, string> = {
  off: 'orders are processed normally',
  fail: 'CheckoutFunction fails every order, as in an outage: the circuit breaker opens after a few failures and orders wait in the checkout queue until it closes by itself, after `off`',
  corrupt: 'CheckoutFunction stores damaged items (no items, amount 0) in CheckoutTable',
};

export const PICK_UP =
  'CheckoutFunction picks the change up within about 5 seconds (it caches the parameter for 5 s)';

export const DEPLOY_RESETS =
  'the next `sam deploy` sets it back to the template parameter CheckoutFaultMode (default off)';

interface Switch {
  value: string;
  version?: number | undefined;
  lastModified?: Date | undefined;
}

const readSwitch = async (ssm: SSMClient, name: string, target: Target): Promise<Switch> => {
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
    return {
      value: Parameter?.Value ?? '',
      version: Parameter?.Version,
      lastModified: Parameter?.LastModifiedDate,
    };
  } catch (error) {
    if ((error as Error).name === 'ParameterNotFound') {
      throw new CliError(
        `the parameter ${name} (output CheckoutFaultModeParameterName) does not exist in ${target.description}`,
      );
    }
    throw error;
  }
};

const describeValue = (current: Switch) => {
  const mode = parseFaultMode(current.value);
  if (!mode)
    return `"${current.value}", not a fault mode: CheckoutFunction ignores it and processes orders normally`;
  return `${mode}: ${EFFECTS[mode]}`;
};

/** A stack deployed without EnableFaultInjection (production) has no switch at all: say so, and how to get one. */
const noSwitch = (target: Target) =>
  new CliError(
    `${target.description} has no game-day fault switch: it was deployed without EnableFaultInjection=true (the default, and the prod configuration). Rehearse outages on a stack deployed with \`--parameter-overrides EnableFaultInjection=true\` (the local stack has it), never in production`,
  );

/** Runs the CLI in-process: results on `io.stdout`, errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  const failureContext: FailureContext = { permissions: PERMISSIONS };
  try {
    const args = parseFaultArguments(argv);
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    const target = resolveTarget(args.target, io);
    Object.assign(failureContext, target.failureContext);
    const name = (await target.outputs()).CheckoutFaultModeParameterName;
    if (!name) throw noSwitch(target);
    const ssm = createClient(SSMClient, target);
    try {
      const current = await readSwitch(ssm, name, target);
      const awsNote = target.kind === 'aws' ? `\nIn AWS, ${DEPLOY_RESETS}.` : '';
      if (args.command === 'status') {
        const changed = current.lastModified ? `, last changed ${current.lastModified.toISOString()}` : '';
        const version = current.version === undefined ? '' : ` (version ${current.version}${changed})`;
        io.stdout.write(`Checkout fault switch ${name}${version}: ${describeValue(current)}.${awsNote}\n`);
        return EXIT_OK;
      }
      const before = parseFaultMode(current.value) ?? `"${current.value}"`;
      if (current.value === args.mode) {
        io.stdout.write(
          `Checkout fault switch ${name} is already ${args.mode}: ${EFFECTS[args.mode]}.${awsNote}\n`,
        );
        return EXIT_OK;
      }
      await ssm.send(
        new PutParameterCommand({ Name: name, Value: args.mode, Type: 'String', Overwrite: true }),
      );
      const next =
        args.mode === 'off' ? '' : ` Turn it off with \`npm run fault -- off${targetFlags(args.target)}\`.`;
      io.stdout.write(
        `Checkout fault switch ${name}: ${before} -> ${args.mode}: ${EFFECTS[args.mode]}.\n${PICK_UP}.${next}${awsNote}\n`,
      );
      return EXIT_OK;
    } finally {
      ssm.destroy();
    }
  } catch (error) {
    return reportFailure(io, PROGRAM, error, failureContext);
  }
};

if (require.main === module) runAsProcess(run);
