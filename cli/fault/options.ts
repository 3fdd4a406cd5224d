/** `npm run fault -- <status|off|fail|corrupt> [target]`: the arguments and the usage text. */
import { FAULT_MODES, type FaultMode, parseFaultMode } from '../../src/functions/checkout/fault-mode';
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

export const COMMANDS = ['status', ...FAULT_MODES] as const;

const OPTIONS = { ...HELP_OPTION, ...TARGET_OPTIONS } as const;

export const USAGE = `Usage: npm run fault -- <status|off|fail|corrupt> [target]

The checkout pipeline's fault switch, for game days: rehearse a fulfilment outage and watch the circuit
breaker heal it (npm run status), or a corrupting one and repair it (npm run replay). It is the SSM
parameter of the stack output CheckoutFaultModeParameterName, which exists only in stacks deployed with
EnableFaultInjection=true (never in production); CheckoutFunction reads it per batch and caches it for 5
seconds: a change takes effect within about 5 seconds, without a deployment.

Commands:
  status    show the switch's value and when it last changed
  off       process orders normally (the default)
  fail      CheckoutFunction fails every order: the circuit breaker opens after a few failures, orders
            wait in the checkout queue, and processing resumes by itself after \`off\`
  corrupt   CheckoutFunction stores damaged items (no items, amount 0) in CheckoutTable

In AWS, the next \`sam deploy\` sets the parameter back to the template parameter CheckoutFaultMode
(default off).

${TARGET_USAGE}

  -h, --help             this help

Examples:
  npm run fault -- status
  npm run fault -- fail
  npm run fault -- off --stack-name checkout --region eu-west-1`;

export type FaultArguments =
  | { command: 'help'; text: string }
  | { command: 'status'; target: TargetOptions }
  | { command: 'set'; mode: FaultMode; target: TargetOptions };

/** Parses `argv` (what follows `npm run fault --`); usage errors are thrown as UsageError. */
export const parseFaultArguments = (argv: readonly string[]): FaultArguments => {
  const { command, args } = splitCommand(argv);
  if (wantsHelp(args) || command === 'help') return { command: 'help', text: USAGE };
  if (command === undefined) {
    if (args.length === 0) throw new UsageError(`a command is needed: ${COMMANDS.join(', ')}`);
    throw new UsageError(`a command comes first (${COMMANDS.join(', ')}), before ${args[0]}`);
  }
  const values = parseOptions(args, OPTIONS);
  const target = { stackName: values['stack-name'], region: values.region, outputsFile: values.outputs };
  if (command === 'status') return { command: 'status', target };
  const mode = parseFaultMode(command);
  if (!mode) throw new UsageError(`unknown command "${command}": use one of ${COMMANDS.join(', ')}`);
  return { command: 'set', mode, target };
};
