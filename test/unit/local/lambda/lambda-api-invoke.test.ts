import { functionReference, type InvocationResult, THROTTLED } from '../../../../local/lambda/function-host';
import { type InvokableFunctions, LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { recordingLog } from '../../../helpers/local-runtime';

/** One function, `checkout`, answering with the event it got (or `answer`'s result). */
const oneFunction = (answer?: (event: unknown) => InvocationResult) => {
  const events: unknown[] = [];
  const functions: InvokableFunctions = {
    has: (name) => name === 'checkout',
    invoke: async (_name, event) => {
      events.push(event);
      return answer?.(event) ?? { ok: true, requestId: 'request-1', result: { got: event }, durationMs: 1 };
    },
  };
  return { functions, events };
};

describe('Invoke on the local Lambda API', () => {
  const servers: LambdaApiServer[] = [];

  const aServer = async (functions?: InvokableFunctions) => {
    const server = new LambdaApiServer([], recordingLog(), functions);
    servers.push(server);
    return server.listen('127.0.0.1', 0);
  };

  const invoke = (
    base: string,
    functionName: string,
    { body, type, qualifier }: { body?: string; type?: string; qualifier?: string } = {},
  ) =>
    fetch(
      `${base}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${qualifier ? `?Qualifier=${qualifier}` : ''}`,
      { method: 'POST', headers: type ? { 'x-amz-invocation-type': type } : {}, body: body ?? null },
    );

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('serves no function when it is given none', async () => {
    const base = await aServer();

    const response = await invoke(base, 'checkout', { body: '{}' });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  it('answers the result with its request id and the version that ran', async () => {
    const base = await aServer(oneFunction().functions);

    const response = await invoke(base, 'checkout', { body: '{"a":1}' });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toBe('request-1');
    expect(response.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(await response.json()).toEqual({ got: { a: 1 } });
  });

  it('answers null for a function that returns nothing', async () => {
    const base = await aServer(
      oneFunction(() => ({ ok: true, requestId: 'r', result: null, durationMs: 1 })).functions,
    );

    expect(await (await invoke(base, 'checkout')).text()).toBe('null');
  });

  it('answers an error without a stack (a timeout) without a trace', async () => {
    const base = await aServer(
      oneFunction(() => ({
        ok: false,
        requestId: 'r',
        error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' },
        durationMs: 3000,
      })).functions,
    );

    const response = await invoke(base, 'checkout');

    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: 'Task timed out after 3.00 seconds',
    });
  });

  it('answers 429 TooManyRequestsException for a function with no concurrency (reserved 0)', async () => {
    const base = await aServer(
      oneFunction(() => ({ ok: false, requestId: '', error: THROTTLED, durationMs: 0 })).functions,
    );

    const response = await invoke(base, 'checkout');

    expect(response.status).toBe(429);
    expect(response.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
  });

  it('refuses a qualifier that contradicts the one in the function name', async () => {
    const { functions, events } = oneFunction();
    const base = await aServer(functions);

    const response = await invoke(base, 'checkout:live', { qualifier: '3' });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
    expect(events).toEqual([]);
  });

  it('refuses a payload that is not JSON', async () => {
    const { functions, events } = oneFunction();
    const base = await aServer(functions);

    const response = await invoke(base, 'checkout', { body: '{not json' });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect(((await response.json()) as { message: string }).message).toMatch(
      /^Could not parse request body into json: /,
    );
    expect(events).toEqual([]);
  });

  it('refuses an unknown invocation type', async () => {
    const base = await aServer(oneFunction().functions);

    const response = await invoke(base, 'checkout', { type: 'Later' });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });

  it("refuses a payload over Lambda's 6 MB", async () => {
    const { functions, events } = oneFunction();
    const base = await aServer(functions);

    const response = await invoke(base, 'checkout', {
      body: JSON.stringify({ padding: 'x'.repeat(6 * 1024 * 1024) }),
    });

    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
    expect(events).toEqual([]);
  });

  it('still answers other paths as not served', async () => {
    const base = await aServer(oneFunction().functions);

    const response = await fetch(`${base}/2015-03-31/functions/checkout`, { method: 'GET' });

    expect(response.status).toBe(404);
  });
});

describe('functionReference: a FunctionName or target ARN, as Lambda reads it', () => {
  it.each([
    ['checkout', { name: 'checkout' }],
    ['checkout:live', { name: 'checkout', qualifier: 'live' }],
    ['123456789012:function:checkout', { name: 'checkout' }],
    ['123456789012:function:checkout:7', { name: 'checkout', qualifier: '7' }],
    ['arn:aws:lambda:us-east-1:123456789012:function:checkout', { name: 'checkout' }],
    [
      'arn:aws:lambda:us-east-1:123456789012:function:checkout:$LATEST',
      { name: 'checkout', qualifier: '$LATEST' },
    ],
  ])('reads %s', (reference, expected) => {
    expect(functionReference(reference)).toEqual(expected);
  });

  it.each([
    '',
    'checkout:',
    'a:b:c',
    'arn:aws:sqs:us-east-1:123456789012:orders',
    'arn:aws:lambda:us-east-1:123456789012:layer:tools:1',
    'arn:aws:lambda:us-east-1:123456789012:function:checkout:live:extra',
    'arn:aws:lambda',
  ])('names no function in %j', (reference) => {
    expect(functionReference(reference)).toBeUndefined();
  });
});
