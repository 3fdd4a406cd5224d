/**
 * Bundle size and cold module initialisation of every function that `sam build` bundles with esbuild
 * (SPEC §6), each beside its own baseline: a bundle, built with the same esbuild options, of a module
 * that only creates the bare clients the function loads at init (see lib/client-baselines.ts). All
 * bundles are imported in interleaved rounds of fresh Node processes, so drift of the machine affects
 * them alike. A second table breaks each function's initialisation down by module (lib/init-breakdown.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT, SAM_BUILD_DIR } from '../../local/paths';
import type { JsonObject } from '../../local/template/values';
import { importBundle } from '../../scripts/lib/import-bundle';
import {
  dummyEnvironment,
  type EsbuildFunction,
  environmentOf,
  esbuildFunctions,
  lambdaRuntimeEnvironment,
  loadStacks,
} from '../../scripts/lib/project-templates';
import {
  type BaselineClient,
  baselineClients,
  baselineLabel,
  baselineSource,
  staticallyImportedPackages,
} from '../lib/client-baselines';
import { esbuildOptions } from '../lib/esbuild-options';
import { initBreakdown } from '../lib/init-breakdown';
import { median, percentile, round } from '../lib/stats';
import type { Row, SuiteOutput } from '../suite';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const BREAKDOWN_RUNS = Number(process.env.BENCH_BREAKDOWN_RUNS ?? 5);
/** Modules listed per function in the breakdown; the rest are summed in one line. */
const BREAKDOWN_LINES = 8;
const REGION = 'us-east-1';
/** The target of SPEC §6. */
const TARGET_RATIO = 1.2;
const WORK_DIR = join(PROJECT_ROOT, '.local/bench/function-bundles');

export const name = 'function bundles';

export const description =
  `sam build (esbuild) bundles; init = await import() of the bundle in a fresh Node ${process.version} process, ` +
  `${RUNS} rounds, with the function's environment as sam build leaves it (dummy values) and the variables ` +
  'Lambda sets (AWS_EXECUTION_ENV: Powertools Tracer traces); baseline = a bundle, with the same esbuild options, that only ' +
  'creates the clients the function loads at init, imported right before or after the function in each ' +
  `round; x baseline = the median of the per-round ratios; target: <= ${TARGET_RATIO}x (SPEC §6); floor = the ` +
  'same clients with Powertools Logger, Metrics and Tracer created (what SPEC §3.6 makes every function ' +
  'load), x floor = what the function adds to that, floor x baseline = what Powertools adds to the clients; ' +
  'bytes at init = the entry and the chunks it imports statically; process = spawn to exit of that process.';

export const columns = {
  bundle: 'bundle',
  baseline: 'baseline clients',
  files: 'files at init',
  bytes: 'bytes at init',
  gzipBytes: 'gzip bytes',
  sourceMapBytes: 'map bytes',
  initMedianMs: 'init median ms',
  initP90Ms: 'init p90 ms',
  baselineMedianMs: 'baseline ms',
  ratio: 'x baseline (median of pairs)',
  verdict: `<= ${TARGET_RATIO}x`,
  floorMedianMs: 'floor ms',
  floorRatio: 'x floor',
  floorOverBaseline: 'floor x baseline',
  processMedianMs: 'process median ms',
};

const breakdownColumns = {
  bundle: 'bundle',
  module: 'module (package, or folder of src/)',
  ms: 'median ms',
  share: '% of init',
};

interface Bundle {
  name: string;
  file: string;
  environment: Record<string, string>;
}

type Reference = Bundle & { clients: BaselineClient[] };

interface MeasuredFunction extends Bundle {
  fn: EsbuildFunction;
  source: SourceEntry;
  /** The SPEC's baseline: the bare clients. */
  baseline: Reference;
  /** The clients with Powertools Logger, Metrics and Tracer: what every function must load (SPEC §3.6). */
  floor: Reference;
}

