/**
 * Where a bundle's module initialisation goes, module by module ("import timing"). The function's entry
 * is bundled again with its own esbuild options, but unminified, so that esbuild marks where each
 * module's code starts (`// node_modules/pkg/file.js`), and instrumented:
 * - the top-level code of each module (esbuild hoists ES modules into the bundle's top level) is charged
 *   to the module whose marker precedes it;
 * - CommonJS modules and lazily initialised ES modules run inside esbuild's `__commonJS` / `__esm`
 *   wrappers, which are timed as nested calls: a module's time excludes the modules it requires, and
 *   includes the Node built-ins it loads;
 * - what remains of the import (reading, parsing, compiling and linking the bundle, and source maps when
 *   the function enables them) is reported as its own line.
 * Time is then summed per package (`@smithy/core`, `aws-xray-sdk-core`) or, for the project's own code,
 * per folder (`src/functions/checkout`).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { JsonObject } from '../../local/template/values';
import { importBundle } from '../../scripts/lib/import-bundle';
import { esbuildOptions } from './esbuild-options';
import { median } from './stats';

/** The lines for the import's time outside any module's code. */
export const BEFORE_EVALUATION = '(read, parse, compile and link the bundle)';
export const AFTER_EVALUATION = '(promises the modules started, settled before the import)';

const TIMING_FILE_VARIABLE = 'INIT_BREAKDOWN_FILE';

// Runs first in every output file (ES imports are hoisted, so it may precede the banner's import). With
// code splitting, the chunks share one timer: the first file to run starts it.
const PRELUDE = `import { writeFileSync as __initTimingWrite } from 'node:fs';
const __initTiming = (globalThis.__initTiming ??= (() => {
  const self = new Map();
  const stack = [];
  let current = '(bundle runtime)';
  const startedAt = performance.now();
  let since = startedAt;
  const charge = () => {
    const now = performance.now();
    self.set(current, (self.get(current) ?? 0) + now - since);
    since = now;
  };
  return {
    top(name) { charge(); current = name; },
    wrap(definitions, init) {
      const name = Object.getOwnPropertyNames(definitions)[0];
      return function () {
        charge(); stack.push(current); current = name;
        try { return init.apply(this, arguments); } finally { charge(); current = stack.pop(); }
      };
    },
    done() {
      charge();
      const modules = [...self];
      __initTimingWrite(process.env.${TIMING_FILE_VARIABLE}, JSON.stringify({ startedAt, endedAt: since, modules }));
    },
  };
})());
`;

const MODULE_MARKER = /^\/\/ (\S+)$/;

/**
 * An unminified output file with timing added; the entry's also reports the timing once it has run
 * (after every chunk it imports statically). Exported for tests.
 */
export const instrumentBundle = (code: string, { entry }: { entry: boolean }): string => {
  const lines = code.split('\n').flatMap((line) => {
    // esbuild's runtime helpers, e.g. `var __commonJS = (cb, mod) => function __require() { ... };` and
    // (esbuild 0.28) `var __esm = (fn, res, err) => function __init() { ... };`
    const helper = /^var (__commonJS|__esm) = \((\w+)((?:, \w+)*)\) => /.exec(line);
    if (helper) {
      const [, name, definitions, state] = helper;
      return [
        `var ${name} = (${definitions}${state}) => __initTiming.wrap(${definitions}, __untimed${name}(${definitions}${state}));`,
        line.replace(/^var (\w+) = /, 'var __untimed$1 = '),
      ];
    }
    const marker = MODULE_MARKER.exec(line);
    return marker ? [line, `__initTiming.top(${JSON.stringify(marker[1])});`] : [line];
  });
  return `${PRELUDE}${lines.join('\n')}\n${entry ? '__initTiming.done();\n' : ''}`;
};

/** `node_modules/@smithy/core/dist/x.js` -> `@smithy/core`; `src/functions/checkout/index.ts` -> its folder. */
export const moduleGroup = (path: string): string => {
  // The innermost package: a nested copy of a dependency is that dependency, wherever npm installed it.
  const inPackage = /(?:.*\/|^)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage?.[1]) return inPackage[1];
  if (path.startsWith('(')) return path;
  const slash = path.lastIndexOf('/');
  return slash > 0 ? path.slice(0, slash) : path;
};

interface EvaluationTiming {
  startedAt: number;
  endedAt: number;
  /** Time per module path, ms. */
  modules: [string, number][];
}

export interface BreakdownOptions {
  entry: string;
  /** Where esbuild runs (the function's CodeUri): relative paths in the BuildProperties start there. */
  codeDir: string;
  buildProperties: JsonObject;
  environment: Record<string, string>;
  workDir: string;
  runs: number;
  /** How module paths are summed (default: per package, or per folder of the project's code). */
  group?: (path: string) => string;
}

export interface ModuleShare {
  module: string;
  /** Median over the runs, ms. */
  ms: number;
}

/** Median time per module group over `runs` fresh imports, largest first. */
export const initBreakdown = async ({
  entry,
  codeDir,
  buildProperties,
  environment,
  workDir,
  runs,
  group = moduleGroup,
}: BreakdownOptions): Promise<{ shares: ModuleShare[]; importMs: number }> => {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const options = esbuildOptions(buildProperties);
  const result = await build({
    ...options,
    entryPoints: [entry],
    minify: false,
    write: false,
    metafile: true,
    outdir: workDir,
    absWorkingDir: codeDir,
    logLevel: 'warning',
  });
  const entryOutput = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint)?.[0];
  if (!entryOutput) throw new Error(`esbuild wrote no entry module for ${entry}`);
  const file = join(codeDir, entryOutput);
  for (const output of result.outputFiles) {
    const isEntry = output.path === file;
    writeFileSync(
      output.path,
      /\.[cm]?js$/.test(output.path) ? instrumentBundle(output.text, { entry: isEntry }) : output.contents,
    );
  }

  const perRun: Map<string, number>[] = [];
  const importTimes: number[] = [];
  for (let round = -1; round < runs; round++) {
    const timingFile = join(workDir, `timing-${round}.json`);
    const imported = await importBundle(file, { ...environment, [TIMING_FILE_VARIABLE]: timingFile });
    if (imported.exitCode !== 0 || imported.problems.length > 0)
      throw new Error(`Importing the instrumented ${entry} failed:\n${imported.stderr}${imported.problems}`);
    if (round < 0) continue;
    const timing = JSON.parse(readFileSync(timingFile, 'utf8')) as EvaluationTiming;
    const groups = new Map<string, number>([
      [BEFORE_EVALUATION, timing.startedAt - imported.startedAt],
      [AFTER_EVALUATION, imported.endedAt - timing.endedAt],
    ]);
    for (const [module, ms] of timing.modules) {
      const name = group(module);
      groups.set(name, (groups.get(name) ?? 0) + ms);
    }
    perRun.push(groups);
    importTimes.push(imported.initMs);
  }
  const modules = new Set(perRun.flatMap((groups) => [...groups.keys()]));
  const shares = [...modules]
    .map((module) => ({ module, ms: median(perRun.map((groups) => groups.get(module) ?? 0)) }))
    .sort((a, b) => b.ms - a.ms);
  return { shares, importMs: median(importTimes) };
};
