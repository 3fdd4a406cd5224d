/**
 * What `npm run status` prints: one line per pipeline (its verdict and its figures), then the details of
 * each (problems first, then every part as read); or all of it as one JSON object.
 */
import type { EventSourceMapping } from '../../src/adapters/lambda-event-source-mapping';
import type { CircuitBreaker } from '../../src/domain/circuit-breaker';
import { commandsFor, statusJson, verdictOf } from '../replay/report';
import { plural } from '../shared/format';
import {
  type DeliveryStreamStatus,
  type DomainStatus,
  type Optional,
  PIPELINE_NAMES,
  PIPELINES,
  type PipelineId,
  type QueueStatus,
  type Reading,
  type StackStatus,
  type SubscriptionStatus,
} from './stack-status';
import type { PipelineVerdict, StackVerdict, VerdictContext } from './verdicts';

type Row = [label: string, value: string];

const LABEL_WIDTH = 'Subscription DLQ'.length;

const shown = <T>(reading: Reading<T>, describe: (value: T) => string) =>
  reading.ok ? describe(reading.value) : `unknown: ${reading.error}`;

const queueText = (queue: QueueStatus) =>
  `${queue.waiting} waiting, ${queue.inFlight} in flight  ${queue.name}`;

const queueRow = (label: string, reading: Reading<QueueStatus>): Row => [label, shown(reading, queueText)];

const subscriptionText = (subscription: SubscriptionStatus): string => {
  const { protocol, endpoint, arn } = subscription;
  // A queue or delivery stream by its name (the last part of its ARN); any other endpoint as it is.
  const to = /^arn:[^:]+:(sqs|firehose):/.test(endpoint) ? endpoint.split(/[:/]/).pop() : endpoint;
  if (subscription.pendingConfirmation) return `${protocol} to ${to}: pending confirmation`;
  if (subscription.error !== undefined) return `${protocol} ${arn}: unknown: ${subscription.error}`;
  const bridge = subscription.bridgeQueue;
  const where = bridge
    ? `${protocol}, delivered locally through the queue ${bridge.name} (${bridge.waiting} waiting, ${bridge.inFlight} in flight)`
    : `${protocol} to ${to}`;
  if (subscription.deadLetterQueueArn === undefined) return `${where}; no dead-letter queue`;
  const deadLetterQueue = subscription.deadLetterQueue;
  const depth =
    deadLetterQueue && !subscription.deadLetterQueueOutput
      ? ` (${shown(deadLetterQueue, (queue) => `${queue.waiting} waiting, ${queue.inFlight} in flight`)})`
      : '';
  return `${where}; dead-letter queue ${subscription.deadLetterQueueArn.split(':').pop()}${depth}`;
};

const subscriptionRows = (reading: Reading<SubscriptionStatus[]>): Row[] => {
  if (!reading.ok) return [['Subscription', `unknown: ${reading.error}`]];
  if (reading.value.length === 0) return [['Subscription', 'none']];
  return reading.value.map((subscription) => ['Subscription', subscriptionText(subscription)]);
};

const breakerText = (breaker: CircuitBreaker) => {
  const counted =
    breaker.state === 'closed' && breaker.failures > 0
      ? `; ${plural(breaker.failures, 'failure')} counted in the window`
      : '';
  return `${breaker.state} since ${breaker.changedAt}: ${breaker.reason || 'no reason recorded'}${counted}; ${plural(breaker.trips, 'trip')}`;
};

const breakerRows = (breaker: Optional<CircuitBreaker>, mapping: Optional<EventSourceMapping>): Row[] => [
  ['Circuit breaker', breaker ? shown(breaker, breakerText) : 'none'],
  ...(mapping ? [['Event source', shown(mapping, ({ uuid, state }) => `${uuid}: ${state}`)] as Row] : []),
];

const streamText = (stream: DeliveryStreamStatus) => {
  const encryption = stream.encryption ? `, encryption ${stream.encryption}` : '';
  const failure = stream.failure ? ` (${stream.failure})` : '';
  return `${stream.name}: ${stream.status}, to ${stream.destination}${encryption}${failure}`;
};

