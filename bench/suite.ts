/** One cell of a result row: numbers stay numbers in results.json and are formatted only for the table. */
export type Cell = string | number;
export type Row = Record<string, Cell>;

/** A further table of a suite, printed after its main one. */
export interface Table {
  title: string;
  columns?: Record<string, string>;
  rows: Row[];
}

/** What a suite's run gives: its rows, or its rows and further tables. */
export type SuiteOutput = Row[] | { rows: Row[]; tables: Table[] };

/**
 * A benchmark suite: a module in bench/suites/ that exports `name`, `run` and optionally `description`
 * (printed above its table) and `columns` (table headers by row key; keys without one print as they are).
 * Add a suite by listing its module in bench/main.ts.
 */
export interface Suite {
  name: string;
  description?: string;
  columns?: Record<string, string>;
  run(): Promise<SuiteOutput>;
}
