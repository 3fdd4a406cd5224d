import { sendCustomResourceResponse } from '../../../src/adapters/cloudformation-response';
import { aCustomResourceEvent, STACK_ID } from '../../factories/custom-resource';
import { json, type RecordingServer, startRecordingServer } from '../../helpers/recording-server';

describe('sendCustomResourceResponse', () => {
  let status: number;
  let responseUrl: RecordingServer;

  beforeAll(async () => {
    responseUrl = await startRecordingServer((_, response) =>
      status === 200
        ? void response.writeHead(200).end()
        : json(response, status, { Code: 'SignatureDoesNotMatch' }),
    );
  });

  afterAll(() => responseUrl.close());

  beforeEach(() => {
    status = 200;
    responseUrl.requests.length = 0;
  });

  const theRequest = () => {
    expect(responseUrl.requests).toHaveLength(1);
    return responseUrl.requests[0] as (typeof responseUrl.requests)[number];
  };

  it('PUTs the documented response body to the pre-signed ResponseURL, query string and all', async () => {
    const event = aCustomResourceEvent('Create', { responseUrl: responseUrl.url });

    await sendCustomResourceResponse(event, {
      status: 'SUCCESS',
      physicalResourceId: 'orders-index-setup',
      data: { Alias: 'orders' },
    });

    const request = theRequest();
    expect(request.method).toBe('PUT');
    expect(`${responseUrl.url}${request.path}`).toBe(event.ResponseURL);
    expect(request.path).toContain('?X-Amz-Signature=abc');
    expect(JSON.parse(request.body)).toEqual({
      Status: 'SUCCESS',
      Reason: 'OK',
      PhysicalResourceId: 'orders-index-setup',
      StackId: STACK_ID,
      RequestId: event.RequestId,
      LogicalResourceId: 'OrderIndexSetup',
      Data: { Alias: 'orders' },
    });
  });

  it('sends an empty content type, which the pre-signed S3 URL was signed with, and the exact length', async () => {
    await sendCustomResourceResponse(aCustomResourceEvent('Create', { responseUrl: responseUrl.url }), {
      status: 'SUCCESS',
      physicalResourceId: 'p',
    });

    const request = theRequest();
    expect(request.headers['content-type']).toBe('');
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
    expect(request.headers['transfer-encoding']).toBeUndefined();
  });

  it('counts the length in bytes, not characters', async () => {
    await sendCustomResourceResponse(aCustomResourceEvent('Create', { responseUrl: responseUrl.url }), {
      status: 'FAILED',
      physicalResourceId: 'p',
      reason: 'Zürich’s domain said “no”',
    });

    const request = theRequest();
    expect(JSON.parse(request.body).Reason).toBe('Zürich’s domain said “no”');
    expect(Number(request.headers['content-length'])).toBeGreaterThan(request.body.length);
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(request.body)));
  });

  it('gives a FAILED answer its reason, or a pointer to the logs, and empty Data', async () => {
    const event = aCustomResourceEvent('Delete', { responseUrl: responseUrl.url, physicalResourceId: 'old' });
    await sendCustomResourceResponse(event, { status: 'FAILED', physicalResourceId: 'old' });

    expect(JSON.parse(theRequest().body)).toMatchObject({
      Status: 'FAILED',
      Reason: 'See the function logs',
      PhysicalResourceId: 'old',
      Data: {},
    });
  });

  it('fails when the ResponseURL refuses the answer', async () => {
    status = 403;
    await expect(
      sendCustomResourceResponse(aCustomResourceEvent('Create', { responseUrl: responseUrl.url }), {
        status: 'SUCCESS',
        physicalResourceId: 'p',
      }),
    ).rejects.toThrow("CloudFormation's response URL answered 403");
  });
});
