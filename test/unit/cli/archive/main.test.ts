import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../../../cli/archive/main';
import { USAGE } from '../../../../cli/archive/options';
import { runCli } from '../../../helpers/cli';

const NOW = new Date('2026-11-21T10:15:30Z');

/** The part of a GetObject body that the CLI uses. */
const bodyOf = (bytes: Buffer) => ({ transformToByteArray: async () => new Uint8Array(bytes) });

describe('the archive CLI with a mocked S3', () => {
  const s3 = mockClient(S3Client);
  let dir: string;
  const runArchive = (...argv: string[]) => runCli(run, argv, { now: () => NOW, cwd: dir, env: {} });

  beforeEach(() => {
    s3.reset();
    dir = mkdtempSync(join(tmpdir(), 'cli-archive-'));
    writeFileSync(
      join(dir, 'outputs.json'),
      JSON.stringify({
        ArchiveBucketName: 'archive',
        AwsEndpointUrl: 'http://127.0.0.1:1',
        Region: 'us-east-1',
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the usage on stdout for --help and exits with 0', async () => {
    const { code, stdout, stderr } = await runArchive('--help');
    expect(code).toBe(0);
    expect(stdout).toBe(`${USAGE}\n`);
    expect(stderr).toBe('');
  });

  it('exits with 2 and says why for a usage error, without calling S3', async () => {
    const { code, stderr } = await runArchive('list', '--since', 'soon', '--outputs', 'outputs.json');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^archive: --since: "soon" is not a time/);
    expect(s3.calls()).toHaveLength(0);
  });

  it('lists one prefix per hourly partition, never the whole bucket', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const { code, stdout } = await runArchive(
      'list',
      '--since',
      '2026-11-21T08:30Z',
      '--outputs',
      'outputs.json',
    );
    expect(code).toBe(0);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input)).toEqual([
      { Bucket: 'archive', Prefix: 'orders/2026/11/21/08/' },
      { Bucket: 'archive', Prefix: 'orders/2026/11/21/09/' },
      { Bucket: 'archive', Prefix: 'orders/2026/11/21/10/' },
    ]);
    expect(stdout).toBe(
      '0 objects, 0 bytes, in s3://archive/orders/ from 2026-11-21 08:00 to 2026-11-21 11:00 UTC\n',
    );
  });

  it('follows the pages of a partition with many objects', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'orders/2026/11/21/10/' })
      .resolvesOnce({
        Contents: [{ Key: 'orders/2026/11/21/10/a', Size: 1 }],
        NextContinuationToken: 't',
        IsTruncated: true,
      })
      .resolvesOnce({ Contents: [{ Key: 'orders/2026/11/21/10/b', Size: 2 }] });
    s3.on(HeadObjectCommand).resolves({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:1:key/k-1',
    });
    const { code, stdout } = await runArchive('list', '--since', '10m', '--outputs', 'outputs.json');
    expect(code).toBe(0);
    expect(stdout).toContain('orders/2026/11/21/10/a     1');
    expect(stdout).toContain('orders/2026/11/21/10/b     2');
    expect(stdout).toContain('aws:kms k-1');
    expect(stdout).toContain('2 objects, 3 bytes');
  });

  it('exits with 1 and says access is denied when S3 refuses', async () => {
    s3.on(ListObjectsV2Command).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
    const { code, stdout, stderr } = await runArchive('orders', '--since', '1h', '--outputs', 'outputs.json');
    expect(code).toBe(1);
    expect(stderr).toBe(
      'archive: access denied: Access Denied (the credentials need s3:ListBucket and s3:GetObject on the archive bucket and kms:Decrypt on its key)\n',
    );
    expect(stdout).toBe('');
  });

  describe('quarantined records', () => {
    const quarantine = '{"quarantine":{"reason":"the record is not valid JSON","maskedText":"**** 1111"}}';

    beforeEach(() => {
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'orders/2026/11/21/10/a.gz', Size: 10 }] });
      s3.on(GetObjectCommand, { Key: 'orders/2026/11/21/10/a.gz' }).resolves({
        Body: bodyOf(gzipSync(`{"id":"o-1"}\n${quarantine}\n{"id":"o-2"}\n`)),
      } as never);
    });

    it('leaves them out of the orders and counts them in the summary', async () => {
      const { code, stdout, stderr } = await runArchive(
        'orders',
        '--since',
        '10m',
        '--outputs',
        'outputs.json',
      );

      expect(code).toBe(0);
      expect(stdout).toBe('{"id":"o-1"}\n{"id":"o-2"}\n');
      expect(stderr).toContain('2 orders (and 1 quarantined record: --quarantined prints them) in 1 object');
    });

    it('prints only them with --quarantined', async () => {
      const { code, stdout, stderr } = await runArchive(
        'orders',
        '--since',
        '10m',
        '--quarantined',
        '--outputs',
        'outputs.json',
      );

      expect(code).toBe(0);
      expect(stdout).toBe(`${quarantine}\n`);
      expect(stderr).toContain('1 quarantined record in 1 object');
    });
  });

  it('prints the readable orders, reports an unreadable object and a bad line, and exits with 1', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'orders/2026/11/21/10/a.gz', Size: 10 },
        { Key: 'orders/2026/11/21/10/b.gz', Size: 10 },
      ],
    });
    s3.on(GetObjectCommand, { Key: 'orders/2026/11/21/10/a.gz' }).resolves({
      Body: bodyOf(gzipSync('{"id":"o-1"}\nnot json\n')),
    } as never);
    s3.on(GetObjectCommand, { Key: 'orders/2026/11/21/10/b.gz' }).resolves({
      Body: bodyOf(Buffer.from('plain, not gzip')),
    } as never);

    const { code, stdout, stderr } = await runArchive(
      'orders',
      '--since',
      '10m',
      '--outputs',
      'outputs.json',
    );
    expect(code).toBe(1);

    expect(stdout).toBe('{"id":"o-1"}\n');
    expect(stderr).toContain('skipped line 2 of orders/2026/11/21/10/a.gz: not JSON');
    expect(stderr).toContain(
      'skipped orders/2026/11/21/10/b.gz: orders/2026/11/21/10/b.gz is not valid gzip',
    );
    expect(stderr).toContain('1 order in 2 objects, 2026-11-21 10:00 to 2026-11-21 11:00 UTC');
    expect(stderr).toContain('archive: 1 object and 1 line could not be read (see above)');
  });
});
