import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveOpenSearch } from '../opensearch/opensearch-node';
import { arn, type Provisioner, physicalName } from '../stack/resources';

/** A domain name OpenSearch Service accepts: 3-28 lowercase letters, digits and dashes. */
const domainNameFor = (name: string) => {
  const lower = name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (lower.length <= 28) return lower;
  return `${lower.slice(0, 19)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
};

/**
 * AWS::OpenSearchService::Domain: a real OpenSearch node on this machine (or the one OPENSEARCH_URL
 * names). It starts empty, as moto does. Its DomainEndpoint is a full http:// URL (in AWS it is a bare
 * host name, used over HTTPS).
 */
export const createOpenSearchDomain: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
  const name = (properties.DomainName as string | undefined) ?? domainNameFor(physicalName(stack, logicalId));
  const dataDir = join(runtime.stateDir, 'opensearch', name);
  rmSync(dataDir, { recursive: true, force: true });
  runtime.log.info('opensearch', `starting OpenSearch for the domain ${name}...`);
  const node = await resolveOpenSearch({
    dataDir,
    logFile: join(runtime.stateDir, 'logs', `opensearch-${name}.log`),
  });
  runtime.openSearchNodes.push(node);
  const domainArn = arn(stack.pseudo, 'es', `domain/${name}`);
  runtime.openSearchDomains.set(domainArn, node.url);
  return {
    ref: name,
    attributes: {
      Arn: domainArn,
      DomainArn: domainArn,
      DomainEndpoint: node.url,
      Id: `${stack.pseudo.accountId}/${name}`,
      localUrl: node.url,
    },
  };
};
