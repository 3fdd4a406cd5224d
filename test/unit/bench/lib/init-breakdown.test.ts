import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import {
  AFTER_EVALUATION,
  BEFORE_EVALUATION,
  type BreakdownOptions,
  initBreakdown,
  instrumentBundle,
  type ModuleShare,
  moduleGroup,
} from '../../../../bench/lib/init-breakdown';
import { aTempProject, type TempProject } from '../../../helpers/temp-project';

/** The variable the instrumented entry reads the timing file's path from (initBreakdown sets it). */
const TIMING_FILE_VARIABLE = 'INIT_BREAKDOWN_FILE';

/**
 * A tiny function project with each kind of module esbuild bundles: CommonJS packages (one requiring
 * another), an ES module package (hoisted into the bundle's top level), a project module that the entry
 * `require`s (so esbuild initialises it lazily, with `__esm`), and a module loaded on first use only.
 * Every module advances the test clock (when there is one) by its own amount, so that what each is
 * charged can be told apart exactly.
 */
const FIXTURE = {
  'node_modules/cjs-outer/package.json': '{ "name": "cjs-outer", "main": "index.js" }',
  'node_modules/cjs-outer/index.js': [
    'globalThis.advanceClock?.(10);',
    "const inner = require('cjs-inner');",
    'globalThis.advanceClock?.(10);',
    'exports.value = inner.value + 1;',
  ].join('\n'),
  'node_modules/cjs-inner/package.json': '{ "name": "cjs-inner", "main": "index.js" }',
  'node_modules/cjs-inner/index.js': 'globalThis.advanceClock?.(100);\nexports.value = 1;',
  'node_modules/@scope/esm-pkg/package.json':
    '{ "name": "@scope/esm-pkg", "type": "module", "main": "index.js" }',
  'node_modules/@scope/esm-pkg/index.js':
    'globalThis.advanceClock?.(1000);\nexport const double = (x) => 2 * x;',
  'src/lib/lazy.ts': "globalThis.advanceClock?.(10000);\nexport const lazy = 'lazy';",
  'src/later/index.ts': "import { value } from 'cjs-outer';\nexport const later = value;",
  'src/index.ts': [
    "import { value } from 'cjs-outer';",
    "import { double } from '@scope/esm-pkg';",
    'globalThis.advanceClock?.(100000);',
    "if (process.env.FIXTURE_SETTING !== 'on') throw new Error('FIXTURE_SETTING is not set');",
    "const { lazy } = require('./lib/lazy');",
    'export const answer = double(value) + lazy.length;',
    "export const later = () => import('./later/index');",
  ].join('\n'),
};

/** What each module of FIXTURE advances the clock by in its own code (cjs-outer twice). */
const OWN_TIME = {
  'node_modules/cjs-outer/index.js': 20,
  'node_modules/cjs-inner/index.js': 100,
  'node_modules/@scope/esm-pkg/index.js': 1000,
  'src/lib/lazy.ts': 10_000,
  'src/index.ts': 100_000,
};

/** The build the breakdown makes of a function: its esbuild options (as the functions have them), unminified. */
const FUNCTION_BUILD_PROPERTIES = {
  Format: 'esm',
  OutExtension: ['.js=.mjs'],
  Target: 'node22',
  Splitting: true,
};

/**
 * Imports an instrumented bundle in a child process whose `performance.now()` is a clock that only the
 * fixture's modules advance, and returns the timing the entry wrote.
 */
const CLOCKED_IMPORT = `
import { pathToFileURL } from 'node:url';
let clock = 0;
globalThis.advanceClock = (ms) => { clock += ms; };
Object.defineProperty(globalThis, 'performance', { value: { now: () => clock }, configurable: true });
await import(pathToFileURL(process.argv[1]).href);
`;

interface Timing {
  startedAt: number;
  endedAt: number;
  modules: [string, number][];
}

