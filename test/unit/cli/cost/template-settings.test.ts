import { ratePerDay, settingsFromStacks } from '../../../../cli/cost/template-settings';
import { CliError } from '../../../../cli/shared/errors';
import { ROOT_TEMPLATE } from '../../../../local/paths';
import { loadStacks, type Stack } from '../../../../scripts/lib/project-templates';

const rootOf = (stacks: Stack[]) => stacks.find((stack) => stack.stackPath.length === 0) as Stack;
const nested = (stacks: Stack[], application: string) =>
  stacks.find((stack) => stack.stackPath.at(-1) === application) as Stack;

describe("the cost model's settings from the project's templates", () => {
  it('reads memory sizes from the SAM Globals and from the functions that set their own', () => {
    const { functions } = settingsFromStacks(loadStacks(ROOT_TEMPLATE));

    expect(functions.CheckoutApiFunction).toEqual({ memoryMb: 512, architecture: 'arm64' });
    expect(functions.CardDataTransformFunction).toEqual({ memoryMb: 1024, architecture: 'arm64' });
    expect(functions.ReplayFunction).toEqual({ memoryMb: 512, architecture: 'arm64' });
  });

  it("takes a nested application's parameter at the value its parent passes", () => {
    const stacks = loadStacks(ROOT_TEMPLATE);
    const root = rootOf(stacks);
    (root.template.Parameters ?? {}).ArchiveBufferingIntervalInSeconds = { Type: 'Number', Default: 300 };

    expect(settingsFromStacks(stacks).archive.bufferIntervalSeconds).toBe(300);
  });

  it("takes a nested application's own default when its parent passes nothing", () => {
    const stacks = loadStacks(ROOT_TEMPLATE);
    const search = nested(stacks, 'SearchAnalyticsPipeline');
    (search.template.Parameters ?? {}).VolumeSizeInGiB = { Type: 'Number', Default: 50 };

    expect(settingsFromStacks(stacks).search.volumeGib).toBe(50);
  });

  it('reads the batch sizes from the event sources, and the lifecycle from the archive bucket', () => {
    const stacks = loadStacks(ROOT_TEMPLATE);
    (rootOf(stacks).template.Parameters ?? {}).CheckoutBatchSize = { Type: 'Number', Default: 25 };
    const settings = settingsFromStacks(stacks);

    expect(settings.checkout.batchSize).toBe(25);
    expect(settings.replay.batchSize).toBeGreaterThanOrEqual(1);
    expect(settings.archive.transitionToStandardIaDays).toBeLessThan(
      settings.archive.transitionToGlacierDays,
    );
    expect(settings.archive.transitionToGlacierDays).toBeLessThan(settings.archive.expirationDays);
  });

  it('counts the CloudWatch alarms of every template, nested ones included', () => {
    const stacks = loadStacks(ROOT_TEMPLATE);
    const before = settingsFromStacks(stacks).cloudwatch.alarms;
    nested(stacks, 'EventReplayPipeline').template.Resources.ExtraAlarm = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {},
    };

    expect(settingsFromStacks(stacks).cloudwatch.alarms).toBe(before + 1);
  });

  it('says which resource it cannot find', () => {
    const stacks = loadStacks(ROOT_TEMPLATE);
    delete rootOf(stacks).template.Resources.CircuitBreakerSchedule;

    expect(() => settingsFromStacks(stacks)).toThrow(CliError);
    expect(() => settingsFromStacks(stacks)).toThrow('the resource CircuitBreakerSchedule of template.yaml');
  });

  it.each([
    ['rate(1 minute)', 1440],
    ['rate(5 minutes)', 288],
    ['rate(2 hours)', 12],
    ['rate(1 day)', 1],
  ])('counts %s as %d checks a day', (expression, perDay) => {
    expect(ratePerDay(expression)).toBe(perDay);
  });

  it('refuses a schedule it cannot count', () => {
    expect(() => ratePerDay('cron(0 12 * * ? *)')).toThrow('only rate(...) expressions are modelled');
  });
});
