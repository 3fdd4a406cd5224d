/**
 * Which parameters move the monthly cost most: each parameter is changed by the same factor (doubled by
 * default), the others kept, and the parameters are ranked by how much the monthly total moves (either
 * way). Pure: it takes the estimate as a function.
 */
import type { DurationTable } from './measured-durations';
import type { Scenario } from './model';
import type { ProjectSettings } from './template-settings';

export const SENSITIVITY_FACTOR = 2;

export interface SensitivityParameter {
  id: string;
  label: string;
  /** The parameter's value in the scenario, as shown. */
  show(scenario: Scenario): string;
  /** The scenario with the parameter multiplied by `factor` (kept within what it can be). */
  scale(scenario: Scenario, factor: number): Scenario;
}

export interface SensitivityRow {
  id: string;
  label: string;
  from: string;
  to: string;
  totalUsd: number;
  deltaUsd: number;
}

const withInputs = (scenario: Scenario, change: Partial<Scenario['inputs']>): Scenario => ({
  ...scenario,
  inputs: { ...scenario.inputs, ...change },
});

const withSettings = (
  scenario: Scenario,
  change: (settings: ProjectSettings) => ProjectSettings,
): Scenario => ({
  ...scenario,
  settings: change(scenario.settings),
});

const mapValues = <K extends string, V>(record: Record<K, V>, map: (value: V) => V): Record<K, V> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value as V)])) as Record<K, V>;

const percent = (share: number) => `${Number((share * 100).toPrecision(4))} %`;
const whole = (value: number) => Math.round(value).toLocaleString('en-US');

export const SENSITIVITY_PARAMETERS: SensitivityParameter[] = [
  {
    id: 'ordersPerDay',
    label: 'orders a day',
    show: ({ inputs }) => whole(inputs.ordersPerDay),
    scale: (scenario, factor) =>
      withInputs(scenario, { ordersPerDay: scenario.inputs.ordersPerDay * factor }),
  },
  {
    id: 'averageOrderBytes',
    label: 'average order size',
    show: ({ inputs }) => `${whole(inputs.averageOrderBytes)} B`,
    scale: (scenario, factor) =>
      withInputs(scenario, { averageOrderBytes: Math.round(scenario.inputs.averageOrderBytes * factor) }),
  },
  {
    id: 'searchShare',
    label: 'share of orders indexed (search)',
    show: ({ inputs }) => percent(inputs.searchShare),
    scale: (scenario, factor) =>
      withInputs(scenario, { searchShare: Math.min(1, scenario.inputs.searchShare * factor) }),
  },
  {
    id: 'coldStartShare',
    label: 'cold-start share',
    show: ({ inputs }) => percent(inputs.coldStartShare),
    scale: (scenario, factor) =>
      withInputs(scenario, { coldStartShare: Math.min(1, scenario.inputs.coldStartShare * factor) }),
  },
  {
    id: 'gzipRatio',
    label: 'GZIP ratio of the archive',
    show: ({ inputs }) => String(inputs.gzipRatio),
    scale: (scenario, factor) =>
      withInputs(scenario, { gzipRatio: Math.min(1, scenario.inputs.gzipRatio * factor) }),
  },
  {
    id: 'tokenLifetimeMinutes',
    label: 'partner token lifetime',
    show: ({ inputs }) => `${whole(inputs.tokenLifetimeMinutes)} min`,
    scale: (scenario, factor) =>
      withInputs(scenario, { tokenLifetimeMinutes: scenario.inputs.tokenLifetimeMinutes * factor }),
  },
  {
    id: 'storageMonth',
    label: 'age of the stored data (months of traffic)',
    show: ({ inputs }) => `month ${inputs.storageMonth}`,
    scale: (scenario, factor) =>
      withInputs(scenario, { storageMonth: Math.round(scenario.inputs.storageMonth * factor) }),
  },
  {
    id: 'invocationDurations',
    label: 'duration of every invocation',
    show: ({ durations }) => `${whole(durations.CheckoutApiFunction.invocationMs)} ms (API request)`,
    scale: (scenario, factor) => ({
      ...scenario,
      durations: mapValues(scenario.durations, (duration) => ({
        ...duration,
        invocationMs: duration.invocationMs * factor,
      })) as DurationTable,
    }),
  },
  {
    id: 'memorySizes',
    label: 'memory of every function (MemorySize)',
    show: ({ settings }) => `${settings.functions.CheckoutApiFunction.memoryMb} MB (API)`,
    scale: (scenario, factor) =>
      withSettings(scenario, (settings) => ({
        ...settings,
        functions: mapValues(settings.functions, (fn) => ({
          ...fn,
          memoryMb: Math.min(10_240, fn.memoryMb * factor),
        })),
      })),
  },
  {
    id: 'checkoutBatchSize',
    label: 'checkout batch size (CheckoutBatchSize)',
    show: ({ settings }) => whole(settings.checkout.batchSize),
    scale: (scenario, factor) =>
      withSettings(scenario, (settings) => ({
        ...settings,
        checkout: {
          ...settings.checkout,
          batchSize: Math.min(10_000, Math.round(settings.checkout.batchSize * factor)),
        },
      })),
  },
  {
    id: 'archiveBufferInterval',
    label: 'archive buffer interval (ArchiveBufferingIntervalInSeconds)',
    show: ({ settings }) => `${whole(settings.archive.bufferIntervalSeconds)} s`,
    scale: (scenario, factor) =>
      withSettings(scenario, (settings) => ({
        ...settings,
        archive: {
          ...settings.archive,
          bufferIntervalSeconds: Math.min(900, settings.archive.bufferIntervalSeconds * factor),
        },
      })),
  },
  {
    id: 'searchInstanceCount',
    label: 'search instances (InstanceCount)',
    show: ({ settings }) => whole(settings.search.instanceCount),
    scale: (scenario, factor) =>
      withSettings(scenario, (settings) => ({
        ...settings,
        search: { ...settings.search, instanceCount: Math.round(settings.search.instanceCount * factor) },
      })),
  },
  {
    id: 'searchVolume',
    label: 'search volume size (VolumeSizeInGiB)',
    show: ({ settings }) => `${whole(settings.search.volumeGib)} GiB`,
    scale: (scenario, factor) =>
      withSettings(scenario, (settings) => ({
        ...settings,
        search: { ...settings.search, volumeGib: settings.search.volumeGib * factor },
      })),
  },
];

/**
 * Each parameter scaled by `factor` in turn, with the monthly total it gives and its change from the
 * scenario's total; the biggest change (up or down) first.
 */
export const rankSensitivity = (
  scenario: Scenario,
  monthlyTotal: (scenario: Scenario) => number,
  factor = SENSITIVITY_FACTOR,
  parameters: readonly SensitivityParameter[] = SENSITIVITY_PARAMETERS,
): SensitivityRow[] => {
  const base = monthlyTotal(scenario);
  return parameters
    .map((parameter): SensitivityRow => {
      const scaled = parameter.scale(scenario, factor);
      const totalUsd = monthlyTotal(scaled);
      return {
        id: parameter.id,
        label: parameter.label,
        from: parameter.show(scenario),
        to: parameter.show(scaled),
        totalUsd,
        deltaUsd: totalUsd - base,
      };
    })
    .sort((a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd) || a.label.localeCompare(b.label));
};
