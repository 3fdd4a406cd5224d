/** `archive list`: the objects of the range's hourly partitions, with size, last modified and encryption. */
import { mapWithConcurrency } from '../../shared/concurrency';
import { plural } from '../../shared/format';
import type { CliIo } from '../../shared/io';
import { type ArchiveBucket, CONCURRENCY, type Encryption } from '../archive-bucket';
import { describePartitions } from '../partitions';

export interface ListArguments {
  prefix: string;
  hours: Date[];
}

/** `aws:kms 1234abcd-...` (the key id, not its whole ARN), `AES256`, or `none`. */
export const describeEncryption = ({ algorithm, kmsKeyId, bucketKeyEnabled }: Encryption): string => {
  if (!algorithm) return 'none';
  const keyId = kmsKeyId?.split('/').pop();
  return [algorithm, keyId, bucketKeyEnabled ? '(bucket key)' : undefined].filter(Boolean).join(' ');
};

export const listCommand = async (bucket: ArchiveBucket, { prefix, hours }: ListArguments, io: CliIo) => {
  const objects = await bucket.listPartitions(prefix, hours);
  const encryptions = await mapWithConcurrency(objects, CONCURRENCY, (object) =>
    bucket.encryptionOf(object.key),
  );
  const rows = objects.map((object, index) => [
    object.key,
    String(object.size),
    object.lastModified?.toISOString() ?? '-',
    describeEncryption(encryptions[index] ?? {}),
  ]);
  if (rows.length > 0) {
    const header = ['KEY', 'SIZE', 'LAST MODIFIED', 'SSE'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
    );
    const format = (row: string[]) =>
      row
        .map((cell, column) => {
          const width = widths[column] ?? 0;
          if (column === row.length - 1) return cell;
          return column === 1 ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ');
    io.stdout.write(`${[header, ...rows].map(format).join('\n')}\n`);
  }
  const bytes = objects.reduce((total, object) => total + object.size, 0);
  io.stdout.write(
    `${plural(objects.length, 'object')}, ${plural(bytes, 'byte')}, in s3://${bucket.name}/${prefix} from ${describePartitions(hours)}\n`,
  );
};
