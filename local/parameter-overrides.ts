/**
 * The values of template parameters for `npm start`, given as `sam deploy` takes them:
 *
 * - `--parameter-overrides Key=Value ...`: pairs as separate arguments or several in one argument separated by
 *   spaces, or `ParameterKey=Key,ParameterValue=Value`. A value may hold commas (a CommaDelimitedList:
 *   Partners=A,B) and be quoted ("..." or '...', with \" \' and "\ " escapes) to hold spaces, as in samconfig.toml.
 * - `--config-env <env>` and `--config-file <path>` (default samconfig.toml at the project root; a relative path
 *   is from the project root; env default "default", as SAM CLI): `parameter_overrides` of
 *   `[<env>.deploy.parameters]`, or else of `[<env>.global.parameters]`, as a string "A=1 B=2" or an array of
 *   "A=1" strings. Without either option, samconfig.toml is not read (sam deploy would read its "default" env):
 *   the local stack runs on the template's Defaults unless told otherwise.
 *
 * Precedence, as SAM CLI has it: a command's section replaces the global section option by option
 * (SamConfig.get_all updates the global table with the command's), so a `parameter_overrides` under `deploy`
 * replaces the global one whole; and `--parameter-overrides` on the command line replaces the file's
 * `parameter_overrides` whole, it does not merge with it key by key (the file only gives click's default for
 * the option; aws/aws-sam-cli#2380). The values are checked against the template later (template/parameters).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'smol-toml';

export const ACCEPTED_OPTIONS = [
  '--parameter-overrides Key=Value ...',
  '--config-env <env>',
  '--config-file <path>',
] as const;

const PAIR_START = /^(?:ParameterKey=([A-Za-z0-9]+),ParameterValue=|([A-Za-z0-9]+)=)/;
/** Spaces before the next pair: a value without quotes runs up to there (so "A=a b" is "a b", as before). */
const NEXT_PAIR = /\s+(?=ParameterKey=[A-Za-z0-9]+,ParameterValue=|[A-Za-z0-9]+=)/;
const QUOTED = /^(["'])((?:\\.|(?!\1)[^\\])*)\1(?=\s|$)/s;

/** As SAM CLI's _unquote_wrapped_quotes: `\ `, `\"` and `\'` stand for the character. */
const unescaped = (value: string) => value.replace(/\\([ "'])/g, '$1');

/** `Key=Value` pairs of one argument or one samconfig.toml string; `origin` names where they come from. */
export const parsePairs = (text: string, origin: string): Record<string, string> => {
  const pairs: Record<string, string> = {};
  let rest = text.trim();
  while (rest !== '') {
    const start = PAIR_START.exec(rest);
    if (!start) throw new Error(`${origin} takes Key=Value pairs, not "${rest.split(/\s/)[0]}"`);
    rest = rest.slice(start[0].length);
    let value: string;
    const quoted = QUOTED.exec(rest);
    if (quoted) {
      value = quoted[2] as string;
      rest = rest.slice(quoted[0].length);
    } else {
      const next = NEXT_PAIR.exec(rest);
      value = next ? rest.slice(0, next.index) : rest;
      rest = next ? rest.slice(next.index) : '';
    }
    pairs[(start[1] ?? start[2]) as string] = unescaped(value.trimEnd());
    rest = rest.trimStart();
  }
  return pairs;
};

export interface CommandLine {
  /** The arguments of every --parameter-overrides, in order; undefined without the option. */
  parameterOverrides?: string[];
  configEnv?: string;
  configFile?: string;
}

const usage = `npm start takes ${ACCEPTED_OPTIONS.join(', ')}`;

/** The options of `npm start -- ...`; anything else is refused with the list of those it takes. */
export const parseCommandLine = (args: string[]): CommandLine => {
  const line: CommandLine = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const option = equals < 0 ? arg : arg.slice(0, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    const following = () => {
      const values: string[] = [];
      while (index + 1 < args.length && !(args[index + 1] as string).startsWith('--'))
        values.push(args[++index] as string);
      return values;
    };
    if (option === '--parameter-overrides') {
      const values = [...(inline === undefined ? [] : [inline]), ...following()];
      if (values.length === 0) throw new Error('--parameter-overrides needs Key=Value pairs after it');
      line.parameterOverrides = [...(line.parameterOverrides ?? []), ...values];
    } else if (option === '--config-env' || option === '--config-file') {
      const key = option === '--config-env' ? 'configEnv' : 'configFile';
      const values = inline === undefined ? following() : [inline];
      if (values.length !== 1 || values[0] === '')
        throw new Error(
          `${option} takes one value (${option === '--config-env' ? 'an env name' : 'a path'})`,
        );
      if (line[key] !== undefined) throw new Error(`${option} is given twice`);
      line[key] = values[0];
    } else if (arg.startsWith('-')) {
      throw new Error(`Unknown option ${option}: ${usage}`);
    } else {
      throw new Error(`Unexpected argument "${arg}": ${usage}`);
    }
  }
  return line;
};

const isTable = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

/**
 * `parameter_overrides` of `env` in a samconfig.toml, `[env.deploy.parameters]` over `[env.global.parameters]`;
 * {} when the env has none. A missing file or env is an error naming the file (and the envs it has).
 */
export const samconfigParameterOverrides = (path: string, env: string): Record<string, string> => {
  if (!existsSync(path)) throw new Error(`The SAM configuration file ${path} does not exist`);
  let config: Record<string, unknown>;
  try {
    config = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the SAM configuration file ${path}: ${(error as Error).message}`);
  }
  const envs = Object.keys(config).filter((name) => isTable(config[name]));
  const section = config[env];
  if (!isTable(section)) {
    throw new Error(
      `${path} has no environment "${env}"; ` +
        (envs.length === 0 ? 'it has none' : `it has ${envs.map((name) => `"${name}"`).join(', ')}`),
    );
  }
  const sources = ['deploy', 'global'].map((command) => {
    const parameters = isTable(section[command]) ? section[command].parameters : undefined;
    return {
      where: `[${env}.${command}.parameters]`,
      value: isTable(parameters) ? parameters.parameter_overrides : undefined,
    };
  });
  const chosen = sources.find((source) => source.value !== undefined);
  if (!chosen) return {};
  const origin = `parameter_overrides in ${chosen.where} of ${path}`;
  const { value } = chosen;
  if (typeof value === 'string') return parsePairs(value, origin);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return Object.assign({}, ...value.map((item) => parsePairs(item, origin)));
  throw new Error(`${origin} must be a string "A=1 B=2" or an array of "A=1" strings`);
};

/**
 * The parameter overrides `npm start -- ${args}` sets: those of --parameter-overrides when given, else those of
 * the samconfig.toml env when --config-env or --config-file is given (see the precedence above), else none.
 */
export const parameterOverridesFrom = (args: string[], projectRoot: string): Record<string, string> => {
  const line = parseCommandLine(args);
  const fromFile =
    line.configEnv !== undefined || line.configFile !== undefined
      ? samconfigParameterOverrides(
          resolve(projectRoot, line.configFile ?? 'samconfig.toml'),
          line.configEnv ?? 'default',
        )
      : {};
  if (line.parameterOverrides === undefined) return fromFile;
  return Object.assign(
    {},
    ...line.parameterOverrides.map((arg) => parsePairs(arg, '--parameter-overrides')),
  ) as Record<string, string>;
};
