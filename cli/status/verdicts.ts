/**
 * The health of each pipeline, from what was read (pure: plain objects in, plain objects out).
 *
 * A pipeline is unhealthy when:
 * - any of its dead-letter queues holds messages (waiting or in flight): the queue's own, its
 *   subscription's, and any other dead-letter queue its subscriptions name;
 * - its delivery stream is not ACTIVE, or the stream's encryption failed;
 * - its search domain is red (locally: `_cluster/health`), or in AWS deleted, isolated, being deleted, or
 *   its last configuration change failed validation (a change being applied is only noted);
 * - the circuit breaker is open or half-open (with the breaker's reason), or the checkout event source
 *   mapping is disabled while the breaker is closed (then nothing consumes the checkout queue);
 * - a subscription of the topic that delivers to it has no dead-letter queue (no RedrivePolicy) or waits
 *   for confirmation, or no subscription of the topic delivers to it at all;
 * - the replay verdict of `npm run replay -- status` is a problem: the replay mapping is enabled without a
 *   replay (`enabled-without-replay`), or a replay is marked running while its mapping is not
 *   (`not-replaying`). A replay that runs (starting, replaying, finishing) is healthy: it is only noted.
 *
 * A part that could not be read (an unreachable endpoint, a missing output, access denied) makes its
 * pipeline `unknown`, with the reason, unless something else already makes it unhealthy. A stack without
 * the circuit breaker (outputs CircuitBreakerTableName and CheckoutEventSourceMappingId) is not a problem:
 * it is noted. Only `healthy` everywhere is healthy (exit code 0).
 */
import { isPolling } from '../../src/adapters/lambda-event-source-mapping';
import type { CircuitBreaker } from '../../src/domain/circuit-breaker';
import { commandsFor, type VerdictCode, verdictOf } from '../replay/report';
import { plural } from '../shared/format';
import {
  type DeliveryStreamStatus,
  type DomainStatus,
  PIPELINES,
  type PipelineId,
  type QueueStatus,
  type Reading,
  type StackStatus,
  type SubscriptionStatus,
} from './stack-status';

export type Health = 'healthy' | 'unhealthy' | 'unknown';

export interface PipelineVerdict {
  health: Health;
  /** The figures of its one line: `queue 0 waiting, 0 in flight; DLQ 0; breaker closed`. */
  summary: string;
  /** What makes it unhealthy, each with what to do about it. */
  problems: string[];
  /** The parts that could not be read, and why. */
  unknown: string[];
  /** Worth knowing, not a problem: a replay running, a domain applying a change, no breaker in this stack. */
  notes: string[];
}

export interface StackVerdict {
  health: Health;
  pipelines: Record<PipelineId, PipelineVerdict>;
  /** The subscriptions of the topic that belong to no pipeline, when there are any. */
  otherSubscriptions?: PipelineVerdict | undefined;
}

/** The replay verdicts (cli/replay/report.ts) that are a problem; the others are healthy. */
export const REPLAY_PROBLEMS: ReadonlySet<VerdictCode> = new Set(['enabled-without-replay', 'not-replaying']);
/** The replay verdicts of a replay in progress: noted. */
const REPLAY_RUNNING: ReadonlySet<VerdictCode> = new Set(['starting', 'replaying', 'finishing']);
/** The replay in a few words, for the pipeline's line. */
const REPLAY_SUMMARY: Record<VerdictCode, string> = {
  'no-replay': 'no replay',
  starting: 'replay starting',
  replaying: 'replaying',
  finishing: 'replay finishing',
  completed: 'last replay completed',
  stopped: 'last replay stopped',
  'not-replaying': 'replay not replaying',
  'enabled-without-replay': 'replay mapping enabled without a replay',
};

/** What the verdicts suggest, with the user's target options (` --stack-name checkout`). */
export interface VerdictContext {
  /** The target options as given, from targetFlags. */
  flags: string;
}

const redrive = (output: string, { flags }: VerdictContext) => `npm run redrive -- ${output}${flags}`;

/** The problems, unknowns and notes of one pipeline, as they are found. */
class Findings {
  readonly problems: string[] = [];
  readonly unknown: string[] = [];
  readonly notes: string[] = [];

