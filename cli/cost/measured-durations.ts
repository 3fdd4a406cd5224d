/**
 * How long each function runs, as the cost model bills it: the init phase of a cold start (Lambda bills
 * it) and one invocation. Every figure is on its own line with where it comes from, so that replacing a
 * placeholder by a measurement is a one-line change. `TODO(measured)` marks the placeholders.
 */

/** Where the init figures come from. */
export const INIT_MEASUREMENT =
  'module load of the function bundle in a fresh Node 22 process, median of 21 rounds, `npm run bench -- "function bundles"`, this machine, 2026-11-29, after issue 12\'s changes';

/**
 * Where a per-invocation figure comes from: `how` (the median of what, and each run's median), then the
 * run and its caveat.
 */
const measuredInvocation = (how: string) =>
  `${how}; \`npm run bench -- "function durations"\` (20 orders/s for 30 s through the API), median of 3 runs, this machine (2 vCPUs), 2026-11-29; local stack against moto: a proxy for AWS latencies, DynamoDB/SNS in AWS take a few ms per call, moto similar or slower`;

export interface FunctionDuration {
  /** Init phase of a cold start, in milliseconds. */
  initMs: number;
  initSource: string;
  /** One invocation, in milliseconds. */
  invocationMs: number;
  /** What one invocation handles, as the figure was taken: `request`, `batch of 10 orders`, ... */
  invocationOf: string;
  invocationSource: string;
}

const PLACEHOLDER = 'TODO(measured): placeholder, not measured yet';

export const MEASURED_DURATIONS = {
  CheckoutApiFunction: {
    initMs: 165,
    initSource: INIT_MEASUREMENT,
    invocationMs: 152,
    invocationOf: 'API request',
    invocationSource: measuredInvocation('median of 600 requests a run (runs: 132, 152, 160 ms)'),
  },
  CheckoutFunction: {
    initMs: 146,
    initSource: INIT_MEASUREMENT,
    invocationMs: 148,
    invocationOf: 'batch of 10 orders',
    invocationSource: measuredInvocation(
      'median of 60 batches a run, each of 10 orders as delivered (runs: 143, 148, 158 ms)',
    ),
  },
  CircuitBreakerFunction: {
    initMs: 171,
    initSource: INIT_MEASUREMENT,
    invocationMs: 76,
    invocationOf: 'scheduled check (circuit closed)',
    invocationSource: measuredInvocation(
      "median of 10 checks a run, invoked through the local Lambda API with the schedule's event (runs: 61, 76, 79 ms)",
    ),
  },
  CardDataTransformFunction: {
    initMs: 49,
    initSource: INIT_MEASUREMENT,
    invocationMs: 15,
    invocationOf: 'Firehose batch',
    invocationSource: measuredInvocation(
      "median of 12 batches a run, both pipelines' streams, 52-140 records each (median 92-101) with the local 5 s buffer (runs: 14.5, 15.0, 15.3 ms)",
    ),
  },
  ReplayFunction: {
    initMs: 144,
    initSource: INIT_MEASUREMENT,
    invocationMs: 150, // TODO(measured)
    invocationOf: 'batch of 10 orders',
    invocationSource: `${PLACEHOLDER} (its event source is disabled by default: \`npm run bench -- "function durations"\` does not invoke it)`,
  },
  /** Runs once per stack create, update or delete (a custom resource): not in the monthly figures. */
  IndexSetupFunction: {
    initMs: 109,
    initSource: INIT_MEASUREMENT,
    invocationMs: 0,
    invocationOf: 'stack operation (not modelled)',
    invocationSource: 'not modelled: invoked by CloudFormation only',
  },
  /**
   * The original design's forwarder (ProcessRecords of AWS Event Fork Pipelines, Python 3.6: one Firehose
   * PutRecord per message). Neither figure can be measured here: both are estimates.
   */
  OriginalForwarderFunction: {
    initMs: 300, // TODO(measured)
    initSource: 'TODO(measured): estimate for a Python runtime importing boto3, not measured',
    invocationMs: 100, // TODO(measured)
    invocationOf: 'batch of 10 messages (10 sequential PutRecord calls)',
    invocationSource: 'TODO(measured): estimate, not measured',
  },
} satisfies Record<string, FunctionDuration>;

export type DurationTable = Record<keyof typeof MEASURED_DURATIONS, FunctionDuration>;
