import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/aws-config';
import { OpenSearchDomain } from '../../local/provisioners/opensearch';
import type { ResourceToCreate, StackFrame } from '../../local/stack/resources';

/**
 * The frame of a stack the local runtime deploys, in the local region and account unless `region` and
 * `accountId` say otherwise; its pseudo parameters and stack id are built from them and `stackName` as
 * deployStack does. The template and build directories are `/unused`: pass them when a test reads them.
 */
export const aStackFrame = ({
  stackName = 'local-test',
  path = [],
  templateDir = '/unused',
  buildDir = '/unused',
  region = LOCAL_REGION,
  accountId = LOCAL_ACCOUNT_ID,
}: Partial<Omit<StackFrame, 'pseudo'>> & { region?: string; accountId?: string } = {}): StackFrame => ({
  stackName,
  path,
  templateDir,
  buildDir,
  pseudo: {
    region,
    accountId,
    stackName,
    stackId: `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/local`,
    partition: 'aws',
    urlSuffix: 'amazonaws.com',
  },
});

/** A resource of type `type` as a provisioner receives it, its `properties` already evaluated. */
export const aResourceToCreate = (
  logicalId: string,
  type: string,
  properties: Record<string, unknown> = {},
  stack: StackFrame = aStackFrame(),
): ResourceToCreate => ({
  logicalId,
  definition: { Type: type },
  properties,
  stack,
});

/**
 * An OpenSearch domain of the local stack, as its provisioner registers it in the runtime's handles, served
 * by a node that is not started here (at `url`; `stop` does nothing, as for OPENSEARCH_URL's).
 */
export const anOpenSearchDomain = ({
  name = 'local-test-search',
  arn = `arn:aws:es:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:domain/${name}`,
  url = 'http://127.0.0.1:9200',
  external = false,
}: {
  name?: string;
  arn?: string;
  url?: string;
  external?: boolean;
} = {}) =>
  new OpenSearchDomain(name, arn, {
    url,
    external,
    stop: async () => undefined,
    kill: async () => undefined,
  });