  /** The reading's value, or undefined after noting why it could not be read. */
  read<T>(what: string, reading: Reading<T>): T | undefined {
    if (reading.ok) return reading.value;
    this.unknown.push(`${what}: ${reading.error}`);
    return undefined;
  }

  verdict(summary: string): PipelineVerdict {
    const health: Health =
      this.problems.length > 0 ? 'unhealthy' : this.unknown.length > 0 ? 'unknown' : 'healthy';
    return { health, summary, problems: this.problems, unknown: this.unknown, notes: this.notes };
  }
}

const held = (queue: QueueStatus) => queue.waiting + queue.inFlight;

/** `DLQ 0`, `DLQ ?` when it could not be read. */
const count = (label: string, reading: Reading<QueueStatus>) =>
  `${label} ${reading.ok ? held(reading.value) : '?'}`;

const depth = (label: string, reading: Reading<QueueStatus>) =>
  reading.ok
    ? `${label} ${reading.value.waiting} waiting, ${reading.value.inFlight} in flight`
    : `${label} ?`;

/** A dead-letter queue (named by its stack output) that holds messages is a problem. */
const checkDeadLetterQueue = (
  findings: Findings,
  label: string,
  output: string,
  reading: Reading<QueueStatus>,
  context: VerdictContext,
) => {
  const queue = findings.read(`${label} (${output})`, reading);
  if (!queue || held(queue) === 0) return;
  const inFlight = queue.inFlight > 0 ? `, ${queue.inFlight} of them in flight` : '';
  findings.problems.push(
    `the ${label} ${queue.name} holds ${plural(held(queue), 'message')}${inFlight}: fix the cause, then ${redrive(output, context)}`,
  );
};

/** The subscriptions that deliver to a pipeline: there is one, each has a dead-letter queue, and it is empty. */
const checkSubscriptions = (
  findings: Findings,
  reading: Reading<SubscriptionStatus[]>,
  { required }: { required: boolean },
) => {
  const subscriptions = findings.read('subscriptions of the topic', reading);
  if (!subscriptions) return;
  if (required && subscriptions.length === 0) {
    findings.problems.push('no subscription of the topic delivers to it: it receives no orders');
  }
  for (const subscription of subscriptions) {
    const { arn, protocol, endpoint } = subscription;
    if (subscription.pendingConfirmation) {
      findings.problems.push(
        `the ${protocol} subscription to ${endpoint} is pending confirmation: nothing is delivered to it`,
      );
      continue;
    }
    if (subscription.error !== undefined) {
      findings.unknown.push(`the ${protocol} subscription ${arn}: ${subscription.error}`);
      continue;
    }
    if (subscription.deadLetterQueueArn === undefined) {
      findings.problems.push(
        `the ${protocol} subscription ${arn} has no dead-letter queue (RedrivePolicy): what SNS cannot deliver to ${endpoint} is lost`,
      );
      continue;
    }
    // A dead-letter queue of the stack's outputs is checked as such, with the redrive command that names it.
    if (subscription.deadLetterQueueOutput !== undefined || !subscription.deadLetterQueue) continue;
    const queue = findings.read(
      `the dead-letter queue of the ${protocol} subscription ${arn}`,
      subscription.deadLetterQueue,
    );
    if (queue && held(queue) > 0) {
      findings.problems.push(
        `the dead-letter queue ${queue.name} of the ${protocol} subscription ${arn} holds ${plural(held(queue), 'message')}: fix the cause, then npm run redrive -- ${queue.url}`,
      );
    }
  }
};

const breakerSince = (breaker: CircuitBreaker) =>
  `since ${breaker.changedAt}: ${breaker.reason || 'no reason recorded'}`;

