/** `npm run replay -- <command> [options]`: the commands, their options and their usage texts. */
import { InvalidReplayWindowError, type ReplayWindow, replayWindow } from '../../src/domain/replay';
import { HELP_OPTION, parseOptions, selectCommand, TARGET_OPTIONS, TARGET_USAGE } from '../shared/args';
import { UsageError } from '../shared/errors';
import type { TargetOptions } from '../shared/target';
import { parseTime, TIME_FORMS } from '../shared/time';

export const COMMANDS = ['start', 'status', 'stop'] as const;
export type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  start: {
    ...HELP_OPTION,
    ...TARGET_OPTIONS,
    since: { type: 'string' },
    until: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  status: { ...HELP_OPTION, ...TARGET_OPTIONS, json: { type: 'boolean' } },
  stop: { ...HELP_OPTION, ...TARGET_OPTIONS },
} as const;

const COMMON_USAGE = `${TARGET_USAGE}

  -h, --help             this help`;

const COMMAND_USAGE: Record<CommandName, string> = {
  start: `Usage: npm run replay -- start --since <time> [--until <time>] [--dry-run] [target]

Starts a replay: records the window (a new replay id, since, until, started at) in the replay state table,
then enables the replay function's event source mapping. The function then reads the whole replay queue:
it re-sends every order whose date lies in the window to the checkout queue, with its message attributes
and the attribute replayId, and removes every other order from the replay queue (they count as skipped).
Refused while another replay is running. Follow it with \`npm run replay -- status\`; stop it with
\`npm run replay -- stop\` once the replay queue is drained.

Window (an order's time is its "date"; the start is inclusive, the end exclusive):
  --since <time>         required: ISO-8601 with Z or an offset (2026-11-21T10:00Z, 2026-11-21T11:00+01:00),
                         a UTC date (2026-11-21) or a duration ago (30m, 2h, 1d, 1w, 1h30m)
  --until <time>         the same forms; default now

  --dry-run              change nothing: count how many orders of the replay queue would be replayed, are
                         outside the window or have no time. Every message is received once and made
                         visible again at once, so a dry run counts as one receive of each message (the
                         replay queue moves a message to its dead-letter queue after 10 receives). Refused
                         while the event source mapping is enabled (it would race the running replay).

${COMMON_USAGE}`,
  status: `Usage: npm run replay -- status [--json] [target]

Shows the current replay (id, window, running or stopped, started and stopped at, forwarded and skipped
counts), the state of the replay function's event source mapping, the messages waiting and in flight in
the replay queue and its dead-letter queue, and a one-line verdict.

  --json                 the same as one JSON object, for scripts

${COMMON_USAGE}`,
  stop: `Usage: npm run replay -- stop [target]

Disables the replay function's event source mapping, then marks the replay stopped. A batch already being
processed finishes (and is counted); the orders still in the replay queue stay there. Stopping when no
replay runs is not an error.

${COMMON_USAGE}`,
};

export const USAGE = `Usage: npm run replay -- <command> [options]

Replays a time window of orders from the event replay pipeline's queue (every order, kept 14 days) into
the checkout queue, after a fulfilment outage for example. Checkout processing is idempotent: orders that
were processed fine are left as they are.

Commands:
  start     start a replay of a window (--since, --until); --dry-run counts what it would replay
  status    show the current replay, the replay queue and the counts
  stop      stop the replay (disable the replay function's event source)

Examples:
  npm run replay -- start --since 2026-11-21T10:00Z --until 2026-11-21T12:30Z --dry-run
  npm run replay -- start --since 2026-11-21T10:00Z --until 2026-11-21T12:30Z
  npm run replay -- status
  npm run replay -- stop
  npm run replay -- status --json --stack-name checkout --region eu-west-1

Run \`npm run replay -- <command> --help\` for a command's options.`;

export const usageOf = (command?: CommandName) => (command ? COMMAND_USAGE[command] : USAGE);

export type ReplayArguments =
  | { command: 'help'; text: string }
  | { command: 'start'; target: TargetOptions; window: ReplayWindow; dryRun: boolean }
  | { command: 'status'; target: TargetOptions; json: boolean }
  | { command: 'stop'; target: TargetOptions };

const targetOf = (values: {
  'stack-name'?: string | undefined;
  region?: string | undefined;
  outputs?: string | undefined;
}): TargetOptions => ({
  stackName: values['stack-name'],
  region: values.region,
  outputsFile: values.outputs,
});

/** `--since` (required) and `--until` (default now), checked as a replay window. */
export const parseWindow = (
  { since, until }: { since?: string | undefined; until?: string | undefined },
  now: Date,
): ReplayWindow => {
  if (since === undefined) throw new UsageError(`--since is required: ${TIME_FORMS}`);
  const start = parseTime(since, now, '--since');
  const end = until === undefined ? undefined : parseTime(until, now, '--until');
  try {
    return replayWindow(start, end, now);
  } catch (error) {
    if (error instanceof InvalidReplayWindowError) {
      const reason = error.message.charAt(0).toLowerCase() + error.message.slice(1);
      throw new UsageError(`--since/--until: ${reason}`);
    }
    throw error;
  }
};

/** Parses `argv` (what follows `npm run replay --`); usage errors are thrown as UsageError. */
export const parseReplayArguments = (argv: readonly string[], now: Date): ReplayArguments => {
  const selected = selectCommand(argv, COMMANDS, USAGE, usageOf);
  if ('help' in selected) return { command: 'help', text: selected.help };
  const { command, args } = selected;
  switch (command) {
    case 'start': {
      const values = parseOptions(args, OPTIONS.start);
      return {
        command,
        target: targetOf(values),
        window: parseWindow(values, now),
        dryRun: values['dry-run'] ?? false,
      };
    }
    case 'status': {
      const values = parseOptions(args, OPTIONS.status);
      return { command, target: targetOf(values), json: values.json ?? false };
    }
    case 'stop':
      return { command, target: targetOf(parseOptions(args, OPTIONS.stop)) };
  }
};
