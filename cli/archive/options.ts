/** `npm run archive -- <command> [options]`: the commands, their options and their usage texts. */
import { HELP_OPTION, parseOptions, selectCommand, TARGET_OPTIONS, TARGET_USAGE } from '../shared/args';
import { UsageError } from '../shared/errors';
import type { TargetOptions } from '../shared/target';
import { parseTimeRange, type TimeRange } from '../shared/time';
import { normalisePrefix } from './partitions';

export const COMMANDS = ['list', 'orders', 'errors'] as const;
export type CommandName = (typeof COMMANDS)[number];

const COMMON_OPTIONS = {
  ...HELP_OPTION,
  ...TARGET_OPTIONS,
  bucket: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  prefix: { type: 'string' },
} as const;

const OPTIONS = {
  list: COMMON_OPTIONS,
  orders: {
    ...COMMON_OPTIONS,
    id: { type: 'string' },
    customer: { type: 'string' },
    quarantined: { type: 'boolean' },
  },
  errors: { ...COMMON_OPTIONS, type: { type: 'string' }, 'show-raw': { type: 'boolean' } },
} as const;

export const DEFAULT_PREFIX: Record<CommandName, string> = {
  list: 'orders/',
  orders: 'orders/',
  errors: 'errors/',
};

const TIME_USAGE = `Time range (UTC hours; an object belongs to the hour its oldest record arrived in):
  --since <time>         required: ISO-8601 with Z or an offset (2026-11-21T10:00Z, 2026-11-21T11:00+01:00),
                         a UTC date (2026-11-21) or a duration ago (30m, 2h, 1d, 1w, 1h30m)
  --until <time>         the same forms; default now. Every hour from --since's to --until's is read.`;

const COMMON_USAGE = `Archive:
  --bucket <name>        read this bucket instead of the stack's ArchiveBucketName output

${TARGET_USAGE}

  -h, --help             this help`;

const COMMAND_USAGE: Record<CommandName, string> = {
  list: `Usage: npm run archive -- list --since <time> [--until <time>] [--prefix orders/] [target]

Lists the archive objects of every hourly partition (orders/yyyy/MM/dd/HH/) in the range: key, size in
bytes, last modified, server-side encryption; then a count line.

  --prefix <folder>      the folder above the partitions (default orders/)

${TIME_USAGE}

${COMMON_USAGE}`,
  orders: `Usage: npm run archive -- orders --since <time> [--until <time>] [--id <orderId>] [--customer <id>] [--quarantined] [target]

Downloads the archive objects of the range, gunzips them and prints every order as one JSON line on
stdout, as archived (card data removed); the summary goes to stderr. Records the card-data transform
quarantined (not JSON objects when published: {"quarantine": {"reason", "maskedText"}}) are left out and
counted in the summary.

  --id <orderId>         only the order with this id
  --customer <id>        only the orders of this customer (customer.id)
  --quarantined          print the quarantined records instead of the orders
  --prefix <folder>      the folder above the partitions (default orders/)

${TIME_USAGE}

${COMMON_USAGE}`,
  errors: `Usage: npm run archive -- errors --since <time> [--until <time>] [--type <type>] [--show-raw] [target]

Prints the records Firehose could not deliver (error output under errors/<type>/yyyy/MM/dd/HH/), one JSON
line each: error code and message, attempts, times and the size of the raw data. The raw data is the
record as received, before the card-data transform, so it may hold card numbers: it is only printed
with --show-raw.

  --type <type>          one error output type (processing-failed, ...); default every type found
  --show-raw             also print the raw data (as text when it is UTF-8, else as base64)
  --prefix <folder>      the folder above the error output types (default errors/)

${TIME_USAGE}

${COMMON_USAGE}`,
};

export const USAGE = `Usage: npm run archive -- <command> [options]

Reads the storage and backup pipeline's archive: GZIP JSON lines in S3, one folder per UTC hour.

Commands:
  list      list the archive objects of a time range (key, size, last modified, encryption)
  orders    print the archived orders of a time range as JSON lines
  errors    print the error output records of a time range (without their raw data)

Examples:
  npm run archive -- list --since 2h
  npm run archive -- orders --since 2026-11-21T00:00Z --until 2026-11-21T12:00Z --customer customer-1001
  npm run archive -- errors --since 1d --stack-name checkout --region eu-west-1

Run \`npm run archive -- <command> --help\` for a command's options.`;

export const usageOf = (command?: CommandName) => (command ? COMMAND_USAGE[command] : USAGE);

interface CommonArguments {
  target: TargetOptions;
  bucket?: string | undefined;
  range: TimeRange;
  prefix: string;
}

export type ArchiveArguments =
  | { command: 'help'; text: string }
  | ({ command: 'list' } & CommonArguments)
  | ({
      command: 'orders';
      id?: string | undefined;
      customer?: string | undefined;
      quarantined: boolean;
    } & CommonArguments)
  | ({ command: 'errors'; type?: string | undefined; showRaw: boolean } & CommonArguments);

const common = (
  command: CommandName,
  values: {
    'stack-name'?: string | undefined;
    region?: string | undefined;
    outputs?: string | undefined;
    bucket?: string | undefined;
    since?: string | undefined;
    until?: string | undefined;
    prefix?: string | undefined;
  },
  now: Date,
): CommonArguments => ({
  target: { stackName: values['stack-name'], region: values.region, outputsFile: values.outputs },
  bucket: values.bucket,
  range: parseTimeRange(values, now),
  prefix: normalisePrefix(values.prefix ?? DEFAULT_PREFIX[command]),
});

/** Parses `argv` (what follows `npm run archive --`); usage errors are thrown as UsageError. */
export const parseArchiveArguments = (argv: readonly string[], now: Date): ArchiveArguments => {
  const selected = selectCommand(argv, COMMANDS, USAGE, usageOf);
  if ('help' in selected) return { command: 'help', text: selected.help };
  const { command, args } = selected;
  switch (command) {
    case 'list': {
      const values = parseOptions(args, OPTIONS.list);
      return { command, ...common(command, values, now) };
    }
    case 'orders': {
      const values = parseOptions(args, OPTIONS.orders);
      return {
        command,
        ...common(command, values, now),
        id: values.id,
        customer: values.customer,
        quarantined: values.quarantined ?? false,
      };
    }
    case 'errors': {
      const values = parseOptions(args, OPTIONS.errors);
      if (values.type?.includes('/')) {
        throw new UsageError(`--type is one folder name such as processing-failed, not "${values.type}"`);
      }
      return {
        command,
        ...common(command, values, now),
        type: values.type,
        showRaw: values['show-raw'] ?? false,
      };
    }
  }
};
