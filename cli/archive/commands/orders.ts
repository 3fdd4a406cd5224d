/**
 * `archive orders`: every archived order of the range as one JSON line on stdout (or, `--quarantined`, every
 * quarantine document); the summary on stderr.
 */
import { forEachInOrder } from '../../shared/concurrency';
import { plural } from '../../shared/format';
import type { CliIo } from '../../shared/io';
import { type ArchiveBucket, CONCURRENCY } from '../archive-bucket';
import { describePartitions } from '../partitions';
import { isQuarantined, jsonLines, matchesOrder, type OrderFilter } from '../records';
import { ReadProblems } from './problems';

export interface OrdersArguments extends OrderFilter {
  prefix: string;
  hours: Date[];
  /** Print the quarantine documents instead of the orders. */
  quarantined?: boolean;
}

const filterText = ({ id, customer }: OrderFilter) =>
  [id === undefined ? '' : `id ${id}`, customer === undefined ? '' : `customer ${customer}`]
    .filter(Boolean)
    .join(' and ');

/**
 * Prints the orders as archived (each line as stored), in key order: oldest hour first, and within an hour
 * by Firehose's object names, which sort by time. An object that is not valid gzip, or a line that is not
 * JSON, is reported on stderr and skipped; everything else is still printed, then the command fails
 * (exit 1) so that scripts notice.
 */
export const ordersCommand = async (bucket: ArchiveBucket, args: OrdersArguments, io: CliIo) => {
  const objects = await bucket.listPartitions(args.prefix, args.hours);
  const problems = new ReadProblems(io);
  let printed = 0;
  let read = 0;
  let quarantined = 0;
  await forEachInOrder(
    objects,
    CONCURRENCY,
    (object) => bucket.tryRead(object.key),
    (result, object) => {
      if ('problem' in result) return problems.object(object.key, result.problem);
      const chunk: string[] = [];
      for (const line of jsonLines(result.content.toString('utf8'))) {
        if (!line.valid) {
          problems.line(object.key, line.line, 'not JSON');
          continue;
        }
        if (isQuarantined(line.value)) {
          quarantined += 1;
          if (args.quarantined) chunk.push(`${line.text}\n`);
          continue;
        }
        read += 1;
        if (!args.quarantined && matchesOrder(line.value, args)) chunk.push(`${line.text}\n`);
      }
      printed += chunk.length;
      if (chunk.length > 0) io.stdout.write(chunk.join(''));
    },
  );
  const filter = filterText(args);
  let found: string;
  if (args.quarantined) found = plural(quarantined, 'quarantined record');
  else {
    found = filter ? `${plural(printed, 'order')} (of ${read}) with ${filter}` : plural(printed, 'order');
    if (quarantined > 0)
      found += ` (and ${plural(quarantined, 'quarantined record')}: --quarantined prints them)`;
  }
  io.stderr.write(`${found} in ${plural(objects.length, 'object')}, ${describePartitions(args.hours)}\n`);
  problems.throwIfAny();
};
