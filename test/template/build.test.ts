import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, ROOT_TEMPLATE } from '../../local/paths';
import { importBundle } from '../../scripts/lib/import-bundle';
import {
  dummyEnvironment,
  type EsbuildFunction,
  environmentOf,
  esbuildFunctions,
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
  it(`is the module named by the Handler (${source.handlerFile}), with a source map it links to`, () => {
    const bundle = bundlePath(built(name));
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    expect(readFileSync(bundle, 'utf8').trimEnd()).toMatch(
      new RegExp(`//# sourceMappingURL=${source.handlerFile}\\.map$`),
    );
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
    const environment = {
      ...dummyEnvironment(fn.stack.template, environmentOf(fn.fn)),
      AWS_REGION: 'us-east-1',
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
});
