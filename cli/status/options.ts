/** `npm run status -- [options]`: the options and the usage text. */
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

export const DEFAULT_INTERVAL_SECONDS = 5;
export const MIN_INTERVAL_SECONDS = 1;
export const MAX_INTERVAL_SECONDS = 3600;

const OPTIONS = {
  ...HELP_OPTION,
  ...TARGET_OPTIONS,
  json: { type: 'boolean' },
  watch: { type: 'boolean' },
  interval: { type: 'string' },
} as const;

export const USAGE = `Usage: npm run status -- [--json] [--watch [--interval <seconds>]] [target]

Shows the health of every pipeline at a glance: one line per pipeline with its verdict (healthy,
unhealthy, or unknown when a part could not be read) and its figures, then the details of each.

  checkout processing   the checkout queue and its dead-letter queue, the subscription's dead-letter
                        queue, the circuit breaker and the checkout event source mapping
  storage and backup    the archive delivery stream (Firehose) and the subscription's dead-letter queue
  search and analytics  the search delivery stream, the search domain (DescribeDomain in AWS, the
                        cluster health of the local node) and the subscription's dead-letter queue
  event replay          the replay queue, its dead-letter queue, the subscription's dead-letter queue
                        and the replay (as npm run replay -- status shows it)

Every subscription of the topic is listed under its pipeline, with its dead-letter queue.

A pipeline is unhealthy when a dead-letter queue of it holds messages, its delivery stream is not
ACTIVE, the search domain is red (or in AWS deleted, isolated or its last change failed), the circuit
breaker is open or half-open (or the checkout event source mapping is disabled while it is closed), a
subscription has no dead-letter queue or no subscription delivers to it, or the replay is in trouble
(the replay mapping enabled without a replay, or a replay marked running that does not run). A replay
that runs is healthy.

  --json                 the same as one JSON object, for scripts
  --watch                read and show it again every few seconds, until Ctrl-C
  --interval <seconds>   with --watch: how often (${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}; default ${DEFAULT_INTERVAL_SECONDS})

Exit codes: 0 every pipeline is healthy, 1 one is not (or it could not be read), 2 bad arguments. With
--watch, Ctrl-C exits with the code of the last status shown.

${TARGET_USAGE}

  -h, --help             this help

Examples:
  npm run status
  npm run status -- --watch --interval 2
  npm run status -- --json --stack-name checkout --region eu-west-1`;

export type StatusArguments =
  | { command: 'help'; text: string }
  | { command: 'status'; target: TargetOptions; json: boolean; watch: boolean; intervalSeconds: number };

export const parseInterval = (text: string | undefined): number => {
  if (text === undefined) return DEFAULT_INTERVAL_SECONDS;
  const seconds = Number(text);
  if (
    !/^\d+(\.\d+)?$/.test(text.trim()) ||
    seconds < MIN_INTERVAL_SECONDS ||
    seconds > MAX_INTERVAL_SECONDS
  ) {
    throw new UsageError(
      `--interval takes a number of seconds from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}, not "${text}"`,
    );
  }
  return seconds;
};

/** Parses `argv` (what follows `npm run status --`); usage errors are thrown as UsageError. */
export const parseStatusArguments = (argv: readonly string[]): StatusArguments => {
  const { command, args } = splitCommand(argv);
  if (wantsHelp(args) || command === 'help') return { command: 'help', text: USAGE };
  if (command !== undefined) {
    throw new UsageError(`unexpected argument "${command}": npm run status takes options only`);
  }
  const values = parseOptions(args, OPTIONS);
  const watch = values.watch ?? false;
  if (values.interval !== undefined && !watch) throw new UsageError('--interval needs --watch');
  return {
    command: 'status',
    target: { stackName: values['stack-name'], region: values.region, outputsFile: values.outputs },
    json: values.json ?? false,
    watch,
    intervalSeconds: parseInterval(values.interval),
  };
};
