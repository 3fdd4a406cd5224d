/**
 * Argument parsing on node:util parseArgs: `<command> [options]`, strict options, and parse errors turned
 * into usage errors that read well.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors';
import type { TargetOptions } from './target';

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** `--help` / `-h`, accepted by every command. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** Selects the stack the command works on: the local stack (default) or a stack in AWS. */
export const TARGET_OPTIONS = {
  'stack-name': { type: 'string' },
  region: { type: 'string' },
  outputs: { type: 'string' },
} as const;

export const TARGET_USAGE = `Target (the local stack unless --stack-name is given):
  --outputs <file>       the local stack's outputs (default .local/outputs.json, written by npm start)
  --stack-name <name>    a deployed stack in AWS: its outputs come from CloudFormation, credentials
                         and Region from the default chain (AWS_PROFILE, AWS_REGION, ...)
  --region <region>      the stack's Region (with --stack-name)`;

/** Quotes a word for a POSIX shell when it needs it. */
export const shellWord = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * The target options as the user gave them, to repeat in the commands a CLI suggests next:
 * ` --stack-name checkout --region eu-west-1`, ` --outputs other.json`, or nothing for the local stack.
 */
export const targetFlags = ({ stackName, region, outputsFile }: TargetOptions): string =>
  [
    stackName === undefined ? '' : ` --stack-name ${shellWord(stackName)}`,
    region === undefined ? '' : ` --region ${shellWord(region)}`,
    outputsFile === undefined ? '' : ` --outputs ${shellWord(outputsFile)}`,
  ].join('');

interface ParseArgsError extends Error {
  code: string;
}

/** Duck-typed: under a test runner, Node's own errors can come from another realm than `Error`. */
const isParseArgsError = (error: unknown): error is ParseArgsError =>
  typeof error === 'object' &&
  error !== null &&
  String((error as Partial<ParseArgsError>).code).startsWith('ERR_PARSE_ARGS_') &&
  typeof (error as Partial<ParseArgsError>).message === 'string';

/** The first quoted token of a parseArgs message: the option or argument it is about. */
const quoted = (message: string) => /'([^']+)'/.exec(message)?.[1];

const rephrase = (error: ParseArgsError): string => {
  const subject = quoted(error.message);
  if (!subject) return error.message;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${subject}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${subject}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = subject.split(' ')[0];
      if (/argument missing/.test(error.message)) return `${option} needs a value`;
      if (/ambiguous/.test(error.message))
        return `${option} needs a value (write ${option}=<value> for a value that starts with -)`;
      if (/does not take an argument/.test(error.message)) return `${option} does not take a value`;
      return error.message.split('\n')[0] as string;
    }
    default:
      return error.message.split('\n')[0] as string;
  }
};

/**
 * Parses the options of one command strictly (no unknown options, no positional arguments). Empty string
 * values (`--bucket ''`) are usage errors too.
 */
export const parseOptions = <const T extends OptionsConfig>(args: string[], options: T) => {
  const parse = () => parseArgs({ args, options, strict: true, allowPositionals: false });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(rephrase(error));
    throw error;
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string' && value.trim() === '') throw new UsageError(`--${name} needs a value`);
  }
  return parsed.values;
};

/** Splits `<command> [options]`; a leading option (`--help`) means there is no command. */
export const splitCommand = (argv: readonly string[]): { command?: string; args: string[] } => {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) return { args: [...argv] };
  return { command: first, args: rest };
};

export const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h');

/**
 * The command a multi-command CLI is asked to run, or the help text it should print instead: the checks
 * every such CLI makes before parsing the command's own options.
 */
export const selectCommand = <Command extends string>(
  argv: readonly string[],
  commands: readonly Command[],
  usage: string,
  usageOf: (command: Command) => string,
): { help: string } | { command: Command; args: string[] } => {
  const { command, args } = splitCommand(argv);
  if (command === undefined) {
    if (wantsHelp(args)) return { help: usage };
    if (args.length === 0) throw new UsageError(`a command is needed: ${commands.join(', ')}`);
    throw new UsageError(`a command comes first (${commands.join(', ')}), before ${args[0]}`);
  }
  if (command === 'help') return { help: usage };
  if (!(commands as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${command}": use one of ${commands.join(', ')}`);
  }
  if (wantsHelp(args)) return { help: usageOf(command as Command) };
  return { command: command as Command, args };
};
