/**
 * Throughput and memory of the card-data transform (the Firehose Lambda processor) on a batch as large as
 * Firehose sends (~5.5 MiB of base64 data, under its 6 MB invocation limit), beside its floor: the same
 * records base64-decoded, parsed, stringified and encoded again with no sanitising, which any processor
 * that re-serialises JSON pays. Target: the transform keeps at least 80 % of the floor's throughput.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FirehoseTransformationEvent, FirehoseTransformationEventRecord } from 'aws-lambda';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../local/paths';
import { maskCardNumbers, toAsciiDigits } from '../../src/domain/card-data';
import { withoutCardData } from '../../src/domain/order';
import { orderGenerator } from '../lib/orders';
import { median, round } from '../lib/stats';
import type { Row } from '../suite';

const MiB = 1024 * 1024;
const TARGET_BASE64_BYTES = 5.5 * MiB;
const WARM_UP_RUNS = Number(process.env.BENCH_TRANSFORM_WARM_UP_RUNS ?? 5);
const RUNS = Number(process.env.BENCH_TRANSFORM_RUNS ?? 31);
/** The transform must keep at least this share of the floor's throughput. */
const TARGET_RATIO = 0.8;
/** The memory the function is configured with (SPEC: it must handle a 6 MB batch comfortably in it). */
const FUNCTION_MEMORY_MIB = 1024;
const WORK_DIR = join(PROJECT_ROOT, '.local/bench/card-data-transform');

export const name = 'card-data transform';

export const description =
  `A Firehose transformation event of ~${TARGET_BASE64_BYTES / MiB} MiB (base64 data) of generated orders ` +
  `(80 % paid by card with the whole card, as another publisher might send them, 1 % with a card number ` +
  `in their notes; and the same orders as the API publishes them, each beside its own floor); ${RUNS} rounds after ${WARM_UP_RUNS} ` +
  `warm-up rounds, each running both steps back to back, in a fresh Node ${process.version} process that ` +
  'runs them from an esbuild bundle, as Lambda runs the function (bench/lib/transform-throughput-probe.ts). ' +
  'floor = base64 decode + JSON.parse + JSON.stringify + "\\n" + base64 encode per record; transform = ' +
  'transformRecords (the function without middy). MiB/s of input base64, from the median time; vs floor = ' +
  "the median of the rounds' floor/transform time ratios (pairing the steps of a round cancels most of " +
  'the drift of a busy machine). Memory: the transform once in a fresh process that has just read the ' +
  'event (peak RSS sampled every ms by a worker thread; V8 heap reserved). Corpus: maskCardNumbers on ' +
  'test/fixtures/card-data/corpus.json (npm run corpus:generate); recall = card numbers masked but their ' +
  'last 4 digits, precision = look-alikes returned unchanged.';

export const columns = {
  step: 'step',
  records: 'records',
  inputMiB: 'input MiB',
  medianMs: 'median ms',
  mibPerSecond: 'MiB/s',
  ratio: 'vs floor',
  target: 'target >= 80 %',
  peakRssIncreaseMiB: 'peak RSS + MiB',
  heapIncreaseMiB: 'heap + MiB',
  peakRssMiB: `peak RSS MiB (of ${FUNCTION_MEMORY_MIB})`,
  recall: 'recall',
  precision: 'precision',
};

const CORPUS_FILE = join(PROJECT_ROOT, 'test/fixtures/card-data/corpus.json');

interface CorpusEntry {
  text: string;
  label: 'card' | 'look-alike';
  kind: string;
  last4?: string;
}

/** The separators of SPEC §2 (spaces, zero-width characters, dashes, dots, slashes, underscores, `+`). */
const SEPARATORS =
  /[\s\u0085\u00ad\u200b-\u200d\u2060+\p{Pd}\u2212.\u00b7\u2024\u2027\u3002\uff0e/\\\u2044\u2215\uff0f_\uff3f]/gu;