const domainText = (domain: DomainStatus) => {
  if (domain.kind === 'cluster') {
    const figures = [
      domain.nodes === undefined ? '' : plural(domain.nodes, 'node'),
      domain.activeShards === undefined ? '' : plural(domain.activeShards, 'active shard'),
      domain.unassignedShards === undefined ? '' : `${domain.unassignedShards} unassigned`,
    ].filter(Boolean);
    return `${domain.url}: cluster health ${domain.health}${figures.length > 0 ? `, ${figures.join(', ')}` : ''}`;
  }
  const cluster = [
    domain.instanceCount === undefined
      ? ''
      : `${domain.instanceCount} x ${domain.instanceType ?? 'instances'}`,
    domain.dedicatedMasters === undefined ? '' : plural(domain.dedicatedMasters, 'dedicated master'),
    domain.zoneAwareness ? 'zone awareness' : '',
  ].filter(Boolean);
  const change = domain.changeStatus
    ? `; last change ${domain.changeStatus}${domain.changeMessage ? `: ${domain.changeMessage}` : ''}`
    : '';
  return [
    `${domain.name}: ${domain.deleted ? 'deleted' : (domain.processingStatus ?? 'status unknown')}`,
    domain.engineVersion,
    domain.processing ? 'processing a change' : '',
    domain.upgradeProcessing ? 'upgrading' : '',
    cluster.join(', '),
  ]
    .filter(Boolean)
    .join(', ')
    .concat(change);
};

const detailRows = (id: PipelineId, status: StackStatus, context: VerdictContext): Row[] => {
  switch (id) {
    case 'checkoutProcessing': {
      const part = status.checkoutProcessing;
      return [
        queueRow('Queue', part.queue),
        queueRow('Dead letters', part.deadLetterQueue),
        queueRow('Subscription DLQ', part.subscriptionDeadLetterQueue),
        ...subscriptionRows(part.subscriptions),
        ...breakerRows(part.circuitBreaker, part.eventSourceMapping),
      ];
    }
    case 'storageBackup': {
      const part = status.storageBackup;
      return [
        ['Delivery stream', shown(part.deliveryStream, streamText)],
        queueRow('Subscription DLQ', part.subscriptionDeadLetterQueue),
        ...subscriptionRows(part.subscriptions),
      ];
    }
    case 'searchAnalytics': {
      const part = status.searchAnalytics;
      return [
        ['Delivery stream', shown(part.deliveryStream, streamText)],
        ['Search domain', shown(part.domain, domainText)],
        queueRow('Subscription DLQ', part.subscriptionDeadLetterQueue),
        ...subscriptionRows(part.subscriptions),
      ];
    }
    case 'eventReplay': {
      const part = status.eventReplay;
      return [
        queueRow('Replay queue', part.queue),
        queueRow('Dead letters', part.deadLetterQueue),
        queueRow('Subscription DLQ', part.subscriptionDeadLetterQueue),
        ...subscriptionRows(part.subscriptions),
        ['Replay', shown(part.replay, (replay) => verdictOf(replay, commandsFor(context.flags)).text)],
      ];
    }
  }
};

const formatRows = (rows: Row[]) =>
  rows.map(([label, value]) => `  ${label.padEnd(LABEL_WIDTH)}  ${value}`).join('\n');

const section = (title: string, verdict: PipelineVerdict, rows: Row[]) =>
  `${title}: ${verdict.health}\n${formatRows([
    ...verdict.problems.map((problem): Row => ['Problem', problem]),
    ...rows,
    ...verdict.notes.map((note): Row => ['Note', note]),
  ])}`;

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `checkout processing   healthy    (queue 0 waiting, 0 in flight; DLQ 0; breaker closed)`, one per pipeline. */
export const formatVerdictLines = (verdict: StackVerdict): string => {
  const lines: [string, PipelineVerdict][] = PIPELINES.map((id) => [
    PIPELINE_NAMES[id],
    verdict.pipelines[id],
  ]);
  if (verdict.otherSubscriptions) lines.push(['other subscriptions', verdict.otherSubscriptions]);
  const nameWidth = Math.max(...lines.map(([name]) => name.length));
  const healthWidth = 'unhealthy'.length;
  return lines
    .map(
      ([name, { health, summary }]) =>
        `${name.padEnd(nameWidth)}  ${health.padEnd(healthWidth)}  (${summary})`,
    )
    .join('\n');
};

