/**
 * AWS::Scheduler::Schedule (EventBridge Scheduler) with a Lambda function target: the local runtime invokes
 * the function at each tick of a `rate(...)` expression, as Scheduler's templated Lambda target does
 * (asynchronously, with the target's Input as the event). `cron(...)` and `at(...)` expressions, and
 * targets other than Lambda functions, are reported as not emulated.
 */
import { randomUUID } from 'node:crypto';
import { functionReference, type InvocationResult } from '../lambda/function-host';
import type { RuntimeLog } from '../log';
import { type HandleKind, handleKind, type ResourceHandle } from '../stack/handles';
import {
  arn,
  type Provisioned,
  type Provisioner,
  type ProvisionerDefinition,
  physicalName,
} from '../stack/resources';

const MINUTE_MS = 60_000;
const UNIT_MS: Record<string, number> = {
  minute: MINUTE_MS,
  minutes: MINUTE_MS,
  hour: 60 * MINUTE_MS,
  hours: 60 * MINUTE_MS,
  day: 24 * 60 * MINUTE_MS,
  days: 24 * 60 * MINUTE_MS,
};

const RATE = /^rate\((\d+) (minutes?|hours?|days?)\)$/;
const CRON_OR_AT = /^(cron|at)\(.*\)$/;

/** A ScheduleExpression: a rate with its interval, or a cron or one-time expression as written. */
export type ScheduleExpression =
  | { type: 'rate'; expression: string; intervalMs: number }
  | { type: 'cron' | 'at'; expression: string };

/**
 * Parses a ScheduleExpression: `rate(value unit)` (a whole value of 1 or more; minute, minutes, hour, hours,
 * day or days), `cron(...)` or `at(...)` (recognised, their fields not checked). Anything else is an error,
 * as CreateSchedule refuses it.
 */
export const parseScheduleExpression = (expression: string): ScheduleExpression => {
  const rate = RATE.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    if (value >= 1) {
      return {
        type: 'rate',
        expression: expression.trim(),
        intervalMs: value * (UNIT_MS[rate[2] as string] as number),
      };
    }
  }
  const other = CRON_OR_AT.exec(expression.trim());
  if (other) return { type: other[1] as 'cron' | 'at', expression: expression.trim() };
  throw new Error(
    `ScheduleExpression ${JSON.stringify(expression)} is not valid: expected rate(value unit) with a whole value of 1 or more and a unit of minute(s), hour(s) or day(s), cron(...) or at(...)`,
  );
};

/** What the schedules measure time with: the system clock, or a test's. */
export interface ScheduleClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `tick` every `intervalMs`, the first time one interval from now, until cancelled. */
  every(intervalMs: number, tick: () => void): { cancel(): void };
}

/** The longest delay a Node.js timer takes (about 24.8 days): longer intervals are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The system clock. Its ticks keep to the interval (no drift) and do not keep the process alive. */
export const systemClock: ScheduleClock = {
  now: () => Date.now(),
  every: (intervalMs, tick) => {
    let due = Date.now() + intervalMs;
    let timer: NodeJS.Timeout;
    const arm = () => {
      timer = setTimeout(
        () => {
          const now = Date.now();
          if (now >= due) {
            // A tick missed while the process was suspended is not made up for: one tick, then the next due.
            while (due <= now) due += intervalMs;
            tick();
          }
          arm();
        },
        Math.min(MAX_TIMER_MS, Math.max(0, due - Date.now())),
      );
      timer.unref();
    };
    arm();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** The runtime's log, with a debug level where it has one (skipped ticks, invocations that succeeded). */
export type ScheduleLog = RuntimeLog & { debug?(component: string, message: string): void };

export interface LocalScheduleSettings {
  /** For log lines and the banner: the logical id, with the nested stacks' ids before it. */
  label: string;
  /** The schedule's ARN (`arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>`). */
  arn: string;
  region: string;
  accountId: string;
  expression: string;
  intervalMs: number;
  /** The target function's name, and the qualifier of its ARN (any runs the one local version). */
  functionName: string;
  qualifier?: string;
  /** State ENABLED; a disabled schedule never invokes its target. */
  enabled: boolean;
  /** No invocation before StartDate, nor after EndDate (milliseconds since the epoch). */
  startDate?: number;
  endDate?: number;
  /** Target.Input as written (JSON, with Scheduler's context attributes), or undefined for the default event. */
  input?: string;
}

/** Schedules are found in the runtime's handles by this kind. */
export const SCHEDULE: HandleKind<LocalSchedule> = handleKind('schedule');

/**
 * Scheduler's context attributes, replaced in Target.Input at each invocation. The attempt is always 1:
 * Scheduler retries only when it cannot deliver, and a local invocation is always delivered.
 */
const withContextAttributes = (input: string, scheduleArn: string, scheduledTime: string) =>
  input
    .replaceAll('<aws.scheduler.schedule-arn>', scheduleArn)
    .replaceAll('<aws.scheduler.scheduled-time>', scheduledTime)
    .replaceAll('<aws.scheduler.execution-id>', randomUUID())
    .replaceAll('<aws.scheduler.attempt-number>', '1');

/** A time as Scheduler and EventBridge write it: ISO 8601 in UTC, to the second. */
const isoSeconds = (time: number) => `${new Date(time).toISOString().slice(0, 19)}Z`;

/**
 * The event Scheduler sends a Lambda target without Input (its "default notification"): an EventBridge-shaped
 * envelope whose `detail` is the string "{}".
 */
export const defaultNotification = (
  { arn: scheduleArn, region, accountId }: Pick<LocalScheduleSettings, 'arn' | 'region' | 'accountId'>,
  scheduledTime: number,
) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: accountId,
  time: isoSeconds(scheduledTime),
  region,
  resources: [scheduleArn],
  detail: '{}',
});

