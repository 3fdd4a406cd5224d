import { importBundle } from '../../../../scripts/lib/import-bundle';
import { aTempProject, type TempProject } from '../../../helpers/temp-project';

let project: TempProject;

beforeAll(() => {
  project = aTempProject('import-bundle', {
    'handler.mjs': [
      "import { performance } from 'node:perf_hooks';",
      'process.stdout.write("evaluated at " + performance.now() + "\\n");',
      'export const handler = async () => ({ statusCode: 200 });',
      "export const name = 'checkout';",
    ].join('\n'),
    'environment.mjs':
      'process.stdout.write("environment: " + JSON.stringify(Object.keys(process.env).sort()) + "\\n");',
    'throws.mjs': "throw new Error('TABLE_NAME is not set');",
    'syntax-error.mjs': 'export const = ;',
    'never-settles.mjs': 'await new Promise(() => {});',
    'keeps-running.mjs': 'setInterval(() => {}, 1_000);\nawait new Promise(() => {});',
    'connects.mjs': "import net from 'node:net';\nnet.connect(443, 'dynamodb.us-east-1.amazonaws.com');",
    'rejects-later.mjs':
      "setTimeout(() => Promise.reject(new Error('late failure')), 10);\nexport const ok = true;",
  });
});

afterAll(() => project.remove());

const evaluatedAt = (stdout: string) => Number(/evaluated at ([\d.]+)/.exec(stdout)?.[1]);

describe('importBundle', () => {
  describe('of a module that initialises', () => {
    it('reports its exports and their types, with exit code 0 and no problems', async () => {
      const imported = await importBundle(project.path('handler.mjs'), {});
      expect(imported).toMatchObject({
        exitCode: 0,
        exports: { handler: 'function', name: 'string' },
        network: [],
        problems: [],
      });
    });

    it('reports how long the import took, in wall-clock and CPU time', async () => {
      const { initMs, initCpuMs, wallMs } = await importBundle(project.path('handler.mjs'), {});
      expect(initMs).toBeGreaterThan(0);
      expect(initCpuMs).toBeGreaterThan(0);
      expect(wallMs).toBeGreaterThan(initMs);
    });

    it("reports when the import started and ended on the child's performance clock, around the module's own code", async () => {
      const { startedAt, endedAt, initMs, stdout } = await importBundle(project.path('handler.mjs'), {});
      expect(endedAt - startedAt).toBeCloseTo(initMs, 9);
      expect(evaluatedAt(stdout)).toBeGreaterThanOrEqual(startedAt);
      expect(evaluatedAt(stdout)).toBeLessThanOrEqual(endedAt);
    });

    it('gives the child only PATH and the given environment', async () => {
      const { stdout } = await importBundle(project.path('environment.mjs'), { AWS_REGION: 'us-east-1' });
      expect(stdout).toContain('environment: ["AWS_REGION","PATH"]');
    });
  });

  describe.each([
    ['that throws while it initialises', 'throws.mjs', 'Error: TABLE_NAME is not set'],
    ['with a syntax error', 'syntax-error.mjs', 'SyntaxError'],
  ])('of a module %s', (_, file, error) => {
    it('fails with exit code 1 and a problem that names the error, and no time', async () => {
      const imported = await importBundle(project.path(file), {});
      expect(imported).toMatchObject({
        exitCode: 1,
        exports: {},
        problems: [expect.stringContaining(`the import failed: ${error}`)],
      });
      expect(imported.problems).toHaveLength(1);
      expect(imported.initMs).toBeNaN();
      expect(imported.initCpuMs).toBeNaN();
    });
  });

  it('reports a module whose import never settles as a child that reported no result', async () => {
    const imported = await importBundle(project.path('never-settles.mjs'), {});
    expect(imported.exitCode).not.toBe(0);
    expect(imported.problems).toEqual([expect.stringContaining('the child reported no result')]);
    expect(imported.initMs).toBeNaN();
    expect(imported.startedAt).toBeNaN();
  });

  it('ends a child that keeps running without settling the import after the timeout, reporting no result', async () => {
    const imported = await importBundle(project.path('keeps-running.mjs'), {}, { timeoutMs: 500 });
    expect(imported.exitCode).not.toBe(0);
    expect(imported.problems).toEqual([expect.stringContaining('the child reported no result')]);
  });

  it('refuses and records the connections a module opens while it initialises', async () => {
    const imported = await importBundle(project.path('connects.mjs'), {}, { settleMs: 100 });
    expect(imported.network).toEqual(['dynamodb.us-east-1.amazonaws.com:443']);
    expect(imported.problems).toEqual([
      expect.stringContaining('network access while the module initialises'),
    ]);
  });

  it('records a failure that comes after the import as a problem, within the time it waits for it', async () => {
    const imported = await importBundle(project.path('rejects-later.mjs'), {}, { settleMs: 200 });
    expect(imported).toMatchObject({ exitCode: 0, exports: { ok: 'boolean' } });
    expect(imported.problems).toEqual([expect.stringContaining('late failure')]);
  });
});
