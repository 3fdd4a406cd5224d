import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, VENV_BIN } from '../../../../local/paths';

interface Measurement {
  depths: number[];
  clockReadsPerSend: number[];
  attributes: Record<string, { all: Record<string, string>; some: Record<string, string> }>;
  deleteWaitsForTheQueueLock: boolean;
}

const probe = (): { moto: Measurement; patched: Measurement } =>
  JSON.parse(
    execFileSync(
      join(VENV_BIN, 'python'),
      [join(__dirname, 'sqs-send-cost-probe.py'), join(PROJECT_ROOT, 'local/moto')],
      {
        encoding: 'utf8',
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
      },
    ),
  );

const runPython = (script: string) =>
  execFileSync(join(VENV_BIN, 'python'), ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: join(PROJECT_ROOT, 'local/moto') },
  }).trim();

describe("the local moto server's cached request dispatch (local/moto/patches.py)", () => {
  it("answers moto's own list of service modules and a response class's own method names", () => {
    const compared = runPython(`
import json, patches
from moto import backends
from moto.core import responses
from moto.dynamodb.responses import DynamoHandler
original = (list(backends.list_of_moto_modules()), responses.method_names_from_class(DynamoHandler))
patches.apply()
cached = (list(backends.list_of_moto_modules()), responses.method_names_from_class(DynamoHandler))
print(json.dumps({"same": original == cached, "modules": len(cached[0]), "methods": len(cached[1])}))
`);
    const result = JSON.parse(compared) as { same: boolean; modules: number; methods: number };
    expect(result.same).toBe(true);
    expect(result.modules).toBeGreaterThan(100);
    expect(result.methods).toBeGreaterThan(20);
  });
});

describe("the local moto server's SQS fixes (local/moto/patches.py)", () => {
  let measured: ReturnType<typeof probe>;

  beforeAll(() => {
    measured = probe();
  });

  it('is still needed: moto itself reads the clock for every message waiting when one is sent', () => {
    const [empty, , deepest] = measured.moto.clockReadsPerSend as [number, number, number];
    const depth = measured.moto.depths.at(-1) as number;
    // When this fails, upstream moto no longer walks the queue on a send: drop patches.py's SQS fix.
    expect(deepest - empty).toBeGreaterThanOrEqual(depth);
  });

  it('makes a send read the clock as often into a queue of 2,000 messages as into an empty one', () => {
    const [empty, ...deeper] = measured.patched.clockReadsPerSend as [number, ...number[]];
    expect(deeper).toEqual(deeper.map(() => empty));
  });

  it('makes a delete wait for the lock a send holds, so that a message sent meanwhile is not lost', () => {
    expect(measured.patched.deleteWaitsForTheQueueLock).toBe(true);
  });

  it('is still needed: moto itself deletes without the lock', () => {
    // When this fails, upstream moto locks its deletes: drop patches.py's delete fix.
    expect(measured.moto.deleteWaitsForTheQueueLock).toBe(false);
  });

  it.each(['standard', 'fifo', 'encrypted-with-dlq'])(
    'leaves GetQueueAttributes of a %s queue answering exactly what moto answers',
    (queue) => {
      expect(measured.patched.attributes[queue]).toEqual(measured.moto.attributes[queue]);
      expect(measured.patched.attributes[queue]?.all.ApproximateNumberOfMessages).toBe('2');
    },
  );
});

describe("the local moto server's DynamoDB write lock (local/moto/patches.py)", () => {
  let succeeded: { moto: number; patched: number };

  beforeAll(() => {
    succeeded = JSON.parse(
      execFileSync(
        join(VENV_BIN, 'python'),
        [join(__dirname, 'dynamodb-write-race-probe.py'), join(PROJECT_ROOT, 'local/moto')],
        {
          encoding: 'utf8',
          env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
        },
      ),
    );
  });

  it('lets exactly one of two overlapping conditional puts of a new item succeed, as DynamoDB does', () => {
    expect(succeeded.patched).toBe(1);
  });

  it('is still needed: moto itself lets both succeed when their condition checks overlap', () => {
    // When this fails, upstream moto makes conditional writes atomic: drop patches.py's DynamoDB lock.
    expect(succeeded.moto).toBe(2);
  });
});
