import { type ExpandedTemplate, expandedTemplates } from './expanded';
import {
  CHECKOV_CONFIG,
  type CheckovFileResults,
  checkov,
  describeCheck,
  INSECURE_FIXTURE,
  inlineCheckovSkips,
  listWithReasons,
  logicalId,
} from './scanners';
import { projectTemplates } from './templates';

const sources = projectTemplates();
const names = sources.map(({ name }) => name);

describe('checkov (pinned in requirements-checkov.txt, with .checkov.yaml)', () => {
  // One run over every template, every SAM-expanded template and the fixture, its results sorted by file.
  let expanded: ExpandedTemplate[];
  let results: Map<string, CheckovFileResults>;
  beforeAll(() => {
    expanded = expandedTemplates();
    results = checkov([
      ...sources.map(({ path }) => path),
      ...expanded.map(({ path }) => path),
      INSECURE_FIXTURE,
    ]);
  });

  const resultsOf = (path: string) => {
    const fileResults = results.get(path);
    if (!fileResults) throw new Error(`checkov was not run on ${path}`);
    return fileResults;
  };
  const source = (name: string) =>
    resultsOf(sources.find((template) => template.name === name)?.path ?? name);
  const expansion = (name: string) =>
    resultsOf(expanded.find((template) => template.name === name)?.path ?? name);
  /** Whether checkov read the file and ran checks on it: it exits 0 on a file it cannot read. */
  const scanned = ({ parsingError, passed, failed, skipped }: CheckovFileResults) => ({
    parsingError,
    checksRun: passed.length + failed.length + skipped.length > 0,
  });

  it.each(names)('reads %s as CloudFormation and runs its checks', (name) => {
    expect(scanned(source(name))).toEqual({ parsingError: false, checksRun: true });
  });

  it.each(names)('finds no failed check in %s', (name) => {
    expect(source(name).failed.map(describeCheck)).toEqual([]);
  });

  it.each(names)('reads the SAM-expanded %s as CloudFormation and runs its checks', (name) => {
    expect(scanned(expansion(name))).toEqual({ parsingError: false, checksRun: true });
  });

  it.each(names)('finds no failed check in the SAM-expanded %s', (name) => {
    expect(expansion(name).failed.map(describeCheck)).toEqual([]);
  });

  it('still reports an unencrypted log group and a bucket without access logging or versioning, so its settings hide no real finding', () => {
    const failed = resultsOf(INSECURE_FIXTURE).failed.map((check) => `${check.check_id} ${logicalId(check)}`);
    expect(failed).toEqual(
      expect.arrayContaining([
        'CKV_AWS_158 UnencryptedLogGroup',
        'CKV_AWS_18 UnloggedBucket',
        'CKV_AWS_21 UnloggedBucket',
      ]),
    );
  });

  it("honours a skip in a resource's Metadata, reporting the check as skipped with its comment", () => {
    const { failed, skipped } = resultsOf(INSECURE_FIXTURE);
    expect({
      failed: failed.filter((check) => logicalId(check) === 'SkippedLogGroup').map(describeCheck),
      skipped: skipped
        .filter((check) => logicalId(check) === 'SkippedLogGroup')
        .map((check) => [check.check_id, check.check_result.suppress_comment]),
    }).toEqual({
      failed: [],
      skipped: [['CKV_AWS_158', "The fixture's inline skip, which checkov honours."]],
    });
  });

  it('runs none of the checks .checkov.yaml skips, on any file', () => {
    const skippedEverywhere = new Set(listWithReasons(CHECKOV_CONFIG, 'skip-check').map(({ item }) => item));
    const all = [...results.values()].flatMap(({ passed, failed, skipped }) => [
      ...passed,
      ...failed,
      ...skipped,
    ]);
    // The fixture's function has no dead-letter queue, no VPC and no key for its environment: CKV_AWS_116,
    // CKV_AWS_117 and CKV_AWS_173 would fail on it if the settings were not read.
    expect({
      fixtureFunctionChecked: all.some(
        (check) => check.file_abs_path === INSECURE_FIXTURE && logicalId(check) === 'Function',
      ),
      ran: all.filter((check) => skippedEverywhere.has(check.check_id)).map(describeCheck),
    }).toEqual({ fixtureFunctionChecked: true, ran: [] });
  });

  it('skips a check for the whole project only with a comment naming it and giving the reason', () => {
    const unexplained = listWithReasons(CHECKOV_CONFIG, 'skip-check').filter(
      ({ item, reason }) => !reason.includes(item) || reason.length <= item.length + 20,
    );
    expect(unexplained).toEqual([]);
  });

  it('finds a check id and a comment giving the reason in every skip in a resource of a project template', () => {
    const unexplained = [
      ...sources.map(({ name, template }) => ({ name, template })),
      ...expanded.map(({ name, template }) => ({ name: `SAM-expanded ${name}`, template })),
    ].flatMap(({ name, template }) =>
      inlineCheckovSkips(template)
        .filter(
          ({ id, comment }) =>
            typeof id !== 'string' ||
            !/^CKV2?_AWS_\d+$/.test(id) ||
            typeof comment !== 'string' ||
            comment.trim() === '',
        )
        .map((skip) => ({ template: name, ...skip })),
    );
    expect(unexplained).toEqual([]);
  });

  it('finds every skip in a resource of a project template used: checkov runs that check on that resource', () => {
    const unused = names.flatMap((name) => {
      const template = sources.find((candidate) => candidate.name === name)?.template;
      const expandedTemplate = expanded.find((candidate) => candidate.name === name)?.template;
      if (!template || !expandedTemplate) throw new Error(`no template ${name}`);
      const used = new Set(
        [...source(name).skipped, ...expansion(name).skipped].map(
          (check) => `${logicalId(check)} ${check.check_id}`,
        ),
      );
      // Skips in Fn::ForEach bodies are found in the expanded form, under the resources' expanded names.
      const skips = [
        ...inlineCheckovSkips(template).filter(({ resource }) => resource in template.Resources),
        ...inlineCheckovSkips(expandedTemplate),
      ];
      return skips
        .filter(({ resource, id }) => !used.has(`${resource} ${String(id)}`))
        .map(
          ({ resource, id }) => `${name}: ${resource} skips ${String(id)}, which checkov does not run on it`,
        );
    });
    expect([...new Set(unused)]).toEqual([]);
  });
});