/** The digits of a text in ASCII, without the separators and URL encodings between them. */
const readable = (text: string): string =>
  toAsciiDigits(text.replace(/%[0-9A-Fa-f]{2}/g, '')).replace(SEPARATORS, '');

/** Whether a card entry comes out masked but the last 4 digits of its card number (its one run of 12+ digits). */
const isMasked = (entry: CorpusEntry): boolean => {
  const result = maskCardNumbers(entry.text);
  const card = /[0-9]{12,}/.exec(readable(entry.text));
  if (!card || result.masked === 0) return false;
  const shown = readable(result.text).slice(card.index, card.index + card[0].length);
  return shown === `${'*'.repeat(card[0].length - 4)}${toAsciiDigits(entry.last4 ?? '')}`;
};

const isUnchanged = (entry: CorpusEntry): boolean => {
  const result = maskCardNumbers(entry.text);
  return result.masked === 0 && result.text === entry.text;
};

const percent = (part: number, whole: number) => `${round((100 * part) / whole, 1)} %`;

/** Recall and precision of `maskCardNumbers` on the labelled corpus, and its time over the whole corpus. */
const corpusRow = (): Row => {
  const corpus = JSON.parse(readFileSync(CORPUS_FILE, 'utf8')) as CorpusEntry[];
  const cards = corpus.filter((entry) => entry.label === 'card');
  const lookAlikes = corpus.filter((entry) => entry.label === 'look-alike');
  const masked = cards.filter(isMasked).length;
  const unchanged = lookAlikes.filter(isUnchanged).length;
  const times: number[] = [];
  for (let run = 0; run < 21; run++) {
    const started = performance.now();
    for (const entry of corpus) maskCardNumbers(entry.text);
    times.push(performance.now() - started);
  }
  return {
    step: `corpus: ${cards.length} cards, ${lookAlikes.length} look-alikes`,
    records: corpus.length,
    medianMs: round(median(times), 1),
    recall: `${percent(masked, cards.length)} (${masked}/${cards.length})`,
    precision: `${percent(unchanged, lookAlikes.length)} (${unchanged}/${lookAlikes.length})`,
  };
};

/**
 * ~5.5 MiB of generated orders as Firehose hands them to the transform. `asPublished`: as the API publishes
 * them (the card reduced to network and last 4, card numbers in texts masked), the records the transform
 * sees in normal operation; otherwise as another publisher might send them, whole cards included.
 */
const aTransformationEvent = (asPublished = false): FirehoseTransformationEvent => {
  const generate = orderGenerator({ seed: 2026 });
  const nextOrder = asPublished ? () => withoutCardData(generate()) : generate;
  const records: FirehoseTransformationEventRecord[] = [];
  let bytes = 0;
  const arrival = Date.UTC(2026, 10, 21, 10, 15, 30);
  while (bytes < TARGET_BASE64_BYTES) {
    const data = Buffer.from(JSON.stringify(nextOrder()), 'utf8').toString('base64');
    bytes += data.length;
    records.push({
      recordId: `49546986683135544286507457936321625675700192471156785154${String(records.length).padStart(6, '0')}`,
      approximateArrivalTimestamp: arrival + records.length,
      data,
    });
  }
  return {
    invocationId: 'invocation-00000000-0000-4000-8000-000000000001',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/checkout-archive',
    region: 'us-east-1',
    records,
  };
};

const runNode = (args: string[]): Promise<string> =>
  new Promise((resolveOutput, reject) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveOutput(stdout) : reject(new Error(`node exited with ${code}: ${stderr}`)),
    );
  });

interface MemoryProbe {
  records: number;
  peakRssMiB: number;
  peakRssIncreaseMiB: number;
  heapIncreaseMiB: number;
}

