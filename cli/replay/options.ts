/** `npm run replay -- <command> [options]`: the commands, their options and their usage texts. */
import {
  InvalidReplayWindowError,
  MAXIMUM_REPLAY_RATE,
  type ReplayWindow,
  replayWindow,
} from '../../src/domain/replay';
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
    rate: { type: 'string' },
    'dry-run': { type: 'boolean' },
  },
  status: {
    ...HELP_OPTION,
    ...TARGET_OPTIONS,
    json: { type: 'boolean' },
    watch: { type: 'boolean' },
    interval: { type: 'string' },
  },
  stop: { ...HELP_OPTION, ...TARGET_OPTIONS },
} as const;

const COMMON_USAGE = `${TARGET_USAGE}

  -h, --help             this help`;

const COMMAND_USAGE: Record<CommandName, string> = {
  start: `Usage: npm run replay -- start --since <time> [--until <time>] [--rate <orders/s>] [--dry-run] [target]

Starts a replay: records the window (a new replay id, since, until, started at) in the replay state table,
then enables the replay function's event source mapping. The function then reads the whole replay queue:
it re-sends every order whose date lies in the window to the checkout queue, with its message attributes
and the attribute replayId; it removes the orders before the window and those without a time (they count
as skipped); it keeps the orders at or after the window's end, and every order published while the replay
runs, in the replay queue for later replays (they count as kept). The replay completes by itself once the
replay queue holds nothing of its window any more: the function marks it completed and disables the
mapping. Refused while another replay is running. Follow it with \`npm run replay -- status --watch\`;
stop it earlier with \`npm run replay -- stop\`.

Window (an order's time is its "date"; the start is inclusive, the end exclusive):
  --since <time>         required: ISO-8601 with Z or an offset (2026-11-21T10:00Z, 2026-11-21T11:00+01:00),
                         a UTC date (2026-11-21) or a duration ago (30m, 2h, 1d, 1w, 1h30m)
  --until <time>         the same forms; default now

  --rate <orders/s>      forward at most this many orders per second (more than 0, at most ${MAXIMUM_REPLAY_RATE}; decimals
                         such as 0.5 allowed). The mapping takes batches of about one second of orders (1 to 10)
                         with at most 2 at once (more above 10 orders/s), and the replay function spaces the
                         orders it forwards 1/rate apart; the mapping's batch size and maximum concurrency come
                         back when the replay completes or is stopped. Orders removed or kept do not count.
  --dry-run              change nothing: count how many orders of the replay queue would be replayed, removed
                         or kept (with --rate, how long forwarding them would take). Every message is
                         received once and made visible again at once, so
                         a dry run counts as one receive of each message (the
                         replay queue moves a message to its dead-letter queue after 10 receives).
                         Refused while the event source mapping is enabled (it would race the running replay).

${COMMON_USAGE}`,
  status: `Usage: npm run replay -- status [--json] [--watch [--interval <seconds>]] [target]

Shows the current replay (id, window, running, completed or stopped, its times, its pace), its progress
(forwarded, skipped, kept for later replays, the messages of the replay queue it has still to judge, the
current rate and the estimated time left), the replay function's event source mapping (state, batch size,
maximum concurrency), the replay queue and its dead-letter queue, and a one-line verdict.

  --json                 the same as one JSON object, for scripts (with --watch, one per line)
  --watch                show it again every --interval seconds until Ctrl-C, or until the replay has
                         completed or stopped
  --interval <seconds>   with --watch: how often (default 2; at least 0.5)

${COMMON_USAGE}`,
  stop: `Usage: npm run replay -- stop [target]

Disables the replay function's event source mapping (and gives it back the batch size and maximum
concurrency it had before --rate), then marks the replay stopped. A batch already being processed
finishes (and is counted); the orders still in the replay queue stay there. A replay needs no stop once
it has completed; stopping when no replay runs is not an error.

${COMMON_USAGE}`,
};

