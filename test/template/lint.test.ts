import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT, VENV_BIN } from '../../local/paths';
import { projectTemplates } from './templates';

const run = (command: string, args: string[]) => {
  const result = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    exitCode: result.error ? String(result.error) : result.status,
    output: `${result.stdout}${result.stderr}`,
  };
};

describe('linting', () => {
  it.each(projectTemplates().map(({ name }) => name))(
    'cfn-lint finds no errors or warnings in %s',
    (name) => {
      expect(run(join(VENV_BIN, 'cfn-lint'), [name])).toEqual({ exitCode: 0, output: expect.any(String) });
    },
  );

  it('sam validate --lint accepts the root template', () => {
    expect(run('bash', ['scripts/sam.sh', 'validate', '--lint'])).toEqual({
      exitCode: 0,
      output: expect.stringContaining('is a valid SAM Template'),
    });
  });
});
