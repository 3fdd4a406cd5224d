import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../../local/paths';
import { aTempProject, type TempProject } from '../../helpers/temp-project';

const nodeHttp = require('node:http') as Record<string, unknown>;
const standIn = require('../../../src/bundling/node-http.cjs') as unknown;

describe('the node:http stand-in', () => {
  it("is the very node:http module, as require('node:http') gives it", () => {
    expect(standIn).toBe(nodeHttp);
  });

  describe('aliased into a bundle as the functions build theirs', () => {
    let project: TempProject;

    /** Runs a bundle of `entry` and returns what it printed. */
    const runBundle = async (entry: string, alias: Record<string, string>) => {
      const outfile = project.path(`out/${entry}`);
      await build({
        entryPoints: [project.path(entry)],
        absWorkingDir: project.dir,
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
        alias,
        logLevel: 'silent',
      });
      const child = spawnSync(process.execPath, [outfile], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${entry} failed:\n${child.stderr}`);
      return JSON.parse(child.stdout) as Record<string, unknown>;
    };

    const STAND_IN = join(PROJECT_ROOT, 'src/bundling/node-http.cjs');
    const UNDICI_LOADED = "process.moduleLoadList.some((name) => name.includes('undici'))";

    beforeAll(() => {
      project = aTempProject('node-http-stand-in', {
        // How @smithy/node-http-handler, aws-xray-sdk-core and the OpenSearch client load it.
        'node_modules/cjs-http-user/package.json': '{ "name": "cjs-http-user", "main": "index.js" }',
        'node_modules/cjs-http-user/index.js':
          "exports.http = require('http');\nexports.nodeHttp = require('node:http');",
        'uses-http.mjs': [
          "import http, { Agent, STATUS_CODES, request } from 'node:http';",
          "import plainHttp from 'http';",
          "import { createRequire as requireFrom } from 'node:module';",
          "import cjs from 'cjs-http-user';",
          "const real = requireFrom(import.meta.url)('node:http');",
          'process.stdout.write(JSON.stringify({',
          '  defaultImport: http === real && plainHttp === real,',
          '  namedImports: Agent === real.Agent && request === real.request && STATUS_CODES === real.STATUS_CODES,',
          '  required: cjs.http === real && cjs.nodeHttp === real,',
          '  live: (real.request = function patched() {}) === request,',
          `  undiciLoaded: ${UNDICI_LOADED},`,
          '}));',
        ].join('\n'),
        'imports-http.mjs': [
          "import http from 'node:http';",
          `process.stdout.write(JSON.stringify({ request: typeof http.request, undiciLoaded: ${UNDICI_LOADED} }));`,
        ].join('\n'),
      });
    });

    afterAll(() => project.remove());

    it('gives ES imports and CommonJS requires of node:http and http the module and its members', async () => {
      const seen = await runBundle('uses-http.mjs', { 'node:http': STAND_IN, http: STAND_IN });
      expect(seen).toMatchObject({ defaultImport: true, namedImports: true, required: true });
    });

    it('gives named imports the members as they are when read, so a patch of the module shows', async () => {
      const seen = await runBundle('uses-http.mjs', { 'node:http': STAND_IN, http: STAND_IN });
      expect(seen).toMatchObject({ live: true });
    });

    it("does not load Node's bundled undici, which an ES import of node:http does", async () => {
      const seen = await runBundle('uses-http.mjs', { 'node:http': STAND_IN, http: STAND_IN });
      const withoutStandIn = await runBundle('imports-http.mjs', {});
      expect({ standIn: seen.undiciLoaded, esImport: withoutStandIn.undiciLoaded }).toEqual({
        standIn: false,
        esImport: true,
      });
    });
  });
});
