import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { FunctionHost } from '../../../../local/lambda/function-host';
import { LambdaApiServer } from '../../../../local/lambda/lambda-api-server';
import { createCustomResource } from '../../../../local/provisioners/custom-resource';
import type { LocalRuntime } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import {
  aLocalRuntime,
  makeTempDir,
  recordingLog,
  unreachableClients,
  writeFile,
} from '../../../helpers/local-runtime';

/**
 * Custom resource functions: `answers` sends SUCCESS with the event it got as Data, `refuses` sends
 * FAILED, `throws` fails without answering, as a function that crashes does.
 */
const HANDLERS = `
const answer = (event, body) =>
  fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body: JSON.stringify({
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      ...body,
    }),
  });
export const answers = async (event) => {
  await answer(event, {
    Status: 'SUCCESS',
    PhysicalResourceId: 'set-up-' + event.ResourceProperties.IndexName,
    Data: { Alias: event.ResourceProperties.IndexName, Event: JSON.stringify(event) },
  });
};
export const refuses = async (event) => {
  await answer(event, { Status: 'FAILED', Reason: 'the domain said no', PhysicalResourceId: 'x' });
};
export const throws = async () => {
  throw new TypeError('set-up exploded');
};`;

const stack = aStackFrame({ stackName: 'cr', path: ['Search'] });

const functionArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}`;

const toCreate = (handler: string, properties: Record<string, unknown> = {}) =>
  aResourceToCreate(
    'OrderIndexSetup',
    'Custom::OrderIndexSetup',
    { ServiceToken: functionArn(handler), ...properties },
    stack,
  );

describe('the custom resource provisioner', () => {
  const dir = makeTempDir('custom-resource');
  writeFile(dir.path, 'setup/index.mjs', HANDLERS);
  const lambdaApi = new LambdaApiServer([], recordingLog());
  let functions: FunctionHost;
  let runtime: LocalRuntime;

  beforeAll(async () => {
    await lambdaApi.listen('127.0.0.1', 0);
    functions = new FunctionHost({}, dir.path);
    for (const handler of ['answers', 'refuses', 'throws']) {
      functions.register({
        name: handler,
        logicalId: handler,
        artifactDir: join(dir.path, 'setup'),
        handler: `index.${handler}`,
        timeoutSeconds: 5,
        memoryMb: 128,
        arn: functionArn(handler),
        environment: {},
      });
    }
    runtime = aLocalRuntime({ clients: unreachableClients(), functions, customResourceResponses: lambdaApi });
  });

  afterAll(async () => {
    await functions.stop();
    await lambdaApi.close();
    dir.remove();
  });

  it("invokes the function with CloudFormation's Create event, its ResponseURL served locally", async () => {
    const created = await createCustomResource(
      toCreate('answers', { IndexName: 'orders', Replicas: 0 }),
      runtime,
    );

    const event = JSON.parse(String(created.attributes.Event)) as CloudFormationCustomResourceCreateEvent;
    expect(event).toMatchObject({
      RequestType: 'Create',
      ServiceToken: functionArn('answers'),
      StackId: stack.pseudo.stackId,
      LogicalResourceId: 'OrderIndexSetup',
      ResourceType: 'Custom::OrderIndexSetup',
      ResourceProperties: { ServiceToken: functionArn('answers'), IndexName: 'orders', Replicas: 0 },
    });
    expect(event.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.ResponseURL).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/custom-resource-responses\/[0-9a-f-]{36}$/,
    );
    expect(event.ResponseURL.endsWith(event.RequestId)).toBe(true);
  });

  it('gives the physical id answered as Ref and the Data answered as GetAtt attributes', async () => {
    const created = await createCustomResource(toCreate('answers', { IndexName: 'sales' }), runtime);

    expect(created.ref).toBe('set-up-sales');
    expect(created.attributes).toMatchObject({ Alias: 'sales' });
  });

  it('fails the creation with the reason of a FAILED answer', async () => {
    await expect(createCustomResource(toCreate('refuses'), runtime)).rejects.toThrow(
      'refuses answered FAILED: the domain said no',
    );
  });

  it('fails at once, naming the error, when the function fails without answering', async () => {
    const started = Date.now();
    await expect(createCustomResource(toCreate('throws'), runtime)).rejects.toThrow(
      'throws failed: TypeError: set-up exploded',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('leaves no rejection unhandled when the answer it no longer waits for times out', async () => {
    // Jest fails a test in which a promise is rejected with nobody to handle it.
    const quickToGiveUp: LocalRuntime['customResourceResponses'] = {
      expect: (requestId) => ({
        url: `http://127.0.0.1:9/custom-resource-responses/${requestId}`,
        response: sleep(50).then(() =>
          Promise.reject(new Error('no custom resource response within 0.05 s')),
        ),
      }),
    };
    const impatient = aLocalRuntime({
      clients: unreachableClients(),
      functions,
      customResourceResponses: quickToGiveUp,
    });

    await expect(createCustomResource(toCreate('throws'), impatient)).rejects.toThrow('set-up exploded');
    await sleep(200);
  });

  it('refuses a ServiceToken that is not a function of the stack', async () => {
    await expect(createCustomResource(toCreate('elsewhere'), runtime)).rejects.toThrow(
      `the ServiceToken ${functionArn('elsewhere')} is not a function of the local stack`,
    );
  });
});
