/** `archive errors`: Firehose's error output records of the range, without their raw data unless asked. */
import { forEachInOrder } from '../../shared/concurrency';
import { plural } from '../../shared/format';
import type { CliIo } from '../../shared/io';
import { type ArchiveBucket, type ArchiveObject, CONCURRENCY } from '../archive-bucket';
import { describePartitions } from '../partitions';
import { type ErrorRecord, errorOutputTypeOf, jsonLines, summariseErrorRecord } from '../records';
import { ReadProblems } from './problems';

export interface ErrorsArguments {
  prefix: string;
  hours: Date[];
  type?: string | undefined;
  showRaw: boolean;
}

/** The error output types to read: `--type`, or every folder under the prefix (one delimited listing). */
const errorOutputTypes = async (bucket: ArchiveBucket, { prefix, type }: ErrorsArguments) => {
  return type === undefined ? bucket.listFolders(prefix) : [type];
};

/**
 * Prints one JSON line per error record (error code and message, attempts, times, the raw data's size),
 * type by type and oldest hour first; the summary goes to stderr.
 */
export const errorsCommand = async (bucket: ArchiveBucket, args: ErrorsArguments, io: CliIo) => {
  const types = await errorOutputTypes(bucket, args);
  const objects: ArchiveObject[] = [];
  for (const type of types) {
    objects.push(...(await bucket.listPartitions(`${args.prefix}${type}/`, args.hours)));
  }
  const problems = new ReadProblems(io);
  let records = 0;
  await forEachInOrder(
    objects,
    CONCURRENCY,
    (object) => bucket.tryRead(object.key),
    (result, object) => {
      if ('problem' in result) return problems.object(object.key, result.problem);
      const errorOutputType = errorOutputTypeOf(args.prefix, object.key);
      const chunk: string[] = [];
      for (const line of jsonLines(result.content.toString('utf8'))) {
        if (
          !line.valid ||
          line.value === null ||
          typeof line.value !== 'object' ||
          Array.isArray(line.value)
        ) {
          problems.line(object.key, line.line, 'not an error record');
          continue;
        }
        const summary = summariseErrorRecord(line.value as ErrorRecord, {
          key: object.key,
          errorOutputType,
          showRaw: args.showRaw,
        });
        chunk.push(`${JSON.stringify(summary)}\n`);
      }
      records += chunk.length;
      if (chunk.length > 0) io.stdout.write(chunk.join(''));
    },
  );
  const typesText = types.length > 0 ? ` (${types.join(', ')})` : '';
  io.stderr.write(
    `${plural(records, 'error record')} in ${plural(objects.length, 'object')}${typesText}, ${describePartitions(args.hours)}\n`,
  );
  problems.throwIfAny();
};
