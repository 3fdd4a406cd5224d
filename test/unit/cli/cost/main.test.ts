import { buildCostReport, run, scenarioOf } from '../../../../cli/cost/main';
import { PIPELINE_NAMES, PIPELINES } from '../../../../cli/cost/model';
import { parseCostArguments } from '../../../../cli/cost/options';
import { PRICES } from '../../../../cli/cost/prices';
import { usd } from '../../../../cli/cost/report';
import { readProjectSettings } from '../../../../cli/cost/template-settings';
import { runCli } from '../../../helpers/cli';

const reportFor = (...argv: string[]) => {
  const args = parseCostArguments(argv);
  if (args.command !== 'cost') throw new Error('not a cost command');
  return buildCostReport(scenarioOf(args, readProjectSettings()));
};

describe('the cost CLI', () => {
  it('prints every pipeline in both designs and the totals for 100,000 orders a day', async () => {
    const { code, stdout, stderr } = await runCli(run, ['--orders-per-day', '100000']);
    const report = reportFor('--orders-per-day', '100000');

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('for 100,000 orders a day (3,040,000 a month of 30.4 days), us-east-1');
    for (const id of PIPELINES) {
      const ours = report.designs.this.pipelines.find((pipeline) => pipeline.id === id);
      const original = report.designs.original.pipelines.find((pipeline) => pipeline.id === id);
      expect(stdout).toMatch(
        new RegExp(
          `^${PIPELINE_NAMES[id].replace(/[()]/g, '\\$&')} +\\${usd(ours?.monthlyUsd ?? 0)} +\\${usd(original?.monthlyUsd ?? 0)} `,
          'm',
        ),
      );
    }
    expect(stdout).toMatch(
      new RegExp(
        `^Total +\\${usd(report.designs.this.totalUsd)} +\\${usd(report.designs.original.totalUsd)} +\\+\\$`,
        'm',
      ),
    );
    expect(stdout).toContain('What moves the cost most');
    expect(stdout).toContain('TODO(measured)');
  });

  it('gives every figure as JSON with --json: both designs, the differences, the ranking and the dated prices', async () => {
    const { code, stdout } = await runCli(run, ['--orders-per-day', '100000', '--json']);
    const json = JSON.parse(stdout);
    const report = reportFor('--orders-per-day', '100000');

    expect(code).toBe(0);
    expect(json.designs.this.totalUsd).toBeCloseTo(report.designs.this.totalUsd, 10);
    expect(json.designs.original.pipelines).toHaveLength(PIPELINES.length);
    expect(json.differences.storage.removedByOriginal).toEqual(['storage.sns-deliveries']);
    expect(json.sensitivity.ranking).toHaveLength(report.sensitivity.length);
    expect(json.prices.sqsRequests).toEqual(PRICES.sqsRequests);
    expect(json.inputs).toMatchObject({ ordersPerDay: 100_000, tokenLifetimeMinutes: 60 });
  });

  it('refuses bad input with exit code 2, one line that says what is wrong, and a pointer to --help', async () => {
    const { code, stdout, stderr } = await runCli(run, ['--orders-per-day', '-']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'cost: --orders-per-day takes a number greater than 0, not "-"\nRun `npm run cost -- --help` for usage.\n',
    );
  });

  it('prints the usage for --help', async () => {
    const { code, stdout } = await runCli(run, ['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run cost -- --orders-per-day <n> \[options\]/);
  });
});