/** The event of one invocation: the Input (context attributes replaced), or the default notification. */
export const scheduledEvent = (settings: LocalScheduleSettings, scheduledTime: number): unknown =>
  settings.input === undefined
    ? defaultNotification(settings, scheduledTime)
    : JSON.parse(withContextAttributes(settings.input, settings.arn, isoSeconds(scheduledTime)));

/**
 * One schedule: from `start()`, a tick every interval (the first one interval after the start, as a rate
 * schedule in AWS counts from its creation) invokes the function, unless the invocation of the tick before
 * still runs (that tick is skipped), the schedule is disabled, or the time is outside StartDate and EndDate.
 */
export class LocalSchedule implements ResourceHandle {
  readonly kind = SCHEDULE.kind;
  /** Stops with the SQS event sources: nothing new is started while the rest shuts down. */
  readonly stopPhase = 'intake';
  /** After the SQS event sources (700), before the delivery streams (800). */
  readonly bannerPosition = 750;
  private timer: { cancel(): void } | undefined;
  private running: Promise<void> | undefined;

  constructor(
    readonly settings: LocalScheduleSettings,
    private readonly invoke: (functionName: string, event: unknown) => Promise<InvocationResult>,
    private readonly log: ScheduleLog,
    private readonly clock: ScheduleClock = systemClock,
  ) {}

  get name() {
    return this.settings.label;
  }

  /** The target as the banner shows it: the function, with its qualifier. */
  get target() {
    const { functionName, qualifier } = this.settings;
    return qualifier ? `${functionName}:${qualifier}` : functionName;
  }

  bannerLines() {
    const { label, expression, enabled, startDate, endDate } = this.settings;
    const window = [
      startDate === undefined ? '' : ` from ${isoSeconds(startDate)}`,
      endDate === undefined ? '' : ` until ${isoSeconds(endDate)}`,
    ].join('');
    return [
      `  Schedule          ${label}: ${expression} -> ${this.target}${enabled ? '' : ' (disabled: never invoked)'}${window}`,
    ];
  }

  async start() {
    const { enabled, endDate } = this.settings;
    if (!enabled || this.timer || (endDate !== undefined && this.clock.now() > endDate)) return;
    this.timer = this.clock.every(this.settings.intervalMs, () => this.tick());
  }

