import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { recordingLog } from '../../../helpers/local-runtime';

/** Answers a ResponseURL as a custom resource function does (an empty content type, as S3 requires). */
const answer = (url: string, body: string) =>
  fetch(url, { method: 'PUT', headers: { 'content-type': '' }, body });

describe("the local Lambda API's custom resource ResponseURLs", () => {
  const servers: LambdaApiServer[] = [];

  const aServer = async () => {
    const server = new LambdaApiServer([], recordingLog());
    servers.push(server);
    await server.listen('127.0.0.1', 0);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('gives a URL per request and resolves its response with the JSON the function PUTs there', async () => {
    const server = await aServer();
    const { url, response } = server.expect('request-1', 5_000);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/custom-resource-responses\/request-1$/);

    const put = await answer(url, JSON.stringify({ Status: 'SUCCESS', Data: { Alias: 'orders' } }));

    expect(put.status).toBe(200);
    await expect(response).resolves.toEqual({ Status: 'SUCCESS', Data: { Alias: 'orders' } });
  });

  it('refuses an answer that nobody waits for, or no longer', async () => {
    const server = await aServer();
    const { url, response } = server.expect('request-2', 5_000);
    await answer(url, '{"Status":"SUCCESS"}');
    await response;

    const again = await answer(url, '{"Status":"FAILED"}');
    expect(again.status).toBe(404);
    expect(again.headers.get('x-amzn-errortype')).toBe('NoSuchKey');
    expect((await answer(url.replace('request-2', 'unknown'), '{}')).status).toBe(404);
  });

  it('gives up on a response that does not come in time', async () => {
    const server = await aServer();
    const { response } = server.expect('request-3', 200);
    await expect(response).rejects.toThrow('no custom resource response within 0.2 s');
  });

  it('fails the responses still awaited when it is closed, without waiting for their time to pass', async () => {
    const server = await aServer();
    const { response } = server.expect('request-4', 60_000);
    const started = Date.now();

    await server.close();

    await expect(response).rejects.toThrow(
      'the local Lambda API stopped before the custom resource answered',
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('cannot give a URL before it listens', () => {
    const server = new LambdaApiServer([], recordingLog());
    expect(() => server.expect('request-5', 1_000)).toThrow('not listening yet');
  });
});
