import type { Logger } from '@aws-lambda-powertools/logger';
import { AUDIT_CONFIGURATION, indexReaderRole, indexWriterRole } from '../../../../src/domain/search';
import {
  parseRoleArns,
  removeAccessControl,
  setUpAccessControl,
} from '../../../../src/functions/search-index-setup/set-up-access-control';
import { anAccessControlSettings, anIamRoleArn } from '../../../factories/order-index';
import {
  anOpenSearchResponseError,
  InMemorySecurityPlugin,
} from '../../../helpers/in-memory-security-plugin';

const WRITER = anIamRoleArn('checkout-SearchAnalyticsPipeline-DeliveryRole-1A2B');
const READER = anIamRoleArn('checkout-SearchAnalyticsPipeline-AnalystsRole-3C4D');
const ROLES = '/_plugins/_security/api/roles';
const MAPPINGS = '/_plugins/_security/api/rolesmapping';
const AUDIT = '/_plugins/_security/api/audit/config';

const aLogger = () => {
  const logger = { info: jest.fn(), warn: jest.fn() };
  return { logger, asLogger: logger as unknown as Logger };
};

/** The backend roles each role is mapped to. */
const mappedBackendRoles = (plugin: InMemorySecurityPlugin) =>
  Object.fromEntries(
    [...plugin.mappings].map(([role, mapping]) => [
      role,
      (mapping as { backend_roles: string[] }).backend_roles,
    ]),
  );

/** The security plugin's answer to a caller without the REST API permission. */
const FORBIDDEN = anOpenSearchResponseError(403, {
  status: 'FORBIDDEN',
  message:
    'No permission to access REST API: User arn:aws:iam::123456789012:role/other with Security roles [own_index] does not have any role privileged for admin access',
});