export const USAGE = `Usage: npm run replay -- <command> [options]

Replays a time window of orders from the event replay pipeline's queue (every order, kept 14 days) into
the checkout queue, after a fulfilment outage for example. Checkout processing is idempotent: orders that
were processed fine are left as they are.

Commands:
  start     start a replay of a window (--since, --until), paced with --rate; --dry-run counts what it
            would replay. It completes by itself once the replay queue holds nothing of its window.
  status    show the current replay, its progress, rate and time left, and the replay queue (--watch)
  stop      stop the replay before it completes (disable the replay function's event source)

Examples:
  npm run replay -- start --since 2026-11-21T10:00Z --until 2026-11-21T12:30Z --dry-run
  npm run replay -- start --since 2026-11-21T10:00Z --until 2026-11-21T12:30Z --rate 50
  npm run replay -- status --watch
  npm run replay -- stop
  npm run replay -- status --json --stack-name checkout --region eu-west-1

Run \`npm run replay -- <command> --help\` for a command's options.`;

export const usageOf = (command?: CommandName) => (command ? COMMAND_USAGE[command] : USAGE);

export type ReplayArguments =
  | { command: 'help'; text: string }
  | {
      command: 'start';
      target: TargetOptions;
      window: ReplayWindow;
      dryRun: boolean;
      /** Orders per second; undefined: as fast as the mapping goes. */
      rate?: number | undefined;
    }
  | {
      command: 'status';
      target: TargetOptions;
      json: boolean;
      /** Seconds between refreshes with --watch; undefined: show it once. */
      watchSeconds?: number | undefined;
    }
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

/** The shortest --interval of status --watch, in seconds. */
export const MINIMUM_WATCH_INTERVAL_SECONDS = 0.5;
const DEFAULT_WATCH_INTERVAL_SECONDS = 2;

/** A decimal number written plainly (`5`, `0.5`, `12.25`), or undefined. */
const decimal = (text: string) => (/^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : undefined);

/** `--rate <orders/s>`: more than 0, at most MAXIMUM_REPLAY_RATE. */
export const parseRate = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const rate = decimal(text);
  if (rate === undefined || rate <= 0 || rate > MAXIMUM_REPLAY_RATE) {
    throw new UsageError(
      `--rate takes orders per second, more than 0 and at most ${MAXIMUM_REPLAY_RATE} (5, 0.5), not "${text}"`,
    );
  }
  return rate;
};

/** `--watch [--interval <seconds>]`: the seconds between refreshes, or undefined without --watch. */
export const parseWatch = (watch: boolean | undefined, interval: string | undefined): number | undefined => {
  if (!watch) {
    if (interval !== undefined) throw new UsageError('--interval goes with --watch');
    return undefined;
  }
  if (interval === undefined) return DEFAULT_WATCH_INTERVAL_SECONDS;
  const seconds = decimal(interval);
  if (seconds === undefined || seconds < MINIMUM_WATCH_INTERVAL_SECONDS) {
    throw new UsageError(
      `--interval takes seconds, at least ${MINIMUM_WATCH_INTERVAL_SECONDS} (2, 0.5), not "${interval}"`,
    );
  }
  return seconds;
};

/** Parses `argv` (what follows `npm run replay --`); usage errors are thrown as UsageError. */
export const parseReplayArguments = (argv: readonly string[], now: Date): ReplayArguments => {
  const selected = selectCommand(argv, COMMANDS, USAGE, usageOf);
  if ('help' in selected) return { command: 'help', text: selected.help };
  const { command, args } = selected;
  switch (command) {
    case 'start': {
      const values = parseOptions(args, OPTIONS.start);
      const rate = parseRate(values.rate);
      return {
        command,
        target: targetOf(values),
        window: parseWindow(values, now),
        dryRun: values['dry-run'] ?? false,
        ...(rate === undefined ? {} : { rate }),
      };
    }
    case 'status': {
      const values = parseOptions(args, OPTIONS.status);
      const watchSeconds = parseWatch(values.watch, values.interval);
      return {
        command,
        target: targetOf(values),
        json: values.json ?? false,
        ...(watchSeconds === undefined ? {} : { watchSeconds }),
      };
    }
    case 'stop':
      return { command, target: targetOf(parseOptions(args, OPTIONS.stop)) };
  }
};
