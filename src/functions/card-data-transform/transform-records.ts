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

/** How many quarantined records the batch summary names (with their reasons), so that it stays one line. */
export const MAX_QUARANTINED_LOGGED = 10;

/**
 * The Firehose data transformation (SPEC §2, §3.3, §3.4): one `Ok` result per input record, in order, with
 * its `recordId`: the sanitised document as one line of JSON, or, for a record that is not a JSON object,
 * a quarantine document holding its masked text. Never `ProcessingFailed`: Firehose would write such a
 * record as received, card data included. Logs one summary line per batch (counts, record ids and
 * reasons, never data) and emits the batch's metrics.
 */
export const transformRecords = (
  event: FirehoseTransformationEvent,
  { logger, metrics }: TransformRecordsDependencies,
): FirehoseTransformationResult => {
  let cardObjectsReduced = 0;
  let sensitiveAuthenticationDataRemoved = 0;
  let cardNumbersMasked = 0;
  const quarantined: { recordId: string; reason: string }[] = [];

  const records = event.records.map(({ recordId, data }): FirehoseTransformationResultRecord => {
    const outcome = transformRecord(data);
    cardObjectsReduced += outcome.cardObjectsReduced;
    sensitiveAuthenticationDataRemoved += outcome.sensitiveAuthenticationDataRemoved;
    cardNumbersMasked += outcome.numbersMasked;
    if (outcome.quarantined !== undefined) quarantined.push({ recordId, reason: outcome.quarantined });
    return { recordId, result: 'Ok', data: outcome.data };
  });

  metrics.addMetric('RecordsTransformed', MetricUnit.Count, records.length - quarantined.length);
  metrics.addMetric('RecordsQuarantined', MetricUnit.Count, quarantined.length);
  metrics.addMetric('CardNumbersMasked', MetricUnit.Count, cardNumbersMasked);
  metrics.addMetric('CardObjectsReduced', MetricUnit.Count, cardObjectsReduced);
  metrics.addMetric(
    'SensitiveAuthenticationDataRemoved',
    MetricUnit.Count,
    sensitiveAuthenticationDataRemoved,
  );

  const summary = {
    invocationId: event.invocationId,
    deliveryStreamArn: event.deliveryStreamArn,
    records: records.length,
    quarantined: quarantined.length,
    cardObjectsReduced,
    sensitiveAuthenticationDataRemoved,
    cardNumbersMasked,
    ...(quarantined.length > 0 ? { quarantinedRecords: quarantined.slice(0, MAX_QUARANTINED_LOGGED) } : {}),
  };
  if (quarantined.length > 0) {
    logger.warn('Batch transformed; records that are not JSON objects were quarantined, masked', summary);
  } else {
    logger.info('Batch transformed', summary);
  }
  return { records };
};
