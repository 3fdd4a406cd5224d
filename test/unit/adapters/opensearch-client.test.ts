import {
  openSearchUrl,
  plainOpenSearchClient,
  signedOpenSearchClient,
} from '../../../src/adapters/opensearch-client';
import { json, type RecordingServer, startRecordingServer } from '../../helpers/recording-server';

describe('openSearchUrl', () => {
  it('makes an https URL of the bare host name CloudFormation gives as DomainEndpoint', () => {
    expect(openSearchUrl('search-orders-abc123.eu-west-1.es.amazonaws.com')).toBe(
      'https://search-orders-abc123.eu-west-1.es.amazonaws.com',
    );
  });

  it('keeps a URL as it is, without its trailing slashes', () => {
    expect(openSearchUrl('https://search-orders.eu-west-1.es.amazonaws.com/')).toBe(
      'https://search-orders.eu-west-1.es.amazonaws.com',
    );
    expect(openSearchUrl('http://127.0.0.1:9200//')).toBe('http://127.0.0.1:9200');
    expect(openSearchUrl('http://127.0.0.1:9200')).toBe('http://127.0.0.1:9200');
  });
});

describe('the OpenSearch clients', () => {
  let domain: RecordingServer;
  const environment = { ...process.env };

  beforeAll(async () => {
    domain = await startRecordingServer((_, response) => json(response, 200, { acknowledged: true }));
  });

  afterAll(async () => {
    process.env = environment;
    await domain.close();
  });

  beforeEach(() => {
    domain.requests.length = 0;
  });

  it('signs every request with SigV4 for es in the region, with the default credentials', async () => {
    process.env = { ...environment, AWS_ACCESS_KEY_ID: 'AKIDCLIENTTEST', AWS_SECRET_ACCESS_KEY: 'secret' };
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    await signedOpenSearchClient(`${domain.url}/`, 'ap-southeast-2').indices.putIndexTemplate({
      name: 't',
      body: { index_patterns: ['x-*'] },
    });

    const [request] = domain.requests;
    expect(request?.path).toBe('/_index_template/t');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDCLIENTTEST\/\d{8}\/ap-southeast-2\/es\/aws4_request, /,
    );
    expect(request?.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('sends plain requests without any signature', async () => {
    await plainOpenSearchClient(domain.url).indices.deleteIndexTemplate({ name: 't' });

    const [request] = domain.requests;
    expect(request).toMatchObject({ method: 'DELETE', path: '/_index_template/t' });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers['x-amz-date']).toBeUndefined();
  });
});
