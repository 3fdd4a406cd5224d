import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/aws-config';
import { FunctionHost, type InvocationResult } from '../../../../local/lambda/function-host';
import {
  defaultNotification,
  LocalSchedule,
  type LocalScheduleSettings,
  parseScheduleExpression,
  SCHEDULE,
  type ScheduleClock,
  type ScheduleLog,
  scheduleProvisioner,
  systemClock,
} from '../../../../local/provisioners/scheduler';
import type { LocalRuntime, Provisioned } from '../../../../local/stack/resources';
import { aResourceToCreate, aStackFrame } from '../../../factories/local-stack';
import {
  aLocalRuntime,
  makeTempDir,
  type RecordedLog,
  recordingLog,
  unreachableClients,
} from '../../../helpers/local-runtime';

const START = Date.parse('2025-03-01T12:00:00Z');
const MINUTE = 60_000;
const SCHEDULE_ARN = `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/default/local-test-Every`;

/** A clock the test moves: `advance(ms)` moves the time and fires each timer whose interval has passed. */
const manualClock = (start = START) => {
  let now = start;
  const timers = new Set<{ intervalMs: number; due: number; tick: () => void }>();
  return {
    now: () => now,
    every(intervalMs: number, tick: () => void) {
      const timer = { intervalMs, due: now + intervalMs, tick };
      timers.add(timer);
      return { cancel: () => void timers.delete(timer) };
    },
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const next = [...timers].sort((a, b) => a.due - b.due)[0];
        if (!next || next.due > until) break;
        now = next.due;
        next.due += next.intervalMs;
        next.tick();
      }
      now = until;
    },
    get timers() {
      return timers.size;
    },
  } satisfies ScheduleClock & Record<string, unknown>;
};

/** A log with a debug level, as the schedules use one where the runtime's log has it. */
const debugLog = (): RecordedLog & ScheduleLog & { debugLines: string[] } => {
  const log = recordingLog();
  const debugLines: string[] = [];
  return Object.assign(log, {
    debugLines,
    debug: (component: string, message: string) => void debugLines.push(`[${component}] ${message}`),
  });
};

const ok = (): InvocationResult => ({ ok: true, requestId: 'r', result: null, durationMs: 3 });

/** An invoke that records each event and answers when the test says so (or at once with `answer`). */
const controlledInvoke = () => {
  const events: unknown[] = [];
  const pending: ((result: InvocationResult) => void)[] = [];
  const invoke = jest.fn((_name: string, event: unknown) => {
    events.push(event);
    return new Promise<InvocationResult>((resolve) => pending.push(resolve));
  });
  return {
    invoke,
    events,
    finish: (result: InvocationResult = ok()) => (pending.shift() as (r: InvocationResult) => void)(result),
  };
};

const settings = (overrides: Partial<LocalScheduleSettings> = {}): LocalScheduleSettings => ({
  label: 'Every',
  arn: SCHEDULE_ARN,
  region: LOCAL_REGION,
  accountId: LOCAL_ACCOUNT_ID,
  expression: 'rate(1 minute)',
  intervalMs: MINUTE,
  functionName: 'local-test-Breaker',
  enabled: true,
  input: '{"check":"circuit-breaker"}',
  ...overrides,
});

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('parseScheduleExpression', () => {
  it.each([
    ['rate(1 minute)', MINUTE],
    ['rate(1 minutes)', MINUTE],
    ['rate(5 minutes)', 5 * MINUTE],
    ['rate(1 hour)', 60 * MINUTE],
    ['rate(12 hours)', 12 * 60 * MINUTE],
    ['rate(1 day)', 24 * 60 * MINUTE],
    ['rate(30 days)', 30 * 24 * 60 * MINUTE],
    [' rate(2 minutes) ', 2 * MINUTE],
  ])('reads %s as an interval of %i ms', (expression, intervalMs) => {
    expect(parseScheduleExpression(expression)).toEqual({
      type: 'rate',
      expression: expression.trim(),
      intervalMs,
    });
  });

  it.each([
    ['cron(0/5 * * * ? *)', 'cron'],
    ['at(2025-06-01T09:00:00)', 'at'],
  ])('recognises %s as a %s expression, without reading it', (expression, type) => {
    expect(parseScheduleExpression(expression)).toEqual({ type, expression });
  });

  it.each([
    'rate(0 minutes)',
    'rate(1.5 hours)',
    'rate(-1 minutes)',
    'rate(30 seconds)',
    'rate(1 week)',
    'rate(minutes)',
    'rate(1minute)',
    'RATE(1 minute)',
    'every minute',
    '',
  ])('refuses %j, naming the forms it takes', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(
      `ScheduleExpression ${JSON.stringify(expression)} is not valid: expected rate(value unit) with a whole value of 1 or more and a unit of minute(s), hour(s) or day(s), cron(...) or at(...)`,
    );
  });
});

