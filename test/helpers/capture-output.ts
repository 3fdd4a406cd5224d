/**
 * Captures everything written to stdout and stderr (where Powertools Logger and Metrics write their JSON
 * lines) and to the global console, and keeps it off the test output. `restore()` puts things back.
 */
export interface CapturedOutput {
  /** Every chunk written, in order. */
  readonly chunks: string[];
  /** All output as one string. */
  text(): string;
  /** The output parsed as JSON lines (lines that are not JSON are skipped). */
  jsonLines(): Record<string, unknown>[];
  clear(): void;
  restore(): void;
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

export const captureOutput = (): CapturedOutput => {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
    ...consoleMethods.map((method) =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        record(`${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}\n`);
      }),
    ),
  ];
  const text = () => chunks.join('');
  return {
    chunks,
    text,
    jsonLines: () =>
      text()
        .split('\n')
        .flatMap((line) => {
          try {
            const value: unknown = JSON.parse(line);
            return value !== null && typeof value === 'object' ? [value as Record<string, unknown>] : [];
          } catch {
            return [];
          }
        }),
    clear: () => {
      chunks.length = 0;
    },
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
};
