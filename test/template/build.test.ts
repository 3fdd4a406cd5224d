import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build as esbuild, type Metafile } from 'esbuild';
import { esbuildOptions } from '../../bench/lib/esbuild-options';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { importBundle } from '../../scripts/lib/import-bundle';
import {
  dummyEnvironment,
  type EsbuildFunction,
  environmentOf,
  esbuildFunctions,
  lambdaRuntimeEnvironment,
  loadStacks,
} from '../../scripts/lib/project-templates';

/**
 * `sam build` into a fresh directory. `--no-cached`, because a cached build (samconfig.toml turns it on)
 * keeps dependencies in .aws-sam/deps and prunes the folders there that its own build graph does not
 * know, which would break the build that the local runtime keeps in .aws-sam.
 */
let workDir = '';
let buildDir = '';
let build: { exitCode: number | string | null; output: string };

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'template-test-sam-build-'));
  buildDir = join(workDir, 'build');
  const result = spawnSync(
    'bash',
    ['scripts/sam.sh', 'build', '--build-dir', buildDir, '--no-cached', '--parallel'],
    {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  build = {
    exitCode: result.error ? String(result.error) : result.status,
    output: `${result.stdout}${result.stderr}`,
  };
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const sourceFunctions = esbuildFunctions(loadStacks(ROOT_TEMPLATE));
const builtFunctions = (): EsbuildFunction[] => esbuildFunctions(loadStacks(join(buildDir, 'template.yaml')));

const built = (name: string): EsbuildFunction => {
  const fn = builtFunctions().find((candidate) => candidate.name === name);
  if (!fn?.codeDir) throw new Error(`The built template has no esbuild function ${name} with a CodeUri`);
  return fn;
};

const bundlePath = (fn: EsbuildFunction) => join(fn.codeDir ?? '', fn.handlerFile);

/**
 * The function's import graph as `sam build` resolves it: its entry built with the same esbuild options
 * (bench/lib/esbuild-options.ts), in its source CodeUri, where sam build runs esbuild (relative `Alias`
 * paths start there). Input paths are relative to that directory.
 */
const importGraph = async (fn: EsbuildFunction): Promise<Metafile> => {
  const entryPoints = Array.isArray(fn.buildProperties.EntryPoints) ? fn.buildProperties.EntryPoints : [];
  const result = await esbuild({
    ...esbuildOptions(fn.buildProperties),
    entryPoints: entryPoints.map(String),
    absWorkingDir: fn.codeDir,
    outdir: join(workDir, 'import-graphs', fn.name),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
};

/** The one user of semver in the bundles (SDK v2's `captureAWS`, which Powertools Tracer never calls). */
const AWS_SDK_V2_PATCHER = 'node_modules/aws-xray-sdk-core/dist/lib/patchers/aws_p.js';

const importsSemver = (edge: Metafile['inputs'][string]['imports'][number]) =>
  /^semver(\/|$)/.test(edge.original ?? '') ||
  /(^|\/)node_modules\/semver\//.test(edge.path) ||
  edge.path.endsWith('bundling/semver.ts');

/**
 * An ES import of node:http, minified or not (`import x from"node:http"`, `import"http"`, `export*from"http"`,
 * `import("node:http")`): each makes Node build the module's ES facade, which reads all of node:http's
 * exports, lazy undici getters included (src/bundling/node-http.ts).
 */
const HTTP_ES_IMPORT = /(?:\bfrom\s*|\bimport\s*(?:\(\s*)?)(["'`])(?:node:)?http\1/g;

const CREATE_REQUIRE =
  /^import \{ createRequire \} from ['"](node:)?module['"]; ?const require ?= ?createRequire\(import\.meta\.url\);?$/;

describe('sam build', () => {
  it('succeeds', () => {
    expect(build).toEqual({ exitCode: 0, output: expect.stringContaining('Build Succeeded') });
  });

  it('builds a bundle for every function of the templates that has an esbuild build', () => {
    expect(builtFunctions().map((fn) => fn.name)).toEqual(sourceFunctions.map((fn) => fn.name));
  });
});

describe.each(sourceFunctions.map((fn) => [fn.name, fn] as const))('the bundle of %s', (name, source) => {
  it(`is the module named by the Handler (${source.handlerFile}), without source maps, which Node would parse at every cold start`, () => {
    const fn = built(name);
    const bundle = bundlePath(fn);
    expect(existsSync(bundle)).toBe(true);
    const outputs = readdirSync(fn.codeDir ?? '');
    expect(outputs.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(readFileSync(bundle, 'utf8')).not.toContain('//# sourceMappingURL=');
    expect(environmentOf(fn.fn).NODE_OPTIONS).toBeUndefined();
  });

  it('starts with the banner that defines require with createRequire', () => {
    const banners = Array.isArray(source.buildProperties.Banner) ? source.buildProperties.Banner : [];
    const banner = banners.find((item): item is string => typeof item === 'string' && item.startsWith('js='));
    expect(banner?.slice('js='.length)).toMatch(CREATE_REQUIRE);
    const firstLine = readFileSync(bundlePath(built(name)), 'utf8').split('\n', 1)[0];
    expect(firstLine).toBe(banner?.slice('js='.length));
  });

  it(`exports ${source.handlerExport} as a function when imported in a fresh Node process, without reaching the network`, async () => {
    const fn = built(name);
    // As Lambda runs it: with AWS_EXECUTION_ENV, Powertools Tracer traces (and patches http and https).
    const environment = {
      ...dummyEnvironment(fn.stack.template, environmentOf(fn.fn)),
      ...lambdaRuntimeEnvironment(fn.fn, fn.name),
    };
    const imported = await importBundle(bundlePath(fn), environment, { settleMs: 500 });
    expect({
      exitCode: imported.exitCode,
      handler: imported.exports[fn.handlerExport],
      network: imported.network,
      problems: imported.problems,
      stderr: imported.stderr,
    }).toEqual({ exitCode: 0, handler: 'function', network: [], problems: [], stderr: expect.any(String) });
  });

  it('has no ES import of node:http or http in its entry or any chunk: node:http comes from the stand-in, through require', () => {
    const fn = built(name);
    const dir = fn.codeDir ?? '';
    const files = readdirSync(dir).filter((file) => /\.[cm]?js$/.test(file));
    expect(files).toContain(fn.handlerFile);
    const imports = files.flatMap((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(HTTP_ES_IMPORT)].map(
        (found) => `${file}: ${found[0]}`,
      ),
    );
    expect(imports).toEqual([]);
  });

  it("bundles the semver stand-in, and nothing but aws-xray-sdk-core's AWS SDK v2 patcher imports semver", async () => {
    const { inputs } = await importGraph(source);
    const fromProjectRoot = (path: string) => relative(PROJECT_ROOT, join(source.codeDir ?? '', path));
    const importers = Object.entries(inputs)
      .filter(([, input]) => input.imports.some(importsSemver))
      .map(([path]) => fromProjectRoot(path));
    expect(importers.filter((path) => path !== AWS_SDK_V2_PATCHER)).toEqual([]);
    expect(Object.keys(inputs).filter((path) => /(^|\/)node_modules\/semver\//.test(path))).toEqual([]);
  });
});

describe("aws-xray-sdk-core's AWS SDK v2 patcher, the one user of semver in the bundles", () => {
  const source = readFileSync(join(PROJECT_ROOT, AWS_SDK_V2_PATCHER), 'utf8');

  it('calls semver.gte and nothing else of semver, which is all the stand-in has', () => {
    const members = [...source.matchAll(/\bsemver\s*\.\s*([A-Za-z_$][\w$]*)/g)].map((found) => found[1]);
    expect(members.length).toBeGreaterThan(0);
    expect(new Set(members)).toEqual(new Set(['gte']));
  });

  it('uses semver in no other way (no semver[...] or passing it on)', () => {
    const rest = source
      .replace(/\b(?:var|let|const)\s+semver\s*=\s*require\((['"])semver\1\)/g, '')
      .replace(/\bsemver\s*\.\s*gte\b/g, '');
    expect(rest.match(/\bsemver\b/g)).toBeNull();
  });
});

describe("the functions' modules loaded on first use", () => {
  const sourceFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return /\.[cm]?[jt]s$/.test(entry.name) ? [path] : [];
    });

  it("are the project's own modules, never an npm package: a bundled import() of a CommonJS build (as the AWS SDK's) yields only a default export", () => {
    const packageImports = sourceFiles(join(PROJECT_ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bimport\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g)].map(
        ([, specifier]) => `${file.slice(PROJECT_ROOT.length + 1)}: import('${specifier}')`,
      ),
    );
    expect(packageImports).toEqual([]);
  });
});
