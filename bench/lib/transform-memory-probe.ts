/**
 * Runs in a fresh Node process (bundled by bench/suites/card-data-transform.ts, started with --expose-gc):
 * reads a Firehose transformation event from the file given as argument, as the Lambda runtime would hand
 * it over, then runs the card-data transform once and prints, as one JSON line, how much the process's
 * RSS (at its peak, sampled every millisecond by a worker thread while the main thread transforms) and V8
 * heap grew while it ran.
 */
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { transformRecords } from '../../src/functions/card-data-transform/transform-records';

const MiB = 1024 * 1024;

const SAMPLER = `
const { parentPort } = require('node:worker_threads');
let peak = 0;
const sample = () => { const rss = process.memoryUsage.rss(); if (rss > peak) peak = rss; };
const timer = setInterval(sample, 1);
sample();
parentPort.postMessage('started');
parentPort.on('message', () => { sample(); clearInterval(timer); parentPort.postMessage(peak); });
`;

/** Starts sampling the process's RSS in a worker thread; `stop()` resolves to the highest value seen. */
const startRssSampler = async () => {
  const worker = new Worker(SAMPLER, { eval: true });
  await new Promise((started) => worker.once('message', started));
  return {
    stop: async (): Promise<number> => {
      const peak = new Promise<number>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const value = await peak;
      await worker.terminate();
      return value;
    },
  };
};

const main = async () => {
  const file = process.argv[2];
  if (!file) throw new Error('usage: transform-memory-probe <event.json>');
  const event = JSON.parse(readFileSync(file, 'utf8')) as FirehoseTransformationEvent;
  const logger = new Logger({ logLevel: 'SILENT' });
  const metrics = new Metrics({ namespace: 'Bench', serviceName: 'card-data-transform' });

  (globalThis as { gc?: () => void }).gc?.();
  const sampler = await startRssSampler();
  const rssBefore = process.memoryUsage.rss();
  const heapBefore = getHeapStatistics();

  const result = transformRecords(event, { logger, metrics });

  const heapAfter = getHeapStatistics();
  const peakRss = await sampler.stop();
  process.stdout.write(
    `${JSON.stringify({
      records: result.records.length,
      rssBeforeMiB: rssBefore / MiB,
      peakRssMiB: peakRss / MiB,
      peakRssIncreaseMiB: Math.max(0, peakRss - rssBefore) / MiB,
      // The heap V8 had to reserve (live data + garbage not yet collected): its growth approximates the peak.
      heapIncreaseMiB: (heapAfter.total_heap_size - heapBefore.total_heap_size) / MiB,
      heapUsedIncreaseMiB: (heapAfter.used_heap_size - heapBefore.used_heap_size) / MiB,
    })}\n`,
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
