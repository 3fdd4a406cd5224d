import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../../../bench/lib/esbuild-options';
import { PROJECT_ROOT } from '../../../../local/paths';
import type { JsonObject } from '../../../../local/template/values';
import { aTempProject, type TempProject } from '../../../helpers/temp-project';

const ESBUILD_CLI = join(PROJECT_ROOT, 'node_modules/.bin/esbuild');

/**
 * The esbuild command line `sam build` runs for a function's BuildProperties, as aws-lambda-builders
 * writes it (workflows/nodejs_npm_esbuild/esbuild.py, EsbuildCommandBuilder): the keys in kebab case; a
 * boolean `true` as `--flag` and `false` as nothing; a string as `--flag=value`; a list as one
 * `--flag:item` per item; `--bundle --platform=node` always; `--target=es2020`, `--format=cjs` and
 * `--minify` unless the properties set them.
 */
const samEsbuildArguments = (buildProperties: JsonObject, outdir: string): string[] => {
  const config = Object.entries(buildProperties).map(
    ([key, value]) => [key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase(), value] as const,
  );
  const keys = new Set(config.map(([key]) => key));
  const flag = (key: string) => `--${key.replaceAll('_', '-')}`;
  const args = ['--bundle', '--platform=node', `--outdir=${outdir}`];
  if (!keys.has('target')) args.push('--target=es2020');
  if (!keys.has('format')) args.push('--format=cjs');
  if (!keys.has('minify')) args.push('--minify');
  args.push(...(buildProperties.EntryPoints as string[]));
  for (const [key, value] of config) {
    if (['entry_points', 'use_npm_ci', 'bundle', 'platform', 'outdir'].includes(key)) continue;
    if (typeof value === 'boolean') args.push(...(value ? [flag(key)] : []));
    else if (typeof value === 'string') args.push(`${flag(key)}=${value}`);
    else if (Array.isArray(value)) args.push(...value.map((item) => `${flag(key)}:${item}`));
    else throw new Error(`sam build cannot pass ${key}=${JSON.stringify(value)} to esbuild`);
  }
  return args;
};

const BANNER =
  "js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The shape of the functions' BuildProperties in the templates, with this fixture's stand-ins. */
const FUNCTION_PROPERTIES: JsonObject = {
  EntryPoints: ['index.ts'],
  Splitting: true,
  Format: 'esm',
  OutExtension: ['.js=.mjs'],
  Target: 'node22',
  Minify: true,
  Sourcemap: true,
  Banner: [BANNER],
  Alias: ['node:http=./stand-ins/http.ts', 'http=./stand-ins/http.ts', 'semver=./stand-ins/semver.ts'],
};

const ESM: JsonObject = { EntryPoints: ['index.ts'], Format: 'esm', OutExtension: ['.js=.mjs'] };
const WITH_MAP: JsonObject = { EntryPoints: ['index.ts'], Sourcemap: true };

/** A function's code (the CodeUri is src/): a package, a module loaded on first use, and stand-ins to alias. */
const FIXTURE = {
  'node_modules/semver/package.json': '{ "name": "semver", "main": "index.js" }',
  'node_modules/semver/index.js': "exports.gte = () => 'the real semver';",
  'src/index.ts': [
    "import http from 'node:http';",
    "import { gte } from 'semver';",
    'export const handler = async () => [http.STATUS_CODES, gte(), (await import("./later")).later];',
  ].join('\n'),
  'src/later.ts': "export const later = 'loaded on first use';",
  'src/stand-ins/http.ts': "export default { STATUS_CODES: 'the stand-in http' };",
  'src/stand-ins/semver.ts': "export const gte = () => 'the stand-in semver';",
};

const filesIn = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));

