/**
 * How the CLIs fail: a usage error (bad arguments) exits with 2 and points at `--help`; a runtime failure
 * (no local stack, an unreachable endpoint, a missing stack output, access denied) exits with 1. Either way
 * one clear line goes to stderr, never a stack trace.
 */
import type { CliIo } from './io';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad arguments: the message says what is wrong with them. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the user can act on, with a message that says how. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** Where a request went, so that a failure can name it. */
export interface FailureContext {
  /** The endpoint of the local stack; absent for AWS. */
  localEndpoint?: string;
  /** The bucket being read, for NoSuchBucket. */
  bucket?: string;
  /** What the command needs to be allowed, for AccessDenied: `s3:GetObject on the archive`. */
  permissions?: string;
}

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  errors?: unknown[];
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'Forbidden',
  'AllAccessDisabled',
  'KMS.AccessDeniedException',
]);

const BAD_CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
]);

/**
 * The network error code of a failed request. Node wraps the errors of several addresses in an
 * AggregateError; the SDK wraps an error from another realm (a test runner's) keeping only its message.
 */
const networkCode = (error: AwsLikeError): string | undefined => {
  if (error.code && NETWORK_CODES.has(error.code)) return error.code;
  for (const inner of error.errors ?? []) {
    const code = (inner as AwsLikeError | null)?.code;
    if (code && NETWORK_CODES.has(code)) return code;
  }
  if (error.name === 'TimeoutError') return 'timed out';
  // Some wrappers keep only the message ("AWS SDK error wrapper for Error: connect ECONNREFUSED ...").
  return (error.message ?? '').match(/\bE[A-Z_]+\b/g)?.find((code) => NETWORK_CODES.has(code));
};

const messageOf = (error: AwsLikeError) => (error.message ?? '').trim() || error.name || 'unknown error';

/** One line that says what went wrong with an AWS call (or anything else) and what to do about it. */
export const describeFailure = (error: unknown, context: FailureContext = {}): string => {
  if (error instanceof CliError || error instanceof UsageError) return error.message;
  if (error === null || typeof error !== 'object') return String(error);
  const failure = error as AwsLikeError;
  const network = networkCode(failure);
  if (network) {
    return context.localEndpoint
      ? `cannot reach the local stack at ${context.localEndpoint} (${network}): is it running? Start it with npm start`
      : `cannot reach AWS (${network}): check the network and the Region`;
  }
  const name = failure.name ?? '';
  if (ACCESS_DENIED.has(name) || failure.$metadata?.httpStatusCode === 403) {
    const needs = context.permissions
      ? `the credentials need ${context.permissions}`
      : 'check the permissions';
    return `access denied: ${messageOf(failure)} (${needs})`;
  }
  if (name === 'NoSuchBucket') {
    return context.bucket ? `the bucket ${context.bucket} does not exist` : 'the bucket does not exist';
  }
  if (name === 'CredentialsProviderError') {
    return `no AWS credentials found (${messageOf(failure)}): configure a profile (AWS_PROFILE) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (BAD_CREDENTIALS.has(name)) return `the AWS credentials were rejected: ${messageOf(failure)}`;
  if (/region is missing/i.test(failure.message ?? '')) {
    return 'no AWS Region: pass --region or set AWS_REGION (or a region in your AWS profile)';
  }
  return name && name !== 'Error' ? `${name}: ${messageOf(failure)}` : messageOf(failure);
};

/** Reports a failure on stderr as `<program>: <message>` and returns the exit code. */
export const reportFailure = (
  io: CliIo,
  program: string,
  error: unknown,
  context: FailureContext = {},
): number => {
  if (error instanceof UsageError) {
    io.stderr.write(`${program}: ${error.message}\nRun \`npm run ${program} -- --help\` for usage.\n`);
    return EXIT_USAGE;
  }
  io.stderr.write(`${program}: ${describeFailure(error, context)}\n`);
  return EXIT_FAILURE;
};