describe('setUpAccessControl', () => {
  describe('on a domain with the security plugin', () => {
    it('puts the writer and reader roles, maps them to the IAM roles given, then puts the audit configuration', async () => {
      const plugin = new InMemorySecurityPlugin();
      const { logger, asLogger } = aLogger();

      const outcome = await setUpAccessControl(
        plugin.asClient(),
        anAccessControlSettings({ writerRoleArns: [WRITER], readerRoleArns: [READER] }),
        asLogger,
      );

      expect(outcome).toBe('applied');
      expect(plugin.calls).toEqual([
        `PUT ${ROLES}/orders_writer`,
        `PUT ${ROLES}/orders_reader`,
        `PUT ${MAPPINGS}/orders_writer`,
        `PUT ${MAPPINGS}/orders_reader`,
        `PUT ${AUDIT}`,
      ]);
      expect(plugin.roles.get('orders_writer')).toEqual(indexWriterRole('orders'));
      expect(plugin.roles.get('orders_reader')).toEqual(indexReaderRole('orders'));
      expect(mappedBackendRoles(plugin)).toEqual({ orders_writer: [WRITER], orders_reader: [READER] });
      expect(plugin.auditConfiguration).toEqual(AUDIT_CONFIGURATION);
      expect(logger.warn).not.toHaveBeenCalled();
      expect(logger.info).toHaveBeenCalledWith('Fine-grained access control set up', {
        roles: { orders_writer: [WRITER], orders_reader: [READER] },
        auditLog: expect.any(String),
      });
    });

    it('maps every IAM role of a list, and names the roles after the index', async () => {
      const plugin = new InMemorySecurityPlugin();
      const writers = [WRITER, anIamRoleArn('ReplayDeliveryRole')];

      await setUpAccessControl(
        plugin.asClient(),
        anAccessControlSettings({ indexName: 'sales', writerRoleArns: writers }),
        aLogger().asLogger,
      );

      expect([...plugin.roles.keys()]).toEqual(['sales_writer', 'sales_reader']);
      expect(plugin.roles.get('sales_writer')).toEqual(indexWriterRole('sales'));
      expect(mappedBackendRoles(plugin).sales_writer).toEqual(writers);
    });

    it('maps nothing for absent or empty lists, and takes away a mapping a list no longer gives', async () => {
      const plugin = new InMemorySecurityPlugin();
      await setUpAccessControl(plugin.asClient(), anAccessControlSettings(), aLogger().asLogger);
      plugin.calls.length = 0;

      const outcome = await setUpAccessControl(
        plugin.asClient(),
        anAccessControlSettings({ writerRoleArns: [], readerRoleArns: [] }),
        aLogger().asLogger,
      );

      expect(outcome).toBe('applied');
      expect(plugin.mappings.size).toBe(0);
      expect(plugin.calls).toEqual([
        `PUT ${ROLES}/orders_writer`,
        `PUT ${ROLES}/orders_reader`,
        `DELETE ${MAPPINGS}/orders_writer`,
        `DELETE ${MAPPINGS}/orders_reader`,
        `PUT ${AUDIT}`,
      ]);
      expect(plugin.auditConfiguration).toEqual(AUDIT_CONFIGURATION);
    });

    it('maps nothing on a domain that never had the mappings, which is no failure', async () => {
      const plugin = new InMemorySecurityPlugin();

      await expect(
        setUpAccessControl(
          plugin.asClient(),
          anAccessControlSettings({ writerRoleArns: [WRITER], readerRoleArns: [] }),
          aLogger().asLogger,
        ),
      ).resolves.toBe('applied');

      expect(mappedBackendRoles(plugin)).toEqual({ orders_writer: [WRITER] });
    });

    it('fails on a 403, naming the call, what the domain said and who must make it', async () => {
      const plugin = new InMemorySecurityPlugin().failOn(`PUT ${ROLES}/orders_writer`, FORBIDDEN);

      const failure = setUpAccessControl(plugin.asClient(), anAccessControlSettings(), aLogger().asLogger);

      await expect(failure).rejects.toThrow(
        'fine-grained access control: the domain answered 403 to PUT _plugins/_security/api/roles/orders_writer: No permission to access REST API: User arn:aws:iam::123456789012:role/other with Security roles [own_index] does not have any role privileged for admin access (the index set-up function must call the domain as its master user, which is mapped to all_access and security_manager)',
      );
      expect(plugin.calls).toEqual([`PUT ${ROLES}/orders_writer`]);
    });

    it('fails when a later call is refused, without going on', async () => {
      const plugin = new InMemorySecurityPlugin().failOn(
        `PUT ${MAPPINGS}/orders_reader`,
        anOpenSearchResponseError(500, {
          error: { type: 'security_exception', reason: 'cluster not ready', root_cause: [] },
        }),
      );

      await expect(
        setUpAccessControl(plugin.asClient(), anAccessControlSettings(), aLogger().asLogger),
      ).rejects.toThrow(
        'fine-grained access control: the domain answered 500 to PUT _plugins/_security/api/rolesmapping/orders_reader: cluster not ready',
      );
      expect(plugin.calls.at(-1)).toBe(`PUT ${MAPPINGS}/orders_reader`);
      expect(plugin.auditConfiguration).toBeUndefined();
    });

    it('fails when the audit configuration is refused', async () => {
      const refused = anOpenSearchResponseError(400, {
        status: 'error',
        reason: 'Invalid configuration',
      });
      const plugin = new InMemorySecurityPlugin().failOn(`PUT ${AUDIT}`, refused);

      await expect(
        setUpAccessControl(plugin.asClient(), anAccessControlSettings(), aLogger().asLogger),
      ).rejects.toThrow('answered 400 to PUT _plugins/_security/api/audit/config: Invalid configuration');
    });

    it('lets an error that is no answer of the domain through as it is', async () => {
      const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
        name: 'ConnectionError',
      });
      const plugin = new InMemorySecurityPlugin().failOn(`PUT ${ROLES}/orders_writer`, unreachable);

      await expect(
        setUpAccessControl(plugin.asClient(), anAccessControlSettings(), aLogger().asLogger),
      ).rejects.toBe(unreachable);
    });
  });

  describe('on a domain without the security plugin', () => {
    it('applies nothing, says so in one warning, and succeeds', async () => {
      const plugin = new InMemorySecurityPlugin(false);
      const { logger, asLogger } = aLogger();

      const outcome = await setUpAccessControl(plugin.asClient(), anAccessControlSettings(), asLogger);

      expect(outcome).toBe('unavailable');
      expect(plugin.calls).toEqual([`PUT ${ROLES}/orders_writer`]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        'The domain has no fine-grained access control (no security plugin): its role mappings and audit configuration were not applied',
        { indexName: 'orders' },
      );
      expect(logger.info).not.toHaveBeenCalled();
    });
  });
});

