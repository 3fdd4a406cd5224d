import type { Logger } from '@aws-lambda-powertools/logger';
import type { Client } from '@opensearch-project/opensearch';
import {
  AUDIT_CONFIGURATION,
  indexReaderRole,
  indexWriterRole,
  readerRoleName,
  roleMapping,
  type SecurityRole,
  writerRoleName,
} from '../../domain/search';

export interface AccessControlSettings {
  /** The index name of the order index set-up: the roles are named after it (`orders_writer`). */
  indexName: string;
  /** IAM roles that bulk-index orders (the delivery stream's); none: the writer role is mapped to nobody. */
  writerRoleArns: readonly string[];
  /** IAM roles that search orders (the analysts'); none: the reader role is mapped to nobody. */
  readerRoleArns: readonly string[];
}

/** `unavailable`: the domain has no security plugin (no fine-grained access control), nothing was applied. */
export type AccessControlOutcome = 'applied' | 'unavailable';

const IAM_ROLE_ARN = /^arn:[^:\s]+:iam:[^\s]*$/;

/**
 * The IAM role ARNs of a list property of the custom resource: CloudFormation passes a list as a JSON array of
 * strings (a comma-separated string is read the same way). Absent or empty is no role; anything that is not
 * an IAM ARN is refused, naming the property, so that a role name or another resource's ARN does not
 * silently map nobody.
 */
export const parseRoleArns = (value: unknown, property: string): string[] => {
  if (value === undefined || value === null) return [];
  const entries: unknown[] | undefined = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',')
      : undefined;
  if (!entries) {
    throw new Error(`${property} must be a list of IAM role ARNs, not ${JSON.stringify(value)}`);
  }
  const arns = entries.map((entry) => (typeof entry === 'string' ? entry.trim() : entry));
  const invalid = arns.filter(
    (entry) => typeof entry !== 'string' || (entry !== '' && !IAM_ROLE_ARN.test(entry)),
  );
  if (invalid.length > 0) {
    throw new Error(
      `${property} must be a list of IAM role ARNs (arn:<partition>:iam::<account>:role/<name>), not ${invalid.map((entry) => JSON.stringify(entry)).join(', ')}`,
    );
  }
  return [...new Set(arns as string[])].filter((arn) => arn !== '');
};

interface ResponseErrorLike {
  name?: string;
  message?: string;
  meta?: { statusCode?: number | null; body?: unknown };
}

const statusOf = (error: unknown) => (error as ResponseErrorLike | undefined)?.meta?.statusCode ?? undefined;
const bodyOf = (error: unknown) => (error as ResponseErrorLike | undefined)?.meta?.body;

/** How OpenSearch answers a path no plugin handles: 400 (404 on some versions) "no handler found for uri". */
const isNoHandler = (error: unknown) => {
  const status = statusOf(error);
  return (
    (status === 400 || status === 404) && JSON.stringify(bodyOf(error) ?? '').includes('no handler found')
  );
};

/**
 * What the domain said: the security plugin's `{"status", "message"}`, OpenSearch's `{"error": {"reason"}}`,
 * AWS's `{"Message"}`, or text.
 */
const reasonOf = (body: unknown): string | undefined => {
  if (typeof body === 'string') return body.trim() || undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'Message', 'reason']) {
    if (typeof record[key] === 'string') return record[key] as string;
  }
  const { error } = record;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const { reason, type } = error as Record<string, unknown>;
    if (typeof reason === 'string') return reason;
    if (typeof type === 'string') return type;
  }
  return JSON.stringify(body);
};

/**
 * The error for a security API call the domain refused, saying which call and what the domain answered (the
 * client's own message is only "Response Error" for the security plugin's answers). Other errors (the domain
 * unreachable) stay as they are.
 */
const refused = (call: string, error: unknown): unknown => {
  const status = statusOf(error);
  if ((error as ResponseErrorLike | undefined)?.name !== 'ResponseError' || status === undefined)
    return error;
  const hint =
    status === 401 || status === 403
      ? ' (the index set-up function must call the domain as its master user, which is mapped to all_access and security_manager)'
      : '';
  return new Error(
    `fine-grained access control: the domain answered ${status} to ${call}: ${reasonOf(bodyOf(error)) ?? 'no reason given'}${hint}`,
  );
};

