/** A throwaway directory of source files, for tests that build them with esbuild or run them in a child process. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempProject {
  dir: string;
  /** The absolute path of a file or folder of the project. */
  path: (relativePath: string) => string;
  /** Writes each file (relative path -> text), creating folders as needed. */
  write: (files: Record<string, string>) => void;
  remove: () => void;
}

export const aTempProject = (prefix: string, files: Record<string, string> = {}): TempProject => {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const path = (relativePath: string) => join(dir, relativePath);
  const write = (more: Record<string, string>) => {
    for (const [relativePath, text] of Object.entries(more)) {
      mkdirSync(dirname(path(relativePath)), { recursive: true });
      writeFileSync(path(relativePath), text);
    }
  };
  write(files);
  return { dir, path, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
};
