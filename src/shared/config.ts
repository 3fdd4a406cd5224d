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
