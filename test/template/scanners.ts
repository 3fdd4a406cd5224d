import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isScalar, isSeq, parseDocument } from 'yaml';
import { PROJECT_ROOT, VENV_BIN } from '../../local/paths';
import type { Template } from '../../local/template/parse-template';

/** checkov's own virtual environment (scripts/setup.sh, requirements-checkov.txt): its pins conflict with .venv's. */
export const CHECKOV_BIN = join(PROJECT_ROOT, '.venv-checkov/bin/checkov');
export const CHECKOV_CONFIG = join(PROJECT_ROOT, '.checkov.yaml');
export const CFN_LINT_CONFIG = join(PROJECT_ROOT, '.cfnlintrc.yaml');
/** A template with known findings: the scanners, with the project's settings, must still report them. */
export const INSECURE_FIXTURE = join(PROJECT_ROOT, 'test/fixtures/templates/scanners/insecure.yaml');

export const run = (
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) => {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    exitCode: result.error ? String(result.error) : result.status,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
};

/** A path as the failure messages show it: from the project root when it is inside it. */
const shown = (path: string) => {
  const fromRoot = relative(PROJECT_ROOT, path);
  return fromRoot.startsWith('..') || isAbsolute(fromRoot) ? path : fromRoot;
};

/**
 * The items of a list in a YAML settings file (`skip-check` in .checkov.yaml, `ignore_checks` in
 * .cfnlintrc.yaml), each with the comment above it: the reason it is there.
 */
export const listWithReasons = (file: string, key: string): { item: string; reason: string }[] => {
  const list = parseDocument(readFileSync(file, 'utf8')).get(key, true);
  if (!isSeq(list)) throw new Error(`${shown(file)} has no list ${key}`);
  return list.items.map((node, index) => {
    if (!isScalar(node)) throw new Error(`${shown(file)}: ${key} holds something other than a check id`);
    // The comment above the first item belongs, for the YAML parser, to the list.
    const comment = node.commentBefore ?? (index === 0 ? list.commentBefore : undefined);
    return { item: String(node.value), reason: (comment ?? '').trim() };
  });
};

// ---------------------------------------------------------------------------------------------- cfn-lint

interface CfnLintMatch {
  Filename: string;
  Location: { Start: { LineNumber: number; ColumnNumber: number } };
  Rule: { Id: string };
  Message: string;
}

/**
 * cfn-lint with the project's settings (.cfnlintrc.yaml, and no user settings) on the given files, in one
 * run: each file's findings as `RULE file:line:column message`, [] when it has none.
 */
export const cfnLint = (files: string[]): Map<string, string[]> => {
  const { exitCode, stdout, stderr } = run(join(VENV_BIN, 'cfn-lint'), [
    '--config-file',
    CFN_LINT_CONFIG,
    '--format',
    'json',
    '--',
    ...files,
  ]);
  // Exit codes are bits: 2 errors, 4 warnings, 8 informational findings; 1 means cfn-lint itself failed.
  let matches: CfnLintMatch[] | undefined;
  try {
    matches = JSON.parse(stdout) as CfnLintMatch[];
  } catch {}
  if (typeof exitCode !== 'number' || exitCode & 1 || !Array.isArray(matches)) {
    throw new Error(`cfn-lint failed (exit ${exitCode}):\n${stdout}${stderr}`);
  }
  const findings = new Map(files.map((file) => [resolve(PROJECT_ROOT, file), [] as string[]]));
  for (const match of matches) {
    const file = resolve(PROJECT_ROOT, match.Filename);
    const { LineNumber, ColumnNumber } = match.Location.Start;
    findings
      .get(file)
      ?.push(`${match.Rule.Id} ${shown(file)}:${LineNumber}:${ColumnNumber} ${match.Message}`);
  }
  return new Map([...findings].map(([file, list]) => [shown(file), list]));
};

// ----------------------------------------------------------------------------------------------- checkov

export interface CheckovCheck {
  check_id: string;
  check_name: string;
  /** `Type.LogicalId`, e.g. `AWS::S3::Bucket.AccessLogBucket`. */
  resource: string;
  file_abs_path: string;
  file_line_range: [number, number];
  check_result: { result: 'PASSED' | 'FAILED' | 'SKIPPED'; suppress_comment?: string };
}

export interface CheckovFileResults {
  passed: CheckovCheck[];
  failed: CheckovCheck[];
  skipped: CheckovCheck[];
  /** checkov could not read the file as CloudFormation (it still exits 0 then). */
  parsingError: boolean;
}

interface CheckovReport {
  check_type?: string;
  results?: {
    passed_checks?: CheckovCheck[];
    failed_checks?: CheckovCheck[];
    skipped_checks?: CheckovCheck[];
    parsing_errors?: string[];
  };
}

