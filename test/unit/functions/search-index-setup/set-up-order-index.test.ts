import type { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from '@opensearch-project/opensearch';
import { orderIndexTemplate, orderIngestPipeline, retentionPolicy } from '../../../../src/domain/search';
import {
  removeOrderIndexSetup,
  setUpOrderIndex,
} from '../../../../src/functions/search-index-setup/set-up-order-index';
import { anOrderIndexSettings } from '../../../factories/order-index';
import { anOpenSearchResponseError } from '../../../helpers/in-memory-security-plugin';

const SETTINGS = anOrderIndexSettings({ retentionDays: 90 });
const POLICY_PATH = '/_plugins/_ism/policies/orders-retention';

const NO_ISM = anOpenSearchResponseError(400, {
  error: `no handler found for uri [${POLICY_PATH}] and method [PUT]`,
});
const POLICY_EXISTS = anOpenSearchResponseError(409, {
  error: { type: 'version_conflict_engine_exception', reason: '[orders-retention]: version conflict' },
  status: 409,
});

interface TransportCall {
  method: string;
  path: string;
  querystring?: Record<string, unknown>;
  body?: unknown;
}

/**
 * The parts of the OpenSearch client the set-up uses; `transport` answers each call with the next of
 * `answers` (a value resolves, an Error rejects).
 */
const aFakeClient = (answers: unknown[] = []) => {
  const pending = [...answers];
  const putPipeline = jest.fn(async (_: { id: string; body: unknown }) => ({ body: {} }));
  const putIndexTemplate = jest.fn(async (_: { name: string; body: unknown }) => ({ body: {} }));
  const putSettings = jest.fn(async (_: { index: string; allow_no_indices: boolean; body: unknown }) => ({
    body: {},
  }));
  const deleteIndexTemplate = jest.fn(async (_: { name: string }) => ({ body: {} }));
  const request = jest.fn(async (_: TransportCall) => {
    const answer = pending.shift() ?? { body: {} };
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const client = {
    ingest: { putPipeline },
    indices: { putIndexTemplate, putSettings, deleteIndexTemplate },
    transport: { request },
  };
  return {
    client: client as unknown as Client,
    putPipeline,
    putIndexTemplate,
    putSettings,
    deleteIndexTemplate,
    transportCalls: () => request.mock.calls.map(([call]) => call),
  };
};

const aLogger = () => {
  const logger = { info: jest.fn(), warn: jest.fn() };
  return { logger, asLogger: logger as unknown as Logger };
};

describe('setUpOrderIndex', () => {
  it('puts the pipeline, the index template that names it, the pipeline on the existing indices, then the retention policy', async () => {
    const fake = aFakeClient();
    const { asLogger } = aLogger();

    const result = await setUpOrderIndex(fake.client, SETTINGS, asLogger);

    expect(fake.putPipeline).toHaveBeenCalledWith({
      id: 'orders-one-per-order',
      body: orderIngestPipeline(SETTINGS),
    });
    expect(fake.putIndexTemplate).toHaveBeenCalledWith({
      name: 'orders-template',
      body: orderIndexTemplate(SETTINGS),
    });
    expect(fake.putSettings).toHaveBeenCalledWith({
      index: 'orders-*',
      allow_no_indices: true,
      body: { index: { default_pipeline: 'orders-one-per-order' } },
    });
    expect(fake.transportCalls()).toEqual([
      { method: 'PUT', path: POLICY_PATH, body: retentionPolicy(SETTINGS) },
    ]);
    const order = [
      fake.putPipeline,
      fake.putIndexTemplate,
      fake.putSettings,
      fake.client.transport.request as jest.Mock,
    ].map((mock) => mock.mock.invocationCallOrder[0] as number);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(result).toEqual({
      IndexTemplate: 'orders-template',
      Alias: 'orders',
      RetentionPolicy: 'orders-retention',
    });
  });

  it('puts the pipeline of the rotation it is given', async () => {
    const fake = aFakeClient();
    const hourly = anOrderIndexSettings({ indexName: 'sales', rotation: 'OneHour' });

    await setUpOrderIndex(fake.client, hourly, aLogger().asLogger);

    expect(fake.putPipeline).toHaveBeenCalledWith({
      id: 'sales-one-per-order',
      body: orderIngestPipeline(hourly),
    });
  });

  it('fails without putting the template when the pipeline is refused', async () => {
    const fake = aFakeClient();
    const refused = anOpenSearchResponseError(400, {
      error: { type: 'parse_exception', reason: 'No processor type exists with name [date_index_name]' },
    });
    fake.putPipeline.mockRejectedValueOnce(refused);

    await expect(setUpOrderIndex(fake.client, SETTINGS, aLogger().asLogger)).rejects.toBe(refused);
    expect(fake.putIndexTemplate).not.toHaveBeenCalled();
    expect(fake.transportCalls()).toEqual([]);
  });

  it('updates a policy that exists, with the sequence numbers it reads first', async () => {
    const fake = aFakeClient([
      POLICY_EXISTS,
      { body: { _id: 'orders-retention', _seq_no: 7, _primary_term: 2 } },
    ]);

    const result = await setUpOrderIndex(fake.client, SETTINGS, aLogger().asLogger);

    expect(fake.transportCalls()).toEqual([
      { method: 'PUT', path: POLICY_PATH, body: retentionPolicy(SETTINGS) },
      { method: 'GET', path: POLICY_PATH },
      {
        method: 'PUT',
        path: POLICY_PATH,
        querystring: { if_seq_no: 7, if_primary_term: 2 },
        body: retentionPolicy(SETTINGS),
      },
    ]);
    expect(result.RetentionPolicy).toBe('orders-retention');
  });

  it('reports the policy as unavailable, with a warning, on a cluster without index state management', async () => {
    const fake = aFakeClient([NO_ISM]);
    const { logger, asLogger } = aLogger();

    const result = await setUpOrderIndex(fake.client, SETTINGS, asLogger);

    expect(result).toEqual({
      IndexTemplate: 'orders-template',
      Alias: 'orders',
      RetentionPolicy: 'unavailable',
    });
    expect(fake.putIndexTemplate).toHaveBeenCalledTimes(1);
    expect(fake.transportCalls()).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('no index state management plugin'));
  });

  it('fails on any other refusal of the policy', async () => {
    const forbidden = anOpenSearchResponseError(403, {
      message: 'no permissions for [cluster:admin/opendistro/ism/policy/write]',
    });
    const invalid = anOpenSearchResponseError(400, {
      error: { type: 'illegal_argument_exception', reason: 'bad policy' },
    });

    await expect(setUpOrderIndex(aFakeClient([forbidden]).client, SETTINGS, aLogger().asLogger)).rejects.toBe(
      forbidden,
    );
    await expect(setUpOrderIndex(aFakeClient([invalid]).client, SETTINGS, aLogger().asLogger)).rejects.toBe(
      invalid,
    );
  });

  it('fails without touching the policy when the template is refused', async () => {
    const fake = aFakeClient();
    const refused = anOpenSearchResponseError(400, {
      error: { type: 'invalid_index_template_exception', reason: 'bad' },
    });
    fake.putIndexTemplate.mockRejectedValueOnce(refused);

    await expect(setUpOrderIndex(fake.client, SETTINGS, aLogger().asLogger)).rejects.toBe(refused);
    expect(fake.transportCalls()).toEqual([]);
  });

  it('fails when the update of an existing policy fails', async () => {
    const conflict = anOpenSearchResponseError(409, {
      error: { type: 'version_conflict_engine_exception', reason: 'again' },
    });
    const fake = aFakeClient([POLICY_EXISTS, { body: { _seq_no: 1, _primary_term: 1 } }, conflict]);

    await expect(setUpOrderIndex(fake.client, SETTINGS, aLogger().asLogger)).rejects.toBe(conflict);
  });
});

describe('removeOrderIndexSetup', () => {
  it('deletes the template and the policy of the index, and keeps the pipeline its indices still name', async () => {
    const fake = aFakeClient();

    await removeOrderIndexSetup(fake.client, 'orders');

    expect(fake.deleteIndexTemplate).toHaveBeenCalledWith({ name: 'orders-template' });
    expect(fake.transportCalls()).toEqual([{ method: 'DELETE', path: POLICY_PATH }]);
    expect(fake.putSettings).not.toHaveBeenCalled();
  });

  it('ignores a template or a policy that is already gone, and a cluster without index state management', async () => {
    const fake = aFakeClient([NO_ISM]);
    fake.deleteIndexTemplate.mockRejectedValueOnce(
      anOpenSearchResponseError(404, {
        error: { type: 'index_template_missing_exception', reason: 'missing' },
      }),
    );
    await expect(removeOrderIndexSetup(fake.client, 'orders')).resolves.toBeUndefined();

    const gone = aFakeClient([
      anOpenSearchResponseError(404, { error: { type: 'status_exception', reason: 'not found' } }),
    ]);
    await expect(removeOrderIndexSetup(gone.client, 'orders')).resolves.toBeUndefined();
    expect(gone.transportCalls()).toHaveLength(1);
  });

  it('fails when the domain fails', async () => {
    const failure = anOpenSearchResponseError(500, {
      error: { type: 'cluster_block_exception', reason: 'blocked' },
    });
    const fake = aFakeClient();
    fake.deleteIndexTemplate.mockRejectedValueOnce(failure);

    await expect(removeOrderIndexSetup(fake.client, 'orders')).rejects.toBe(failure);
  });
});
