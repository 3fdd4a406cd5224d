/**
 * What `npm run cost` prints: the monthly cost of each pipeline in both designs, every line item of this
 * design, what the original design adds and removes, the sensitivity ranking and the notes; or all of it
 * (every figure, the inputs, the settings read from the templates, the durations and the prices) as one
 * JSON object.
 */
import { plural } from '../shared/format';
import type { LineItem } from './line-items';
import { DAYS_PER_MONTH, formatShare } from './line-items';
import type { CostEstimate, Design, PipelineId, Scenario, Volumes } from './model';
import { OPENSEARCH_INSTANCE_HOURS, PRICE_REGION, PRICES, PRICES_READ } from './prices';
import { SENSITIVITY_FACTOR, type SensitivityRow } from './sensitivity';

export interface CostReport {
  scenario: Scenario;
  volumes: Volumes;
  designs: Record<Design, CostEstimate>;
  sensitivity: SensitivityRow[];
  notes: string[];
}

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/** `$1,234.56`; `<$0.01` for a positive amount under a cent; a sign when asked. */
export const usd = (amount: number, signed = false): string => {
  const sign = amount < 0 ? '-' : signed && amount > 0 ? '+' : '';
  const magnitude = Math.abs(amount);
  if (magnitude > 0 && magnitude < 0.005) return `${sign}<$0.01`;
  return `${sign}$${magnitude.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
};

const singular = (unit: string) => (unit.endsWith('s') ? unit.slice(0, -1) : unit);

const unitPrice = ({ usd: amount, per, unit }: LineItem['price']) => {
  const figure = Number(amount.toPrecision(6)).toString();
  const [integer, decimals = ''] = figure.split('.');
  const shown = `$${integer}.${decimals.padEnd(2, '0')}`;
  if (per === 1) return `${shown} per ${singular(unit)}`;
  if (per === 1_000_000) return `${shown} per million ${unit}`;
  return `${shown} per ${whole(per)} ${unit}`;
};

const quantity = (value: number, unit: string) => {
  const shown =
    value === 0 || Math.abs(value) >= 100
      ? whole(value)
      : value.toLocaleString('en-US', { maximumFractionDigits: value < 1 ? 4 : 2 });
  return `${shown} ${value === 1 ? singular(unit) : unit}`;
};

/** Rows of cells, left-aligned except the columns in `right`, separated by two spaces. */
const table = (rows: string[][], right: ReadonlySet<number>, indent = ''): string[] => {
  const widths = rows.reduce<number[]>(
    (max, row) => row.map((cell, index) => Math.max(max[index] ?? 0, cell.length)),
    [],
  );
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, index) =>
          right.has(index) ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
        )
        .join('  ')
        .trimEnd(),
  );
};

const NOTE_WIDTH = 110;

/** `text` in lines of at most `width` characters (a longer word stays whole), the first with `first`. */
export const wrap = (text: string, width: number, first: string, rest: string): string[] => {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/)) {
    const prefix = lines.length === 0 ? first : rest;
    if (line.length > prefix.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line = line.length > prefix.length ? `${line} ${word}` : `${line}${word}`;
    }
  }
  lines.push(line);
  return lines;
};

const pipelineOf = (estimate: CostEstimate, id: PipelineId) => {
  const pipeline = estimate.pipelines.find((candidate) => candidate.id === id);
  if (!pipeline) throw new Error(`no pipeline ${id}`);
  return pipeline;
};

const header = ({ scenario, volumes }: CostReport): string[] => {
  const { inputs, settings } = scenario;
  return [
    `Monthly AWS cost of the checkout pipelines for ${whole(inputs.ordersPerDay)} orders a day (${whole(volumes.ordersPerMonth)} a month of ${DAYS_PER_MONTH} days), ${PRICE_REGION}`,
    `On-demand prices read ${PRICES_READ} (cli/cost/prices.ts), free tiers not deducted; storage as it stands after ${inputs.storageMonth} months of traffic.`,
    `Orders of ${whole(inputs.averageOrderBytes)} B, ${formatShare(inputs.searchShare)} of them indexed for search, ${formatShare(inputs.coldStartShare)} of invocations cold starts,`,
    `archive GZIP ratio ${inputs.gzipRatio}, ${plural(settings.partners, 'partner')} reusing an access token for ${inputs.tokenLifetimeMinutes} min.`,
  ];
};

const summary = ({ designs }: CostReport): string[] => {
  const rows = [['Pipeline', 'This design', 'Original design', 'Difference']];
  for (const pipeline of designs.this.pipelines) {
    const original = pipelineOf(designs.original, pipeline.id);
    rows.push([
      pipeline.name,
      usd(pipeline.monthlyUsd),
      usd(original.monthlyUsd),
      usd(original.monthlyUsd - pipeline.monthlyUsd, true),
    ]);
  }
  rows.push([
    'Total',
    usd(designs.this.totalUsd),
    usd(designs.original.totalUsd),
    usd(designs.original.totalUsd - designs.this.totalUsd, true),
  ]);
  rows.push([
    'Total without the optional CloudWatch items',
    usd(designs.this.totalWithoutOptionalUsd),
    usd(designs.original.totalWithoutOptionalUsd),
    usd(designs.original.totalWithoutOptionalUsd - designs.this.totalWithoutOptionalUsd, true),
  ]);
  return table(rows, new Set([1, 2, 3]));
};

const itemRow = (item: LineItem, sign = '') => [
  `${sign}${item.service}`,
  item.description,
  quantity(item.quantity, item.price.unit),
  unitPrice(item.price),
  usd(item.monthlyUsd),
];

/** The items as one table, each row followed by how its quantity is made up, under its description. */
const itemTable = (items: readonly { item: LineItem; sign: string }[], indent = '  '): string[][] => {
  const rows = items.map(({ item, sign }) => itemRow(item, sign));
  const lines = table(rows, new Set([2, 4]), indent);
  const detailIndent = indent + ' '.repeat(Math.max(0, ...rows.map((row) => (row[0] as string).length)) + 4);
  return lines.map((line, index) => [line, `${detailIndent}${items[index]?.item.detail ?? ''}`]);
};

/** Groups of items under their headings, laid out as one table so that the columns line up. */
const groupedItems = (groups: { heading: string; items: { item: LineItem; sign: string }[] }[]): string[] => {
  const lines = itemTable(groups.flatMap((group) => group.items));
  let next = 0;
  return groups.flatMap((group) => {
    const mine = lines.slice(next, next + group.items.length).flat();
    next += group.items.length;
    return ['', group.heading, ...mine];
  });
};

const lineItems = ({ designs }: CostReport): string[] =>
  groupedItems(
    designs.this.pipelines.map((pipeline) => ({
      heading: `${pipeline.name}: ${usd(pipeline.monthlyUsd)}`,
      items: pipeline.items.map((item) => ({ item, sign: '' })),
    })),
  );

/** The items of the original design's pipeline that this design does not have, and the other way round. */
export const designDifference = (report: Pick<CostReport, 'designs'>, id: PipelineId) => {
  const ours = pipelineOf(report.designs.this, id).items;
  const theirs = pipelineOf(report.designs.original, id).items;
  const ids = (items: readonly LineItem[]) => new Set(items.map((item) => item.id));
  return {
    added: theirs.filter((item) => !ids(ours).has(item.id)),
    removed: ours.filter((item) => !ids(theirs).has(item.id)),
  };
};

const originalDesign = (report: CostReport): string[] =>
  groupedItems(
    report.designs.this.pipelines.flatMap((pipeline) => {
      const { added, removed } = designDifference(report, pipeline.id);
      if (added.length === 0 && removed.length === 0) return [];
      const difference = pipelineOf(report.designs.original, pipeline.id).monthlyUsd - pipeline.monthlyUsd;
      return [
        {
          heading: `${pipeline.name}: ${usd(difference, true)} in the original design`,
          items: [
            ...added.map((item) => ({ item, sign: '+ ' })),
            ...removed.map((item) => ({ item, sign: '- ' })),
          ],
        },
      ];
    }),
  );

const sensitivityLines = ({ sensitivity }: CostReport): string[] =>
  table(
    [
      ['Parameter', 'From', 'To', 'Monthly total', 'Change'],
      ...sensitivity.map((row) => [row.label, row.from, row.to, usd(row.totalUsd), usd(row.deltaUsd, true)]),
    ],
    new Set([3, 4]),
    '  ',
  );

export const formatReport = (report: CostReport): string =>
  [
    ...header(report),
    '',
    ...summary(report),
    '',
    'Line items of this design (a month):',
    ...lineItems(report),
    '',
    'The original design (AWS Event Fork Pipelines: an SQS queue and a forwarding Lambda function before',
    'each Firehose stream) adds (+) and drops (-) these items; everything else is the same:',
    ...originalDesign(report),
    '',
    `What moves the cost most (each parameter multiplied by ${SENSITIVITY_FACTOR} in turn, the others as above):`,
    ...sensitivityLines(report),
    '',
    'Notes:',
    ...report.notes.flatMap((note) => wrap(note, NOTE_WIDTH, '  - ', '    ')),
    '',
  ].join('\n');

/** Every figure of the report as plain data. */
export const reportToJson = (report: CostReport) => ({
  region: PRICE_REGION,
  pricesRead: PRICES_READ,
  daysPerMonth: DAYS_PER_MONTH,
  freeTiers: 'not deducted',
  inputs: report.scenario.inputs,
  settings: report.scenario.settings,
  durations: report.scenario.durations,
  volumes: report.volumes,
  designs: report.designs,
  differences: Object.fromEntries(
    report.designs.this.pipelines.map((pipeline) => {
      const { added, removed } = designDifference(report, pipeline.id);
      return [
        pipeline.id,
        {
          monthlyUsd: pipelineOf(report.designs.original, pipeline.id).monthlyUsd - pipeline.monthlyUsd,
          addedByOriginal: added.map((item) => item.id),
          removedByOriginal: removed.map((item) => item.id),
        },
      ];
    }),
  ),
  sensitivity: { factor: SENSITIVITY_FACTOR, ranking: report.sensitivity },
  prices: { ...PRICES, openSearchInstanceHours: OPENSEARCH_INSTANCE_HOURS },
  notes: report.notes,
});
