import { buildCostReport } from '../../../../cli/cost/main';
import { designDifference, formatReport, usd, wrap } from '../../../../cli/cost/report';
import { aScenario } from './factories';

describe('the cost report', () => {
  it('shows amounts in dollars and cents, a sign when asked, and under a cent as such', () => {
    expect(usd(1234.567)).toBe('$1,234.57');
    expect(usd(0)).toBe('$0.00');
    expect(usd(0.004)).toBe('<$0.01');
    expect(usd(1.2, true)).toBe('+$1.20');
    expect(usd(-0.58, true)).toBe('-$0.58');
  });

  it('wraps notes at the width, with a hanging indent', () => {
    expect(wrap('one two three four five', 14, '  - ', '    ')).toEqual([
      '  - one two',
      '    three four',
      '    five',
    ]);
  });

  it('lists the line items of every pipeline with quantity, unit price and monthly cost', () => {
    const text = formatReport(buildCostReport(aScenario({ inputs: { ordersPerDay: 100 } })));

    expect(text).toMatch(
      /^ {2}SQS +CheckoutQueue requests +660,288 requests +\$0\.40 per million requests +\$0\.26$/m,
    );
    expect(text).toMatch(
      /^ {2}OpenSearch +t3\.small\.search instances +730 instance-hours +\$0\.036 per instance-hour +\$26\.27$/m,
    );
    expect(text).toContain('3,040 sends + 304 receives + 304 batch deletes + 656,640 empty long polls');
  });

  it("shows what the original design adds and drops, with the pipeline's difference", () => {
    const report = buildCostReport(aScenario({ inputs: { ordersPerDay: 100_000 } }));
    const { added, removed } = designDifference(report, 'storage');
    const difference =
      added.reduce((sum, item) => sum + item.monthlyUsd, 0) -
      removed.reduce((sum, item) => sum + item.monthlyUsd, 0);
    const text = formatReport(report);

    expect(text).toContain(`storage and backup: ${usd(difference, true)} in the original design`);
    expect(text).toMatch(/^ {2}\+ SQS +forwarding queue requests \(MessageQueue, unencrypted\) /m);
    expect(text).toMatch(/^ {2}- SNS +deliveries to the Firehose stream /m);
  });

  it('ranks the parameters in the order the sensitivity gives', () => {
    const report = buildCostReport(aScenario({ inputs: { ordersPerDay: 100_000 } }));
    const text = formatReport(report);
    const positions = report.sensitivity.map((row) => text.indexOf(`  ${row.label}  `));

    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});
