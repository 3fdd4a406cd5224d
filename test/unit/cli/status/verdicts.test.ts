import { readingOf } from '../../../../cli/status/stack-status';
import { verdictsOf, worstOf } from '../../../../cli/status/verdicts';
import {
  aCircuitBreaker,
  aClusterHealth,
  aDeliveryStream,
  aHealthyStackStatus,
  anEventSourceMapping,
  anOpenCircuitBreaker,
  anUnreadablePart,
  aQueueArn,
  aQueueStatus,
  aReplayStatus,
  aServiceDomain,
  aSubscription,
  NAMES,
} from '../../../factories/status';

const CONTEXT = { flags: ' --stack-name checkout' };
const RUNNING_REPLAY = {
  replayId: 'r-1',
  since: '2026-11-21T10:00:00.000Z',
  until: '2026-11-21T12:00:00.000Z',
  startedAt: '2026-11-21T17:00:00.000Z',
  status: 'running' as const,
  forwarded: 7,
  skipped: 5,
};

describe('the verdicts of npm run status', () => {
  it('finds every pipeline of a stack with empty dead-letter queues, active streams and a closed breaker healthy', () => {
    const verdict = verdictsOf(aHealthyStackStatus(), CONTEXT);

    expect(verdict.health).toBe('healthy');
    expect(verdict.pipelines.checkoutProcessing).toEqual({
      health: 'healthy',
      summary: 'queue 3 waiting, 2 in flight; DLQ 0; subscription DLQ 0; breaker closed',
      problems: [],
      unknown: [],
      notes: [],
    });
    expect(verdict.pipelines.storageBackup.summary).toBe('stream ACTIVE; subscription DLQ 0');
    expect(verdict.pipelines.searchAnalytics.summary).toBe(
      'stream ACTIVE; domain Active; subscription DLQ 0',
    );
    expect(verdict.pipelines.eventReplay.summary).toBe(
      'queue 120 waiting, 0 in flight; DLQ 0; subscription DLQ 0; no replay',
    );
    expect(verdict.otherSubscriptions).toBeUndefined();
  });

  it('finds a pipeline unhealthy when one of its dead-letter queues holds messages, and says how to redrive them', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: {
          deadLetterQueue: readingOf(
            aQueueStatus(NAMES.checkoutDeadLetterQueue, { waiting: 2, inFlight: 1 }),
          ),
        },
      }),
      CONTEXT,
    );

    expect(verdict.health).toBe('unhealthy');
    expect(verdict.pipelines.checkoutProcessing.health).toBe('unhealthy');
    expect(verdict.pipelines.checkoutProcessing.summary).toContain('DLQ 3;');
    expect(verdict.pipelines.checkoutProcessing.problems).toEqual([
      `the dead-letter queue ${NAMES.checkoutDeadLetterQueue} holds 3 messages, 1 of them in flight: fix the cause, then npm run redrive -- CheckoutDeadLetterQueueUrl --stack-name checkout`,
    ]);
    expect(verdict.pipelines.storageBackup.health).toBe('healthy');
  });

  it('counts the dead-letter queue of each subscription against its own pipeline', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        searchAnalytics: {
          subscriptionDeadLetterQueue: readingOf(
            aQueueStatus(NAMES.searchSubscriptionDeadLetterQueue, { waiting: 1 }),
          ),
        },
      }),
      CONTEXT,
    );

    expect(verdict.pipelines.searchAnalytics.problems).toEqual([
      `the subscription dead-letter queue ${NAMES.searchSubscriptionDeadLetterQueue} holds 1 message: fix the cause, then npm run redrive -- SearchSubscriptionDeadLetterQueueUrl --stack-name checkout`,
    ]);
    expect(verdict.pipelines.storageBackup.health).toBe('healthy');
  });

  it('finds checkout processing unhealthy while the breaker is open, with the breaker reason', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: {
          circuitBreaker: readingOf(anOpenCircuitBreaker()),
          eventSourceMapping: readingOf(anEventSourceMapping({ state: 'Disabled' })),
        },
      }),
      CONTEXT,
    );

    const checkout = verdict.pipelines.checkoutProcessing;
    expect(checkout.health).toBe('unhealthy');
    expect(checkout.summary).toMatch(/; breaker open$/);
    expect(checkout.problems).toEqual([
      'the circuit breaker is open since 2026-11-21T10:00:00.000Z: 5 failures of the dependencies within 60 s (threshold 5): orders wait in the checkout queue (3 orders waiting) until a trial batch succeeds',
    ]);
  });

  it('finds checkout processing unhealthy while the breaker is half-open', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: {
          circuitBreaker: readingOf(
            aCircuitBreaker({ state: 'half-open', reason: 'cool-down of 60 s over: trying one batch' }),
          ),
        },
      }),
      CONTEXT,
    );

    expect(verdict.pipelines.checkoutProcessing.problems).toEqual([
      expect.stringMatching(
        /^the circuit breaker is half-open since .*: cool-down of 60 s over: trying one batch: /,
      ),
    ]);
  });

  it('finds checkout processing unhealthy when its event source mapping is disabled while the breaker is closed', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: { eventSourceMapping: readingOf(anEventSourceMapping({ state: 'Disabled' })) },
      }),
      CONTEXT,
    );

    expect(verdict.pipelines.checkoutProcessing.problems).toEqual([
      'the checkout event source mapping checkout-mapping is Disabled while the circuit breaker is closed: nothing consumes the checkout queue',
    ]);

    const withoutBreaker = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: {
          circuitBreaker: undefined,
          eventSourceMapping: readingOf(anEventSourceMapping({ state: 'Disabling' })),
        },
      }),
      CONTEXT,
    );
    expect(withoutBreaker.pipelines.checkoutProcessing.problems).toEqual([
      'the checkout event source mapping checkout-mapping is Disabling: nothing consumes the checkout queue',
    ]);
  });

  it('notes a stack without the circuit breaker instead of failing it', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: { circuitBreaker: undefined, eventSourceMapping: undefined },
      }),
      CONTEXT,
    );

    expect(verdict.pipelines.checkoutProcessing).toMatchObject({
      health: 'healthy',
      summary: 'queue 3 waiting, 2 in flight; DLQ 0; subscription DLQ 0; no breaker',
      notes: ['no circuit breaker in this stack (no output CircuitBreakerTableName)'],
    });
  });

  it('finds a pipeline unhealthy when its delivery stream is not active or its encryption failed', () => {
    const creating = verdictsOf(
      aHealthyStackStatus({
        storageBackup: {
          deliveryStream: readingOf(
            aDeliveryStream(NAMES.archiveStream, {
              status: 'CREATING_FAILED',
              failure: 'INVALID_KMS_KEY: the key is disabled',
            }),
          ),
        },
      }),
      CONTEXT,
    );
    expect(creating.pipelines.storageBackup.problems).toEqual([
      `the delivery stream ${NAMES.archiveStream} is CREATING_FAILED: INVALID_KMS_KEY: the key is disabled`,
    ]);
    expect(creating.pipelines.storageBackup.summary).toBe('stream CREATING_FAILED; subscription DLQ 0');

    const encryption = verdictsOf(
      aHealthyStackStatus({
        storageBackup: {
          deliveryStream: readingOf(aDeliveryStream(NAMES.archiveStream, { encryption: 'ENABLING_FAILED' })),
        },
      }),
      CONTEXT,
    );
    expect(encryption.pipelines.storageBackup.problems).toEqual([
      `the encryption of the delivery stream ${NAMES.archiveStream} is ENABLING_FAILED`,
    ]);
  });

  it('finds the local search domain healthy when green or yellow, and unhealthy when red', () => {
    const withHealth = (health: string) =>
      verdictsOf(
        aHealthyStackStatus({
          searchAnalytics: { domain: readingOf(aClusterHealth({ health, unassignedShards: 2 })) },
        }),
        CONTEXT,
      ).pipelines.searchAnalytics;

    expect(withHealth('green').health).toBe('healthy');
    expect(withHealth('yellow')).toMatchObject({
      health: 'healthy',
      summary: expect.stringContaining('domain yellow'),
    });
    expect(withHealth('red')).toMatchObject({
      health: 'unhealthy',
      problems: [
        "the search domain's cluster health is red (2 unassigned shards): some primary shards are not allocated, so orders cannot all be indexed or found",
      ],
    });
  });

  it('finds the domain in AWS unhealthy when it is deleted, isolated or its last change failed, and notes a change in progress', () => {
    const withDomain = (overrides: Parameters<typeof aServiceDomain>[0]) =>
      verdictsOf(
        aHealthyStackStatus({ searchAnalytics: { domain: readingOf(aServiceDomain(overrides)) } }),
        CONTEXT,
      ).pipelines.searchAnalytics;

    expect(withDomain({ deleted: true }).problems).toEqual([
      `the search domain ${NAMES.searchDomain} is deleted`,
    ]);
    expect(withDomain({ processingStatus: 'Isolated' }).problems).toEqual([
      `the search domain ${NAMES.searchDomain} is Isolated`,
    ]);
    expect(
      withDomain({ changeStatus: 'ValidationFailed', changeMessage: 'the instance type is not available' })
        .problems,
    ).toEqual([
      `the last configuration change of the search domain ${NAMES.searchDomain} failed validation: the instance type is not available`,
    ]);
    expect(withDomain({ processing: true, processingStatus: 'Modifying' })).toMatchObject({
      health: 'healthy',
      summary: expect.stringContaining('domain Modifying'),
      notes: [`the search domain ${NAMES.searchDomain} is applying a configuration change (Modifying)`],
    });
    expect(withDomain({ upgradeProcessing: true, processingStatus: 'UpgradingEngineVersion' }).notes).toEqual(
      [`the search domain ${NAMES.searchDomain} is upgrading its engine version`],
    );
  });

  it('finds a pipeline unhealthy when a subscription of it has no dead-letter queue', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        storageBackup: {
          subscriptions: readingOf([
            aSubscription({
              protocol: 'firehose',
              endpoint: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/checkout-archive',
              deadLetterQueueArn: undefined,
              deadLetterQueueOutput: undefined,
              deadLetterQueue: undefined,
            }),
          ]),
        },
      }),
      CONTEXT,
    );

    expect(verdict.pipelines.storageBackup.problems).toEqual([
      expect.stringMatching(
        /^the firehose subscription arn:aws:sns:.* has no dead-letter queue \(RedrivePolicy\): what SNS cannot deliver to arn:aws:firehose:.* is lost$/,
      ),
    ]);
  });

  it('finds a pipeline unhealthy when no subscription of the topic delivers to it', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({ eventReplay: { subscriptions: readingOf([]) } }),
      CONTEXT,
    );
    expect(verdict.pipelines.eventReplay.problems).toEqual([
      'no subscription of the topic delivers to it: it receives no orders',
    ]);
  });

  it('checks a subscription dead-letter queue that is none of the stack outputs by its URL', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: {
          subscriptions: readingOf([
            aSubscription({
              deadLetterQueueArn: aQueueArn('elsewhere-dlq'),
              deadLetterQueueOutput: undefined,
              deadLetterQueue: readingOf(aQueueStatus('elsewhere-dlq', { waiting: 4 })),
            }),
          ]),
        },
      }),
      CONTEXT,
    );
    expect(verdict.pipelines.checkoutProcessing.problems).toEqual([
      expect.stringMatching(
        /^the dead-letter queue elsewhere-dlq of the sqs subscription .* holds 4 messages: fix the cause, then npm run redrive -- https:\/\/sqs\..*\/elsewhere-dlq$/,
      ),
    ]);
  });

  it('judges other subscriptions of the topic by their dead-letter queues, and only when there are any', () => {
    const verdict = verdictsOf(
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
      CONTEXT,
    );
    expect(verdict.health).toBe('unhealthy');
    expect(verdict.otherSubscriptions).toMatchObject({ health: 'unhealthy', summary: '1 subscription' });
    expect(Object.values(verdict.pipelines).map(({ health }) => health)).toEqual([
      'healthy',
      'healthy',
      'healthy',
      'healthy',
    ]);
  });

  it('finds the replay healthy while it runs and notes it, and unhealthy when its verdict is a problem', () => {
    const replaying = verdictsOf(
      aHealthyStackStatus({
        eventReplay: {
          replay: readingOf(
            aReplayStatus({
              replay: RUNNING_REPLAY,
              mapping: { uuid: 'replay-mapping', state: 'Enabled' },
              replayQueue: aQueueStatus(NAMES.replayQueue, { waiting: 40, inFlight: 10 }),
            }),
          ),
        },
      }),
      CONTEXT,
    ).pipelines.eventReplay;
    expect(replaying).toMatchObject({
      health: 'healthy',
      summary: expect.stringMatching(/; replaying$/),
      notes: [expect.stringMatching(/^a replay is running: replaying/)],
    });

    const enabledWithoutReplay = verdictsOf(
      aHealthyStackStatus({
        eventReplay: {
          replay: readingOf(aReplayStatus({ mapping: { uuid: 'replay-mapping', state: 'Enabled' } })),
        },
      }),
      CONTEXT,
    ).pipelines.eventReplay;
    expect(enabledWithoutReplay.health).toBe('unhealthy');
    expect(enabledWithoutReplay.problems).toEqual([
      expect.stringMatching(
        /^the event source mapping is Enabled but no replay is running: .* disable it with npm run replay -- stop --stack-name checkout$/,
      ),
    ]);

    const notReplaying = verdictsOf(
      aHealthyStackStatus({
        eventReplay: { replay: readingOf(aReplayStatus({ replay: RUNNING_REPLAY })) },
      }),
      CONTEXT,
    ).pipelines.eventReplay;
    expect(notReplaying.health).toBe('unhealthy');
    expect(notReplaying.summary).toMatch(/; replay not replaying$/);
  });

  it('finds a completed replay healthy and says so on the line', () => {
    const completed = verdictsOf(
      aHealthyStackStatus({
        eventReplay: {
          replay: readingOf(
            aReplayStatus({
              replay: { ...RUNNING_REPLAY, status: 'completed', completedAt: '2026-11-21T17:30:00.000Z' },
            }),
          ),
        },
      }),
      CONTEXT,
    ).pipelines.eventReplay;
    expect(completed).toMatchObject({
      health: 'healthy',
      summary: expect.stringMatching(/; last replay completed$/),
      notes: [],
    });
  });

  it('calls a pipeline unknown, with the reason, when a part of it cannot be read', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        searchAnalytics: {
          domain: anUnreadablePart('cannot reach the local stack at http://127.0.0.1:9 (ECONNREFUSED)'),
        },
      }),
      CONTEXT,
    );

    expect(verdict.health).toBe('unknown');
    expect(verdict.pipelines.searchAnalytics).toMatchObject({
      health: 'unknown',
      summary: 'stream ACTIVE; domain ?; subscription DLQ 0',
      problems: [],
      unknown: ['the search domain: cannot reach the local stack at http://127.0.0.1:9 (ECONNREFUSED)'],
    });
  });

  it('calls a pipeline unhealthy rather than unknown when it has a problem as well as an unreadable part', () => {
    const verdict = verdictsOf(
      aHealthyStackStatus({
        checkoutProcessing: {
          queue: anUnreadablePart(),
          circuitBreaker: readingOf(anOpenCircuitBreaker()),
        },
      }),
      CONTEXT,
    );
    expect(verdict.pipelines.checkoutProcessing).toMatchObject({
      health: 'unhealthy',
      summary: 'queue ?; DLQ 0; subscription DLQ 0; breaker open',
      unknown: [expect.stringMatching(/^the checkout queue \(CheckoutQueueUrl\): cannot reach AWS/)],
    });
    expect(verdict.pipelines.checkoutProcessing.problems[0]).toMatch(/until a trial batch succeeds$/);
  });

  it('takes the worst health of several', () => {
    expect(worstOf(['healthy', 'healthy'])).toBe('healthy');
    expect(worstOf(['healthy', 'unknown'])).toBe('unknown');
    expect(worstOf(['unknown', 'unhealthy', 'healthy'])).toBe('unhealthy');
  });
});
