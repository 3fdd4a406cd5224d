import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { run } from '../../../../cli/archive/main';
import { PROJECT_ROOT } from '../../../../local/paths';
import { runCli } from '../../../helpers/cli';
import { useMotoServer } from '../../../helpers/moto';

const BUCKET = 'local-storagebackuppipeline-archivebucket';
const STREAM = 'local-StorageBackupPipeline-DeliveryStream';
/** The range of most tests: the two hours either side of midnight. */
const RANGE = ['--since', '2026-11-21T23:00:00Z', '--until', '2026-11-22T01:00:00Z'];

const order = (id: string, customer: string, amount: number) => ({
  id,
  date: '2026-11-21T23:10:00Z',
  customer: { id: customer, name: 'Ada Lovelace', email: 'ada@example.com' },
  payment: { amount, currency: 'EUR', method: 'card', card: { network: 'visa', last4: '1111' } },
  items: [{ sku: 'BOOK-001', name: 'Notes', quantity: 1, unitPrice: amount }],
});
const line = (value: unknown) => `${JSON.stringify(value)}\n`;
const objectKey = (prefix: string, time: string, name: string) =>
  `${prefix}${time.slice(0, 13).replace(/[-T]/g, '/')}/${STREAM}-1-${time.replace(/[:T]/g, '-').slice(0, 19)}-${name}.gz`;

const ORDERS = {
  before: [order('o-before', 'c-1', 5)],
  lateEvening: [order('o-1', 'c-1', 10), order('o-2', 'c-2', 20.5)],
  midnight: [order('o-3', 'c-1', 30)],
  after: [order('o-after', 'c-1', 40)],
};
const KEYS = {
  before: objectKey('orders/', '2026-11-21T22:59:59', 'before'),
  lateEvening: objectKey('orders/', '2026-11-21T23:05:00', 'late'),
  midnight: objectKey('orders/', '2026-11-22T00:00:01', 'midnight'),
  after: objectKey('orders/', '2026-11-22T01:00:00', 'after'),
  error: objectKey('errors/processing-failed/', '2026-11-21T23:30:00', 'failed'),
};
const RAW_RECORD = '{"payment":{"card":{"number":"4111 1111 1111 1111"}';
const ERROR_RECORD = {
  attemptsMade: 1,
  arrivalTimestamp: Date.parse('2026-11-21T23:29:58Z'),
  errorCode: 'Lambda.ProcessingFailedStatus',
  errorMessage: 'ProcessingFailed status is returned for the record.',
  attemptEndingTimestamp: Date.parse('2026-11-21T23:30:00Z'),
  rawData: Buffer.from(RAW_RECORD).toString('base64'),
  lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:local-CardDataTransformFunction',
};

