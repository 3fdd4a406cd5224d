/**
 * Runs in a fresh Node process, bundled by esbuild like the function itself (bench/suites/card-data-transform.ts
 * builds it): reads a Firehose transformation event from the file given as argument, then runs the floor
 * and the card-data transform back to back for the warm-up and measured rounds given as arguments, and
 * prints, as one JSON line, the median time of each step and the median of the rounds' floor/transform
 * ratios. Bundled, the transform's modules call each other as in Lambda, not through the getters that a
 * TypeScript runner's CommonJS output puts on every import.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { transformRecords } from '../../src/functions/card-data-transform/transform-records';
import { median } from './stats';

/** What any processor that re-serialises the JSON of every record costs at least. */
const floor = (event: FirehoseTransformationEvent): FirehoseTransformationResult => ({
  records: event.records.map(
    ({ recordId, data }): FirehoseTransformationResultRecord => ({
      recordId,
      result: 'Ok',
      data: Buffer.from(
        `${JSON.stringify(JSON.parse(Buffer.from(data, 'base64').toString('utf8')))}\n`,
        'utf8',
      ).toString('base64'),
    }),
  ),
});

const [eventFile = '', warmUpArgument = '5', runsArgument = '31'] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8')) as FirehoseTransformationEvent;
const warmUpRuns = Number(warmUpArgument);
const runs = Number(runsArgument);
const logger = new Logger({ logLevel: 'SILENT' });
const metrics = new Metrics({ namespace: 'Bench', serviceName: 'card-data-transform' });
const steps = {
  floor: () => floor(event),
  transform: () => transformRecords(event, { logger, metrics }),
};
const samples = { floor: [] as number[], transform: [] as number[], ratio: [] as number[] };
let sink = 0;
for (let round = -warmUpRuns; round < runs; round++) {
  // Alternate which goes first, so that neither always runs right after the other's garbage.
  const order = round % 2 === 0 ? (['floor', 'transform'] as const) : (['transform', 'floor'] as const);
  const elapsed = { floor: 0, transform: 0 };
  for (const step of order) {
    const started = performance.now();
    const result = steps[step]();
    elapsed[step] = performance.now() - started;
    sink += result.records.length;
    metrics.clearMetrics();
  }
  if (round < 0) continue;
  samples.floor.push(elapsed.floor);
  samples.transform.push(elapsed.transform);
  samples.ratio.push(elapsed.floor / elapsed.transform);
}
if (sink === 0) throw new Error('no records transformed');
console.log(
  JSON.stringify({
    floorMs: median(samples.floor),
    transformMs: median(samples.transform),
    ratio: median(samples.ratio),
  }),
);
