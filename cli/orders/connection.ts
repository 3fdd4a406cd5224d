/**
 * Where `npm run orders` sends its requests and how: the local stack's node over plain HTTP, a stack's
 * domain in AWS with SigV4-signed requests, or the endpoint given with --endpoint. And what a failed
 * request means, in one line that says what to do.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { Client } from '@opensearch-project/opensearch';
import {
  openSearchUrl,
  plainOpenSearchClient,
  signedOpenSearchClient,
} from '../../src/adapters/opensearch-client';
import { CliError } from '../shared/errors';
import type { CliIo } from '../shared/io';
import { resolveTarget, type StackOutputs, type Target } from '../shared/target';
import type { ConnectionOptions } from './options';

export const DEFAULT_INDEX = 'orders';

/** How long one request may take, and how often a failed one is retried (the client's default is 3). */
export const REQUEST_OPTIONS = { requestTimeout: 30_000, maxRetries: 1 } as const;

export interface Connection {
  /** The endpoint as a URL, without a trailing slash. */
  url: string;
  /** The index or alias queried. */
  index: string;
  /** True for the local stack's node: failures point at npm start. */
  local: boolean;
  /** The Region requests are signed for; undefined when they are sent plain. */
  signedFor?: string | undefined;
  /** The stack's analysts role (output SearchAnalystsRoleArn), to name when access is denied. */
  analystsRoleArn?: string | undefined;
}

export interface OpenConnection extends Connection {
  client: Client;
}

/** The Region in an Amazon OpenSearch Service endpoint: `search-x-abc.eu-west-1.es.amazonaws.com`. */
export const regionOfEndpoint = (url: string): string | undefined => {
  const host = new URL(openSearchUrl(url)).hostname;
  return /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.es\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
};

/** The default chain's Region (AWS_REGION, the profile's region), as the other CLIs' SDK clients find it. */
const defaultRegion = async (): Promise<string | undefined> => {
  const client = new CloudFormationClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
};

/** What the local outputs.json of a stack started before the search pipeline existed lacks. */
const noLocalSearch = (target: Target) =>
  new CliError(
    `${target.description} has no SearchUrl output: restart the local stack with npm start (its search pipeline starts a local OpenSearch node, which needs a JDK 17+), or pass --endpoint <url>`,
  );

/**
 * Resolves where to connect, without connecting: the endpoint (--endpoint, else the stack's SearchUrl), the
 * index (--index, else the stack's SearchIndexAlias, else `orders`), and whether to sign (never for the local
 * stack or an http:// endpoint, never with --no-sign, otherwise for --region, the endpoint's Region or the
 * default chain's).
 */
export const resolveConnection = async (
  options: ConnectionOptions,
  io: CliIo,
  findDefaultRegion: () => Promise<string | undefined> = defaultRegion,
): Promise<Connection> => {
  const { target: targetOptions, endpoint } = options;
  // With --endpoint, a stack is read only when one is named (for its index alias and analysts role).
  const useTarget =
    endpoint === undefined ||
    targetOptions.stackName !== undefined ||
    targetOptions.outputsFile !== undefined;
  const target = useTarget
    ? resolveTarget(
        // --region with --endpoint alone is the signing Region, not a stack's.
        targetOptions.stackName === undefined && endpoint !== undefined
          ? { ...targetOptions, region: undefined }
          : targetOptions,
        io,
      )
    : undefined;
  const outputs: StackOutputs = target ? await target.outputs() : {};
  let url: string;
  if (endpoint !== undefined) {
    url = openSearchUrl(endpoint);
  } else {
    const searchUrl = outputs.SearchUrl;
    if (!searchUrl) {
      if (target?.kind === 'local') throw noLocalSearch(target);
      throw new CliError(
        `${target?.description ?? 'the stack'} has no output SearchUrl: is it deployed from this project's template, with the search and analytics pipeline? (or pass --endpoint <url>)`,
      );
    }
    url = openSearchUrl(searchUrl);
  }
  const local = endpoint === undefined && target?.kind === 'local';
  const index = options.index ?? outputs.SearchIndexAlias ?? DEFAULT_INDEX;
  const analystsRoleArn = outputs.SearchAnalystsRoleArn;
  const sign = options.sign && !local && url.startsWith('https://');
  if (!sign) return { url, index, local, analystsRoleArn };
  const signedFor = targetOptions.region ?? regionOfEndpoint(url) ?? (await findDefaultRegion());
  if (!signedFor) {
    throw new CliError(
      `no AWS Region to sign the requests to ${url} for: pass --region or set AWS_REGION (or a region in your AWS profile)`,
    );
  }
  return { url, index, local, signedFor, analystsRoleArn };
};

