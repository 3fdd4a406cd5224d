import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { transformRecord } from '../../domain/card-data';

export interface TransformRecordsDependencies {
  logger: Logger;
  metrics: Metrics;
}

/** How many failed records the batch summary names (with their reasons), so that it stays one short line. */
export const MAX_FAILURES_LOGGED = 10;

/**
 * The Firehose data transformation (SPEC §3.3, §3.4): one result per input record, in order, with its
 * `recordId`. A sanitised record is `Ok` with one line of JSON; a record that cannot be parsed is
 * `ProcessingFailed` with its original data, which Firehose writes under the error prefix, so nothing is
 * dropped silently and one bad record never fails its neighbours. Logs one summary line per batch (counts,
 * record ids and reasons, never data) and emits the batch's metrics.
 */
export const transformRecords = (
  event: FirehoseTransformationEvent,
  { logger, metrics }: TransformRecordsDependencies,
): FirehoseTransformationResult => {
  let transformed = 0;
  let cardObjectsRemoved = 0;
  let cardNumbersMasked = 0;
  const failures: { recordId: string; reason: string }[] = [];

  const records = event.records.map(({ recordId, data }): FirehoseTransformationResultRecord => {
    const outcome = transformRecord(data);
    if (outcome.result === 'Ok') {
      transformed += 1;
      cardObjectsRemoved += outcome.cardObjectsRemoved;
      cardNumbersMasked += outcome.numbersMasked;
      return { recordId, result: 'Ok', data: outcome.data };
    }
    failures.push({ recordId, reason: outcome.reason });
    return { recordId, result: 'ProcessingFailed', data };
  });

  metrics.addMetric('RecordsTransformed', MetricUnit.Count, transformed);
  metrics.addMetric('RecordsFailed', MetricUnit.Count, failures.length);
  metrics.addMetric('CardNumbersMasked', MetricUnit.Count, cardNumbersMasked);
  metrics.addMetric('CardObjectsRemoved', MetricUnit.Count, cardObjectsRemoved);

  const summary = {
    invocationId: event.invocationId,
    deliveryStreamArn: event.deliveryStreamArn,
    records: records.length,
    ok: transformed,
    processingFailed: failures.length,
    cardObjectsRemoved,
    cardNumbersMasked,
    ...(failures.length > 0 ? { failures: failures.slice(0, MAX_FAILURES_LOGGED) } : {}),
  };
  if (failures.length > 0) {
    logger.warn('Batch transformed; failed records go to the error output prefix', summary);
  } else {
    logger.info('Batch transformed', summary);
  }
  return { records };
};
