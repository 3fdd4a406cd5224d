import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { FunctionHost } from '../../../../local/lambda/function-host';
import {
  SCHEDULE,
  type ScheduleClock,
  scheduleProvisioner,
  systemClock,
} from '../../../../local/provisioners/scheduler';
import { provisioners as functionProvisioners } from '../../../../local/provisioners/serverless-function';
import { type DeployedStack, deployStack } from '../../../../local/stack/deploy-stack';
import { ProvisionerRegistry } from '../../../../local/stack/registry';
import type { LocalRuntime } from '../../../../local/stack/resources';
import {
  aLocalRuntime,
  makeTempDir,
  stopHandles,
  unreachableClients,
  waitFor,
  writeFile,
} from '../../../helpers/local-runtime';

/** A minute lasts 100 ms: the schedules' clock, given to their provisioner (no template can). */
const SPEED = 600;
const MINUTE_MS = 60_000 / SPEED;
const fastClock: ScheduleClock = {
  now: () => Date.now(),
  every: (intervalMs, tick) => systemClock.every(intervalMs / SPEED, tick),
};

/** Each function appends what it got, with when it started and ended, to the file its environment names. */
const HANDLER = `
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const handler = async (event) => {
  const started = Date.now();
  if (process.env.SLEEP_MS) await sleep(Number(process.env.SLEEP_MS));
  appendFileSync(process.env.EVENTS_FILE, JSON.stringify({ event, started, ended: Date.now() }) + '\\n');
  return 'ok';
};
`;

const template = (dir: string) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Breaker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      AutoPublishAlias: live
      Environment:
        Variables:
          EVENTS_FILE: ${join(dir, 'breaker.jsonl')}
  Slow:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs22.x
      Environment:
        Variables:
          EVENTS_FILE: ${join(dir, 'slow.jsonl')}
          SLEEP_MS: '${Math.round(3.5 * MINUTE_MS)}'
  ScheduleRole:
    Type: AWS::IAM::Role
  EveryMinute:
    Type: AWS::Scheduler::Schedule
    Properties:
      Description: The circuit breaker's check
      ScheduleExpression: rate(1 minute)
      FlexibleTimeWindow: { Mode: 'OFF' }
      State: ENABLED
      Target:
        Arn: !Ref Breaker.Alias
        RoleArn: !GetAtt ScheduleRole.Arn
        Input: '{"check":"circuit-breaker"}'
        RetryPolicy: { MaximumRetryAttempts: 0 }
  WithoutInput:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(2 minutes)
      FlexibleTimeWindow: { Mode: 'OFF' }
      Target:
        Arn: !GetAtt Breaker.Arn
        RoleArn: !GetAtt ScheduleRole.Arn
  Disabled:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 minute)
      FlexibleTimeWindow: { Mode: 'OFF' }
      State: DISABLED
      Target:
        Arn: !GetAtt Breaker.Arn
        RoleArn: !GetAtt ScheduleRole.Arn
        Input: '{"check":"disabled"}'
  SlowTarget:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(1 minute)
      FlexibleTimeWindow: { Mode: 'OFF' }
      Target:
        Arn: !GetAtt Slow.Arn
        RoleArn: !GetAtt ScheduleRole.Arn
        Input: '{"check":"slow"}'
Outputs:
  ScheduleName:
    Value: !Ref EveryMinute
  ScheduleArn:
    Value: !GetAtt EveryMinute.Arn
