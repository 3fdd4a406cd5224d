/**
 * How long each function runs per invocation on the local stack, for the cost model
 * (cli/cost/measured-durations.ts): orders posted through the API of a local stack of its own at a moderate
 * rate, the circuit breaker's check invoked through the local Lambda API a few times meanwhile, then a wait
 * until every accepted order is in the table, the archive and the index. Every invocation the function host
 * serves in that time is observed (FunctionHost.observe): its duration as the execution environment measured
 * it, the records its event held, and on a cold start the init phase (the module load).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { LOCAL_REGION, localClientConfig } from '../../local/aws-config';
import { DELIVERY_STREAM } from '../../local/firehose/delivery-stream';
import type { ObservedInvocation } from '../../local/lambda/function-host';
import { SCHEDULE, scheduledEvent } from '../../local/provisioners/scheduler';
import type { LocalStack } from '../../local/stack/local-stack';
import {
  numberFromEnvironment,
  postOrders,
  startBenchStack,
  storeCounters,
  waitForStores,
} from '../lib/bench-stack';
import { median, percentile, round } from '../lib/stats';
import type { Row, Table } from '../suite';

const RATE = numberFromEnvironment('BENCH_DURATIONS_RATE', 20);
const SECONDS = numberFromEnvironment('BENCH_DURATIONS_SECONDS', 30);
const CLIENTS = numberFromEnvironment('BENCH_DURATIONS_CLIENTS', 4);
/** Checks of the circuit breaker invoked through the Lambda API, spread over the load. */
const BREAKER_CHECKS = numberFromEnvironment('BENCH_DURATIONS_BREAKER_CHECKS', 10);
const DRAIN_TIMEOUT_MS = 120_000;
/** After the stores are full: the invocations that wrote the last orders end (and are observed). */
const SETTLE_MS = 2000;
/** The function whose check the bench invokes, as the template names it. */
const BREAKER = 'CircuitBreakerFunction';
/** Functions in the order of the table (the pipelines' order); others follow by name. */
const ORDER = [
  'CheckoutApiFunction',
  'CheckoutFunction',
  'CardDataTransformFunction',
  'CircuitBreakerFunction',
  'ReplayFunction',
];

export const name = 'function durations';
export const description = `Each function's invocations on a local stack of its own (against moto and a local OpenSearch node, on this machine: a proxy for AWS, whose DynamoDB, SNS and SQS answer in a few ms per call), for the per-invocation figures of cli/cost/measured-durations.ts: ${RATE} orders/s for ${SECONDS} s from ${CLIENTS} keep-alive partner clients through the API, the circuit breaker's check invoked ${BREAKER_CHECKS} times through the local Lambda API meanwhile (with its schedule's event; the schedule's own ticks, every minute, count too), until every accepted order is in the table, the archive and the index. Duration: as the execution environment measures it (event in to answer out, as Lambda bills it), every invocation counted, cold ones too; records: the records of the event as delivered (SQS messages, Firehose records); init: the module load of each environment's cold start (the first invocation in it) as the local runtime measures it, with the first invocation's own duration (both under tsx, whose loader hooks also run in the function workers: several times what \`function bundles\` measures, so not figures for the cost model); round trip: as the host saw it (with the hand-over between threads). Functions with no invocation in that time (ReplayFunction: its event source is disabled by default; IndexSetupFunction: at deployment) are listed as such.`;
export const columns: Record<string, string> = {
  function: 'function',
  source: 'event source',
  invocations: 'invocations',
  errors: 'errors',
  p50Ms: 'p50 ms',
  p90Ms: 'p90 ms',
  recordsP50: 'records p50',
  recordsRange: 'records min-max',
  coldStarts: 'cold starts',
  initP50Ms: 'init p50 ms',
  coldInvocationP50Ms: 'first invocation p50 ms',
  roundTripP50Ms: 'round trip p50 ms',
};

/** What the suite keeps of an observed invocation (not the event itself). */
interface Sample {
  function: string;
  source: string;
  records?: number;
  ok: boolean;
  durationMs: number;
  roundTripMs: number;
  coldStart: boolean;
  initMs?: number;
}

const nameInArn = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1).replace(/^deliverystream\//, '');

/**
 * What delivered the event, from its shape alone: an SQS queue, a Firehose stream (by its pipeline's label),
 * an API route; anything else is an invocation of its own (the Lambda API's Invoke, a schedule).
 */
const sourceOf = (event: unknown, streamLabels: ReadonlyMap<string, string>): string => {
  const shape = (event ?? {}) as {
    Records?: { eventSourceARN?: string; EventSubscriptionArn?: string }[];
    deliveryStreamArn?: string;
    httpMethod?: string;
    resource?: string;
  };
  const record = shape.Records?.[0];
  if (record?.eventSourceARN) return `SQS ${nameInArn(record.eventSourceARN)}`;
  if (shape.deliveryStreamArn)
    return `Firehose ${streamLabels.get(shape.deliveryStreamArn) ?? nameInArn(shape.deliveryStreamArn)}`;
  if (shape.httpMethod) return `API ${shape.httpMethod} ${shape.resource ?? ''}`.trim();
  return 'Invoke or schedule';
};

/** The records an event delivers: SQS and SNS events' `Records`, a Firehose event's `records`. */
const recordsOf = (event: unknown): number | undefined => {
  const shape = (event ?? {}) as { Records?: unknown; records?: unknown };
  if (Array.isArray(shape.Records)) return shape.Records.length;
  if (Array.isArray(shape.records)) return shape.records.length;
  return undefined;
};

/** Invokes the circuit breaker's check `count` times through the local Lambda API, spread over `seconds`. */
const checkTheBreaker = async (stack: LocalStack, count: number, seconds: number) => {
  const { outputs, runtime } = stack;
  const functionName = outputs[`${BREAKER}Name`];
  const schedule = runtime.handles
    .view(SCHEDULE)
    .values()
    .find((each) => each.settings.functionName === functionName);
  if (!functionName || !schedule)
    throw new Error(`No ${BREAKER}Name output, or no schedule invokes ${functionName}`);
  const lambda = new LambdaClient(
    localClientConfig(outputs.LambdaEndpointUrl as string, outputs.Region ?? LOCAL_REGION),
  );
  const intervalMs = (seconds * 1000) / count;
  for (let check = 0; check < count; check += 1) {
    await sleep(intervalMs / 2);
    // A failed check is observed as such (the errors column).
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        ...(schedule.settings.qualifier ? { Qualifier: schedule.settings.qualifier } : {}),
        Payload: JSON.stringify(scheduledEvent(schedule.settings, Date.now())),
      }),
    );
    await sleep(intervalMs / 2);
  }
};

