import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localClientConfig } from '../../../../local/aws-config';
import { type MotoServer, startMotoServer } from '../../../../local/moto/moto-server';
import { makeTempDir, waitFor } from '../../../helpers/local-runtime';

describe('startMotoServer', () => {
  const dir = makeTempDir('moto-server');
  const logFile = join(dir.path, 'moto.log');
  let moto: MotoServer;
  let sqs: SQSClient;

  beforeAll(async () => {
    moto = await startMotoServer({ logFile });
    sqs = new SQSClient(localClientConfig(moto.endpoint));
  });

  afterAll(async () => {
    await moto.stop();
    dir.remove();
  });

  const queueNames = async () => {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    return QueueUrls.map((url) => url.split('/').pop());
  };

  it('serves AWS APIs on a free local port', async () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    await sqs.send(new CreateQueueCommand({ QueueName: 'moto-server-test' }));
    expect(await queueNames()).toContain('moto-server-test');
  });

  it("writes moto's request log to the log file", async () => {
    await sqs.send(new ListQueuesCommand({}));
    await waitFor(
      'a request in the log',
      () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('POST'),
    );
  });

  it('clears every resource on reset', async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: 'to-be-reset' }));
    await moto.reset();
    expect(await queueNames()).toEqual([]);
  });

  it('stops the server, and stopping twice is harmless', async () => {
    const other = await startMotoServer();
    await other.stop();
    await expect(fetch(`${other.endpoint}/moto-api/`)).rejects.toThrow();
    await expect(other.stop()).resolves.toBeUndefined();
  });
});
