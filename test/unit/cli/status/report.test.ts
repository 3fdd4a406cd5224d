import {
  formatConclusion,
  formatStatus,
  formatVerdictLines,
  statusToJson,
} from '../../../../cli/status/report';
import { readingOf, type StackStatus } from '../../../../cli/status/stack-status';
import { verdictsOf } from '../../../../cli/status/verdicts';
import {
  aClusterHealth,
  aHealthyStackStatus,
  anOpenCircuitBreaker,
  anUnreadablePart,
  aQueueArn,
  aQueueStatus,
  aSubscription,
  NAMES,
} from '../../../factories/status';

const CONTEXT = { flags: '' };
const report = (status: StackStatus) => {
  const verdict = verdictsOf(status, CONTEXT);
  return {
    verdict,
    text: formatStatus(status, verdict, CONTEXT),
    json: statusToJson(status, verdict, CONTEXT),
  };
};
const UNHEALTHY = aHealthyStackStatus({
  checkoutProcessing: {
    circuitBreaker: readingOf(anOpenCircuitBreaker()),
    deadLetterQueue: readingOf(aQueueStatus(NAMES.checkoutDeadLetterQueue, { waiting: 2 })),
  },
  searchAnalytics: {
    domain: anUnreadablePart('cannot reach AWS (ETIMEDOUT): check the network and the Region'),
  },
});