describe('the archive CLI against moto', () => {
  const moto = useMotoServer();
  let dir: string;
  let outputsFile: string;
  let keyId: string;

  const runArchive = (...argv: string[]) => runCli(run, argv, { cwd: dir, env: {} });
  const writeOutputs = (name: string, outputs: Record<string, string>) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(outputs, null, 2));
    return file;
  };

  beforeAll(async () => {
    const s3 = new S3Client(moto.clientConfig());
    const kms = new KMSClient(moto.clientConfig());
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const put = (Key: string, lines: unknown[]) =>
      s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key,
          Body: gzipSync(lines.map(line).join('')),
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: keyId,
        }),
      );
    await put(KEYS.before, ORDERS.before);
    await put(KEYS.lateEvening, ORDERS.lateEvening);
    await put(KEYS.midnight, ORDERS.midnight);
    await put(KEYS.after, ORDERS.after);
    await put(KEYS.error, [ERROR_RECORD]);
    s3.destroy();
    kms.destroy();

    dir = mkdtempSync(join(tmpdir(), 'archive-cli-'));
    outputsFile = writeOutputs('outputs.json', {
      ArchiveBucketName: BUCKET,
      AwsEndpointUrl: moto.server.endpoint,
      Region: 'us-east-1',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('list', () => {
    it('lists the objects of the hours in the range with size, last modified and encryption, then counts them', async () => {
      const { code, stdout, stderr } = await runArchive('list', ...RANGE, '--outputs', outputsFile);

      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const lines = stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^KEY +SIZE +LAST MODIFIED +SSE$/);
      expect(lines.slice(1, -1).map((row) => row.split(/ +/)[0])).toEqual([KEYS.lateEvening, KEYS.midnight]);
      for (const row of lines.slice(1, -1)) {
        expect(row).toMatch(new RegExp(` \\d+  \\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z  aws:kms ${keyId}$`));
      }
      expect(lines.at(-1)).toMatch(
        new RegExp(
          `^2 objects, \\d+ bytes, in s3://${BUCKET}/orders/ from 2026-11-21 23:00 to 2026-11-22 01:00 UTC$`,
        ),
      );
    });

    it('lists the error output when given its prefix', async () => {
      const { code, stdout } = await runArchive(
        'list',
        ...RANGE,
        '--prefix',
        'errors/processing-failed',
        '--outputs',
        outputsFile,
      );
      expect(code).toBe(0);
      expect(stdout).toContain(KEYS.error);
      expect(stdout).toContain('1 object,');
    });

    it('reads .local/outputs.json through LOCAL_STATE_DIR when no --outputs is given', async () => {
      const stdout: string[] = [];
      const code = await run(['list', ...RANGE], {
        stdout: { write: (text: string) => stdout.push(text) },
        stderr: { write: () => true },
        env: { LOCAL_STATE_DIR: dir },
      });
      expect(code).toBe(0);
      expect(stdout.join('')).toContain('2 objects');
    });
  });

  describe('orders', () => {
    it('prints every order of the range as archived, one JSON line each, and the summary on stderr', async () => {
      const { code, stdout, stderr } = await runArchive('orders', ...RANGE, '--outputs', outputsFile);

      expect(code).toBe(0);
      expect(stdout).toBe([...ORDERS.lateEvening, ...ORDERS.midnight].map(line).join(''));
      expect(stderr).toBe('3 orders in 2 objects, 2026-11-21 23:00 to 2026-11-22 01:00 UTC\n');
    });

    it('prints only the orders of one customer with --customer', async () => {
      const { code, stdout, stderr } = await runArchive(
        'orders',
        ...RANGE,
        '--customer',
        'c-1',
        '--outputs',
        outputsFile,
      );

      expect(code).toBe(0);
      expect(
        stdout
          .trimEnd()
          .split('\n')
          .map((text) => JSON.parse(text).id),
      ).toEqual(['o-1', 'o-3']);
      expect(stderr).toBe(
        '2 orders (of 3) with customer c-1 in 2 objects, 2026-11-21 23:00 to 2026-11-22 01:00 UTC\n',
      );
    });

    it('prints the one order with --id', async () => {
      const { stdout, stderr } = await runArchive(
        'orders',
        ...RANGE,
        '--id',
        'o-2',
        '--outputs',
        outputsFile,
      );

      expect(stdout).toBe(line(ORDERS.lateEvening[1]));
      expect(stderr).toMatch(/^1 order \(of 3\) with id o-2 in 2 objects/);
    });

    it('prints nothing on stdout when the range holds no objects', async () => {
      const { code, stdout, stderr } = await runArchive(
        'orders',
        '--since',
        '2026-11-20T00:00Z',
        '--until',
        '2026-11-20T02:00Z',
        '--outputs',
        outputsFile,
      );
      expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
      expect(stderr).toBe('0 orders in 0 objects, 2026-11-20 00:00 to 2026-11-20 02:00 UTC\n');
    });
  });

  describe('errors', () => {
    it('prints the error records with their code, message and raw data length, never the raw data', async () => {
      const { code, stdout, stderr } = await runArchive('errors', ...RANGE, '--outputs', outputsFile);

      expect(code).toBe(0);
      expect(
        stdout
          .trimEnd()
          .split('\n')
          .map((text) => JSON.parse(text)),
      ).toEqual([
        {
          key: KEYS.error,
          errorOutputType: 'processing-failed',
          errorCode: 'Lambda.ProcessingFailedStatus',
          errorMessage: 'ProcessingFailed status is returned for the record.',
          attemptsMade: 1,
          arrivalTime: '2026-11-21T23:29:58.000Z',
          attemptEndingTime: '2026-11-21T23:30:00.000Z',
          lambdaArn: ERROR_RECORD.lambdaArn,
          rawDataBytes: RAW_RECORD.length,
        },
      ]);
      expect(stdout).not.toContain('4111');
      expect(stdout).not.toContain(ERROR_RECORD.rawData);
      expect(stderr).toBe(
        '1 error record in 1 object (processing-failed), 2026-11-21 23:00 to 2026-11-22 01:00 UTC\n',
      );
    });

    it('prints the raw data as well with --show-raw', async () => {
      const { code, stdout } = await runArchive('errors', ...RANGE, '--show-raw', '--outputs', outputsFile);
      expect(code).toBe(0);
      expect(JSON.parse(stdout).rawData).toBe(RAW_RECORD);
    });

    it('reads only the error output type given with --type', async () => {
      const { code, stdout, stderr } = await runArchive(
        'errors',
        ...RANGE,
        '--type',
        'splitting-failed',
        '--outputs',
        outputsFile,
      );
      expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
      expect(stderr).toMatch(/^0 error records in 0 objects \(splitting-failed\)/);
    });
  });

  describe('failures', () => {
    it('exits with 1 when --bucket names a bucket that does not exist', async () => {
      const { code, stderr } = await runArchive(
        'list',
        ...RANGE,
        '--bucket',
        'no-such-bucket',
        '--outputs',
        outputsFile,
      );
      expect(code).toBe(1);
      expect(stderr).toBe('archive: the bucket no-such-bucket does not exist\n');
    });

    it('exits with 1 when the stack has no ArchiveBucketName output', async () => {
      const file = writeOutputs('no-archive.json', {
        AwsEndpointUrl: moto.server.endpoint,
        Region: 'us-east-1',
      });
      const { code, stderr } = await runArchive('list', ...RANGE, '--outputs', file);
      expect(code).toBe(1);
      expect(stderr).toMatch(/^archive: the local stack \(no-archive.json\) has no output ArchiveBucketName/);
    });

    it('exits with 1 and suggests npm start when the outputs file does not exist', async () => {
      const { code, stderr } = await runArchive('list', ...RANGE, '--outputs', 'nowhere/outputs.json');
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /^archive: nowhere\/outputs.json does not exist: is the local stack running\? Start it with npm start/,
      );
    });

    it('exits with 1 when the local endpoint cannot be reached', async () => {
      const file = writeOutputs('stopped.json', {
        ArchiveBucketName: BUCKET,
        AwsEndpointUrl: 'http://127.0.0.1:1',
        Region: 'us-east-1',
      });
      const { code, stderr } = await runArchive('list', ...RANGE, '--outputs', file);
      expect(code).toBe(1);
      expect(stderr).toBe(
        'archive: cannot reach the local stack at http://127.0.0.1:1 (ECONNREFUSED): is it running? Start it with npm start\n',
      );
    });

    it('exits with 2 for a time range that ends before it starts', async () => {
      const { code, stdout, stderr } = await runArchive(
        'orders',
        '--since',
        '2026-11-22T00:00Z',
        '--until',
        '2026-11-21T00:00Z',
        '--outputs',
        outputsFile,
      );
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr).toMatch(/^archive: --until \(2026-11-21T00:00:00.000Z\) is before --since/);
    });
  });

  describe('the npm entry point', () => {
    const execFileAsync = promisify(execFile);
    const script = (): string[] => {
      const { scripts } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      const [command, ...args] = (scripts.archive ?? '').split(' ');
      expect(command).toBe('tsx');
      return args;
    };
    const runScript = (...argv: string[]) =>
      execFileAsync(process.execPath, [require.resolve('tsx/cli'), ...script(), ...argv], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
      });

    it('runs `npm run archive` as a process: orders on stdout, the summary on stderr, exit code 0', async () => {
      const { stdout, stderr } = await runScript('orders', ...RANGE, '--outputs', outputsFile);
      expect(stdout).toBe([...ORDERS.lateEvening, ...ORDERS.midnight].map(line).join(''));
      expect(stderr).toContain('3 orders in 2 objects');
    });

    it('exits the process with 2 for a usage error', async () => {
      await expect(runScript('list', '--since', 'whenever')).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('archive: --since: "whenever" is not a time'),
      });
    });
  });
});