const ROLES_PATH = '_plugins/_security/api/roles';
const MAPPINGS_PATH = '_plugins/_security/api/rolesmapping';
const AUDIT_PATH = '_plugins/_security/api/audit/config';

interface RoleToApply {
  name: string;
  role: SecurityRole;
  roleArns: readonly string[];
  mappedAs: string;
}

const rolesOf = ({ indexName, writerRoleArns, readerRoleArns }: AccessControlSettings): RoleToApply[] => [
  {
    name: writerRoleName(indexName),
    role: indexWriterRole(indexName),
    roleArns: writerRoleArns,
    mappedAs: 'the IAM roles that index orders (IndexWriterRoleArns of the order index set-up)',
  },
  {
    name: readerRoleName(indexName),
    role: indexReaderRole(indexName),
    roleArns: readerRoleArns,
    mappedAs: 'the IAM roles that search orders (IndexReaderRoleArns of the order index set-up)',
  },
];

/**
 * Applies fine-grained access control to the domain through its security plugin: the writer and reader roles
 * of the order indices, their mappings to the IAM roles given (a role given no IAM role has its mapping
 * removed, so that an update that empties a list takes the access away), and the audit configuration. On a
 * domain without the security plugin (the local node, a domain without fine-grained access control) it applies
 * nothing, says so in one warning, and succeeds; any other refusal fails, naming the call.
 */
export const setUpAccessControl = async (
  client: Client,
  settings: AccessControlSettings,
  logger: Logger,
): Promise<AccessControlOutcome> => {
  const roles = rolesOf(settings);
  const call = async (description: string, request: () => Promise<unknown>) => {
    try {
      await request();
    } catch (error) {
      throw refused(description, error);
    }
  };

  const [first, ...others] = roles as [RoleToApply, ...RoleToApply[]];
  try {
    await client.security.createRole({ role: first.name, body: first.role });
  } catch (error) {
    if (isNoHandler(error)) {
      logger.warn(
        'The domain has no fine-grained access control (no security plugin): its role mappings and audit configuration were not applied',
        { indexName: settings.indexName },
      );
      return 'unavailable';
    }
    throw refused(`PUT ${ROLES_PATH}/${first.name}`, error);
  }
  for (const { name, role } of others) {
    await call(`PUT ${ROLES_PATH}/${name}`, () => client.security.createRole({ role: name, body: role }));
  }
  for (const { name, roleArns, mappedAs } of roles) {
    if (roleArns.length > 0) {
      await call(`PUT ${MAPPINGS_PATH}/${name}`, () =>
        client.security.createRoleMapping({ role: name, body: roleMapping(roleArns, mappedAs) }),
      );
    } else {
      await call(`DELETE ${MAPPINGS_PATH}/${name}`, () =>
        client.security.deleteRoleMapping({ role: name }).catch((error: unknown) => {
          if (statusOf(error) !== 404) throw error;
        }),
      );
    }
  }
  await call(`PUT ${AUDIT_PATH}`, () =>
    client.security.updateAuditConfiguration({ body: AUDIT_CONFIGURATION }),
  );
  logger.info('Fine-grained access control set up', {
    roles: Object.fromEntries(roles.map(({ name, roleArns }) => [name, [...roleArns]])),
    auditLog: 'failures and security configuration changes, without request bodies',
  });
  return 'applied';
};

/**
 * Removes the roles and role mappings setUpAccessControl applied: the IAM roles they name go with the stack,
 * and a mapping left behind would give a role created later under the same ARN access to the orders. The
 * audit configuration stays: the domain, and the orders in it, may stay too (it is retained), and should not
 * stop being audited. Roles or mappings already gone, and a domain without the security plugin, are fine.
 */
export const removeAccessControl = async (client: Client, indexName: string): Promise<void> => {
  const ignoreMissing = (error: unknown) => {
    if (statusOf(error) !== 404 && !isNoHandler(error)) throw error;
  };
  for (const name of [writerRoleName(indexName), readerRoleName(indexName)]) {
    await client.security
      .deleteRoleMapping({ role: name })
      .catch(ignoreMissing)
      .catch((error: unknown) => {
        throw refused(`DELETE ${MAPPINGS_PATH}/${name}`, error);
      });
    await client.security
      .deleteRole({ role: name })
      .catch(ignoreMissing)
      .catch((error: unknown) => {
        throw refused(`DELETE ${ROLES_PATH}/${name}`, error);
      });
  }
};