  /** Stops the ticks, and waits for the invocation under way, if any. */
  async stop() {
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  private tick() {
    const { label, endDate, startDate } = this.settings;
    const now = this.clock.now();
    if (endDate !== undefined && now > endDate) {
      this.log.debug?.(label, `past its EndDate ${isoSeconds(endDate)}: no further invocations`);
      this.timer?.cancel();
      this.timer = undefined;
      return;
    }
    if (startDate !== undefined && now < startDate) return;
    if (this.running) {
      this.log.debug?.(
        label,
        `tick at ${isoSeconds(now)} skipped: the invocation of ${this.target} before it still runs`,
      );
      return;
    }
    this.running = this.invokeAt(now).finally(() => {
      this.running = undefined;
    });
  }

  private async invokeAt(scheduledTime: number) {
    const { label } = this.settings;
    try {
      const result = await this.invoke(
        this.settings.functionName,
        scheduledEvent(this.settings, scheduledTime),
      );
      if (result.ok) {
        this.log.debug?.(label, `${this.target} invoked in ${result.durationMs} ms`);
      } else {
        this.log.warn(
          label,
          `${this.target} failed on the invocation of ${isoSeconds(scheduledTime)}: ${result.error.errorType}: ${result.error.errorMessage}`,
        );
      }
    } catch (error) {
      this.log.warn(
        label,
        `${this.target} could not be invoked at ${isoSeconds(scheduledTime)}: ${(error as Error).message}`,
      );
    }
  }
}

const STATES = ['ENABLED', 'DISABLED'];

/** A StartDate or EndDate (an ISO 8601 date-time), as milliseconds since the epoch. */
const dateOf = (property: string, value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(String(value));
  if (Number.isNaN(time)) throw new Error(`${property} ${JSON.stringify(value)} is not a date and time`);
  return time;
};

/**
 * Creates AWS::Scheduler::Schedule resources, their ticks measured by `clock` (the system clock; tests give
 * their own, which no template can).
 */
export const scheduleProvisioner =
  (clock: ScheduleClock = systemClock): Provisioner =>
  async ({ logicalId, properties, stack }, runtime) => {
    const label = [...stack.path, logicalId].join('/');
    const name = (properties.Name as string | undefined) ?? physicalName(stack, logicalId, 64);
    const group = (properties.GroupName as string | undefined) ?? 'default';
    const scheduleArn = arn(stack.pseudo, 'scheduler', `schedule/${group}/${name}`);
    const provisioned: Provisioned = { ref: name, attributes: { Arn: scheduleArn } };

    const expression = parseScheduleExpression(String(properties.ScheduleExpression ?? ''));
    const state = String(properties.State ?? 'ENABLED');
    if (!STATES.includes(state)) throw new Error(`State ${JSON.stringify(state)} is not ENABLED or DISABLED`);
    const target = (properties.Target ?? {}) as { Arn?: unknown; Input?: unknown };
    if (typeof target.Arn !== 'string' || target.Arn === '') throw new Error('Target.Arn is required');
    if (target.Input !== undefined && typeof target.Input !== 'string')
      throw new Error('Target.Input must be a string (JSON for a Lambda target)');
    const startDate = dateOf('StartDate', properties.StartDate);
    const endDate = dateOf('EndDate', properties.EndDate);

    const notEmulated = (why: string) => {
      runtime.notEmulated.push(`AWS::Scheduler::Schedule ${label}`);
      runtime.log.warn(label, `not emulated locally (${why}): it never invokes its target`);
      return provisioned;
    };
    if (expression.type !== 'rate')
      return notEmulated(`${expression.type}(...) expressions are not emulated`);
    const fn = functionReference(target.Arn);
    if (!fn) return notEmulated(`only Lambda function targets are emulated, not ${target.Arn}`);

    const settings: LocalScheduleSettings = {
      label,
      arn: scheduleArn,
      region: stack.pseudo.region,
      accountId: stack.pseudo.accountId,
      expression: expression.expression,
      intervalMs: expression.intervalMs,
      functionName: fn.name,
      ...(fn.qualifier !== undefined ? { qualifier: fn.qualifier } : {}),
      enabled: state === 'ENABLED',
      ...(startDate !== undefined ? { startDate } : {}),
      ...(endDate !== undefined ? { endDate } : {}),
      ...(target.Input !== undefined ? { input: target.Input } : {}),
    };
    // Scheduler refuses a Lambda target whose Input is not JSON when the schedule is created.
    try {
      scheduledEvent(settings, clock.now());
    } catch (error) {
      throw new Error(`Target.Input is not JSON: ${(error as Error).message}`);
    }
    return {
      ...provisioned,
      handles: [
        new LocalSchedule(
          settings,
          (functionName, event) => runtime.functions.invoke(functionName, event),
          runtime.log,
          clock,
        ),
      ],
    };
  };

export const provisioners: ProvisionerDefinition[] = [
  { type: 'AWS::Scheduler::Schedule', create: scheduleProvisioner() },
];
