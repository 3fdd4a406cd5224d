import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../local/paths';
import { CFN_LINT_CONFIG, cfnLint, INSECURE_FIXTURE, listWithReasons, run } from './scanners';
import { projectTemplates } from './templates';

const names = projectTemplates().map(({ name }) => name);
const fixture = relative(PROJECT_ROOT, INSECURE_FIXTURE);

describe('cfn-lint, with every rule (.cfnlintrc.yaml)', () => {
  // One run over every template and the fixture, its findings sorted by file.
  let findings: Map<string, string[]>;
  beforeAll(() => {
    findings = cfnLint([...names, fixture]);
  });

  it.each(names)('reports nothing on %s', (name) => {
    expect(findings.get(name)).toEqual([]);
  });

  it('still reports stateful resources without a DeletionPolicy and UpdateReplacePolicy (I3011), so its settings hide no real finding', () => {
    expect(findings.get(fixture)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^I3011 .*insecure\.yaml:\d+:\d+ 'DeletionPolicy' is a required property/),
        expect.stringMatching(/^I3011 .*insecure\.yaml:\d+:\d+ 'UpdateReplacePolicy' is a required property/),
      ]),
    );
  });

  it('lints every project template when run with no arguments', () => {
    const { templates } = parse(readFileSync(CFN_LINT_CONFIG, 'utf8')) as { templates?: string[] };
    expect([...(templates ?? [])].sort()).toEqual([...names].sort());
  });

  it('ignores a rule only with a comment naming it and giving the reason', () => {
    const unexplained = listWithReasons(CFN_LINT_CONFIG, 'ignore_checks').filter(
      ({ item, reason }) => !reason.includes(item) || reason.length <= item.length + 20,
    );
    expect(unexplained).toEqual([]);
  });
});

describe('sam validate --lint', () => {
  it('accepts the root template', () => {
    const { exitCode, stdout, stderr } = run('bash', ['scripts/sam.sh', 'validate', '--lint']);
    expect({ exitCode, output: `${stdout}${stderr}` }).toEqual({
      exitCode: 0,
      output: expect.stringContaining('is a valid SAM Template'),
    });
  });
});
