import { Metrics } from '@aws-lambda-powertools/metrics';
import { RecordScopedLogger } from '../../src/shared/record-scoped-logger';

/** Real Powertools instances, as the functions create them, for tests that pass them in. */
export const testPowertools = (serviceName: string) => ({
  logger: new RecordScopedLogger({ serviceName, logLevel: 'DEBUG' }),
  metrics: new Metrics({ namespace: 'CheckoutOrdersTest', serviceName }),
});

interface EmfDocument {
  _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
  [name: string]: unknown;
}

/** The metrics added since the last flush, by name, with their values. */
export const recordedMetrics = (metrics: Metrics): Record<string, unknown> => {
  const document = metrics.serializeMetrics() as unknown as EmfDocument;
  const names = document._aws.CloudWatchMetrics.flatMap(({ Metrics }) => Metrics.map(({ Name }) => Name));
  return Object.fromEntries(names.map((name) => [name, document[name]]));
};
