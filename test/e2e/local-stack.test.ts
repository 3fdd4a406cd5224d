import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient, ListDeliveryStreamsCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { localClientConfig } from '../../local/aws-config';
import { anOrder, TEST_CARD_NUMBERS } from '../factories/order';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';
import { eventually } from './stack-outputs';
import { localStackStores } from './stores';

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
        'LambdaEndpointUrl',
        'FirehoseEndpointUrl',
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

  it('serves the Firehose API: the SDK lists the delivery streams and a record put there reaches the archive, card data removed', async () => {
    const firehose = new FirehoseClient({
      ...localClientConfig(stack.outputs.AwsEndpointUrl as string, stack.outputs.Region),
      endpoint: stack.outputs.FirehoseEndpointUrl,
    });
    const { DeliveryStreamNames } = await firehose.send(new ListDeliveryStreamsCommand({}));
    expect(DeliveryStreamNames).toContain(stack.outputs.ArchiveDeliveryStreamName);

    const order = anOrder();
    const { RecordId } = await firehose.send(
      new PutRecordCommand({
        DeliveryStreamName: stack.outputs.ArchiveDeliveryStreamName,
        Record: { Data: Buffer.from(`${JSON.stringify(order)}\n`) },
      }),
    );
    expect(RecordId).toEqual(expect.any(String));

    const { archivedLines } = localStackStores(stack.outputs);
    const line = await eventually(
      async () => (await archivedLines()).find((each) => each.includes(`"${order.id}"`)),
      30_000,
      'the record in the archive',
    );
    expect(line).not.toContain(TEST_CARD_NUMBERS.visa);
  });

  it('stops the API, moto and itself on Ctrl-C', async () => {
    const { ApiUrl, AwsEndpointUrl } = stack.outputs;

    const exitCode = await stack.interrupt();

    expect(exitCode).toBe(0);
    expect(stack.output()).toContain('Stopped.');
    await expect(fetch(`${AwsEndpointUrl}/moto-api/`)).rejects.toThrow();
    await expect(fetch(stack.outputs.FirehoseEndpointUrl as string, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(`${ApiUrl}checkout`, { method: 'POST' })).rejects.toThrow();
  });
});
