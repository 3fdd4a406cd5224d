import type { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from '@opensearch-project/opensearch';
import {
  indexTemplateName,
  type OrderIndexSettings,
  orderIndexTemplate,
  orderIngestPipeline,
  orderPipelineName,
  retentionPolicy,
  retentionPolicyName,
  rotatedIndexPattern,
} from '../../domain/search';

export interface IndexSetupResult {
  IndexTemplate: string;
  Alias: string;
  /** The ISM policy's name, or `unavailable` on a cluster without the index management plugin. */
  RetentionPolicy: string;
}

interface ResponseError {
  meta?: { statusCode?: number; body?: unknown };
  message?: string;
}

const statusOf = (error: unknown) => (error as ResponseError).meta?.statusCode;
const bodyText = (error: unknown) =>
  JSON.stringify((error as ResponseError).meta?.body ?? (error as ResponseError).message ?? '');

/** Creates or updates the retention policy; a policy that exists is updated with its sequence numbers. */
const putRetentionPolicy = async (
  client: Client,
  settings: OrderIndexSettings,
  logger: Logger,
): Promise<string> => {
  const path = `/_plugins/_ism/policies/${retentionPolicyName(settings.indexName)}`;
  try {
    await client.transport.request({ method: 'PUT', path, body: retentionPolicy(settings) });
  } catch (error) {
    if (statusOf(error) === 400 && bodyText(error).includes('no handler found')) {
      logger.warn('This cluster has no index state management plugin: old indices are not deleted');
      return 'unavailable';
    }
    if (statusOf(error) !== 409) throw error;
    const existing = (await client.transport.request({ method: 'GET', path })).body as {
      _seq_no: number;
      _primary_term: number;
    };
    await client.transport.request({
      method: 'PUT',
      path,
      querystring: { if_seq_no: existing._seq_no, if_primary_term: existing._primary_term },
      body: retentionPolicy(settings),
    });
  }
  return retentionPolicyName(settings.indexName);
};

/**
 * The index set-up of the search pipeline: the one-per-order ingest pipeline (first: the template names it),
 * the typed index template with its alias, the pipeline made the default of the rotated indices that exist
 * already (a stack updated from a version without it), and the ISM policy.
 */
export const setUpOrderIndex = async (
  client: Client,
  settings: OrderIndexSettings,
  logger: Logger,
): Promise<IndexSetupResult> => {
  const pipeline = orderPipelineName(settings.indexName);
  await client.ingest.putPipeline({ id: pipeline, body: orderIngestPipeline(settings) });
  await client.indices.putIndexTemplate({
    name: indexTemplateName(settings.indexName),
    body: orderIndexTemplate(settings),
  });
  await client.indices.putSettings({
    index: rotatedIndexPattern(settings.indexName),
    allow_no_indices: true,
    body: { index: { default_pipeline: pipeline } },
  });
  const policy = await putRetentionPolicy(client, settings, logger);
  logger.info('Order index set up', {
    indexName: settings.indexName,
    rotation: settings.rotation,
    pipeline,
    retentionPolicy: policy,
  });
  return {
    IndexTemplate: indexTemplateName(settings.indexName),
    Alias: settings.indexName,
    RetentionPolicy: policy,
  };
};

/**
 * Removes what setUpOrderIndex created; the indices and their documents stay, and so does the ingest
 * pipeline: the indices that stay name it as their default pipeline, and would refuse every document
 * without it.
 */
export const removeOrderIndexSetup = async (client: Client, indexName: string): Promise<void> => {
  const ignoreMissing = (error: unknown) => {
    if (statusOf(error) !== 404 && statusOf(error) !== 400) throw error;
  };
  await client.indices.deleteIndexTemplate({ name: indexTemplateName(indexName) }).catch(ignoreMissing);
  await client.transport
    .request({ method: 'DELETE', path: `/_plugins/_ism/policies/${retentionPolicyName(indexName)}` })
    .catch(ignoreMissing);
};
