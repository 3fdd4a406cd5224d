/**
 * How long each function runs, as the cost model bills it: the init phase of a cold start (Lambda bills
 * it) and one invocation. Every figure is on its own line with where it comes from, so that replacing a
 * placeholder by a measurement is a one-line change. `TODO(measured)` marks the placeholders.
 */

/** Where the init figures come from. */
export const INIT_MEASUREMENT =
  'module load of the function bundle in a fresh Node 22 process, median of 15 runs, `npm run bench -- "function bundles"`, this machine, 2026-11-29';

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
    initMs: 203,
    initSource: INIT_MEASUREMENT,
    invocationMs: 40, // TODO(measured)
    invocationOf: 'API request',
    invocationSource: PLACEHOLDER,
  },
  CheckoutFunction: {
    initMs: 208,
    initSource: INIT_MEASUREMENT,
    invocationMs: 120, // TODO(measured)
    invocationOf: 'batch of 10 orders',
    invocationSource: PLACEHOLDER,
  },
  CircuitBreakerFunction: {
    initMs: 198,
    initSource: INIT_MEASUREMENT,
    invocationMs: 50, // TODO(measured)
    invocationOf: 'scheduled check (circuit closed)',
    invocationSource: PLACEHOLDER,
  },
  CardDataTransformFunction: {
    initMs: 78,
    initSource: INIT_MEASUREMENT,
    invocationMs: 30, // TODO(measured)
    invocationOf: 'Firehose batch',
    invocationSource: PLACEHOLDER,
  },
  ReplayFunction: {
    initMs: 234,
    initSource: INIT_MEASUREMENT,
    invocationMs: 150, // TODO(measured)
    invocationOf: 'batch of 10 orders',
    invocationSource: PLACEHOLDER,
  },
  /** Runs once per stack create, update or delete (a custom resource): not in the monthly figures. */
  IndexSetupFunction: {
    initMs: 217,
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