const samBuild = async (): Promise<void> => {
  let output = '';
  const exitCode = await new Promise<number | null>((resolveExit, reject) => {
    const child = spawn('bash', ['scripts/sam.sh', 'build'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', resolveExit);
  });
  if (exitCode !== 0)
    throw new Error(`sam build failed (exit ${exitCode}):\n${output.split('\n').slice(-30).join('\n')}`);
};

interface SourceEntry {
  /** The TypeScript entry (CodeUri + EntryPoints). */
  entry: string;
  /** The source CodeUri: where sam build runs esbuild, so relative paths in BuildProperties start there. */
  codeDir: string;
}

/** Where each function's source is, from the source templates. */
const sourceEntries = (): Map<string, SourceEntry> => {
  const sources = esbuildFunctions(loadStacks(join(PROJECT_ROOT, 'template.yaml')));
  return new Map(
    sources.map((fn) => {
      const [entry] = Array.isArray(fn.buildProperties.EntryPoints) ? fn.buildProperties.EntryPoints : [];
      if (typeof entry !== 'string' || !fn.codeDir)
        throw new Error(`${fn.name} has no EntryPoints in its BuildProperties`);
      return [fn.name, { entry: join(fn.codeDir, entry), codeDir: fn.codeDir }];
    }),
  );
};

/** The clients `entry` loads at init, from an esbuild metafile of the same build. */
const clientsLoadedAtInit = async (
  { entry, codeDir }: SourceEntry,
  buildProperties: JsonObject,
): Promise<BaselineClient[]> => {
  const result = await build({
    ...esbuildOptions(buildProperties),
    entryPoints: [entry],
    write: false,
    metafile: true,
    outdir: join(WORK_DIR, 'metafile'),
    absWorkingDir: codeDir,
    logLevel: 'warning',
  });
  const inputPath = Object.keys(result.metafile.inputs).find((path) => join(codeDir, path) === entry);
  if (!inputPath) throw new Error(`${entry} is not among the inputs of its own build`);
  return baselineClients(staticallyImportedPackages(result.metafile, inputPath));
};

const buildBaseline = async (
  label: string,
  clients: BaselineClient[],
  buildProperties: JsonObject,
  codeDir: string,
  withPowertools: boolean,
): Promise<string> => {
  const directory = join(WORK_DIR, 'baselines', label.replace(/[^A-Za-z0-9]+/g, '-'));
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(join(directory, 'src'), { recursive: true });
  const entry = join(directory, 'src/index.js');
  writeFileSync(entry, baselineSource(clients, { withPowertools }));
  const options = esbuildOptions(buildProperties);
  await build({
    ...options,
    entryPoints: [entry],
    outdir: join(directory, 'bundle'),
    absWorkingDir: codeDir,
    logLevel: 'warning',
  });
  const extension = options.outExtension?.['.js'] ?? '.js';
  return join(directory, 'bundle', `index${extension}`);
};

const prepare = async (): Promise<MeasuredFunction[]> => {
  await samBuild();
  const entries = sourceEntries();
  const built = esbuildFunctions(loadStacks(join(SAM_BUILD_DIR, 'template.yaml')));
  if (built.length === 0) throw new Error('The built template has no function with an esbuild build');
  const references = new Map<string, Reference>();
  const referenceFor = async (
    kind: 'baseline' | 'floor',
    clients: BaselineClient[],
    fn: EsbuildFunction,
    source: SourceEntry,
    nodeOptions: Record<string, string>,
  ): Promise<Reference> => {
    const { EntryPoints: _entry, ...options } = fn.buildProperties;
    const label = `${baselineLabel(clients)}${kind === 'floor' ? ' + Powertools' : ''}`;
    const canonicalOptions = JSON.stringify(Object.fromEntries(Object.entries(options).sort()));
    const key = `${kind} ${label} ${canonicalOptions} ${source.codeDir} ${nodeOptions.NODE_OPTIONS ?? ''}`;
    const known = references.get(key);
    if (known) return known;
    const sameName = [...references.values()].filter(
      (other) => other.name === `${kind}: ${label}` || other.name.startsWith(`${kind}: ${label} (`),
    );
    const reference = {
      name: `${kind}: ${label}${sameName.length > 0 ? ` (${sameName.length + 1})` : ''}`,
      file: await buildBaseline(
        `${kind}-${label}-${references.size}`,
        clients,
        fn.buildProperties,
        source.codeDir,
        kind === 'floor',
      ),
      environment: { ...lambdaRuntimeEnvironment(fn.fn, `${label} ${kind}`, REGION), ...nodeOptions },
      clients,
    };
    references.set(key, reference);
    return reference;
  };
  const functions: MeasuredFunction[] = [];
  for (const fn of built) {
    const source = entries.get(fn.name);
    if (!source) throw new Error(`${fn.name} is built but not in the source templates`);
    const clients = await clientsLoadedAtInit(source, fn.buildProperties);
    const environment = {
      ...dummyEnvironment(fn.stack.template, environmentOf(fn.fn), REGION),
      ...lambdaRuntimeEnvironment(fn.fn, fn.name, REGION),
    };
    // The references run with the function's NODE_OPTIONS (sam build adds --enable-source-maps to functions
    // with source maps), as they have its esbuild options.
    const nodeOptions: Record<string, string> = environment.NODE_OPTIONS
      ? { NODE_OPTIONS: environment.NODE_OPTIONS }
      : {};
    const baseline = await referenceFor('baseline', clients, fn, source, nodeOptions);
    const floor = await referenceFor('floor', clients, fn, source, nodeOptions);
    functions.push({
      fn,
      name: fn.name,
      source,
      file: join(fn.codeDir ?? '', fn.handlerFile),
      environment,
      baseline,
      floor,
    });
  }
  return functions;
};

interface Samples {
  init: number[];
  process: number[];
  /** Per round: the function's init over each reference's, imported right before or after it. */
  ratios: { baseline: number[]; floor: number[]; floorOverBaseline: number[] };
}

const importOnce = async (bundle: Bundle) => {
  const imported = await importBundle(bundle.file, bundle.environment);
  if (imported.exitCode !== 0 || imported.problems.length > 0) {
    throw new Error(
      `Importing ${bundle.file} failed (exit ${imported.exitCode}):\n${imported.stderr}${imported.problems.join('\n')}`,
    );
  }
  return imported;
};

/**
 * Rounds over all functions; in each, a function and its two references are imported one right after the
 * other (in an order that rotates from round to round), so that their ratios are taken under the same load
 * of the machine: the ratios reported are the medians of those per-round ratios. One unmeasured round
 * first warms the file system cache.
 */
const measure = async (functions: MeasuredFunction[]): Promise<Map<string, Samples>> => {
  const samples = new Map<string, Samples>();
  const samplesOf = (bundle: Bundle) => {
    let found = samples.get(bundle.name);
    if (!found) {
      found = { init: [], process: [], ratios: { baseline: [], floor: [], floorOverBaseline: [] } };
      samples.set(bundle.name, found);
    }
    return found;
  };
  for (let round = -1; round < RUNS; round++) {
    for (const fn of functions) {
      const group: Bundle[] = [fn, fn.baseline, fn.floor];
      const shift = ((round % group.length) + group.length) % group.length;
      const order = [...group.slice(shift), ...group.slice(0, shift)];
      const times = new Map<Bundle, { initMs: number; wallMs: number }>();
      for (const bundle of order) times.set(bundle, await importOnce(bundle));
      if (round < 0) continue;
      for (const [bundle, { initMs, wallMs }] of times) {
        samplesOf(bundle).init.push(initMs);
        samplesOf(bundle).process.push(wallMs);
      }
      const own = times.get(fn)?.initMs ?? Number.NaN;
      samplesOf(fn).ratios.baseline.push(own / (times.get(fn.baseline)?.initMs ?? Number.NaN));
      samplesOf(fn).ratios.floor.push(own / (times.get(fn.floor)?.initMs ?? Number.NaN));
      samplesOf(fn).ratios.floorOverBaseline.push(
        (times.get(fn.floor)?.initMs ?? Number.NaN) / (times.get(fn.baseline)?.initMs ?? Number.NaN),
      );
    }
  }
  return samples;
};

/** The entry and the chunks it imports statically: what a cold start reads (others load on first use). */
const filesLoadedAtInit = (entry: string): string[] => {
  const files = [entry];
  for (const file of files) {
    // Static imports only: `from"./chunk.mjs"` and `import"./chunk.mjs"`, not `import("./chunk.mjs")`.
    for (const [, path] of readFileSync(file, 'utf8').matchAll(
      /(?:\bfrom|\bimport)\s*["'](\.\.?\/[^"']+)["']/g,
    )) {
      const imported = join(dirname(file), path ?? '');
      if (!files.includes(imported)) files.push(imported);
    }
  }
  return files;
};

const fileSize = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

const sizeRow = (entry: string) => {
  const files = filesLoadedAtInit(entry);
  const code = Buffer.concat(files.map((file) => readFileSync(file)));
  const allFiles = readdirSync(dirname(entry)).filter((file) => /\.[cm]?js$/.test(file));
  return {
    files: `${files.length} of ${allFiles.length}`,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    sourceMapBytes: files.reduce((sum, file) => sum + fileSize(`${file}.map`), 0),
  };
};

const breakdownRows = async (fn: MeasuredFunction): Promise<Row[]> => {
  const { shares, importMs } = await initBreakdown({
    ...fn.source,
    buildProperties: fn.fn.buildProperties,
    environment: fn.environment,
    workDir: join(WORK_DIR, 'breakdown', fn.name.replace(/\W+/g, '-')),
    runs: BREAKDOWN_RUNS,
  });
  const listed = shares.slice(0, BREAKDOWN_LINES);
  const rest = shares.slice(BREAKDOWN_LINES);
  const lines = [
    ...listed,
    ...(rest.length > 0
      ? [{ module: `(${rest.length} more)`, ms: rest.reduce((sum, share) => sum + share.ms, 0) }]
      : []),
  ];
  return lines.map((line, index) => ({
    bundle: index === 0 ? `${fn.name} (${round(importMs, 1)} ms)` : '',
    module: line.module,
    ms: round(line.ms, 1),
    share: round((100 * line.ms) / importMs, 1),
  }));
};

export const run = async (): Promise<SuiteOutput> => {
  const functions = await prepare();
  const references = [...new Set(functions.flatMap((fn) => [fn.baseline, fn.floor]))];
  const samples = await measure(functions);
  const initOf = (bundle: Bundle) => samples.get(bundle.name)?.init ?? [];
  const rows: Row[] = [
    ...functions.map((fn) => {
      const ratios = samples.get(fn.name)?.ratios;
      const ratio = median(ratios?.baseline ?? []);
      return {
        bundle: fn.name,
        baseline: baselineLabel(fn.baseline.clients),
        ...sizeRow(fn.file),
        initMedianMs: round(median(initOf(fn)), 1),
        initP90Ms: round(percentile(initOf(fn), 90), 1),
        baselineMedianMs: round(median(initOf(fn.baseline)), 1),
        ratio: round(ratio, 2),
        // An empty baseline (a function without clients) measures Node's import of an empty module.
        verdict: fn.baseline.clients.length === 0 ? 'n/a' : ratio <= TARGET_RATIO ? 'yes' : 'NO',
        floorMedianMs: round(median(initOf(fn.floor)), 1),
        floorRatio: round(median(ratios?.floor ?? []), 2),
        floorOverBaseline: round(median(ratios?.floorOverBaseline ?? []), 2),
        processMedianMs: round(median(samples.get(fn.name)?.process ?? []), 1),
      };
    }),
    ...references.map((reference) => ({
      bundle: reference.name,
      baseline: '',
      ...sizeRow(reference.file),
      initMedianMs: round(median(initOf(reference)), 1),
      initP90Ms: round(percentile(initOf(reference), 90), 1),
      processMedianMs: round(median(samples.get(reference.name)?.process ?? []), 1),
    })),
  ];
  const breakdown: Row[] = [];
  for (const fn of functions) breakdown.push(...(await breakdownRows(fn)));
  return {
    rows,
    tables: [
      {
        title: `Where each function's init goes (unminified build of the same entry, instrumented; median of ${BREAKDOWN_RUNS} imports)`,
        columns: breakdownColumns,
        rows: breakdown,
      },
    ],
  };
};
