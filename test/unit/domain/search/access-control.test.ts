import {
  ALL_INDICES_METADATA_READS,
  AUDIT_CONFIGURATION,
  indexReaderRole,
  indexWriterRole,
  orderIndexPatterns,
  readerRoleName,
  roleMapping,
  type SecurityRole,
  writerRoleName,
} from '../../../../src/domain/search';
import { anIamRoleArn } from '../../../factories/order-index';

/** An OpenSearch security plugin pattern (`*` matches anything, everything else itself) as a RegExp. */
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
const matchesAny = (patterns: readonly string[], value: string) =>
  patterns.some((pattern) => wildcard(pattern).test(value));

/** Whether the role allows a cluster action, or an index action on the index (or alias) named. */
const allows = (role: SecurityRole, action: string, index?: string) =>
  index === undefined
    ? matchesAny(role.cluster_permissions, action)
    : role.index_permissions.some(
        (permission) =>
          matchesAny(permission.index_patterns, index) && matchesAny(permission.allowed_actions, action),
      );

const ROTATED = 'orders-2026-11-21';
const NEXT_ROTATED = 'orders-2026-11-22';
/** Indices and aliases of the domain that are not the orders': another index, look-alikes, system indices. */
const OTHER_INDICES = ['customers', 'orders_archive', 'ordersx', '.opendistro_security', '.kibana_1'];

/** What no role of the order indices may do, on the order indices or anywhere else. */
const DESTRUCTIVE_OR_ADMIN = {
  cluster: [
    'cluster:admin/settings/update',
    'cluster:admin/ingest/pipeline/put',
    'cluster:admin/ingest/pipeline/delete',
    'cluster:admin/opendistro/ism/policy/write',
    'cluster:admin/opendistro/ism/policy/delete',
    'cluster:admin/snapshot/restore',
    'cluster:admin/reroute',
    'indices:admin/index_template/put',
    'indices:admin/index_template/delete',
    'restapi:admin/roles',
    'restapi:admin/rolesmapping',
    'restapi:admin/internalusers',
  ],
  index: [
    'indices:admin/delete',
    'indices:admin/close',
    'indices:admin/aliases',
    'indices:admin/settings/update',
    'indices:admin/forcemerge',
    'indices:data/write/delete',
    'indices:data/write/delete/byquery',
    'indices:data/write/update',
    'indices:data/write/update/byquery',
    'indices:data/write/reindex',
  ],
};

describe('the names of the access control', () => {
  it('derives the writer and reader role names and the patterns of the orders from the index name', () => {
    expect(writerRoleName('orders')).toBe('orders_writer');
    expect(readerRoleName('orders')).toBe('orders_reader');
    expect(writerRoleName('sales')).toBe('sales_writer');
    expect(orderIndexPatterns('orders')).toEqual(['orders', 'orders-*']);
  });
});

describe('indexWriterRole', () => {
  const writer = indexWriterRole('orders');

  it('lets the delivery stream bulk-index orders into the rotated indices', () => {
    expect(allows(writer, 'indices:data/write/bulk')).toBe(true);
    for (const index of [ROTATED, NEXT_ROTATED, 'orders-2026-w47', 'orders-2026-11-21-09']) {
      expect(allows(writer, 'indices:data/write/bulk[s]', index)).toBe(true);
      expect(allows(writer, 'indices:data/write/index', index)).toBe(true);
    }
  });

  it('lets it create each rotated index as its rotation comes, with the mapping updates of new fields', () => {
    expect(allows(writer, 'indices:admin/create', NEXT_ROTATED)).toBe(true);
    expect(allows(writer, 'indices:admin/mapping/put', NEXT_ROTATED)).toBe(true);
  });

  it('lets it read the metadata Firehose reads: the cluster, the nodes, the mappings, settings and statistics', () => {
    for (const action of [
      'cluster:monitor/main',
      'cluster:monitor/health',
      'cluster:monitor/stats',
      'cluster:monitor/nodes/info',
      'cluster:monitor/nodes/stats',
    ]) {
      expect(allows(writer, action)).toBe(true);
    }
    expect(allows(writer, 'indices:admin/mappings/get', ROTATED)).toBe(true);
    expect(allows(writer, 'indices:admin/mappings/get', 'orders')).toBe(true);
    // GET _all/_settings and GET _stats name every index.
    for (const index of [ROTATED, ...OTHER_INDICES]) {
      expect(allows(writer, 'indices:monitor/settings/get', index)).toBe(true);
      expect(allows(writer, 'indices:monitor/stats', index)).toBe(true);
    }
  });

  it('writes nowhere but the rotated indices: not through the alias, not in any other index', () => {
    for (const index of ['orders', ...OTHER_INDICES]) {
      for (const action of [
        'indices:data/write/index',
        'indices:data/write/bulk[s]',
        'indices:admin/create',
      ]) {
        expect(allows(writer, action, index)).toBe(false);
      }
    }
  });

  it('cannot delete documents or indices, change aliases, templates, pipelines, settings or security', () => {
    for (const action of DESTRUCTIVE_OR_ADMIN.cluster) expect(allows(writer, action)).toBe(false);
    for (const index of [ROTATED, 'orders', ...OTHER_INDICES]) {
      for (const action of DESTRUCTIVE_OR_ADMIN.index) expect(allows(writer, action, index)).toBe(false);
    }
    expect(writer.cluster_permissions.filter((action) => !action.startsWith('cluster:monitor/'))).toEqual([
      'indices:data/write/bulk',
    ]);
  });

  it('cannot read orders', () => {
    for (const index of [ROTATED, 'orders']) {
      expect(allows(writer, 'indices:data/read/search', index)).toBe(false);
      expect(allows(writer, 'indices:data/read/get', index)).toBe(false);
    }
  });

  it('reaches beyond the alias and the rotated indices only to read index settings and statistics', () => {
    const beyond = writer.index_permissions.filter(({ index_patterns: patterns }) =>
      patterns.some((pattern) => !orderIndexPatterns('orders').includes(pattern)),
    );
    expect(beyond).toEqual([{ index_patterns: ['*'], allowed_actions: [...ALL_INDICES_METADATA_READS] }]);
    expect(ALL_INDICES_METADATA_READS).toEqual(['indices:monitor/settings/get', 'indices:monitor/stats']);
  });

  it('follows the index name it is given', () => {
    const sales = indexWriterRole('sales');
    expect(allows(sales, 'indices:data/write/index', 'sales-2026-11-21')).toBe(true);
    expect(allows(sales, 'indices:data/write/index', ROTATED)).toBe(false);
  });
});