describe('a local schedule', () => {
  it('first invokes one interval after it starts, then at every interval, with the Input as the event', async () => {
    const clock = manualClock();
    const { invoke, events, finish } = controlledInvoke();
    const schedule = new LocalSchedule(settings(), invoke, debugLog(), clock);

    await schedule.start();
    clock.advance(MINUTE - 1);
    expect(invoke).not.toHaveBeenCalled();

    clock.advance(1);
    expect(invoke).toHaveBeenCalledWith('local-test-Breaker', { check: 'circuit-breaker' });
    finish();
    await flush();
    clock.advance(MINUTE);
    finish();
    await flush();
    clock.advance(MINUTE);

    expect(events).toEqual([
      { check: 'circuit-breaker' },
      { check: 'circuit-breaker' },
      { check: 'circuit-breaker' },
    ]);
    finish();
    await schedule.stop();
  });

  it('skips a tick while the invocation of the tick before still runs, and says so at debug level', async () => {
    const clock = manualClock();
    const { invoke, finish } = controlledInvoke();
    const log = debugLog();
    const schedule = new LocalSchedule(settings(), invoke, log, clock);
    await schedule.start();

    clock.advance(MINUTE);
    clock.advance(MINUTE);
    clock.advance(MINUTE);
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(log.debugLines).toEqual([
      '[Every] tick at 2025-03-01T12:02:00Z skipped: the invocation of local-test-Breaker before it still runs',
      '[Every] tick at 2025-03-01T12:03:00Z skipped: the invocation of local-test-Breaker before it still runs',
    ]);
    expect(log.lines).toEqual([]);

    finish();
    await flush();
    clock.advance(MINUTE);
    expect(invoke).toHaveBeenCalledTimes(2);
    finish();
    await schedule.stop();
  });

  it('logs one line per failed invocation, and goes on ticking', async () => {
    const clock = manualClock();
    const log = debugLog();
    const results: InvocationResult[] = [
      {
        ok: false,
        requestId: 'r1',
        error: { errorType: 'Error', errorMessage: 'the table is gone' },
        durationMs: 5,
      },
      ok(),
      {
        ok: false,
        requestId: '',
        error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out' },
        durationMs: 3000,
      },
    ];
    const invoke = jest.fn(async () => results.shift() as InvocationResult);
    const schedule = new LocalSchedule(settings({ qualifier: 'live' }), invoke, log, clock);
    await schedule.start();

    for (let minute = 0; minute < 3; minute += 1) {
      clock.advance(MINUTE);
      await flush();
    }

    expect(log.text()).toBe(
      [
        'warn [Every] local-test-Breaker:live failed on the invocation of 2025-03-01T12:01:00Z: Error: the table is gone',
        'warn [Every] local-test-Breaker:live failed on the invocation of 2025-03-01T12:03:00Z: Sandbox.Timedout: Task timed out',
      ].join('\n'),
    );
    expect(log.debugLines).toEqual(['[Every] local-test-Breaker:live invoked in 3 ms']);
    await schedule.stop();
  });

  it('logs an invocation that could not start (a function the host does not have)', async () => {
    const clock = manualClock();
    const log = recordingLog();
    const invoke = jest.fn(() => {
      throw new Error('No function named local-test-Breaker in the local stack');
    });
    const schedule = new LocalSchedule(settings(), invoke, log, clock);
    await schedule.start();

    clock.advance(MINUTE);
    await flush();

    expect(log.text()).toBe(
      'warn [Every] local-test-Breaker could not be invoked at 2025-03-01T12:01:00Z: No function named local-test-Breaker in the local stack',
    );
    await schedule.stop();
  });

  it('never starts a timer when it is disabled', async () => {
    const clock = manualClock();
    const { invoke } = controlledInvoke();
    const schedule = new LocalSchedule(settings({ enabled: false }), invoke, recordingLog(), clock);

    await schedule.start();
    clock.advance(60 * MINUTE);

    expect(clock.timers).toBe(0);
    expect(invoke).not.toHaveBeenCalled();
    await schedule.stop();
  });

  it('invokes from its StartDate until its EndDate only, and stops ticking after the EndDate', async () => {
    const clock = manualClock();
    const invoke = jest.fn(async () => ok());
    const log = debugLog();
    const schedule = new LocalSchedule(
      settings({ startDate: START + 2.5 * MINUTE, endDate: START + 4.5 * MINUTE }),
      invoke,
      log,
      clock,
    );
    await schedule.start();

    for (let minute = 0; minute < 10; minute += 1) {
      clock.advance(MINUTE);
      await flush();
    }

    // Minutes 3 and 4 are within the window; 1 and 2 are before it, 5 ends the schedule.
    expect(invoke).toHaveBeenCalledTimes(2);
    expect(clock.timers).toBe(0);
    expect(log.debugLines.at(-1)).toBe(
      '[Every] past its EndDate 2025-03-01T12:04:30Z: no further invocations',
    );
  });

  it('does not start at all once its EndDate has passed', async () => {
    const clock = manualClock();
    const { invoke } = controlledInvoke();
    const schedule = new LocalSchedule(settings({ endDate: START - 1 }), invoke, recordingLog(), clock);

    await schedule.start();

    expect(clock.timers).toBe(0);
  });

  it('stops ticking on stop, once the invocation under way has ended', async () => {
    const clock = manualClock();
    const { invoke, finish } = controlledInvoke();
    const schedule = new LocalSchedule(settings(), invoke, recordingLog(), clock);
    await schedule.start();
    clock.advance(MINUTE);

    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await flush();
    expect(stopped).toBe(false);
    expect(clock.timers).toBe(0);

    finish();
    await stopping;
    clock.advance(10 * MINUTE);
    expect(invoke).toHaveBeenCalledTimes(1);
    await schedule.stop();
  });

  it("sends Scheduler's default notification when there is no Input", async () => {
    const clock = manualClock();
    const { invoke, events, finish } = controlledInvoke();
    const schedule = new LocalSchedule(settings({ input: undefined }), invoke, recordingLog(), clock);
    await schedule.start();

    clock.advance(MINUTE);

    expect(events).toEqual([
      {
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.scheduler',
        account: LOCAL_ACCOUNT_ID,
        time: '2025-03-01T12:01:00Z',
        region: LOCAL_REGION,
        resources: [SCHEDULE_ARN],
        detail: '{}',
      },
    ]);
    finish();
    await schedule.stop();
  });

  it("replaces Scheduler's context attributes in the Input", async () => {
    const clock = manualClock();
    const { invoke, events, finish } = controlledInvoke();
    const input = JSON.stringify({
      arn: '<aws.scheduler.schedule-arn>',
      at: '<aws.scheduler.scheduled-time>',
      execution: '<aws.scheduler.execution-id>',
      attempt: '<aws.scheduler.attempt-number>',
    });
    const schedule = new LocalSchedule(settings({ input }), invoke, recordingLog(), clock);
    await schedule.start();

    clock.advance(MINUTE);

    expect(events).toEqual([
      {
        arn: SCHEDULE_ARN,
        at: '2025-03-01T12:01:00Z',
        execution: expect.stringMatching(/^[0-9a-f-]{36}$/),
        attempt: '1',
      },
    ]);
    finish();
    await schedule.stop();
  });

  it('describes itself in the banner: expression, target, state and window', () => {
    const line = (overrides: Partial<LocalScheduleSettings>) =>
      new LocalSchedule(settings(overrides), jest.fn(), recordingLog(), manualClock()).bannerLines();

    expect(line({ label: 'CircuitBreakerSchedule', qualifier: 'live' })).toEqual([
      '  Schedule          CircuitBreakerSchedule: rate(1 minute) -> local-test-Breaker:live',
    ]);
    expect(line({ enabled: false })).toEqual([
      '  Schedule          Every: rate(1 minute) -> local-test-Breaker (disabled: never invoked)',
    ]);
    expect(line({ startDate: START, endDate: START + MINUTE })).toEqual([
      '  Schedule          Every: rate(1 minute) -> local-test-Breaker from 2025-03-01T12:00:00Z until 2025-03-01T12:01:00Z',
    ]);
  });

  it('gives the default notification the time it was due', () => {
    expect(defaultNotification(settings(), Date.parse('2025-03-01T12:01:00.250Z')).time).toBe(
      '2025-03-01T12:01:00Z',
    );
  });
});