/** `CKV_AWS_18 AWS::S3::Bucket.BackupBucket pipelines/x/template.yaml:247 (Ensure ... access logging ...)` */
export const describeCheck = (check: CheckovCheck) =>
  `${check.check_id} ${check.resource} ${shown(check.file_abs_path)}:${check.file_line_range[0]} (${check.check_name})`;

/** The logical id in checkov's `Type.LogicalId`. */
export const logicalId = (check: CheckovCheck) => check.resource.slice(check.resource.lastIndexOf('.') + 1);

/**
 * checkov (pinned, .venv-checkov) with the project's settings (.checkov.yaml) on the given files, in one run,
 * offline: each file's passed, failed and skipped checks, by absolute path. It runs in an empty temporary
 * directory that is also its HOME, so no other .checkov.yaml (the user's) changes what it checks.
 */
export const checkov = (files: string[]): Map<string, CheckovFileResults> => {
  const absolute = files.map((file) => resolve(PROJECT_ROOT, file));
  // checkov may report a file by its real path (/private/var/... for /var/... on macOS).
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  const byRealPath = new Map(absolute.map((file) => [real(file), file]));
  const home = mkdtempSync(join(tmpdir(), 'checkov-'));
  try {
    const { BC_API_KEY: _apiKey, ...env } = process.env;
    const { exitCode, stdout, stderr } = run(
      CHECKOV_BIN,
      ['--config-file', CHECKOV_CONFIG, '--output', 'json', ...absolute.flatMap((file) => ['--file', file])],
      {
        cwd: home,
        env: {
          ...env,
          HOME: home,
          // No Prisma Cloud: no check-id mapping or guidelines to download, no check for a newer checkov.
          BC_SKIP_MAPPING: 'TRUE',
          CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true',
        },
      },
    );
    // 0: no failed check, 1: failed checks; anything else (2, a signal, ENOENT) means checkov did not run.
    let output: CheckovReport | CheckovReport[] | undefined;
    try {
      output = JSON.parse(stdout) as CheckovReport | CheckovReport[];
    } catch {}
    if ((exitCode !== 0 && exitCode !== 1) || output === undefined) {
      const hint = String(exitCode).includes('ENOENT') ? ' (run `bash scripts/setup.sh` to install it)' : '';
      throw new Error(`checkov failed (exit ${exitCode})${hint}:\n${stdout}${stderr}`);
    }
    const results = new Map<string, CheckovFileResults>(
      absolute.map((file) => [file, { passed: [], failed: [], skipped: [], parsingError: false }]),
    );
    const forFile = (path: string) => {
      const entry = results.get(byRealPath.get(real(path)) ?? path);
      if (!entry) throw new Error(`checkov reported on ${path}, which it was not given`);
      return entry;
    };
    // One report per framework: a list when there are several, an object for one, and a bare summary (no
    // `results`) when it found nothing to check at all.
    for (const report of Array.isArray(output) ? output : [output]) {
      const {
        passed_checks = [],
        failed_checks = [],
        skipped_checks = [],
        parsing_errors = [],
      } = report.results ?? {};
      for (const check of passed_checks) forFile(check.file_abs_path).passed.push(check);
      for (const check of failed_checks) forFile(check.file_abs_path).failed.push(check);
      for (const check of skipped_checks) forFile(check.file_abs_path).skipped.push(check);
      for (const path of parsing_errors) forFile(resolve(home, path)).parsingError = true;
    }
    return results;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
};

// ------------------------------------------------------------------------------------ inline checkov skips

export interface InlineSkip {
  resource: string;
  id: unknown;
  comment: unknown;
}

/**
 * The checkov skips in a template's resources (`Metadata: checkov: skip: [{id, comment}]`), those in
 * `Fn::ForEach` bodies included.
 */
export const inlineCheckovSkips = (template: Template): InlineSkip[] => {
  const skips: InlineSkip[] = [];
  const visit = (resources: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(resources)) {
      if (key.startsWith('Fn::ForEach::') && Array.isArray(value)) {
        visit((value[2] ?? {}) as Record<string, unknown>);
        continue;
      }
      const metadata = (value as { Metadata?: { checkov?: { skip?: unknown } } } | null)?.Metadata;
      const skip = metadata?.checkov?.skip;
      if (skip === undefined) continue;
      for (const entry of Array.isArray(skip) ? skip : [skip]) {
        const { id, comment } = (entry ?? {}) as { id?: unknown; comment?: unknown };
        skips.push({ resource: key, id, comment });
      }
    }
  };
  visit(template.Resources as Record<string, unknown>);
  return skips;
};