describe('the status report', () => {
  it('gives one aligned line per pipeline: its name, its health and its figures', () => {
    expect(formatVerdictLines(verdictsOf(UNHEALTHY, CONTEXT)).split('\n')).toEqual([
      'checkout processing   unhealthy  (queue 3 waiting, 2 in flight; DLQ 2; subscription DLQ 0; breaker open)',
      'storage and backup    healthy    (stream ACTIVE; subscription DLQ 0)',
      'search and analytics  unknown    (stream ACTIVE; domain ?; subscription DLQ 0)',
      'event replay          healthy    (queue 120 waiting, 0 in flight; DLQ 0; subscription DLQ 0; no replay)',
    ]);
  });

  it('starts with the target and the time, and ends with a conclusion', () => {
    const { text } = report(aHealthyStackStatus());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Status of the stack checkout at 2026-11-21T18:00:00.000Z');
    expect(lines.at(-1)).toBe('Every pipeline is healthy.');
  });

  it('names the unhealthy pipelines and those it could not read in the conclusion', () => {
    expect(formatConclusion(verdictsOf(UNHEALTHY, CONTEXT))).toBe(
      'Unhealthy: checkout processing. Not known (could not be read): search and analytics.',
    );
  });

  it('details each pipeline: its problems first, then every part as read, then its notes', () => {
    const { text } = report(UNHEALTHY);
    const checkout = text.slice(
      text.indexOf('Checkout processing: unhealthy'),
      text.indexOf('Storage and backup:'),
    );
    expect(checkout.trimEnd().split('\n')).toEqual([
      'Checkout processing: unhealthy',
      `  Problem           the dead-letter queue ${NAMES.checkoutDeadLetterQueue} holds 2 messages: fix the cause, then npm run redrive -- CheckoutDeadLetterQueueUrl`,
      '  Problem           the circuit breaker is open since 2026-11-21T10:00:00.000Z: 5 failures of the dependencies within 60 s (threshold 5): orders wait in the checkout queue (3 orders waiting) until a trial batch succeeds',
      `  Queue             3 waiting, 2 in flight  ${NAMES.checkoutQueue}`,
      `  Dead letters      2 waiting, 0 in flight  ${NAMES.checkoutDeadLetterQueue}`,
      `  Subscription DLQ  0 waiting, 0 in flight  ${NAMES.checkoutSubscriptionDeadLetterQueue}`,
      `  Subscription      sqs to ${NAMES.checkoutQueue}; dead-letter queue ${NAMES.checkoutSubscriptionDeadLetterQueue}`,
      '  Circuit breaker   open since 2026-11-21T10:00:00.000Z: 5 failures of the dependencies within 60 s (threshold 5); 1 trip',
      '  Event source      checkout-mapping: Enabled',
    ]);
    expect(text).toContain(
      '  Search domain     unknown: cannot reach AWS (ETIMEDOUT): check the network and the Region\n',
    );
    expect(text).toContain(
      `  Delivery stream   ${NAMES.archiveStream}: ACTIVE, to S3 bucket ${NAMES.archiveStream}-bucket, encryption ENABLED\n`,
    );
    expect(text).toContain(
      `  Subscription      firehose to ${NAMES.searchStream}; dead-letter queue ${NAMES.searchSubscriptionDeadLetterQueue}\n`,
    );
    expect(text).toContain(
      '  Replay            no replay has been started; start one with npm run replay -- start --since <time> --until <time>\n',
    );
  });

  it('shows the local cluster health, a stack without a breaker, and the local stand-in of a firehose subscription', () => {
    const { text } = report(
      aHealthyStackStatus({
        checkoutProcessing: { circuitBreaker: undefined, eventSourceMapping: undefined },
        searchAnalytics: { domain: readingOf(aClusterHealth()) },
        storageBackup: {
          subscriptions: readingOf([
            aSubscription({
              protocol: 'firehose',
              endpoint: aQueueArn('local-StorageBackupPipeline-Subscription-FirehoseBridge'),
              bridgeQueue: aQueueStatus('local-StorageBackupPipeline-Subscription-FirehoseBridge', {
                waiting: 1,
              }),
              deadLetterQueueArn: aQueueArn(NAMES.archiveSubscriptionDeadLetterQueue),
              deadLetterQueueOutput: 'ArchiveSubscriptionDeadLetterQueueUrl',
            }),
          ]),
        },
      }),
    );
    expect(text).toContain('  Circuit breaker   none\n');
    expect(text).toContain(
      '  Note              no circuit breaker in this stack (no output CircuitBreakerTableName)\n',
    );
    expect(text).not.toContain('Event source');
    expect(text).toContain(
      '  Search domain     http://127.0.0.1:9200: cluster health green, 1 node, 4 active shards, 0 unassigned\n',
    );
    expect(text).toContain(
      `  Subscription      firehose, delivered locally through the queue local-StorageBackupPipeline-Subscription-FirehoseBridge (1 waiting, 0 in flight); dead-letter queue ${NAMES.archiveSubscriptionDeadLetterQueue}\n`,
    );
  });

  it('lists the other subscriptions of the topic in a section of their own when there are any', () => {
    const { text } = report(
      aHealthyStackStatus({
        otherSubscriptions: readingOf([
          aSubscription({
            protocol: 'email',
            endpoint: 'ops@example.com',
            deadLetterQueueArn: undefined,
            deadLetterQueueOutput: undefined,
            deadLetterQueue: undefined,
          }),
        ]),
      }),
    );
    expect(text).toMatch(/^other subscriptions {3}unhealthy {2}\(1 subscription\)$/m);
    expect(text).toContain('Other subscriptions of the topic: unhealthy\n');
    expect(text).toContain('  Subscription      email to ops@example.com; no dead-letter queue\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Unhealthy: the other subscriptions.');
  });

  it('gives every figure and verdict as one JSON object, and the reason in place of a part it could not read', () => {
    const { json } = report(UNHEALTHY);
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      target: 'the stack checkout',
      checkedAt: '2026-11-21T18:00:00.000Z',
      health: 'unhealthy',
      healthy: false,
      pipelines: {
        checkoutProcessing: expect.objectContaining({
          name: 'checkout processing',
          health: 'unhealthy',
          healthy: false,
          summary: 'queue 3 waiting, 2 in flight; DLQ 2; subscription DLQ 0; breaker open',
          problems: [
            expect.stringContaining('holds 2 messages'),
            expect.stringContaining('circuit breaker is open'),
          ],
          unknown: [],
          notes: [],
          queue: expect.objectContaining({ name: NAMES.checkoutQueue, waiting: 3, inFlight: 2 }),
          deadLetterQueue: expect.objectContaining({ waiting: 2, inFlight: 0 }),
          subscriptionDeadLetterQueue: expect.objectContaining({ waiting: 0 }),
          subscriptions: [
            expect.objectContaining({
              protocol: 'sqs',
              deadLetterQueueOutput: 'CheckoutSubscriptionDeadLetterQueueUrl',
              bridgeQueue: null,
            }),
          ],
          circuitBreaker: expect.objectContaining({ state: 'open', trips: 1 }),
          eventSourceMapping: expect.objectContaining({ uuid: 'checkout-mapping', state: 'Enabled' }),
        }),
        storageBackup: expect.objectContaining({
          health: 'healthy',
          deliveryStream: expect.objectContaining({ name: NAMES.archiveStream, status: 'ACTIVE' }),
        }),
        searchAnalytics: expect.objectContaining({
          health: 'unknown',
          domain: { error: 'cannot reach AWS (ETIMEDOUT): check the network and the Region' },
          unknown: ['the search domain: cannot reach AWS (ETIMEDOUT): check the network and the Region'],
        }),
        eventReplay: expect.objectContaining({
          health: 'healthy',
          replay: expect.objectContaining({
            replay: null,
            eventSourceMapping: expect.objectContaining({ state: 'Disabled' }),
            verdict: expect.objectContaining({ code: 'no-replay' }),
          }),
        }),
      },
      otherSubscriptions: null,
    });
  });

  it('gives null for a circuit breaker the stack does not have', () => {
    const { json } = report(
      aHealthyStackStatus({
        checkoutProcessing: { circuitBreaker: undefined, eventSourceMapping: undefined },
      }),
    );
    expect(json.pipelines.checkoutProcessing).toMatchObject({
      circuitBreaker: null,
      eventSourceMapping: null,
      healthy: true,
    });
  });
});
