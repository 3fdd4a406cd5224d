/**
 * Who may do what inside a search domain with fine-grained access control (FGAC), and what its security plugin
 * audits. With FGAC an IAM role that the domain's access policy lets in still has no permission inside
 * OpenSearch until it is mapped, as a backend role, to an OpenSearch security role: these are the roles the
 * index set-up creates and maps for the delivery stream (writer) and the analysts (reader), and the audit
 * configuration it applies. Pure data, like the index template, the pipeline and the ISM policy.
 *
 * Permissions are action names of OpenSearch 2.x and its security plugin, written out rather than through
 * action groups, so that what a role allows can be read here. Actions that OpenSearch runs on its own behalf
 * (the auto-creation of a rotated index by a bulk, a dynamic mapping update) are checked by the security
 * plugin as the actions they stand for (`indices:admin/create`, `indices:admin/mapping/put`).
 */
import { rotatedIndexPattern } from './order-index';

/** An index permission of an OpenSearch security role (`PUT _plugins/_security/api/roles/<name>`). */
export interface IndexPermission {
  index_patterns: string[];
  allowed_actions: string[];
}

/** The body of `PUT _plugins/_security/api/roles/<name>`. */
export interface SecurityRole {
  description: string;
  cluster_permissions: string[];
  index_permissions: IndexPermission[];
}

/** The body of `PUT _plugins/_security/api/rolesmapping/<role>`: IAM role ARNs are backend roles. */
export interface RoleMapping {
  description: string;
  backend_roles: string[];
}

export const writerRoleName = (indexName: string) => `${indexName}_writer`;
export const readerRoleName = (indexName: string) => `${indexName}_reader`;

/** The names analysts query and Firehose writes: the alias (named as the index) and the rotated indices. */
export const orderIndexPatterns = (indexName: string) => [indexName, rotatedIndexPattern(indexName)];

/**
 * The cluster metadata Firehose reads besides indexing (GET `/`, `_cluster/health`, `_cluster/stats`,
 * `_nodes`, `_nodes/stats`): the read-only monitoring actions, none of which changes anything.
 */
export const WRITER_CLUSTER_MONITORING = ['cluster:monitor/*'] as const;

/**
 * Index metadata Firehose reads across all indices (GET `_all/_settings`, `_stats`). The security plugin
 * checks these against every index the request names, `_all` included, even with do_not_fail_on_forbidden,
 * so they are granted on `*`; they answer settings and statistics, never documents.
 */
export const ALL_INDICES_METADATA_READS = ['indices:monitor/settings/get', 'indices:monitor/stats'] as const;

/**
 * The delivery stream's role: bulk-index documents into the rotated indices, creating each as its rotation
 * comes (through the index template, which adds the alias and the one-per-order default pipeline; OpenSearch
 * runs that pipeline itself, as part of the bulk, and it only moves documents between rotated indices), with
 * the mapping updates `dynamic: true` makes; and read the metadata Firehose reads. Nothing else: no deletion
 * of documents or indices, no alias, template, pipeline, setting or security change.
 */
export const indexWriterRole = (indexName: string): SecurityRole => ({
  description: `Firehose: bulk-indexes orders into the ${rotatedIndexPattern(indexName)} indices (set up by the index set-up of the search pipeline)`,
  cluster_permissions: [
    // A bulk request is checked at cluster level, then each of its shard requests on its index.
    'indices:data/write/bulk',
    ...WRITER_CLUSTER_MONITORING,
  ],
  index_permissions: [
    {
      index_patterns: [rotatedIndexPattern(indexName)],
      allowed_actions: [
        'indices:admin/create',
        'indices:admin/mapping/put',
        'indices:data/write/bulk*',
        'indices:data/write/index',
      ],
    },
    {
      index_patterns: orderIndexPatterns(indexName),
      allowed_actions: ['indices:admin/mappings/get', ...ALL_INDICES_METADATA_READS],
    },
    { index_patterns: ['*'], allowed_actions: [...ALL_INDICES_METADATA_READS] },
  ],
});

/**
 * The analysts' role: search the alias and the rotated indices, which is every request `npm run orders`
 * sends (`POST /<alias>/_search`, with queries, aggregations, collapse, top hits and a scripted metric, all
 * part of the search action). Nothing else: no get by id, no writes, no deletes, no index creation, no
 * metadata or cluster calls.
 */