describe('indexReaderRole', () => {
  const reader = indexReaderRole('orders');

  it('lets analysts search, with aggregations, the alias and the rotated indices', () => {
    for (const index of ['orders', ROTATED, 'orders-2026-w47']) {
      expect(allows(reader, 'indices:data/read/search', index)).toBe(true);
    }
  });

  it('covers the alias and the rotated indices and nothing else', () => {
    expect(reader.index_permissions.map(({ index_patterns: patterns }) => patterns)).toEqual([
      ['orders', 'orders-*'],
    ]);
    for (const index of OTHER_INDICES) expect(allows(reader, 'indices:data/read/search', index)).toBe(false);
  });

  it('has only the search action: no cluster action, no writes, deletes, index creation or metadata', () => {
    expect(reader.cluster_permissions).toEqual([]);
    expect(reader.index_permissions.flatMap(({ allowed_actions: actions }) => actions)).toEqual([
      'indices:data/read/search',
    ]);
    for (const action of [
      ...DESTRUCTIVE_OR_ADMIN.index,
      'indices:data/write/index',
      'indices:data/write/bulk[s]',
      'indices:admin/create',
      'indices:admin/mapping/put',
    ]) {
      expect(allows(reader, action, ROTATED)).toBe(false);
    }
    for (const action of [...DESTRUCTIVE_OR_ADMIN.cluster, 'indices:data/write/bulk']) {
      expect(allows(reader, action)).toBe(false);
    }
  });
});

describe('roleMapping', () => {
  it('maps the IAM roles given as backend roles', () => {
    const arns = [anIamRoleArn('DeliveryRole'), anIamRoleArn('OtherDeliveryRole')];
    expect(roleMapping(arns, 'Firehose')).toEqual({ description: 'Firehose', backend_roles: arns });
  });
});

describe('AUDIT_CONFIGURATION', () => {
  const { audit, compliance } = AUDIT_CONFIGURATION;

  it('keeps request bodies, with the orders they carry, out of the audit log', () => {
    expect(audit.log_request_body).toBe(false);
    expect(audit.resolve_bulk_requests).toBe(false);
  });

  it('keeps sensitive headers out: the Authorization header and its SigV4 signature', () => {
    expect(audit.exclude_sensitive_headers).toBe(true);
  });

  it('logs no document reads or writes: no watched fields, no watched indices, metadata only', () => {
    expect(compliance.read_watched_fields).toEqual({});
    expect(compliance.write_watched_indices).toEqual([]);
    expect(compliance.read_metadata_only).toBe(true);
    expect(compliance.write_metadata_only).toBe(true);
    expect(compliance.write_log_diffs).toBe(false);
  });

  it('audits failed logins, missing privileges, bad headers and TLS failures on both layers', () => {
    expect(AUDIT_CONFIGURATION.enabled).toBe(true);
    expect(audit.enable_rest).toBe(true);
    expect(audit.enable_transport).toBe(true);
    for (const category of ['FAILED_LOGIN', 'MISSING_PRIVILEGES', 'BAD_HEADERS', 'SSL_EXCEPTION'] as const) {
      expect(audit.disabled_rest_categories).not.toContain(category);
      expect(audit.disabled_transport_categories).not.toContain(category);
    }
    expect(audit.ignore_users).toEqual([]);
    expect(audit.ignore_requests).toEqual([]);
  });

  it('leaves out the requests that succeed, one record per bulk and per search otherwise', () => {
    expect(audit.disabled_rest_categories).toEqual(['AUTHENTICATED', 'GRANTED_PRIVILEGES']);
    expect(audit.disabled_transport_categories).toEqual(['AUTHENTICATED', 'GRANTED_PRIVILEGES']);
  });

  it('logs every change of the security configuration (compliance, internal config)', () => {
    expect(compliance).toMatchObject({ enabled: true, internal_config: true, external_config: false });
  });

  it('uses only the fields of the security plugin audit configuration', () => {
    expect(Object.keys(AUDIT_CONFIGURATION).sort()).toEqual(['audit', 'compliance', 'enabled']);
    expect(Object.keys(audit).sort()).toEqual([
      'disabled_rest_categories',
      'disabled_transport_categories',
      'enable_rest',
      'enable_transport',
      'exclude_sensitive_headers',
      'ignore_requests',
      'ignore_users',
      'log_request_body',
      'resolve_bulk_requests',
      'resolve_indices',
    ]);
    expect(Object.keys(compliance).sort()).toEqual([
      'enabled',
      'external_config',
      'internal_config',
      'read_ignore_users',
      'read_metadata_only',
      'read_watched_fields',
      'write_ignore_users',
      'write_log_diffs',
      'write_metadata_only',
      'write_watched_indices',
    ]);
  });
});