describe('removeAccessControl', () => {
  it('removes the mappings and the roles of the index, and keeps the audit configuration', async () => {
    const plugin = new InMemorySecurityPlugin();
    await setUpAccessControl(plugin.asClient(), anAccessControlSettings(), aLogger().asLogger);
    plugin.calls.length = 0;

    await removeAccessControl(plugin.asClient(), 'orders');

    expect(plugin.calls).toEqual([
      `DELETE ${MAPPINGS}/orders_writer`,
      `DELETE ${ROLES}/orders_writer`,
      `DELETE ${MAPPINGS}/orders_reader`,
      `DELETE ${ROLES}/orders_reader`,
    ]);
    expect(plugin.roles.size).toBe(0);
    expect(plugin.mappings.size).toBe(0);
    expect(plugin.auditConfiguration).toEqual(AUDIT_CONFIGURATION);
  });

  it('ignores roles and mappings already gone, and a domain without the security plugin', async () => {
    await expect(
      removeAccessControl(new InMemorySecurityPlugin().asClient(), 'orders'),
    ).resolves.toBeUndefined();
    await expect(
      removeAccessControl(new InMemorySecurityPlugin(false).asClient(), 'orders'),
    ).resolves.toBeUndefined();
  });

  it('fails, naming the call, when the domain refuses', async () => {
    const plugin = new InMemorySecurityPlugin().failOn(`DELETE ${MAPPINGS}/orders_writer`, FORBIDDEN);

    await expect(removeAccessControl(plugin.asClient(), 'orders')).rejects.toThrow(
      'the domain answered 403 to DELETE _plugins/_security/api/rolesmapping/orders_writer',
    );
  });
});

describe('parseRoleArns', () => {
  it('reads a list as CloudFormation passes it: an array of strings', () => {
    expect(parseRoleArns([WRITER, READER], 'IndexWriterRoleArns')).toEqual([WRITER, READER]);
  });

  it('reads a comma-separated string the same way', () => {
    expect(parseRoleArns(`${WRITER}, ${READER}`, 'IndexWriterRoleArns')).toEqual([WRITER, READER]);
  });

  it('reads absent, empty and blank lists as no role, and each role once', () => {
    expect(parseRoleArns(undefined, 'IndexReaderRoleArns')).toEqual([]);
    expect(parseRoleArns(null, 'IndexReaderRoleArns')).toEqual([]);
    expect(parseRoleArns([], 'IndexReaderRoleArns')).toEqual([]);
    expect(parseRoleArns('', 'IndexReaderRoleArns')).toEqual([]);
    expect(parseRoleArns([''], 'IndexReaderRoleArns')).toEqual([]);
    expect(parseRoleArns([READER, READER], 'IndexReaderRoleArns')).toEqual([READER]);
  });

  it('accepts the IAM role ARNs of the local stack, which name a Region and no role/ path', () => {
    const local = 'arn:aws:iam:us-east-1:123456789012:local-SearchAnalyticsPipeline-DeliveryRole';
    expect(parseRoleArns([local], 'IndexWriterRoleArns')).toEqual([local]);
  });

  it('refuses what is not a list of IAM ARNs, naming the property and the value', () => {
    expect(() => parseRoleArns(['DeliveryRole'], 'IndexWriterRoleArns')).toThrow(
      'IndexWriterRoleArns must be a list of IAM role ARNs (arn:<partition>:iam::<account>:role/<name>), not "DeliveryRole"',
    );
    expect(() =>
      parseRoleArns(['arn:aws:lambda:eu-west-1:123456789012:function:f'], 'IndexReaderRoleArns'),
    ).toThrow(/^IndexReaderRoleArns must be a list of IAM role ARNs .*arn:aws:lambda/);
    expect(() => parseRoleArns([42], 'IndexWriterRoleArns')).toThrow(/, not 42$/);
    expect(() => parseRoleArns({ arn: WRITER }, 'IndexWriterRoleArns')).toThrow(
      /^IndexWriterRoleArns must be a list of IAM role ARNs, not \{"arn"/,
    );
  });
});
