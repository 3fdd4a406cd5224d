/**
 * `npm run bench [-- <suite name>...]`: runs the benchmark suites (all, or those named), prints a table per
 * suite and writes every result to .local/bench/results.json. Figures are for comparison between runs on
 * one machine; no test asserts on them.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROJECT_ROOT } from '../local/paths';
import { renderTable } from './lib/table';
import type { Row, Suite, Table } from './suite';
import * as cardDataTransform from './suites/card-data-transform';
import * as checkoutBatch from './suites/checkout-batch';
import * as functionBundles from './suites/function-bundles';
import * as functionDurations from './suites/function-durations';
import * as localStack from './suites/local-stack';

const SUITES: Suite[] = [functionBundles, cardDataTransform, checkoutBatch, localStack, functionDurations];

const RESULTS_FILE = join(PROJECT_ROOT, '.local/bench/results.json');

interface SuiteResult {
  name: string;
  description?: string;
  durationMs: number;
  rows: Row[];
  tables?: Table[];
  error?: string;
}

const main = async () => {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `Unknown suite(s) ${unknown.join(', ')}; the suites are: ${SUITES.map((s) => s.name).join(', ')}`,
    );
  }
  const suites = wanted.length === 0 ? SUITES : SUITES.filter((suite) => wanted.includes(suite.name));
  const results: SuiteResult[] = [];
  for (const suite of suites) {
    console.log(`\n== ${suite.name}`);
    if (suite.description) console.log(suite.description);
    const started = performance.now();
    try {
      const output = await suite.run();
      const { rows, tables = [] } = Array.isArray(output) ? { rows: output } : output;
      const durationMs = Math.round(performance.now() - started);
      results.push({ name: suite.name, description: suite.description, durationMs, rows, tables });
      console.log(`\n${renderTable(rows, suite.columns)}`);
      for (const table of tables)
        console.log(`\n${table.title}\n\n${renderTable(table.rows, table.columns)}`);
      console.log(`(${(durationMs / 1000).toFixed(1)} s)`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({
        name: suite.name,
        durationMs: Math.round(performance.now() - started),
        rows: [],
        error: message,
      });
      console.error(`The suite "${suite.name}" failed: ${message}`);
    }
  }
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  const machine = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
  };
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ createdAt: new Date().toISOString(), machine, suites: results }, null, 2)}\n`,
  );
  console.log(`\nResults written to ${relative(process.cwd(), RESULTS_FILE)}`);
  if (results.some((result) => result.error)) process.exitCode = 1;
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