const checkoutProcessing = (
  status: StackStatus['checkoutProcessing'],
  context: VerdictContext,
): PipelineVerdict => {
  const findings = new Findings();
  const queue = findings.read('the checkout queue (CheckoutQueueUrl)', status.queue);
  checkDeadLetterQueue(
    findings,
    'dead-letter queue',
    'CheckoutDeadLetterQueueUrl',
    status.deadLetterQueue,
    context,
  );
  checkDeadLetterQueue(
    findings,
    'subscription dead-letter queue',
    'CheckoutSubscriptionDeadLetterQueueUrl',
    status.subscriptionDeadLetterQueue,
    context,
  );
  checkSubscriptions(findings, status.subscriptions, { required: true });

  let breakerText = 'no breaker';
  const breaker = status.circuitBreaker && findings.read('the circuit breaker', status.circuitBreaker);
  if (status.circuitBreaker === undefined) {
    findings.notes.push('no circuit breaker in this stack (no output CircuitBreakerTableName)');
  } else if (breaker) {
    breakerText = `breaker ${breaker.state}`;
    const waiting = queue ? ` (${plural(queue.waiting, 'order')} waiting)` : '';
    if (breaker.state === 'open') {
      findings.problems.push(
        `the circuit breaker is open ${breakerSince(breaker)}: orders wait in the checkout queue${waiting} until a trial batch succeeds`,
      );
    } else if (breaker.state === 'half-open') {
      findings.problems.push(
        `the circuit breaker is half-open ${breakerSince(breaker)}: one trial batch decides whether it closes`,
      );
    }
  } else {
    breakerText = 'breaker ?';
  }
  const mapping =
    status.eventSourceMapping &&
    findings.read('the checkout event source mapping', status.eventSourceMapping);
  if (
    mapping &&
    !isPolling(mapping) &&
    (status.circuitBreaker === undefined || breaker?.state === 'closed')
  ) {
    const why = breaker ? ' while the circuit breaker is closed' : '';
    findings.problems.push(
      `the checkout event source mapping ${mapping.uuid} is ${mapping.state}${why}: nothing consumes the checkout queue`,
    );
  }
  return findings.verdict(
    [
      depth('queue', status.queue),
      count('DLQ', status.deadLetterQueue),
      count('subscription DLQ', status.subscriptionDeadLetterQueue),
      breakerText,
    ].join('; '),
  );
};

const FAILED = /_FAILED$/;

const checkStream = (findings: Findings, output: string, reading: Reading<DeliveryStreamStatus>) => {
  const stream = findings.read(`the delivery stream (${output})`, reading);
  if (!stream) return 'stream ?';
  const failure = stream.failure ? `: ${stream.failure}` : '';
  if (stream.status !== 'ACTIVE') {
    findings.problems.push(`the delivery stream ${stream.name} is ${stream.status}${failure}`);
  } else if (stream.encryption && FAILED.test(stream.encryption)) {
    findings.problems.push(
      `the encryption of the delivery stream ${stream.name} is ${stream.encryption}${failure}`,
    );
  }
  return `stream ${stream.status}`;
};

/** Cluster health, locally: green and yellow are healthy (a single node has no replicas); red is not. */
const HEALTHY_CLUSTER = new Set(['green', 'yellow']);
const BROKEN_DOMAIN = new Set(['Isolated', 'Deleting']);

const checkDomain = (findings: Findings, reading: Reading<DomainStatus>): string => {
  const domain = findings.read('the search domain', reading);
  if (!domain) return 'domain ?';
  if (domain.kind === 'cluster') {
    if (!HEALTHY_CLUSTER.has(domain.health)) {
      const unassigned =
        domain.unassignedShards === undefined
          ? ''
          : ` (${plural(domain.unassignedShards, 'unassigned shard')})`;
      findings.problems.push(
        `the search domain's cluster health is ${domain.health}${unassigned}: some primary shards are not allocated, so orders cannot all be indexed or found`,
      );
    }
    return `domain ${domain.health}`;
  }
  if (domain.deleted) {
    findings.problems.push(`the search domain ${domain.name} is deleted`);
    return 'domain deleted';
  }
  if (domain.processingStatus && BROKEN_DOMAIN.has(domain.processingStatus)) {
    findings.problems.push(`the search domain ${domain.name} is ${domain.processingStatus}`);
  }
  if (domain.changeStatus === 'ValidationFailed') {
    const message = domain.changeMessage ? `: ${domain.changeMessage}` : '';
    findings.problems.push(
      `the last configuration change of the search domain ${domain.name} failed validation${message}`,
    );
  }
  if (domain.created === false) findings.notes.push(`the search domain ${domain.name} is being created`);
  if (domain.upgradeProcessing) {
    findings.notes.push(`the search domain ${domain.name} is upgrading its engine version`);
  } else if (domain.processing) {
    findings.notes.push(
      `the search domain ${domain.name} is applying a configuration change (${domain.processingStatus ?? 'processing'})`,
    );
  }
  const state =
    domain.processingStatus ?? (domain.upgradeProcessing || domain.processing ? 'processing' : 'active');
  return `domain ${state}`;
};

