/**
 * `npm run orders -- <search|stats> [options]`: the analysts' queries over the orders that the search and
 * analytics pipeline indexes in OpenSearch (see README, "Querying orders (analysts)"), on the local stack's
 * node (plain HTTP) or a domain in AWS (SigV4).
 */
import { EXIT_OK, type FailureContext, reportFailure } from '../shared/errors';
import { type CliIo, nowOf, runAsProcess } from '../shared/io';
import { searchCommand } from './commands/search';
import { statsCommand } from './commands/stats';
import {
  type Connection,
  type OpenConnection,
  openConnection,
  openSearchFailure,
  REQUEST_OPTIONS,
  resolveConnection,
} from './connection';
import { parseOrdersArguments } from './options';
import type { SearchOrders, SearchResponseBody } from './search-response';

export const PROGRAM = 'orders';
/** What querying takes in AWS; the stack's analysts role has both. */
const PERMISSIONS =
  "cloudformation:DescribeStacks on the stack for --stack-name, and a role named in the domain's access policy, such as the stack's analysts role";

/** Sends the command's searches to the connection's index or alias. */
export const searcherOf =
  ({ client, index }: OpenConnection): SearchOrders =>
  async (body) => {
    const response = await client.search({ index, body: body as never }, REQUEST_OPTIONS);
    return response.body as unknown as SearchResponseBody;
  };

/** Runs the CLI in-process: results on `io.stdout`, errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  const failureContext: FailureContext = { permissions: PERMISSIONS };
  let connection: Connection | undefined;
  try {
    const args = parseOrdersArguments(argv, nowOf(io));
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    connection = await resolveConnection(args.connection, io);
    const open = openConnection(connection);
    try {
      const search = searcherOf(open);
      switch (args.command) {
        case 'search':
          await searchCommand(search, args, io);
          break;
        case 'stats':
          await statsCommand(search, args, io);
          break;
      }
    } finally {
      await open.client.close().catch(() => undefined);
    }
    return EXIT_OK;
  } catch (error) {
    const failure = connection ? openSearchFailure(error, connection) : undefined;
    return reportFailure(io, PROGRAM, failure ?? error, failureContext);
  }
};

if (require.main === module) runAsProcess(run);