/** Bundles a probe of bench/lib like the function (esbuild, one file) and runs it on the event's file. */
const runProbe = async (probe: string, nodeOptions: string[], eventFile: string, args: string[] = []) => {
  const probeFile = join(WORK_DIR, `${probe}.js`);
  await build({
    entryPoints: [join(PROJECT_ROOT, `bench/lib/${probe}.ts`)],
    outfile: probeFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2020',
    logLevel: 'warning',
  });
  const output = await runNode([...nodeOptions, probeFile, eventFile, ...args]);
  return JSON.parse(output.trim().split('\n').pop() ?? '');
};

const writeEvent = (event: FirehoseTransformationEvent, name = 'event.json'): string => {
  mkdirSync(WORK_DIR, { recursive: true });
  const eventFile = join(WORK_DIR, name);
  writeFileSync(eventFile, JSON.stringify(event));
  return eventFile;
};

interface ThroughputProbe {
  floorMs: number;
  transformMs: number;
  ratio: number;
}

/** The transform once, in a fresh process, as a Lambda invocation would run it. */
const measureMemory = async (eventFile: string, records: number): Promise<MemoryProbe> => {
  const probe = (await runProbe('transform-memory-probe', ['--expose-gc'], eventFile)) as MemoryProbe;
  if (probe.records !== records) throw new Error('The memory probe transformed another batch');
  return probe;
};

export const run = async (): Promise<Row[]> => {
  const event = aTransformationEvent();
  const inputBytes = event.records.reduce((sum, record) => sum + record.data.length, 0);
  const inputMiB = inputBytes / MiB;
  const eventFile = writeEvent(event);
  const { floorMs, transformMs, ratio } = (await runProbe('transform-throughput-probe', [], eventFile, [
    String(WARM_UP_RUNS),
    String(RUNS),
  ])) as ThroughputProbe;
  const memory = await measureMemory(eventFile, event.records.length);
  const throughput = (ms: number) => round(inputMiB / (ms / 1000), 1);
  const published = aTransformationEvent(true);
  const publishedMiB = published.records.reduce((sum, record) => sum + record.data.length, 0) / MiB;
  const onPublished = (await runProbe(
    'transform-throughput-probe',
    [],
    writeEvent(published, 'published.json'),
    [String(WARM_UP_RUNS), String(RUNS)],
  )) as ThroughputProbe;
  return [
    {
      step: 'floor (decode, parse, stringify, encode)',
      records: event.records.length,
      inputMiB: round(inputMiB, 2),
      medianMs: round(floorMs, 1),
      mibPerSecond: throughput(floorMs),
      ratio: '100 %',
      target: '',
      peakRssIncreaseMiB: '',
      heapIncreaseMiB: '',
      peakRssMiB: '',
    },
    {
      step: 'transform (transformRecords)',
      records: event.records.length,
      inputMiB: round(inputMiB, 2),
      medianMs: round(transformMs, 1),
      mibPerSecond: throughput(transformMs),
      ratio: `${Math.round(ratio * 100)} %`,
      target: ratio >= TARGET_RATIO ? 'pass' : 'FAIL',
      peakRssIncreaseMiB: round(memory.peakRssIncreaseMiB, 1),
      heapIncreaseMiB: round(memory.heapIncreaseMiB, 1),
      peakRssMiB: `${round(memory.peakRssMiB, 1)} (${memory.peakRssMiB < FUNCTION_MEMORY_MIB / 2 ? 'pass' : 'FAIL'})`,
    },
    {
      step: 'transform, orders as the API publishes them',
      records: published.records.length,
      inputMiB: round(publishedMiB, 2),
      medianMs: round(onPublished.transformMs, 1),
      mibPerSecond: round(publishedMiB / (onPublished.transformMs / 1000), 1),
      ratio: `${Math.round(onPublished.ratio * 100)} %`,
      target: onPublished.ratio >= TARGET_RATIO ? 'pass' : 'FAIL',
      peakRssIncreaseMiB: '',
      heapIncreaseMiB: '',
      peakRssMiB: '',
    },
    corpusRow(),
  ];
};