/** The last line: all healthy, or which pipelines are not. */
export const formatConclusion = (verdict: StackVerdict): string => {
  if (verdict.health === 'healthy') return 'Every pipeline is healthy.';
  const named: [string, PipelineVerdict][] = PIPELINES.map((id) => [
    PIPELINE_NAMES[id],
    verdict.pipelines[id],
  ]);
  if (verdict.otherSubscriptions) named.push(['the other subscriptions', verdict.otherSubscriptions]);
  const unhealthy = named.filter(([, { health }]) => health === 'unhealthy').map(([name]) => name);
  const unknown = named.filter(([, { health }]) => health === 'unknown').map(([name]) => name);
  // Commas only: the names have "and" in them.
  return [
    unhealthy.length > 0 ? `Unhealthy: ${unhealthy.join(', ')}.` : '',
    unknown.length > 0 ? `Not known (could not be read): ${unknown.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
};

/** The whole status as text: the verdict lines, the details of every pipeline, the conclusion. */
export const formatStatus = (status: StackStatus, verdict: StackVerdict, context: VerdictContext): string => {
  const sections = PIPELINES.map((id) =>
    section(capitalised(PIPELINE_NAMES[id]), verdict.pipelines[id], detailRows(id, status, context)),
  );
  if (verdict.otherSubscriptions) {
    sections.push(
      section(
        'Other subscriptions of the topic',
        verdict.otherSubscriptions,
        subscriptionRows(status.otherSubscriptions),
      ),
    );
  }
  return [
    `Status of ${status.target} at ${status.checkedAt}`,
    '',
    formatVerdictLines(verdict),
    '',
    sections.join('\n\n'),
    '',
    formatConclusion(verdict),
    '',
  ].join('\n');
};

/** A reading for JSON: its value, or `{ "error": "<why>" }`. */
const jsonOf = <T, R = T>(
  reading: Reading<T>,
  convert: (value: T) => R = (value) => value as unknown as R,
) => (reading.ok ? convert(reading.value) : { error: reading.error });

const optionalJson = <T>(reading: Optional<T>) => (reading ? jsonOf(reading) : null);

const subscriptionJson = (subscription: SubscriptionStatus) => ({
  arn: subscription.arn,
  protocol: subscription.protocol,
  endpoint: subscription.endpoint,
  pendingConfirmation: subscription.pendingConfirmation,
  deadLetterQueueArn: subscription.deadLetterQueueArn ?? null,
  deadLetterQueueOutput: subscription.deadLetterQueueOutput ?? null,
  deadLetterQueue: subscription.deadLetterQueue ? jsonOf(subscription.deadLetterQueue) : null,
  bridgeQueue: subscription.bridgeQueue ?? null,
  ...(subscription.error !== undefined ? { error: subscription.error } : {}),
});

const subscriptionsJson = (reading: Reading<SubscriptionStatus[]>) =>
  jsonOf(reading, (subscriptions) => subscriptions.map(subscriptionJson));

const verdictJson = (name: string, verdict: PipelineVerdict) => ({
  name,
  health: verdict.health,
  healthy: verdict.health === 'healthy',
  summary: verdict.summary,
  problems: verdict.problems,
  unknown: verdict.unknown,
  notes: verdict.notes,
});

/** The status for scripts: one JSON object with every figure and every verdict. */
export const statusToJson = (status: StackStatus, verdict: StackVerdict, context: VerdictContext) => {
  const { checkoutProcessing, storageBackup, searchAnalytics, eventReplay } = status;
  const pipeline = (id: PipelineId) => verdictJson(PIPELINE_NAMES[id], verdict.pipelines[id]);
  return {
    target: status.target,
    checkedAt: status.checkedAt,
    health: verdict.health,
    healthy: verdict.health === 'healthy',
    pipelines: {
      checkoutProcessing: {
        ...pipeline('checkoutProcessing'),
        queue: jsonOf(checkoutProcessing.queue),
        deadLetterQueue: jsonOf(checkoutProcessing.deadLetterQueue),
        subscriptionDeadLetterQueue: jsonOf(checkoutProcessing.subscriptionDeadLetterQueue),
        subscriptions: subscriptionsJson(checkoutProcessing.subscriptions),
        circuitBreaker: optionalJson(checkoutProcessing.circuitBreaker),
        eventSourceMapping: optionalJson(checkoutProcessing.eventSourceMapping),
      },
      storageBackup: {
        ...pipeline('storageBackup'),
        deliveryStream: jsonOf(storageBackup.deliveryStream),
        subscriptionDeadLetterQueue: jsonOf(storageBackup.subscriptionDeadLetterQueue),
        subscriptions: subscriptionsJson(storageBackup.subscriptions),
      },
      searchAnalytics: {
        ...pipeline('searchAnalytics'),
        deliveryStream: jsonOf(searchAnalytics.deliveryStream),
        domain: jsonOf(searchAnalytics.domain),
        subscriptionDeadLetterQueue: jsonOf(searchAnalytics.subscriptionDeadLetterQueue),
        subscriptions: subscriptionsJson(searchAnalytics.subscriptions),
      },
      eventReplay: {
        ...pipeline('eventReplay'),
        queue: jsonOf(eventReplay.queue),
        deadLetterQueue: jsonOf(eventReplay.deadLetterQueue),
        subscriptionDeadLetterQueue: jsonOf(eventReplay.subscriptionDeadLetterQueue),
        subscriptions: subscriptionsJson(eventReplay.subscriptions),
        replay: jsonOf(eventReplay.replay, (replay) => statusJson(replay, commandsFor(context.flags))),
      },
    },
    otherSubscriptions: verdict.otherSubscriptions
      ? {
          ...verdictJson('other subscriptions', verdict.otherSubscriptions),
          subscriptions: subscriptionsJson(status.otherSubscriptions),
        }
      : null,
  };
};

export type StatusJson = ReturnType<typeof statusToJson>;