describe('the system clock', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('ticks at every interval from now, until cancelled', () => {
    jest.useFakeTimers({ now: START });
    const tick = jest.fn();
    const timer = systemClock.every(MINUTE, tick);

    jest.advanceTimersByTime(MINUTE - 1);
    expect(tick).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(tick).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(3 * MINUTE);
    expect(tick).toHaveBeenCalledTimes(4);

    timer.cancel();
    jest.advanceTimersByTime(10 * MINUTE);
    expect(tick).toHaveBeenCalledTimes(4);
  });

  it('waits intervals longer than a Node.js timer takes (about 24.8 days) in steps', () => {
    jest.useFakeTimers({ now: START });
    const tick = jest.fn();
    const days = (count: number) => count * 24 * 60 * MINUTE;
    const timer = systemClock.every(days(30), tick);

    jest.advanceTimersByTime(days(29));
    expect(tick).not.toHaveBeenCalled();
    jest.advanceTimersByTime(days(1));
    expect(tick).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(days(30));
    expect(tick).toHaveBeenCalledTimes(2);
    timer.cancel();
  });
});

describe('the AWS::Scheduler::Schedule provisioner', () => {
  const logs = makeTempDir('scheduler-logs');
  const stack = aStackFrame({ stackName: 'local-test' });
  const functionArn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:local-test-Breaker`;
  const clock = manualClock();
  const create = scheduleProvisioner(clock);
  let runtime: LocalRuntime;

  beforeEach(() => {
    runtime = aLocalRuntime({
      clients: unreachableClients(),
      functions: new FunctionHost({}, logs.path),
    });
  });

  afterAll(() => {
    logs.remove();
  });

  /** The schedule's handle, when the provisioner made one. */
  const handleOf = ({ handles = [] }: Provisioned): LocalSchedule => {
    expect(handles).toHaveLength(1);
    return handles[0] as LocalSchedule;
  };

  const schedule = (properties: Record<string, unknown>) =>
    create(
      aResourceToCreate(
        'Every',
        'AWS::Scheduler::Schedule',
        {
          ScheduleExpression: 'rate(1 minute)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: functionArn, RoleArn: 'arn:aws:iam::123456789012:role/x' },
          ...properties,
        },
        stack,
      ),
      runtime,
    );

  it('gives Ref the name and GetAtt the ARN, in the default group', async () => {
    const provisioned = await schedule({});

    expect(provisioned.ref).toBe('local-test-Every');
    expect(provisioned.attributes).toEqual({ Arn: SCHEDULE_ARN });
    expect(handleOf(provisioned).kind).toBe(SCHEDULE.kind);
  });

  it('keeps a Name and GroupName', async () => {
    const { ref, attributes } = await schedule({ Name: 'breaker', GroupName: 'ops' });

    expect(ref).toBe('breaker');
    expect(attributes.Arn).toBe(`arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/ops/breaker`);
  });

  it.each([
    [functionArn, 'local-test-Breaker', undefined],
    [`${functionArn}:live`, 'local-test-Breaker', 'live'],
    [`${functionArn}:7`, 'local-test-Breaker', '7'],
  ])('targets the function %s names', async (arn, functionName, qualifier) => {
    const { settings: made } = handleOf(await schedule({ Target: { Arn: arn, RoleArn: 'r' } }));

    expect(made.functionName).toBe(functionName);
    expect(made.qualifier).toBe(qualifier);
  });

  it('reads State, StartDate, EndDate and Input', async () => {
    const provisioned = await schedule({
      State: 'DISABLED',
      StartDate: '2025-03-01T12:00:00Z',
      EndDate: '2025-04-01T00:00:00.000Z',
      Target: { Arn: functionArn, RoleArn: 'r', Input: '{"check":"circuit-breaker"}' },
    });

    expect(handleOf(provisioned).settings).toEqual({
      label: 'Every',
      arn: SCHEDULE_ARN,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      expression: 'rate(1 minute)',
      intervalMs: MINUTE,
      functionName: 'local-test-Breaker',
      enabled: false,
      startDate: START,
      endDate: Date.parse('2025-04-01T00:00:00Z'),
      input: '{"check":"circuit-breaker"}',
    });
  });

  it.each([
    ['cron(0/5 * * * ? *)', 'cron(...) expressions are not emulated'],
    ['at(2025-06-01T09:00:00)', 'at(...) expressions are not emulated'],
  ])('reports a %s schedule as not emulated, with a warning', async (expression, why) => {
    const { ref, handles } = await schedule({ ScheduleExpression: expression });

    expect(ref).toBe('local-test-Every');
    expect(handles).toBeUndefined();
    expect(runtime.notEmulated).toEqual(['AWS::Scheduler::Schedule Every']);
    expect((runtime.log as RecordedLog).text()).toBe(
      `warn [Every] not emulated locally (${why}): it never invokes its target`,
    );
  });

  it('reports a target other than a Lambda function as not emulated', async () => {
    const queue = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:orders`;
    const { handles } = await schedule({ Target: { Arn: queue, RoleArn: 'r' } });

    expect(handles).toBeUndefined();
    expect(runtime.notEmulated).toEqual(['AWS::Scheduler::Schedule Every']);
    expect((runtime.log as RecordedLog).text()).toContain(
      `only Lambda function targets are emulated, not ${queue}`,
    );
  });

  it.each([
    [{ ScheduleExpression: 'rate(30 seconds)' }, 'ScheduleExpression "rate(30 seconds)" is not valid'],
    [{ State: 'PAUSED' }, 'State "PAUSED" is not ENABLED or DISABLED'],
    [{ Target: { RoleArn: 'r' } }, 'Target.Arn is required'],
    [{ Target: { Arn: functionArn, Input: '{not json' } }, 'Target.Input is not JSON'],
    [{ Target: { Arn: functionArn, Input: { check: 1 } } }, 'Target.Input must be a string'],
    [{ StartDate: 'tomorrow' }, 'StartDate "tomorrow" is not a date and time'],
  ])('refuses %j as CreateSchedule would', async (properties, message) => {
    await expect(schedule(properties)).rejects.toThrow(message);
  });
});
