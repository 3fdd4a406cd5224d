/**
 * The baseline of a function's module initialisation (SPEC §6): a bundle that does nothing but create
 * the bare clients the function loads at init, built with the function's own esbuild options. Which
 * clients those are is read from the function's import graph (an esbuild metafile), following static
 * imports only: a client the function imports on first use (`await import(...)`) is not initialised at
 * cold start, so it is not part of the baseline either.
 */
import type { Metafile } from 'esbuild';

export interface BaselineClient {
  /** The npm package, e.g. `@aws-sdk/client-dynamodb`. */
  packageName: string;
  /** What the baseline module runs for it. */
  source: string;
  /** For tables: `DynamoDBClient`. */
  label: string;
}

/** The innermost package: a nested copy of a client package is that client package. */
const packageOf = (path: string): string | undefined =>
  /(?:.*\/|^)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

/** Every package reached from `entry` through static imports and requires (not `import()`). */
export const staticallyImportedPackages = (metafile: Metafile, entry: string): Set<string> => {
  const packages = new Set<string>();
  const seen = new Set<string>([entry]);
  const pending = [entry];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const packageName = packageOf(path);
    if (packageName) packages.add(packageName);
    for (const edge of metafile.inputs[path]?.imports ?? []) {
      if (edge.kind === 'dynamic-import' || edge.external || seen.has(edge.path)) continue;
      seen.add(edge.path);
      pending.push(edge.path);
    }
  }
  return packages;
};

const isAwsSdkClient = (packageName: string) => packageName.startsWith('@aws-sdk/client-');

/** The client class a generated AWS SDK v3 package exports: `DynamoDBClient` for client-dynamodb. */
const awsSdkClientClass = async (packageName: string): Promise<string> => {
  const exported = Object.keys((await import(packageName)) as Record<string, unknown>).filter((name) =>
    /^[A-Z]\w*Client$/.test(name),
  );
  if (exported.length !== 1)
    throw new Error(`Cannot tell the client class of ${packageName}: ${exported.join(', ') || 'none'}`);
  return exported[0] as string;
};

/** The OpenSearch client as the functions create it in AWS: SigV4-signed with the default credentials. */
const OPENSEARCH_CLIENT: BaselineClient = {
  packageName: '@opensearch-project/opensearch',
  label: 'OpenSearch Client (SigV4)',
  source: [
    "import { defaultProvider } from '@aws-sdk/credential-provider-node';",
    "import { Client } from '@opensearch-project/opensearch';",
    "import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';",
    'clients.push(new Client({',
    "  ...AwsSigv4Signer({ region: 'us-east-1', service: 'es', getCredentials: () => defaultProvider()() }),",
    "  node: 'https://localhost:9200',",
    '}));',
  ].join('\n'),
};

/** The clients among `packages`, in a stable order. */
export const baselineClients = async (packages: Iterable<string>): Promise<BaselineClient[]> => {
  const clients: BaselineClient[] = [];
  for (const packageName of [...packages].sort()) {
    if (isAwsSdkClient(packageName)) {
      const className = await awsSdkClientClass(packageName);
      clients.push({
        packageName,
        label: className,
        source: `import { ${className} } from '${packageName}';\nclients.push(new ${className}({}));`,
      });
    } else if (packageName === OPENSEARCH_CLIENT.packageName) {
      clients.push(OPENSEARCH_CLIENT);
    }
  }
  return clients;
};

/** What every function adds to its clients (SPEC §3.6): Powertools Logger, Metrics and Tracer, the clients captured. */
const POWERTOOLS_SOURCE = [
  "import { Logger } from '@aws-lambda-powertools/logger';",
  "import { Metrics } from '@aws-lambda-powertools/metrics';",
  "import { Tracer } from '@aws-lambda-powertools/tracer';",
  'export const logger = new Logger();',
  'export const metrics = new Metrics();',
  'export const tracer = new Tracer();',
  // The AWS SDK v3 clients (they have a middleware stack), as the functions capture theirs.
  'clients.filter((client) => client.middlewareStack).forEach((client) => tracer.captureAWSv3Client(client));',
].join('\n');

/**
 * The baseline module: creates each client once, as a function module does at init; `withPowertools`
 * also creates the Powertools utilities every function has (a floor, not the SPEC's baseline).
 */
export const baselineSource = (clients: BaselineClient[], { withPowertools = false } = {}): string =>
  [
    'export const clients = [];',
    ...clients.map((client) => client.source),
    ...(withPowertools ? [POWERTOOLS_SOURCE] : []),
    '',
  ].join('\n');

/** `DynamoDBClient + LambdaClient`, or `none` for a function that loads no client at init. */
export const baselineLabel = (clients: BaselineClient[]): string =>
  clients.length === 0 ? 'none' : clients.map((client) => client.label).join(' + ');