`;

interface Recorded {
  event: Record<string, unknown>;
  started: number;
  ended: number;
}

const recorded = (file: string): Recorded[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Recorded)
    : [];

describe('AWS::Scheduler::Schedule in a local stack, invoking hosted functions', () => {
  const dir = makeTempDir('scheduler-stack');
  const build = join(dir.path, 'build');
  const breakerFile = join(dir.path, 'breaker.jsonl');
  const slowFile = join(dir.path, 'slow.jsonl');
  let functions: FunctionHost;
  let runtime: LocalRuntime;
  let stack: DeployedStack;
  let startedAt: number;

  beforeAll(async () => {
    writeFile(build, 'Breaker/index.mjs', HANDLER);
    writeFile(build, 'Slow/index.mjs', HANDLER);
    functions = new FunctionHost({}, dir.path);
    runtime = aLocalRuntime({
      // The schedules and functions call no AWS API.
      clients: unreachableClients(),
      functions,
      provisioners: new ProvisionerRegistry([
        ...functionProvisioners,
        { type: 'AWS::Scheduler::Schedule', create: scheduleProvisioner(fastClock) },
      ]),
    });
    stack = await deployStack(
      {
        templatePath: writeFile(dir.path, 'template.yaml', template(dir.path)),
        stackName: 'sched',
        pseudo: {
          region: LOCAL_REGION,
          accountId: LOCAL_ACCOUNT_ID,
          partition: 'aws',
          urlSuffix: 'amazonaws.com',
        },
        buildDir: build,
      },
      runtime,
    );
  });

  afterAll(async () => {
    await stopHandles(runtime);
    await functions.stop();
    dir.remove();
  });

  it('creates one schedule handle per schedule, with its Ref, GetAtt and banner line', () => {
    expect(runtime.notEmulated).toEqual(['AWS::IAM::Role ScheduleRole']);
    expect(stack.outputs).toEqual({
      ScheduleName: 'sched-EveryMinute',
      ScheduleArn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/default/sched-EveryMinute`,
    });
    expect(runtime.handles.ofKind(SCHEDULE).flatMap((schedule) => schedule.bannerLines())).toEqual([
      '  Schedule          Disabled: rate(1 minute) -> sched-Breaker (disabled: never invoked)',
      '  Schedule          EveryMinute: rate(1 minute) -> sched-Breaker:live',
      '  Schedule          SlowTarget: rate(1 minute) -> sched-Slow',
      '  Schedule          WithoutInput: rate(2 minutes) -> sched-Breaker',
    ]);
  });

  it('invokes nothing before the stack starts', async () => {
    await sleep(3 * MINUTE_MS);
    expect(recorded(breakerFile)).toEqual([]);
  });

  it('invokes the function at every tick once started, the first one interval after the start', async () => {
    startedAt = Date.now();
    await runtime.handles.startAll();

    const checks = await waitFor('three invocations of EveryMinute', () => {
      const found = recorded(breakerFile).filter(({ event }) => event.check === 'circuit-breaker');
      return found.length >= 3 && found;
    });
    // Node timers never fire early; 5 ms of slack for the clock's rounding.
    expect(checks[0]?.started).toBeGreaterThanOrEqual(startedAt + MINUTE_MS - 5);
    for (const { event } of checks) expect(event).toEqual({ check: 'circuit-breaker' });
  });

  it("sends Scheduler's default notification where the target has no Input", async () => {
    const [notification] = await waitFor('an invocation of WithoutInput', () => {
      const found = recorded(breakerFile).filter(({ event }) => event.source === 'aws.scheduler');
      return found.length > 0 && found;
    });

    expect(notification?.event).toEqual({
      version: '0',
      id: expect.any(String),
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: LOCAL_ACCOUNT_ID,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      region: LOCAL_REGION,
      resources: [
        `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/default/sched-WithoutInput`,
      ],
      detail: '{}',
    });
  });

  it('never overlaps its own invocations: a tick while one runs is skipped', async () => {
    // The slow function runs 3.5 intervals, and may run 10 at once: only the schedule keeps them apart.
    const runs = await waitFor('three invocations of SlowTarget', () => {
      const found = recorded(slowFile);
      return found.length >= 3 && found;
    });

    for (let index = 1; index < runs.length; index += 1) {
      expect(runs[index]?.started).toBeGreaterThanOrEqual(runs[index - 1]?.ended as number);
    }
  });

  it('never invokes a DISABLED schedule', () => {
    expect(recorded(breakerFile).filter(({ event }) => event.check === 'disabled')).toEqual([]);
  });

  it('stops invoking once stopped', async () => {
    await stopHandles(runtime);
    const afterStop = recorded(breakerFile).length;

    await sleep(5 * MINUTE_MS);

    expect(recorded(breakerFile)).toHaveLength(afterStop);
    expect(recorded(breakerFile).filter(({ event }) => event.check === 'disabled')).toEqual([]);
  });
});
