/**
 * `npm run cost -- --orders-per-day <n> [options]`: the monthly AWS cost of each pipeline for n orders a
 * day, beside the original AWS Event Fork Pipelines design, and which parameters move it most (see README,
 * "Cost model"). Reads the project's templates only: no AWS calls, no credentials.
 */
import { EXIT_OK, reportFailure } from '../shared/errors';
import { type CliIo, runAsProcess } from '../shared/io';
import { DAYS_PER_MONTH, GB, KB, type PriceBook } from './line-items';
import { type DurationTable, MEASURED_DURATIONS } from './measured-durations';
import {
  DEFAULT_PRICE_BOOK,
  estimateCost,
  S3_TRANSITION_MIN_OBJECT_BYTES,
  type Scenario,
  volumesOf,
} from './model';
import { type CostOptions, parseCostArguments } from './options';
import { ORIGINAL_DESIGN_SOURCE } from './original-design';
import { type CostReport, formatReport, reportToJson } from './report';
import { rankSensitivity } from './sensitivity';
import { type ProjectSettings, readProjectSettings } from './template-settings';

export const PROGRAM = 'cost';

/** The scenario of the options, the settings read from the templates and the durations. */
export const scenarioOf = (
  options: Omit<CostOptions, 'json'>,
  settings: ProjectSettings,
  durations: DurationTable = MEASURED_DURATIONS,
): Scenario => ({
  inputs: {
    ordersPerDay: options.ordersPerDay,
    averageOrderBytes: options.averageOrderBytes,
    searchShare: options.searchShare,
    coldStartShare: options.coldStartShare,
    gzipRatio: options.gzipRatio,
    tokenLifetimeMinutes: options.tokenLifetimeMinutes ?? settings.accessTokenValidityMinutes,
    storageMonth: options.storageMonth,
  },
  settings,
  durations,
});

const whole = (value: number) => Math.round(value).toLocaleString('en-US');
const gib = (gb: number) => `${gb.toLocaleString('en-US', { maximumFractionDigits: 1 })} GB`;

/** What the figures leave out, what they assume, and the warnings of this scenario. */
export const notesFor = (scenario: Scenario): string[] => {
  const { inputs, settings, durations } = scenario;
  const volumes = volumesOf(scenario);
  const placeholders = Object.entries(durations)
    .filter(([, duration]) => duration.invocationSource.startsWith('TODO(measured)'))
    .map(([name]) => name);
  const searchCapacityGb = settings.search.instanceCount * settings.search.volumeGib;
  return [
    `A month is ${DAYS_PER_MONTH} days. Not included: free tiers; data transfer (between these services in one Region it is free; answers to partners are billed); CloudWatch Logs ingestion and storage (function logs, API access logs, Firehose and OpenSearch logs), EMF metrics and X-Ray traces; replays, redrives and retries; S3 GET and LIST requests; the IndexSetupFunction (runs once per deployment); the key's rotation fee after its first year; taxes.`,
    `Durations: the init figures are measured; the per-invocation figures of ${placeholders.join(', ') || 'no function'} are placeholders, TODO(measured) in cli/cost/measured-durations.ts.`,
    `Batches are assumed full (CheckoutBatchSize ${settings.checkout.batchSize}); at low rates the ${settings.checkout.batchingWindowSeconds} s batching window closes first, so there are more, shorter invocations.`,
    `KMS: SQS queues by the SQS FAQ's formula (data key reuse ${settings.checkout.kmsDataKeyReusePeriodSeconds} s from the template); the topic, tables, bucket (S3 Bucket Key) and streams assumed to ask KMS once per 5 minutes each. Cents either way.`,
    volumes.archive.objectBytes < S3_TRANSITION_MIN_OBJECT_BYTES
      ? `Archive objects average ${whole(volumes.archive.objectBytes)} B (one per ${settings.archive.bufferIntervalSeconds} s buffer, GZIP ${inputs.gzipRatio}): under the 128 KB minimum S3 Lifecycle applies to transitions by default, so they stay in S3 Standard until they expire (${settings.archive.expirationDays} days); below 128 KB, Standard-IA would bill 128 KB each anyway.`
      : `Archive objects average ${whole(volumes.archive.objectBytes / KB)} KB: they move to Standard-IA and Glacier Flexible Retrieval as the lifecycle says.`,
    `CheckoutTable keeps every order (no TTL): its storage and point-in-time recovery grow by ${gib(volumes.checkoutTableGb / inputs.storageMonth)} a month, ${gib(volumes.checkoutTableGb)} after ${inputs.storageMonth} months.`,
    volumes.searchIndexGb > searchCapacityGb
      ? `Warning: ${settings.search.indexRetentionDays} days of indexed orders take about ${gib(volumes.searchIndexGb)} (their JSON alone), more than the domain's ${gib(searchCapacityGb)}: raise VolumeSizeInGiB (and the instance type); the domain's cost then grows too.`
      : `The search domain is a fixed cost: ${settings.search.indexRetentionDays} days of indexed orders take about ${gib(volumes.searchIndexGb)} (their JSON alone) of its ${gib(searchCapacityGb)}.`,
    `The original design as its templates declare it (${ORIGINAL_DESIGN_SOURCE}): unencrypted queues, a 128 MB x86_64 forwarder with batch size 10; its Elasticsearch domain and its own buffering are not modelled, this project's are used in both columns.`,
    `SNS prices deliveries to Firehose per notification ($0.19 per million in the AWS Price List), not per GB; deliveries to SQS are free, but each is an SQS request for the queue.`,
    `Storage volumes in GB of ${whole(GB)} bytes.`,
  ];
};

/** Both designs, the sensitivity ranking and the notes, for a scenario. */
export const buildCostReport = (scenario: Scenario, book: PriceBook = DEFAULT_PRICE_BOOK): CostReport => ({
  scenario,
  volumes: volumesOf(scenario),
  designs: { this: estimateCost(scenario, 'this', book), original: estimateCost(scenario, 'original', book) },
  sensitivity: rankSensitivity(scenario, (scaled) => estimateCost(scaled, 'this', book).totalUsd),
  notes: notesFor(scenario),
});

/** Runs the CLI in-process: the report on `io.stdout`, errors on `io.stderr`; resolves to the exit code. */
export const run = async (argv: string[], io: CliIo): Promise<number> => {
  try {
    const args = parseCostArguments(argv);
    if (args.command === 'help') {
      io.stdout.write(`${args.text}\n`);
      return EXIT_OK;
    }
    const report = buildCostReport(scenarioOf(args, readProjectSettings()));
    io.stdout.write(args.json ? `${JSON.stringify(reportToJson(report), null, 2)}\n` : formatReport(report));
    return EXIT_OK;
  } catch (error) {
    return reportFailure(io, PROGRAM, error);
  }
};

if (require.main === module) runAsProcess(run);