describe('esbuildOptions', () => {
  describe('gives the build `sam build` makes', () => {
    let project: TempProject;
    let builds = 0;

    beforeAll(() => {
      project = aTempProject('esbuild-options', FIXTURE);
    });

    afterAll(() => project.remove());

    /** The output files of the esbuild CLI run as sam build runs it, and of the JS API with esbuildOptions. */
    const buildBothWays = async (buildProperties: JsonObject) => {
      builds += 1;
      const cliDir = project.path(`cli-${builds}`);
      const apiDir = project.path(`api-${builds}`);
      const cli = spawnSync(
        ESBUILD_CLI,
        [...samEsbuildArguments(buildProperties, cliDir), '--log-level=warning'],
        {
          cwd: project.path('src'),
          encoding: 'utf8',
        },
      );
      if (cli.status !== 0)
        throw new Error(`esbuild ${samEsbuildArguments(buildProperties, cliDir)}:\n${cli.stderr}`);
      await build({
        ...esbuildOptions(buildProperties),
        entryPoints: buildProperties.EntryPoints as string[],
        outdir: apiDir,
        absWorkingDir: project.path('src'),
        logLevel: 'warning',
      });
      return { cli: filesIn(cliDir), api: filesIn(apiDir) };
    };

    it.each<[string, JsonObject]>([
      ["for the functions' BuildProperties", FUNCTION_PROPERTIES],
      ['for no properties but the entry (the defaults)', { EntryPoints: ['index.ts'] }],
      [
        'for Alias, stand-ins relative to the CodeUri',
        { EntryPoints: ['index.ts'], Alias: FUNCTION_PROPERTIES.Alias },
      ],
      ['for Splitting: true (--splitting)', { ...ESM, Splitting: true }],
      ['for Splitting: false (no flag)', { ...ESM, Splitting: false }],
      ["for Splitting: 'true' (--splitting=true)", { ...ESM, Splitting: 'true' }],
      ["for Splitting: 'false' (--splitting=false)", { ...ESM, Splitting: 'false' }],
      ['for SourcesContent: true (--sources-content)', { ...WITH_MAP, SourcesContent: true }],
      ['for SourcesContent: false (no flag)', { ...WITH_MAP, SourcesContent: false }],
      ["for SourcesContent: 'true' (--sources-content=true)", { ...WITH_MAP, SourcesContent: 'true' }],
      ["for SourcesContent: 'false' (--sources-content=false)", { ...WITH_MAP, SourcesContent: 'false' }],
    ])('%s', async (_, buildProperties) => {
      const { cli, api } = await buildBothWays(buildProperties);
      expect(Object.keys(api).sort()).toEqual(Object.keys(cli).sort());
      expect(api).toEqual(cli);
    });

    it('bundles the stand-ins that Alias names instead of the modules they replace', async () => {
      const { api } = await buildBothWays(FUNCTION_PROPERTIES);
      const code = Object.entries(api)
        .filter(([file]) => file.endsWith('.mjs'))
        .map(([, text]) => text)
        .join('\n');
      expect(code).toContain('the stand-in semver');
      expect(code).toContain('the stand-in http');
      expect(code).not.toContain('the real semver');
      expect(code).not.toMatch(/from\s*["'](node:)?http["']/);
    });

    it.each<[string, JsonObject, boolean]>([
      ['Splitting: true', { ...ESM, Splitting: true }, true],
      ["Splitting: 'true'", { ...ESM, Splitting: 'true' }, true],
      ['Splitting: false', { ...ESM, Splitting: false }, false],
      ["Splitting: 'false'", { ...ESM, Splitting: 'false' }, false],
    ])(
      'with %s, puts a module loaded on first use in a chunk of its own (or not)',
      async (_, properties, split) => {
        const { api } = await buildBothWays(properties);
        expect(Object.keys(api).some((file) => /^later-\w+\.mjs$/.test(file))).toBe(split);
      },
    );

    it.each<[string, unknown, boolean]>([
      ['SourcesContent: true', true, true],
      ['SourcesContent: false', false, true],
      ["SourcesContent: 'true'", 'true', true],
      ["SourcesContent: 'false'", 'false', false],
    ])('with %s, puts the sources in the source map or not', async (_, value, included) => {
      const { api } = await buildBothWays({ ...WITH_MAP, SourcesContent: value });
      const map = JSON.parse(api['index.js.map'] ?? '{}') as { sourcesContent?: string[] };
      expect(map.sourcesContent !== undefined).toBe(included);
    });
  });

  describe('maps each property to the esbuild API', () => {
    it('reads each Alias as module=replacement, splitting at the first =, so that node: modules can be aliased', () => {
      expect(
        esbuildOptions({ Alias: ['node:http=./bundling/node-http.ts', 'semver=./bundling/semver.ts'] }).alias,
      ).toEqual({ 'node:http': './bundling/node-http.ts', semver: './bundling/semver.ts' });
    });

    it.each([
      [true, true],
      ['true', true],
      [false, false],
      ['false', false],
    ])('turns Splitting: %j into splitting: %s', (value, splitting) => {
      expect(esbuildOptions({ Splitting: value }).splitting).toBe(splitting);
    });

    it.each([
      [true, undefined],
      [false, undefined],
      ['true', true],
      ['false', false],
    ])(
      "turns SourcesContent: %j into sourcesContent: %s (undefined: esbuild's default, true)",
      (value, sourcesContent) => {
        expect(esbuildOptions({ SourcesContent: value }).sourcesContent).toBe(sourcesContent);
      },
    );

    it('starts from what sam build always passes and defaults', () => {
      expect(esbuildOptions({ EntryPoints: ['index.ts'], Platform: 'browser' })).toEqual({
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'es2020',
        minify: true,
      });
    });

    it('refuses a property it has no equivalent for, naming it', () => {
      expect(() => esbuildOptions({ Metafile: true })).toThrow(
        'BuildProperties.Metafile has no esbuild API equivalent yet: add it to bench/lib/esbuild-options.ts',
      );
    });
  });
});
