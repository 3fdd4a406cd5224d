import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type OpenSearchNode, resolveOpenSearch } from '../opensearch/opensearch-node';
import { type BannerContext, type HandleKind, handleKind, type ResourceHandle } from '../stack/handles';
import { arn, type Provisioner, type ProvisionerDefinition, physicalName } from '../stack/resources';

/** A domain name OpenSearch Service accepts: 3-28 lowercase letters, digits and dashes. */
const domainNameFor = (name: string) => {
  const lower = name.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (lower.length <= 28) return lower;
  return `${lower.slice(0, 19)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
};

/** Domains are found in the runtime's handles by this kind (a delivery stream's DomainARN). */
export const OPENSEARCH_DOMAIN: HandleKind<OpenSearchDomain> = handleKind('opensearch-domain');

/** A domain of the stack and the node that serves it, stopped once the delivery streams have flushed into it. */
export class OpenSearchDomain implements ResourceHandle {
  readonly kind = OPENSEARCH_DOMAIN.kind;
  readonly stopPhase = 'stores';
  readonly bannerPosition = 900;

  constructor(
    /** The domain's name. */
    readonly name: string,
    readonly arn: string,
    readonly node: OpenSearchNode,
  ) {}

  /** The node's URL, `http://host:port`: the domain's endpoint locally. */
  get url() {
    return this.node.url;
  }

  /** Stops the node; an external one (OPENSEARCH_URL) is left running. */
  stop() {
    return this.node.stop();
  }

  bannerLines({ shown, logDir }: BannerContext) {
    const external = this.node.external ? ' (OPENSEARCH_URL)' : '';
    return [`  OpenSearch        ${this.node.url}${external}  log: ${shown(logDir)}/opensearch-*.log`];
  }
}

/**
 * AWS::OpenSearchService::Domain: a real OpenSearch node on this machine (or the one OPENSEARCH_URL
 * names). It starts empty, as moto does. Its DomainEndpoint is a full http:// URL (in AWS it is a bare
 * host name, used over HTTPS).
 */
export const createOpenSearchDomain: Provisioner = async ({ logicalId, properties, stack }, runtime) => {
  const name = (properties.DomainName as string | undefined) ?? domainNameFor(physicalName(stack, logicalId));
  const { stateDir } = runtime.settings;
  const dataDir = join(stateDir, 'opensearch', name);
  rmSync(dataDir, { recursive: true, force: true });
  runtime.log.info('opensearch', `starting OpenSearch for the domain ${name}...`);
  const node = await resolveOpenSearch({
    dataDir,
    logFile: join(stateDir, 'logs', `opensearch-${name}.log`),
  });
  const domainArn = arn(stack.pseudo, 'es', `domain/${name}`);
  return {
    handles: [new OpenSearchDomain(name, domainArn, node)],
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

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::OpenSearchService::Domain', create: createOpenSearchDomain },
];
