import { type BatchProcessor, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { OrderRepository } from '../../adapters/dynamodb-order-repository';
import type { RecordScopedLogger } from '../../shared/record-scoped-logger';
import type { FaultMode } from './fault-mode';
import { isDependencyFailure } from './report-to-breaker';
import { InvalidOrderMessageError, parseOrderMessage, storeOrder } from './store-order';

export interface CheckoutBatchDependencies {
  repository: OrderRepository;
  processor: BatchProcessor;
  logger: RecordScopedLogger;
  metrics: Metrics;
  /** The game-day fault switch's mode, read once per batch (`off` in stacks without the switch). */
  faultMode: () => Promise<FaultMode>;
  /** Counts the batch's dependency failures on the circuit breaker (see report-to-breaker.ts). */
  reportDependencyFailures: (failures: number, functionArn: string) => Promise<void>;
  /**
   * Whether the batch's records are processed concurrently (the default, as Powertools does) or one after
   * another. Each record logs under its own keys either way.
   */
  processInParallel?: boolean;
}

/**
 * One batch of the checkout queue: every order message stored (exactly once), each in a record scope of the
 * logger, so that every line of a record carries its order's id as correlation id (and its replay id), even
 * with the records processed concurrently. Failed messages are reported as partial batch failures (they are
 * retried, then moved to the dead-letter queue); dependency failures among them are counted on the circuit
 * breaker once the batch is done.
 */
export const createCheckoutBatch = ({
  repository,
  processor,
  logger,
  metrics,
  faultMode,
  reportDependencyFailures,
  processInParallel = true,
}: CheckoutBatchDependencies) => {
  /** One order message, in its own record scope. */
  const processRecord = async (record: SQSRecord, mode: FaultMode) => {
    try {
      const order = parseOrderMessage(record.body);
      logger.setCorrelationId(order.id);
      const replayId = record.messageAttributes.replayId?.stringValue;
      if (replayId) logger.appendKeys({ replayId });
      return await storeOrder(order, { repository, logger, metrics, faultMode: mode });
    } catch (error) {
      // The message stays on the queue: it is retried, and after maxReceiveCount it moves to the DLQ.
      logger.error('Order message failed; it will be retried, then moved to the dead-letter queue', {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        ...(error instanceof InvalidOrderMessageError
          ? { problems: error.problems }
          : { error: error as Error }),
      });
      throw error;
    }
  };

  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const mode = await faultMode();
    let dependencyFailures = 0;
    const inItsOwnScope = (record: SQSRecord) =>
      logger.withRecordScope(async () => {
        try {
          return await processRecord(record, mode);
        } catch (error) {
          if (isDependencyFailure(error)) dependencyFailures += 1;
          throw error;
        }
      });
    try {
      return await processPartialResponse(event, inItsOwnScope, processor, { context, processInParallel });
    } finally {
      await reportDependencyFailures(dependencyFailures, context.invokedFunctionArn).catch((error: unknown) =>
        // The orders' fate does not depend on it: they are retried either way.
        logger.error('The circuit breaker could not be told of failed orders', { error: error as Error }),
      );
    }
  };
};
