import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT, VENV_BIN } from '../../local/paths';
import type { Template } from '../../local/template/parse-template';
import { projectTemplates } from './templates';

export const EXPAND_SCRIPT = join(PROJECT_ROOT, 'scripts/expand-sam-template.py');

export interface ExpandedTemplate {
  /** The source template's path from the project root, as in `projectTemplates()`: `template.yaml`, ... */
  name: string;
  /** The expanded template, a JSON file in a temporary directory. */
  path: string;
  /** What CloudFormation would deploy: language extensions expanded, the SAM transform applied. */
  template: Template;
}

/** The JSON file scripts/expand-sam-template.py writes for a template: its directories joined by `__`, `.json`. */
export const expandedFileName = (name: string) =>
  `${name.replace(/\.[^./]*$/, '').replaceAll('/', '__')}.json`;

let cache: ExpandedTemplate[] | undefined;

/** What the expansion depends on: the script, the pinned SAM CLI (requirements-tools.txt) and the templates. */
const inputsDigest = (names: string[]) => {
  const hash = createHash('sha256');
  for (const file of ['scripts/expand-sam-template.py', 'requirements-tools.txt', ...names]) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(resolve(PROJECT_ROOT, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

const expandInto = (outDir: string, names: string[]) => {
  const result = spawnSync(join(VENV_BIN, 'python'), [EXPAND_SCRIPT, '--out-dir', outDir, ...names], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `scripts/expand-sam-template.py failed (${result.error ?? `exit ${result.status}`}):\n${result.stderr}`,
    );
  }
};

/**
 * Every project template as CloudFormation would deploy it, from scripts/expand-sam-template.py (the pinned
 * SAM CLI's own expansion, offline, with the parameters' defaults). The JSON files are kept in a temporary
 * directory named after a digest of the script, the SAM CLI pin and the templates, so the script runs once
 * per change of them (a Jest worker cannot remove files when it exits), and once per test file at most.
 */
export const expandedTemplates = (): ExpandedTemplate[] => {
  if (cache) return cache;
  const names = projectTemplates().map(({ name }) => name);
  let outDir = join(tmpdir(), `expanded-templates-${inputsDigest(names)}`);
  const complete = (dir: string) => names.every((name) => existsSync(join(dir, expandedFileName(name))));
  if (!complete(outDir)) {
    // Expanded aside and moved into place in one step, so a concurrent run never reads half-written files.
    const scratch = mkdtempSync(join(tmpdir(), 'expanding-templates-'));
    try {
      expandInto(scratch, names);
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      throw error;
    }
    try {
      renameSync(scratch, outDir);
    } catch {
      // Another worker moved the same expansion into place first; or a damaged copy is there: use this one.
      if (complete(outDir)) rmSync(scratch, { recursive: true, force: true });
      else outDir = scratch;
    }
  }
  cache = names.map((name) => {
    const path = join(outDir, expandedFileName(name));
    return { name, path, template: JSON.parse(readFileSync(path, 'utf8')) as Template };
  });
  return cache;
};
