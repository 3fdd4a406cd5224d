/**
 * Bundle size and cold module initialisation of every function that `sam build` bundles with esbuild,
 * beside a baseline: a bundle, built with the same esbuild options, of a module that only creates an
 * SNS client (what any function that talks to AWS pays at least).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT, SAM_BUILD_DIR } from '../../local/paths';
import { importBundle } from '../../scripts/lib/import-bundle';
import {
  dummyEnvironment,
  environmentOf,
  esbuildFunctions,
  loadStacks,
} from '../../scripts/lib/project-templates';
import { esbuildOptions } from '../lib/esbuild-options';
import { median, percentile, round } from '../lib/stats';
import type { Row } from '../suite';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const REGION = 'us-east-1';
const BASELINE_NAME = 'baseline: new SNSClient({})';
const BASELINE_SOURCE = `import { SNSClient } from '@aws-sdk/client-sns';\nexport const client = new SNSClient({});\n`;
const BASELINE_DIR = join(PROJECT_ROOT, '.local/bench/sns-client-baseline');

export const name = 'function bundles';

export const description =
  `sam build (esbuild) bundles; init = await import() of the bundle in a fresh Node ${process.version} process, ` +
  `${RUNS} runs each, with the function's environment (dummy values, AWS_REGION, and the NODE_OPTIONS ` +
  'sam build adds, i.e. --enable-source-maps); process = spawn to exit of that process.';

export const columns = {
  bundle: 'bundle',
  bytes: 'bytes',
  gzipBytes: 'gzip bytes',
  sourceMapBytes: 'map bytes',
  initMedianMs: 'init median ms',
  initP90Ms: 'init p90 ms',
  processMedianMs: 'process median ms',
};

interface Bundle {
  name: string;
  file: string;
  environment: Record<string, string>;
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

const buildBaseline = async (buildProperties: Record<string, unknown>): Promise<string> => {
  rmSync(BASELINE_DIR, { recursive: true, force: true });
  mkdirSync(join(BASELINE_DIR, 'src'), { recursive: true });
  const entry = join(BASELINE_DIR, 'src/index.js');
  writeFileSync(entry, BASELINE_SOURCE);
  const options = esbuildOptions(buildProperties);
  await build({
    ...options,
    entryPoints: [entry],
    outdir: join(BASELINE_DIR, 'bundle'),
    logLevel: 'warning',
  });
  const extension = options.outExtension?.['.js'] ?? '.js';
  return join(BASELINE_DIR, 'bundle', `index${extension}`);
};

const measure = async (bundles: Bundle[]): Promise<Map<string, { init: number[]; process: number[] }>> => {
  const samples = new Map(
    bundles.map((bundle) => [bundle.name, { init: [] as number[], process: [] as number[] }]),
  );
  // One unmeasured import each to warm the file system cache, then rounds over all bundles so that any
  // drift of the machine affects them alike.
  for (let round = -1; round < RUNS; round++) {
    for (const bundle of bundles) {
      const imported = await importBundle(bundle.file, bundle.environment);
      if (imported.exitCode !== 0 || imported.problems.length > 0) {
        throw new Error(
          `Importing ${bundle.file} failed (exit ${imported.exitCode}):\n${imported.stderr}${imported.problems.join('\n')}`,
        );
      }
      if (round < 0) continue;
      samples.get(bundle.name)?.init.push(imported.initMs);
      samples.get(bundle.name)?.process.push(imported.wallMs);
    }
  }
  return samples;
};

export const run = async (): Promise<Row[]> => {
  await samBuild();
  const functions = esbuildFunctions(loadStacks(join(SAM_BUILD_DIR, 'template.yaml')));
  const [first] = functions;
  if (!first) throw new Error('The built template has no function with an esbuild build');
  const sourcemap = first.buildProperties.Sourcemap === true;
  const bundles: Bundle[] = [
    ...functions.map((fn) => ({
      name: fn.name,
      file: join(fn.codeDir ?? '', fn.handlerFile),
      environment: {
        ...dummyEnvironment(fn.stack.template, environmentOf(fn.fn), REGION),
        AWS_REGION: REGION,
      },
    })),
    {
      name: BASELINE_NAME,
      file: await buildBaseline(first.buildProperties),
      // What sam build would give a function with these BuildProperties.
      environment: { AWS_REGION: REGION, ...(sourcemap ? { NODE_OPTIONS: '--enable-source-maps' } : {}) },
    },
  ];
  const samples = await measure(bundles);
  return bundles.map((bundle) => {
    const code = readFileSync(bundle.file);
    const { init = [], process: wall = [] } = samples.get(bundle.name) ?? {};
    let sourceMapBytes = 0;
    try {
      sourceMapBytes = statSync(`${bundle.file}.map`).size;
    } catch {
      // no source map
    }
    return {
      bundle: bundle.name,
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      sourceMapBytes,
      initMedianMs: round(median(init)),
      initP90Ms: round(percentile(init, 90)),
      processMedianMs: round(median(wall)),
    };
  });
};