const ms = (values: number[], p: number) => (values.length === 0 ? '' : round(percentile(values, p), 1));
const medianMs = (values: number[]) => (values.length === 0 ? '' : round(median(values), 1));

/** One row per group of samples: durations, records per invocation, cold starts. */
const rowOf = (fn: string, source: string, samples: Sample[]): Row => {
  const durations = samples.map((sample) => sample.durationMs);
  const records = samples.flatMap((sample) => (sample.records === undefined ? [] : [sample.records]));
  const cold = samples.filter((sample) => sample.coldStart);
  const inits = cold.flatMap((sample) => (sample.initMs === undefined ? [] : [sample.initMs]));
  return {
    function: fn,
    source,
    invocations: samples.length,
    errors: samples.filter((sample) => !sample.ok).length,
    p50Ms: medianMs(durations),
    p90Ms: ms(durations, 90),
    recordsP50: records.length === 0 ? '' : median(records),
    recordsRange: records.length === 0 ? '' : `${Math.min(...records)}-${Math.max(...records)}`,
    coldStarts: cold.length,
    initP50Ms: medianMs(inits),
    coldInvocationP50Ms: medianMs(cold.map((sample) => sample.durationMs)),
    roundTripP50Ms: medianMs(samples.map((sample) => sample.roundTripMs)),
  };
};

const rank = (fn: string) => {
  const index = ORDER.indexOf(fn);
  return index === -1 ? ORDER.length : index;
};

/** A row per function and event source; a function with several sources also gets a row for all of them. */
const rowsOf = (samples: Sample[], hosted: string[]): Row[] => {
  const functions = [...new Set([...hosted, ...samples.map((sample) => sample.function)])].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  return functions.flatMap((fn) => {
    const own = samples.filter((sample) => sample.function === fn);
    if (own.length === 0) return [{ function: fn, source: 'not invoked', invocations: 0 }];
    const sources = [...new Set(own.map((sample) => sample.source))].sort();
    const rows = sources.map((source) =>
      rowOf(
        fn,
        source,
        own.filter((sample) => sample.source === source),
      ),
    );
    return sources.length > 1 ? [...rows, rowOf(fn, 'all of the above', own)] : rows;
  });
};

export const run = async (): Promise<{ rows: Row[]; tables: Table[] }> => {
  const { stack, stop } = await startBenchStack('bench-function-durations-');
  try {
    const { runtime, outputs } = stack;
    const streamLabels = new Map(
      runtime.handles
        .view(DELIVERY_STREAM)
        .values()
        .map((stream) => [stream.definition.arn, stream.definition.label] as const),
    );
    const samples: Sample[] = [];
    const stopObserving = runtime.functions.observe((invocation: ObservedInvocation) => {
      const records = recordsOf(invocation.event);
      samples.push({
        function: invocation.logicalId,
        source: sourceOf(invocation.event, streamLabels),
        ...(records === undefined ? {} : { records }),
        ok: invocation.ok,
        durationMs: invocation.durationMs,
        roundTripMs: invocation.roundTripMs,
        coldStart: invocation.coldStart,
        ...(invocation.initMs === undefined ? {} : { initMs: invocation.initMs }),
      });
    });
    let drain: Row;
    try {
      const [posted] = await Promise.all([
        postOrders(stack, { ratePerSecond: RATE, durationSeconds: SECONDS, clients: CLIENTS }, 3),
        checkTheBreaker(stack, BREAKER_CHECKS, SECONDS),
      ]);
      const { result, accepted, searchable } = posted;
      const { table, archive, index } = await waitForStores(storeCounters(outputs), posted, DRAIN_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      drain = {
        offered: result.offered,
        accepted: result.accepted,
        inTable: table.found,
        inArchive: archive.found,
        searchable: searchable.size,
        inIndex: index.found,
        complete:
          table.found === accepted.size && archive.found === accepted.size && index.found === searchable.size
            ? 'yes'
            : 'no: a store timed out',
      };
    } finally {
      stopObserving();
    }
    const hosted = runtime.functions.functions.map((fn) => fn.logicalId);
    return {
      rows: rowsOf(samples, hosted),
      tables: [{ title: 'The orders of the run, and where they got to', rows: [drain] }],
    };
  } finally {
    await stop();
  }
};