const importWithTestClock = (file: string, timingFile: string): Timing => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CLOCKED_IMPORT, file], {
    env: { PATH: process.env.PATH ?? '', FIXTURE_SETTING: 'on', [TIMING_FILE_VARIABLE]: timingFile },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`Importing ${file} failed:\n${child.stderr}`);
  return JSON.parse(readFileSync(timingFile, 'utf8')) as Timing;
};

describe('instrumentBundle', () => {
  it('marks where each module starts, after its esbuild marker line, and nowhere else', () => {
    const code = [
      '// node_modules/@smithy/core/dist-es/index.js',
      'var a = 1;',
      '  // node_modules/indented/not-a-marker.js',
      '// If the importer is in node compatibility mode, this is a comment',
      '// src/functions/checkout/index.ts',
      'var b = 2;',
    ].join('\n');

    const body = instrumentBundle(code, { entry: false }).trimEnd().split('\n').slice(-8);

    expect(body).toEqual([
      '// node_modules/@smithy/core/dist-es/index.js',
      '__initTiming.top("node_modules/@smithy/core/dist-es/index.js");',
      'var a = 1;',
      '  // node_modules/indented/not-a-marker.js',
      '// If the importer is in node compatibility mode, this is a comment',
      '// src/functions/checkout/index.ts',
      '__initTiming.top("src/functions/checkout/index.ts");',
      'var b = 2;',
    ]);
  });

  it('reports the timing at the end of the entry only, not of the chunks it imports', () => {
    const code = '// src/index.ts\nexport const a = 1;';

    expect(instrumentBundle(code, { entry: true }).trimEnd()).toMatch(/\n__initTiming\.done\(\);$/);
    expect(instrumentBundle(code, { entry: false })).not.toContain('__initTiming.done()');
  });

  describe.each([
    ['in one file', false],
    ['split into chunks', true],
  ])('on a real unminified esbuild bundle %s, run with a clock only the modules advance', (_, splitting) => {
    let project: TempProject;
    let timing: Timing;
    let outputs: string[];

    beforeAll(async () => {
      project = aTempProject('instrument-bundle', FIXTURE);
      const result = await build({
        entryPoints: ['src/index.ts'],
        absWorkingDir: project.dir,
        bundle: true,
        platform: 'node',
        format: 'esm',
        splitting,
        outdir: project.path('out'),
        outExtension: { '.js': '.mjs' },
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const entry = project.path('out/index.mjs');
      mkdirSync(project.path('out'));
      outputs = result.outputFiles.map((output) => output.path);
      for (const output of result.outputFiles) {
        writeFileSync(output.path, instrumentBundle(output.text, { entry: output.path === entry }));
      }
      timing = importWithTestClock(entry, project.path('timing.json'));
    });

    afterAll(() => project.remove());

    it('charges each module exactly the time spent in its own code: CommonJS and lazily initialised ES modules exclude the modules they load', () => {
      const charged = Object.fromEntries(timing.modules.filter(([, ms]) => ms > 0));
      expect(charged).toEqual(OWN_TIME);
    });

    it('charges every moment from the first module to the end of the entry to some module', () => {
      const total = timing.modules.reduce((sum, [, ms]) => sum + ms, 0);
      expect({ span: timing.endedAt - timing.startedAt, total }).toEqual({ span: 111_120, total: 111_120 });
    });

    it('charges nothing to a module that is loaded on first use only', () => {
      expect(outputs).toHaveLength(splitting ? 3 : 1);
      const charged = new Map(timing.modules);
      expect(charged.get('src/later/index.ts') ?? 0).toBe(0);
    });
  });
});

describe('moduleGroup', () => {
  it.each([
    ['node_modules/@smithy/core/dist-es/index.js', '@smithy/core'],
    ['../node_modules/aws-xray-sdk-core/dist/lib/patchers/aws_p.js', 'aws-xray-sdk-core'],
    ['node_modules/tslib/tslib.es6.mjs', 'tslib'],
    ['../node_modules/@aws-sdk/client-dynamodb/node_modules/@smithy/core/dist-cjs/index.js', '@smithy/core'],
    ['../node_modules/aws-xray-sdk-core/node_modules/semver/index.js', 'semver'],
    ['functions/checkout/index.ts', 'functions/checkout'],
    ['src/shared/powertools.ts', 'src/shared'],
    ['index.ts', 'index.ts'],
    ['(bundle runtime)', '(bundle runtime)'],
    [BEFORE_EVALUATION, BEFORE_EVALUATION],
  ])('puts %s in %s', (path, group) => {
    expect(moduleGroup(path)).toBe(group);
  });
});

describe('initBreakdown', () => {
  let project: TempProject;

  beforeAll(() => {
    project = aTempProject('init-breakdown', FIXTURE);
  });

  afterAll(() => project.remove());

  const breakdown = ({
    workDir = 'breakdown',
    ...options
  }: Pick<BreakdownOptions, 'runs'> &
    Partial<Pick<BreakdownOptions, 'environment' | 'group'>> & {
      workDir?: string;
    }) =>
    initBreakdown({
      entry: project.path('src/index.ts'),
      codeDir: project.dir,
      buildProperties: FUNCTION_BUILD_PROPERTIES,
      environment: { FIXTURE_SETTING: 'on' },
      workDir: project.path(workDir),
      ...options,
    });

  describe('of an entry split into chunks, over two imports', () => {
    let result: { shares: ModuleShare[]; importMs: number };

    beforeAll(async () => {
      result = await breakdown({ runs: 2 });
    });

    it('has a line per package, per folder of the project code, and for the import outside module code', () => {
      expect(new Set(result.shares.map((share) => share.module))).toEqual(
        new Set([
          BEFORE_EVALUATION,
          AFTER_EVALUATION,
          '(bundle runtime)',
          'cjs-outer',
          'cjs-inner',
          '@scope/esm-pkg',
          'src',
          'src/lib',
        ]),
      );
    });

    it('measures the modules of the chunks the entry loads, instrumented like the entry', () => {
      const files = readdirSync(project.path('breakdown'));
      const chunks = files.filter((file) => /^chunk-\w+\.mjs$/.test(file));
      expect(chunks).toHaveLength(1);
      const [chunk = ''] = chunks;
      expect(readFileSync(project.path(`breakdown/${chunk}`), 'utf8')).toContain(
        '__initTiming.top("node_modules/cjs-inner/index.js");',
      );
    });

    it('lists the largest first', () => {
      const times = result.shares.map((share) => share.ms);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    it('accounts for the whole import: its lines add up to the import time', () => {
      const total = result.shares.reduce((sum, share) => sum + share.ms, 0);
      expect(result.importMs).toBeGreaterThan(0);
      expect(total).toBeCloseTo(result.importMs, 6);
    });
  });

  it('sums the modules with the given grouping', async () => {
    const { shares } = await breakdown({ runs: 1, workDir: 'per-module', group: (path) => path });
    expect(shares.map((share) => share.module)).toEqual(
      expect.arrayContaining(['src/index.ts', 'src/lib/lazy.ts', 'node_modules/cjs-inner/index.js']),
    );
  });

  it('fails, naming the error, when the instrumented bundle does not import', async () => {
    await expect(breakdown({ runs: 1, environment: {}, workDir: 'failing' })).rejects.toThrow(
      /Importing the instrumented .*index\.ts failed:[\s\S]*FIXTURE_SETTING is not set/,
    );
  });

  it('starts from an empty working directory, so no output of an earlier build is left to import', async () => {
    project.write({ 'rebuilt/chunk-STALE.mjs': 'throw new Error("stale");' });
    await breakdown({ runs: 1, workDir: 'rebuilt' });
    expect(existsSync(project.path('rebuilt/chunk-STALE.mjs'))).toBe(false);
  });
});