export const indexReaderRole = (indexName: string): SecurityRole => ({
  description: `Analysts: search the ${indexName} alias and the ${rotatedIndexPattern(indexName)} indices (set up by the index set-up of the search pipeline)`,
  cluster_permissions: [],
  index_permissions: [
    { index_patterns: orderIndexPatterns(indexName), allowed_actions: ['indices:data/read/search'] },
  ],
});

/** The mapping of IAM role ARNs (backend roles) to one of the roles above. */
export const roleMapping = (roleArns: readonly string[], description: string): RoleMapping => ({
  description,
  backend_roles: [...roleArns],
});

/**
 * The audit categories. FAILED_LOGIN, BAD_HEADERS and SSL_EXCEPTION are logged on the REST and transport
 * layers; MISSING_PRIVILEGES mostly on the transport layer (where each action is authorised); INDEX_EVENT
 * (granted `indices:admin/*` actions: index creation and deletion, alias, mapping and template changes) and
 * OPENDISTRO_SECURITY_INDEX_ATTEMPT on the transport layer only.
 */
export type AuditCategory =
  | 'FAILED_LOGIN'
  | 'MISSING_PRIVILEGES'
  | 'BAD_HEADERS'
  | 'SSL_EXCEPTION'
  | 'AUTHENTICATED'
  | 'GRANTED_PRIVILEGES'
  | 'INDEX_EVENT'
  | 'OPENDISTRO_SECURITY_INDEX_ATTEMPT';

/** Every request that succeeds: left out, each would be an audit record (every Firehose bulk, every search). */
export const UNAUDITED_CATEGORIES: readonly AuditCategory[] = ['AUTHENTICATED', 'GRANTED_PRIVILEGES'];

/** The body of `PUT _plugins/_security/api/audit/config` (the security plugin's AuditConfig). */
export interface AuditConfiguration {
  enabled: boolean;
  audit: {
    enable_rest: boolean;
    disabled_rest_categories: AuditCategory[];
    enable_transport: boolean;
    disabled_transport_categories: AuditCategory[];
    resolve_bulk_requests: boolean;
    log_request_body: boolean;
    resolve_indices: boolean;
    exclude_sensitive_headers: boolean;
    ignore_users: string[];
    ignore_requests: string[];
  };
  compliance: {
    enabled: boolean;
    internal_config: boolean;
    external_config: boolean;
    read_metadata_only: boolean;
    read_watched_fields: Record<string, string[]>;
    read_ignore_users: string[];
    write_metadata_only: boolean;
    write_log_diffs: boolean;
    write_watched_indices: string[];
    write_ignore_users: string[];
  };
}

/**
 * What the domain's security plugin audits (published to the domain's audit log group in CloudWatch Logs):
 * requests that fail authentication, lack privileges, spoof security headers or fail TLS, on both layers,
 * index-level admin events, attempts at the security index, and every change of the security configuration
 * (compliance, internal config). Not the requests that succeed (volume).
 *
 * Order documents are personal data, and the audit log must not become a copy of them: no request bodies
 * (a bulk body is the orders themselves; a search body holds the customer ids and names searched for), bulk
 * requests not resolved into their items, sensitive headers (Authorization, the SigV4 signature) left out,
 * and no document-level compliance logging (no watched fields or indices); compliance records of the
 * security configuration carry its metadata only.
 */
export const AUDIT_CONFIGURATION: AuditConfiguration = {
  enabled: true,
  audit: {
    enable_rest: true,
    disabled_rest_categories: [...UNAUDITED_CATEGORIES],
    enable_transport: true,
    disabled_transport_categories: [...UNAUDITED_CATEGORIES],
    resolve_bulk_requests: false,
    log_request_body: false,
    resolve_indices: true,
    exclude_sensitive_headers: true,
    ignore_users: [],
    ignore_requests: [],
  },
  compliance: {
    enabled: true,
    internal_config: true,
    external_config: false,
    read_metadata_only: true,
    read_watched_fields: {},
    read_ignore_users: [],
    write_metadata_only: true,
    write_log_diffs: false,
    write_watched_indices: [],
    write_ignore_users: [],
  },
};