const storageBackup = (status: StackStatus['storageBackup'], context: VerdictContext): PipelineVerdict => {
  const findings = new Findings();
  const stream = checkStream(findings, 'ArchiveDeliveryStreamName', status.deliveryStream);
  checkDeadLetterQueue(
    findings,
    'subscription dead-letter queue',
    'ArchiveSubscriptionDeadLetterQueueUrl',
    status.subscriptionDeadLetterQueue,
    context,
  );
  checkSubscriptions(findings, status.subscriptions, { required: true });
  return findings.verdict([stream, count('subscription DLQ', status.subscriptionDeadLetterQueue)].join('; '));
};

const searchAnalytics = (
  status: StackStatus['searchAnalytics'],
  context: VerdictContext,
): PipelineVerdict => {
  const findings = new Findings();
  const stream = checkStream(findings, 'SearchDeliveryStreamName', status.deliveryStream);
  const domain = checkDomain(findings, status.domain);
  checkDeadLetterQueue(
    findings,
    'subscription dead-letter queue',
    'SearchSubscriptionDeadLetterQueueUrl',
    status.subscriptionDeadLetterQueue,
    context,
  );
  checkSubscriptions(findings, status.subscriptions, { required: true });
  return findings.verdict(
    [stream, domain, count('subscription DLQ', status.subscriptionDeadLetterQueue)].join('; '),
  );
};

const eventReplay = (status: StackStatus['eventReplay'], context: VerdictContext): PipelineVerdict => {
  const findings = new Findings();
  findings.read('the replay queue (ReplayQueueUrl)', status.queue);
  checkDeadLetterQueue(
    findings,
    'dead-letter queue',
    'ReplayDeadLetterQueueUrl',
    status.deadLetterQueue,
    context,
  );
  checkDeadLetterQueue(
    findings,
    'subscription dead-letter queue',
    'ReplaySubscriptionDeadLetterQueueUrl',
    status.subscriptionDeadLetterQueue,
    context,
  );
  checkSubscriptions(findings, status.subscriptions, { required: true });
  let replayText = 'replay ?';
  const replay = findings.read('the replay', status.replay);
  if (replay) {
    const verdict = verdictOf(replay, commandsFor(context.flags));
    replayText = REPLAY_SUMMARY[verdict.code];
    if (REPLAY_PROBLEMS.has(verdict.code)) findings.problems.push(verdict.text);
    else if (REPLAY_RUNNING.has(verdict.code)) findings.notes.push(`a replay is running: ${verdict.text}`);
  }
  return findings.verdict(
    [
      depth('queue', status.queue),
      count('DLQ', status.deadLetterQueue),
      count('subscription DLQ', status.subscriptionDeadLetterQueue),
      replayText,
    ].join('; '),
  );
};

const otherSubscriptions = (reading: StackStatus['otherSubscriptions']): PipelineVerdict | undefined => {
  if (!reading.ok || reading.value.length === 0) return undefined;
  const findings = new Findings();
  checkSubscriptions(findings, reading, { required: false });
  return findings.verdict(plural(reading.value.length, 'subscription'));
};

/** The worst of several: unhealthy, then unknown, then healthy. */
export const worstOf = (healths: readonly Health[]): Health =>
  healths.includes('unhealthy') ? 'unhealthy' : healths.includes('unknown') ? 'unknown' : 'healthy';

export const verdictsOf = (status: StackStatus, context: VerdictContext): StackVerdict => {
  const pipelines: Record<PipelineId, PipelineVerdict> = {
    checkoutProcessing: checkoutProcessing(status.checkoutProcessing, context),
    storageBackup: storageBackup(status.storageBackup, context),
    searchAnalytics: searchAnalytics(status.searchAnalytics, context),
    eventReplay: eventReplay(status.eventReplay, context),
  };
  const other = otherSubscriptions(status.otherSubscriptions);
  const health = worstOf([...PIPELINES.map((id) => pipelines[id].health), ...(other ? [other.health] : [])]);
  return { health, pipelines, otherSubscriptions: other };
};
