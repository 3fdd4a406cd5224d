import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, localAwsEnvironment } from '../../../../local/aws-config';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { PROJECT_ROOT } from '../../../../local/paths';
import { makeTempDir, recordingLog, waitFor, writeFile } from '../../../helpers/local-runtime';

/**
 * The hosted functions: `echo` answers with its event and name, `fails` throws, `records` appends its event
 * to the file the event names, and `caller` invokes another function with a LambdaClient built without any
 * endpoint: the SDK's own, as a deployed function would, resolved from the project.
 */
const HANDLERS = `
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(${JSON.stringify(join(PROJECT_ROOT, 'package.json'))});
const { InvokeCommand, LambdaClient } = require('@aws-sdk/client-lambda');

export const echo = async (event, context) => ({ echo: event, functionName: context.functionName });
export const fails = async () => {
  throw new TypeError('the breaker is stuck');
};
export const records = async (event) => {
  appendFileSync(event.file, JSON.stringify(event) + '\\n');
  if (event.fail) throw new Error('recorded, then failed');
  return 'recorded';
};
export const caller = async (event) => {
  const lambda = new LambdaClient({});
  const { StatusCode, Payload } = await lambda.send(
    new InvokeCommand({ FunctionName: event.target, Payload: JSON.stringify(event.payload) }),
  );
  return { StatusCode, answer: JSON.parse(Buffer.from(Payload).toString()) };
};
`;

/** Where nothing listens: the functions' AWS_ENDPOINT_URL (moto's place), which Lambda calls must not use. */
const NOWHERE = 'http://127.0.0.1:9';

const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;

const payloadOf = (payload: Uint8Array | undefined) =>
  payload && payload.length > 0 ? JSON.parse(Buffer.from(payload).toString('utf8')) : undefined;

describe('Invoke on the local Lambda API, from @aws-sdk/client-lambda', () => {
  const build = makeTempDir('lambda-invoke-build');
  const logs = makeTempDir('lambda-invoke-logs');
  const log = recordingLog();
  let host: FunctionHost;
  // The server reaches the host, created once the server's URL is known (it goes in the functions' environment).
  const server = new LambdaApiServer([], log, {
    has: (name) => host.has(name),
    invoke: (name, event) => host.invoke(name, event),
  });
  let lambda: LambdaClient;

  beforeAll(async () => {
    writeFile(build.path, 'Functions/index.mjs', HANDLERS);
    const endpoint = await server.listen('127.0.0.1', 0);
    host = new FunctionHost(localAwsEnvironment(NOWHERE, LOCAL_REGION, { lambda: endpoint }), logs.path);
    for (const handler of ['echo', 'fails', 'records', 'caller']) {
      host.register({
        name: `local-${handler}`,
        logicalId: handler,
        artifactDir: join(build.path, 'Functions'),
        handler: `index.${handler}`,
        timeoutSeconds: 10,
        memoryMb: 256,
        arn: functionArn(`local-${handler}`),
        environment: {},
      });
    }
    lambda = new LambdaClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    lambda.destroy();
    await server.close();
    await host.stop();
    build.remove();
    logs.remove();
  });

  it('answers a RequestResponse invocation with the function result', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'local-echo', Payload: JSON.stringify({ orderId: 'o-1' }) }),
    );

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    expect(payloadOf(response.Payload)).toEqual({ echo: { orderId: 'o-1' }, functionName: 'local-echo' });
  });

  it.each([
    ['its ARN', functionArn('local-echo'), undefined],
    ["an alias's ARN", `${functionArn('local-echo')}:live`, undefined],
    ['a name and a Qualifier', 'local-echo', 'live'],
    ['an ARN and the same Qualifier', `${functionArn('local-echo')}:live`, 'live'],
    ['a partial ARN', `${LOCAL_ACCOUNT_ID}:function:local-echo:live`, undefined],
  ])('finds the function by %s', async (_, FunctionName, Qualifier) => {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName,
        Qualifier,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify({ check: 'circuit-breaker' }),
      }),
    );

    expect(response.StatusCode).toBe(200);
    expect(payloadOf(response.Payload)).toEqual({
      echo: { check: 'circuit-breaker' },
      functionName: 'local-echo',
    });
  });

  it('gives a function invoked without a payload an empty object', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'local-echo' }));

    expect(payloadOf(response.Payload)).toEqual({ echo: {}, functionName: 'local-echo' });
  });

  it("answers a function error as Lambda does: 200, X-Amz-Function-Error Unhandled, the error's type, message and trace", async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'local-fails', Payload: '{}' }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    const payload = payloadOf(response.Payload);
    expect(payload).toEqual({
      errorType: 'TypeError',
      errorMessage: 'the breaker is stuck',
      trace: expect.arrayContaining(['TypeError: the breaker is stuck']),
    });
    expect(payload.trace[1]).toMatch(/^ {4}at .*index\.mjs/);
  });

  it('accepts an Event invocation with 202 and runs the function in the background', async () => {
    const file = join(logs.path, 'event.jsonl');

    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionArn('local-records'),
        InvocationType: 'Event',
        Payload: JSON.stringify({ file, value: 'async' }),
      }),
    );

    expect(response.StatusCode).toBe(202);
    expect(payloadOf(response.Payload)).toBeUndefined();
    const recorded = await waitFor('the Event invocation to run', () =>
      existsSync(file) ? readFileSync(file, 'utf8') : undefined,
    );
    expect(JSON.parse(recorded)).toEqual({ file, value: 'async' });
  });

  it('logs an Event invocation that fails, since nobody waits for its answer', async () => {
    const file = join(logs.path, 'failing-event.jsonl');

    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'local-records',
        InvocationType: 'Event',
        Payload: JSON.stringify({ file, fail: true }),
      }),
    );

    expect(response.StatusCode).toBe(202);
    const line = await waitFor('the failure to be logged', () =>
      log.lines.find((each) => each.message.includes('recorded, then failed')),
    );
    expect(line).toEqual({
      level: 'warn',
      component: 'lambda-api',
      message: expect.stringMatching(
        /^local-records failed on an Event invocation \([0-9a-f-]{36}\): Error: recorded, then failed$/,
      ),
    });
  });

  it('answers a DryRun with 204, without running the function', async () => {
    const file = join(logs.path, 'dry-run.jsonl');

    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'local-records',
        InvocationType: 'DryRun',
        Payload: JSON.stringify({ file }),
      }),
    );

    expect(response.StatusCode).toBe(204);
    expect(existsSync(file)).toBe(false);
  });

  it('answers an unknown function with ResourceNotFoundException (404)', async () => {
    const invoking = lambda.send(new InvokeCommand({ FunctionName: functionArn('local-nope') }));

    await expect(invoking).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(invoking).rejects.toMatchObject({
      message: `Function not found: ${functionArn('local-nope')}`,
      $metadata: { httpStatusCode: 404 },
    });
  });

  it("is where a hosted function's own LambdaClient goes: AWS_ENDPOINT_URL_LAMBDA, beside moto's AWS_ENDPOINT_URL", async () => {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'local-caller',
        Payload: JSON.stringify({ target: `${functionArn('local-echo')}:live`, payload: { from: 'caller' } }),
      }),
    );

    expect(response.FunctionError).toBeUndefined();
    expect(payloadOf(response.Payload)).toEqual({
      StatusCode: 200,
      answer: { echo: { from: 'caller' }, functionName: 'local-echo' },
    });
  });
});
