/** What `orders` and `errors` could not read: reported line by line on stderr, then as one failure. */
import { CliError } from '../../shared/errors';
import { joinWords, plural } from '../../shared/format';
import type { CliIo } from '../../shared/io';

export class ReadProblems {
  private objects = 0;
  private lines = 0;

  constructor(private readonly io: CliIo) {}

  object(key: string, problem: string) {
    this.objects += 1;
    this.io.stderr.write(`skipped ${key}: ${problem}\n`);
  }

  line(key: string, line: number, problem: string) {
    this.lines += 1;
    this.io.stderr.write(`skipped line ${line} of ${key}: ${problem}\n`);
  }

  /** Fails (exit 1) when anything was skipped, after everything readable has been printed. */
  throwIfAny() {
    const parts = [
      this.objects > 0 ? plural(this.objects, 'object') : '',
      this.lines > 0 ? plural(this.lines, 'line') : '',
    ].filter(Boolean);
    if (parts.length > 0) throw new CliError(`${joinWords(parts)} could not be read (see above)`);
  }
}
