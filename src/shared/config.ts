export class MissingConfigurationError extends Error {
  constructor(readonly variable: string) {
    super(`Environment variable ${variable} is required but not set`);
    this.name = 'MissingConfigurationError';
  }
}

/** Reads a required environment variable at module initialisation, failing fast when it is missing. */
export const requireEnv = (variable: string, env: NodeJS.ProcessEnv = process.env): string => {
  const value = env[variable];
  if (value === undefined || value === '') throw new MissingConfigurationError(variable);
  return value;
};

/** Reads a required environment variable holding a whole number of at least `minimum`. */
export const requireIntegerEnv = (
  variable: string,
  minimum: number,
  env: NodeJS.ProcessEnv = process.env,
) => {
  const value = Number(requireEnv(variable, env));
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`Environment variable ${variable} must be a whole number of at least ${minimum}`);
  }
  return value;
};

/**
 * Reads the variables that share a prefix, one per item of a template list (such as one per partner), by the
 * rest of their name; at least one must be set.
 */
export const requireEnvByPrefix = (prefix: string, env: NodeJS.ProcessEnv = process.env) => {
  const values = new Map(
    Object.entries(env)
      .filter(([name, value]) => name.startsWith(prefix) && name.length > prefix.length && value)
      .map(([name, value]) => [name.slice(prefix.length), value as string]),
  );
  if (values.size === 0) throw new MissingConfigurationError(`${prefix}<name>`);
  return values;
};