/** A client for the connection: signed with SigV4 (service es) or plain. */
export const openConnection = (connection: Connection): OpenConnection => ({
  ...connection,
  client: connection.signedFor
    ? signedOpenSearchClient(connection.url, connection.signedFor)
    : plainOpenSearchClient(connection.url),
});

interface OpenSearchError {
  name?: string;
  message?: string;
  code?: string;
  meta?: { statusCode?: number | null; body?: unknown };
}

const NETWORK =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPROTO|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\b/;

/** What the server said: `{"Message": ...}` from AWS, `{"error": {"reason": ...}}` from OpenSearch, or text. */
export const serverMessage = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body.trim() || undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['Message', 'message']) {
    if (typeof record[key] === 'string') return record[key] as string;
  }
  const error = record.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const { type, reason, root_cause: rootCause } = error as Record<string, unknown>;
    const cause = Array.isArray(rootCause)
      ? (rootCause[0] as Record<string, unknown> | undefined)
      : undefined;
    const detail = typeof cause?.reason === 'string' && cause.reason !== reason ? `: ${cause.reason}` : '';
    if (typeof reason === 'string') return `${reason}${detail}`;
    if (typeof type === 'string') return type;
  }
  return undefined;
};

const errorType = (body: unknown): string | undefined => {
  const error = (body as { error?: { type?: unknown } } | null)?.error;
  return typeof error?.type === 'string' ? error.type : undefined;
};

/**
 * One line for a failed OpenSearch request, as a CliError; undefined for errors that are not about
 * OpenSearch (no credentials, a stack that does not exist), which the shared handling describes.
 */
export const openSearchFailure = (error: unknown, connection: Connection): CliError | undefined => {
  if (error === null || typeof error !== 'object') return undefined;
  const failure = error as OpenSearchError;
  const { url, index } = connection;
  if (
    failure.name === 'ConnectionError' ||
    failure.name === 'NoLivingConnectionsError' ||
    failure.name === 'TimeoutError' ||
    failure.name === 'RequestAbortedError'
  ) {
    const why =
      failure.name === 'TimeoutError'
        ? 'timed out'
        : (NETWORK.exec(failure.message ?? '')?.[1] ?? failure.message);
    const cause = why ? ` (${why})` : '';
    return new CliError(
      connection.local
        ? `cannot reach OpenSearch at ${url}${cause}: is the local stack running? npm start`
        : `cannot reach OpenSearch at ${url}${cause}: check the endpoint and the network (a domain in a VPC answers only inside the VPC)`,
    );
  }
  if (failure.name !== 'ResponseError') return undefined;
  const status = failure.meta?.statusCode ?? undefined;
  const body = failure.meta?.body;
  const said = serverMessage(body);
  if (status === 401 || status === 403) {
    const what = said ? `${said} ` : '';
    const role = connection.analystsRoleArn ? ` ${connection.analystsRoleArn}` : '';
    const hint = connection.signedFor
      ? `your role must be named in the domain's access policy and mapped to its reader role by fine-grained access control, e.g. the stack's analysts role${role} (assume it, for example with AWS_PROFILE)`
      : `the requests were not signed (${connection.local ? 'the local node needs no signing' : 'drop --no-sign, and use an https:// endpoint'}); in AWS your role must be named in the domain's access policy, e.g. the stack's analysts role${role}`;
    return new CliError(`not authorised: ${url} answered ${status} ${what}(${hint})`);
  }
  if (status === 404 && errorType(body) === 'index_not_found_exception') {
    return new CliError(
      `no orders indexed yet: ${url} has no index or alias ${index} (the search pipeline creates ${index}-YYYY-MM-DD, in the alias ${index}, with the first order it indexes; by default it indexes the orders of 100 or more)${connection.local ? '' : '; or pass the right --index'}`,
    );
  }
  return new CliError(
    `OpenSearch at ${url} answered ${status ?? 'an error'}: ${said ?? failure.message ?? 'no reason given'}`,
  );
};
