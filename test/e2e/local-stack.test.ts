import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';

/** A second local stack of this file's own (reusing the build the global setup made), to stop it. */
describe('npm start', () => {
  let stack: LocalStackProcess;

  beforeAll(async () => {
    stack = await startLocalStackProcess(mkdtempSync(join(tmpdir(), 'checkout-stack-')), {
      LOCAL_SKIP_BUILD: '1',
    });
  });

  afterAll(async () => {
    await stack.interrupt();
  });

  it('writes the stack outputs, the AWS endpoint and the region to outputs.json', () => {
    expect(Object.keys(stack.outputs)).toEqual(
      expect.arrayContaining([
        'ApiUrl',
        'TopicArn',
        'CheckoutQueueUrl',
        'CheckoutDeadLetterQueueUrl',
        'CheckoutTableName',
        'AwsEndpointUrl',
        'Region',
      ]),
    );
    expect(stack.outputs.ApiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(stack.outputs.CheckoutQueueUrl).toContain(stack.outputs.AwsEndpointUrl);
  });

  it('prints what runs where and a curl that sends a sample order', () => {
    const printed = stack.output();

    expect(printed).toContain(`AWS APIs (moto)   ${stack.outputs.AwsEndpointUrl}`);
    expect(printed).toContain('POST /checkout');
    expect(printed).toContain(`curl -sS -X POST ${stack.outputs.ApiUrl}checkout`);
    expect(printed).toContain('--data @events/order.json');
  });

  it('stops the API, moto and itself on Ctrl-C', async () => {
    const { ApiUrl, AwsEndpointUrl } = stack.outputs;

    const exitCode = await stack.interrupt();

    expect(exitCode).toBe(0);
    expect(stack.output()).toContain('Stopped.');
    await expect(fetch(`${AwsEndpointUrl}/moto-api/`)).rejects.toThrow();
    await expect(fetch(`${ApiUrl}checkout`, { method: 'POST' })).rejects.toThrow();
  });
});
