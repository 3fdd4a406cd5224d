/**
 * The local stack under load (SPEC §6): orders posted through the API by concurrent keep-alive partner
 * clients at a fixed rate, then the time until every order is in the table, the archive and the index; the
 * same again with 20,000 orders waiting in the replay queue. The two runs are each other's baseline: with
 * a flat cost per message, the second matches the first.
 */
import { performance } from 'node:perf_hooks';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_REGION, localClientConfig } from '../../local/aws-config';
import type { LocalStack } from '../../local/stack/local-stack';
import {
  numberFromEnvironment,
  postOrders,
  SEARCH_MINIMUM_AMOUNT,
  startBenchStack,
  storeCounters,
  waitForStores,
} from '../lib/bench-stack';
import { orderGenerator } from '../lib/orders';
import { median, percentile, round } from '../lib/stats';
import type { Row } from '../suite';

const RATE = numberFromEnvironment('BENCH_LOCAL_STACK_RATE', 100);
const SECONDS = numberFromEnvironment('BENCH_LOCAL_STACK_SECONDS', 60);
const CLIENTS = numberFromEnvironment('BENCH_LOCAL_STACK_CLIENTS', 16);
const WAITING = numberFromEnvironment('BENCH_LOCAL_STACK_WAITING', 20_000);
/** Seconds of load before the measured run: the functions' first environments start (cold) in it. */
const WARM_UP_SECONDS = numberFromEnvironment('BENCH_LOCAL_STACK_WARM_UP_SECONDS', 10);
/** SPEC §6: every order in every store within 15 s of the last send; the bench waits longer to measure. */
const DRAIN_TIMEOUT_MS = 120_000;

export const name = 'local stack';
export const description = `After ${WARM_UP_SECONDS} s of warm-up, ${RATE} orders/s offered for ${SECONDS} s from ${CLIENTS} keep-alive partner clients through the API of a local stack of its own (stage and partner throttles raised by --parameter-overrides); drain lag: from the last answer until every accepted order is in the table, the archive and (orders of ${SEARCH_MINIMUM_AMOUNT} or more) the index; lost: accepted orders missing from a store after ${DRAIN_TIMEOUT_MS / 1000} s; in DLQs: messages in the stack's dead-letter queues (cumulative). Target (SPEC §6): >= 100 orders/s accepted, p99 <= 250 ms, every lag <= 15 s, nothing lost, at both replay queue depths.`;
export const columns: Record<string, string> = {
  scenario: 'scenario',
  acceptedPerSecond: 'accepted/s',
  rejected: 'rejected',
  p50Ms: 'API p50 ms',
  p99Ms: 'API p99 ms',
  tableLagS: 'table lag s',
  archiveLagS: 'archive lag s',
  indexLagS: 'index lag s',
  lost: 'lost',
  deadLettered: 'in DLQs',
  sendBatchMs: 'SendMessageBatch ms',
};

const seconds = (ms: number | undefined) => (ms === undefined ? 'timed out' : round(ms / 1000, 1));

const runLoad = async (
  stack: LocalStack,
  scenario: string,
  seed: number,
  durationSeconds = SECONDS,
): Promise<Row> => {
  const posted = await postOrders(stack, { ratePerSecond: RATE, durationSeconds, clients: CLIENTS }, seed);
  const { result, accepted, searchable } = posted;
  const counters = storeCounters(stack.outputs);
  const { table, archive, index } = await waitForStores(counters, posted, DRAIN_TIMEOUT_MS);
  const rejected = Object.entries(result.rejected)
    .map(([status, count]) => `${count} x ${status === '0' ? 'no answer' : status}`)
    .join(', ');
  return {
    scenario,
    acceptedPerSecond: round(result.accepted / (result.elapsedMs / 1000), 1),
    rejected: rejected || '0',
    p50Ms: round(median(result.latenciesMs), 1),
    p99Ms: round(percentile(result.latenciesMs, 99), 1),
    tableLagS: seconds(table.ms),
    archiveLagS: seconds(archive.ms),
    indexLagS: seconds(index.ms),
    lost: accepted.size - table.found + (accepted.size - archive.found) + (searchable.size - index.found),
    deadLettered: await counters.deadLettered(),
  };
};

/** Fills the replay queue with `count` orders as SNS delivers them; gives the median SendMessageBatch ms. */
const fillReplayQueue = async (stack: LocalStack, count: number) => {
  const { outputs } = stack;
  const sqs = new SQSClient(
    localClientConfig(outputs.AwsEndpointUrl as string, outputs.Region ?? LOCAL_REGION),
  );
  const nextOrder = orderGenerator({ seed: 7 });
  const timings: number[] = [];
  let sent = 0;
  const sender = async () => {
    while (sent < count) {
      const size = Math.min(10, count - sent);
      sent += size;
      const entries = Array.from({ length: size }, (_, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(nextOrder()),
      }));
      const started = performance.now();
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({ QueueUrl: outputs.ReplayQueueUrl, Entries: entries }),
      );
      timings.push(performance.now() - started);
      if (Failed.length > 0) throw new Error(`Filling the replay queue failed: ${Failed[0]?.Message}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  const tenth = Math.max(1, Math.floor(timings.length / 10));
  return { first: median(timings.slice(0, tenth)), last: median(timings.slice(-tenth)) };
};

export const run = async (): Promise<Row[]> => {
  const { stack, stop } = await startBenchStack('bench-local-stack-');
  try {
    await runLoad(stack, 'warm-up', 99, WARM_UP_SECONDS);
    const empty = await runLoad(stack, 'replay queue empty', 1);
    const fill = await fillReplayQueue(stack, WAITING);
    const waiting = await runLoad(stack, `${WAITING.toLocaleString('en-US')} waiting in the replay queue`, 2);
    return [
      { ...empty, sendBatchMs: round(fill.first, 1) },
      { ...waiting, sendBatchMs: round(fill.last, 1) },
    ];
  } finally {
    await stop();
  }
};
