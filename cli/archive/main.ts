/**
 * `npm run archive -- <list|orders|errors> --since <time> [options]`: reads the storage and backup
 * pipeline's archive (see README, "Reading the archive"), in the local stack or in AWS.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { EXIT_OK, type FailureContext, reportFailure } from '../shared/errors';
import { type CliIo, nowOf, runAsProcess } from '../shared/io';
import { createClient, resolveTarget } from '../shared/target';
import { ArchiveBucket } from './archive-bucket';
import { errorsCommand } from './commands/errors';
import { listCommand } from './commands/list';
import { ordersCommand } from './commands/orders';
import { parseArchiveArguments } from './options';
import { hourlyPartitions } from './partitions';

export const PROGRAM = 'archive';
/** What reading the archive takes in AWS (with --stack-name, also cloudformation:DescribeStacks). */
const PERMISSIONS = 's3:ListBucket and s3:GetObject on the archive bucket and kms:Decrypt on its key';

/** Runs the CLI in-process: results on `io.stdout`, summaries and errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  const failureContext: FailureContext = { permissions: PERMISSIONS };
  try {
    const args = parseArchiveArguments(argv, nowOf(io));
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    const hours = hourlyPartitions(args.range);
    const target = resolveTarget(args.target, io);
    Object.assign(failureContext, target.failureContext);
    const bucketName = args.bucket ?? (await target.output('ArchiveBucketName'));
    failureContext.bucket = bucketName;
    const s3 = createClient(S3Client, target);
    try {
      const bucket = new ArchiveBucket(s3, bucketName);
      switch (args.command) {
        case 'list':
          await listCommand(bucket, { prefix: args.prefix, hours }, io);
          break;
        case 'orders':
          await ordersCommand(
            bucket,
            {
              prefix: args.prefix,
              hours,
              id: args.id,
              customer: args.customer,
              quarantined: args.quarantined,
            },
            io,
          );
          break;
        case 'errors':
          await errorsCommand(
            bucket,
            { prefix: args.prefix, hours, type: args.type, showRaw: args.showRaw },
            io,
          );
          break;
      }
    } finally {
      s3.destroy();
    }
    return EXIT_OK;
  } catch (error) {
    return reportFailure(io, PROGRAM, error, failureContext);
  }
};

if (require.main === module) runAsProcess(run);
