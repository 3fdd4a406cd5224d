import type { Cell, Row } from '../suite';

const format = (cell: Cell | undefined): string => {
  if (cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  return Number.isInteger(cell)
    ? cell.toLocaleString('en-US')
    : cell.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
};

/** A plain-text table: a header, a rule, one line per row; numbers aligned right, text left. */
export const renderTable = (rows: Row[], headers: Record<string, string> = {}): string => {
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (keys.length === 0) return '(no rows)';
  const numeric = keys.map((key) =>
    rows.every((row) => row[key] === undefined || typeof row[key] === 'number'),
  );
  const lines = [
    keys.map((key) => headers[key] ?? key),
    ...rows.map((row) => keys.map((key) => format(row[key]))),
  ];
  const widths = keys.map((_, column) => Math.max(...lines.map((line) => line[column]?.length ?? 0)));
  const render = (line: string[]) =>
    line
      .map((text, column) =>
        numeric[column] ? text.padStart(widths[column] ?? 0) : text.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = lines;
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(render)].join(
    '\n',
  );
};
