import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../cli/status/main';
import type { StatusJson } from '../../cli/status/report';
import { runCli } from '../helpers/cli';
import { type LocalStackProcess, startLocalStackProcess } from './local-stack-process';

/**
 * `npm run status` on a fresh local stack of this file's own (reusing the build the global setup made):
 * the shared stack's dead-letter queues get messages from the other end-to-end files on purpose.
 */
describe('npm run status on a fresh local stack', () => {
  let stack: LocalStackProcess;
  let outputsFile: string;

  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'checkout-status-'));
    stack = await startLocalStackProcess(stateDir, { LOCAL_SKIP_BUILD: '1' });
    outputsFile = join(stateDir, 'outputs.json');
  });

  afterAll(async () => {
    await stack?.interrupt();
  });

  it('reports the four pipelines healthy, with every subscription and its dead-letter queue, and exits with 0', async () => {
    const { code, stdout, stderr } = await runCli(run, ['--json', '--outputs', outputsFile]);
    const status = JSON.parse(stdout) as StatusJson;

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.health).toBe('healthy');
    for (const pipeline of Object.values(status.pipelines)) {
      expect({
        name: pipeline.name,
        health: pipeline.health,
        problems: pipeline.problems,
        unknown: pipeline.unknown,
      }).toEqual({
        name: pipeline.name,
        health: 'healthy',
        problems: [],
        unknown: [],
      });
      expect(pipeline.subscriptions).toEqual([
        expect.objectContaining({ deadLetterQueue: expect.objectContaining({ waiting: 0, inFlight: 0 }) }),
      ]);
    }
    const { storageBackup, searchAnalytics, eventReplay } = status.pipelines;
    expect(storageBackup.deliveryStream).toMatchObject({
      name: stack.outputs.ArchiveDeliveryStreamName,
      status: 'ACTIVE',
    });
    expect(searchAnalytics.domain).toMatchObject({
      kind: 'cluster',
      health: expect.stringMatching(/^(green|yellow)$/),
    });
    expect(eventReplay.replay).toMatchObject({ replay: null, verdict: { code: 'no-replay' } });
    expect(status.otherSubscriptions).toBeNull();
  });

  it('prints one healthy line per pipeline', async () => {
    const { code, stdout } = await runCli(run, ['--outputs', outputsFile]);

    expect(code).toBe(0);
    for (const name of [
      'checkout processing',
      'storage and backup',
      'search and analytics',
      'event replay',
    ]) {
      expect(stdout).toMatch(new RegExp(`^${name} +healthy +\\(.+\\)$`, 'm'));
    }
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Every pipeline is healthy.');
  });
});
