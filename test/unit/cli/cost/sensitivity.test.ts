import { estimateCost, type Scenario } from '../../../../cli/cost/model';
import {
  rankSensitivity,
  SENSITIVITY_PARAMETERS,
  type SensitivityParameter,
} from '../../../../cli/cost/sensitivity';
import { aScenario } from './factories';

/** A parameter that moves the orders a day by `by`, whatever the factor. */
const shifting = (id: string, by: number): SensitivityParameter => ({
  id,
  label: id,
  show: ({ inputs }) => String(inputs.ordersPerDay),
  scale: (scenario) => ({
    ...scenario,
    inputs: { ...scenario.inputs, ordersPerDay: scenario.inputs.ordersPerDay + by },
  }),
});

const total = (scenario: Scenario) => estimateCost(scenario).totalUsd;

describe('the sensitivity ranking', () => {
  it('ranks the parameters by the size of the change they make, up or down', () => {
    const ranking = rankSensitivity(
      aScenario({ inputs: { ordersPerDay: 100 } }),
      (scenario) => scenario.inputs.ordersPerDay,
      2,
      [shifting('small', 1), shifting('down', -5), shifting('up', 3)],
    );

    expect(ranking.map((row) => [row.id, row.deltaUsd, row.totalUsd])).toEqual([
      ['down', -5, 95],
      ['up', 3, 103],
      ['small', 1, 101],
    ]);
    expect(ranking[0]).toMatchObject({ from: '100', to: '95' });
  });

  it('scales each parameter by the factor, keeping shares at most 1', () => {
    const scenario = aScenario({ inputs: { ordersPerDay: 100, searchShare: 0.8 } });
    const rows = Object.fromEntries(rankSensitivity(scenario, total).map((row) => [row.id, row]));

    expect(rows.ordersPerDay).toMatchObject({ from: '100', to: '200' });
    expect(rows.searchShare).toMatchObject({ from: '80 %', to: '100 %' });
    expect(rows.searchInstanceCount).toMatchObject({ from: '1', to: '2' });
    expect(Object.keys(rows)).toHaveLength(SENSITIVITY_PARAMETERS.length);
  });

  it("finds, at 100,000 orders a day, that the orders and the search domain's instances move the cost most", () => {
    const ranking = rankSensitivity(aScenario({ inputs: { ordersPerDay: 100_000 } }), total);
    const delta = (id: string) => ranking.find((row) => row.id === id)?.deltaUsd ?? Number.NaN;

    expect(
      ranking
        .slice(0, 2)
        .map((row) => row.id)
        .sort(),
    ).toEqual(['ordersPerDay', 'searchInstanceCount']);
    // One more t3.small.search instance and its 10 GiB volume.
    expect(delta('searchInstanceCount')).toBeCloseTo(729.6 * 0.036 + 10 * 0.122, 6);
    // A longer-lived token means fewer token requests; bigger batches fewer invocations and receives.
    expect(delta('tokenLifetimeMinutes')).toBeLessThan(0);
    expect(delta('checkoutBatchSize')).toBeLessThan(0);
    expect(Math.abs(delta('ordersPerDay'))).toBeGreaterThan(Math.abs(delta('coldStartShare')));
  });
});
