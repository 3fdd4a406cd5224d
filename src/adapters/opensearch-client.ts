import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws-v3';

/** A domain endpoint as a URL: CloudFormation gives `search-...amazonaws.com`, users may give a URL. */
export const openSearchUrl = (endpoint: string): string =>
  endpoint.includes('://') ? endpoint.replace(/\/+$/, '') : `https://${endpoint}`;

/** An OpenSearch client that signs every request with SigV4 (service `es`) and the default credentials. */
export const signedOpenSearchClient = (endpoint: string, region: string): Client =>
  new Client({
    ...AwsSigv4Signer({ region, service: 'es', getCredentials: () => defaultProvider()() }),
    node: openSearchUrl(endpoint),
  });

/** An OpenSearch client without request signing (a node without the security plugin, such as a local one). */
export const plainOpenSearchClient = (endpoint: string): Client =>
  new Client({ node: openSearchUrl(endpoint) });
