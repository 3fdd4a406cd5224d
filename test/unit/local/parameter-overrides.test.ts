import { join } from 'node:path';
import {
  parameterOverridesFrom,
  parseCommandLine,
  parsePairs,
  samconfigParameterOverrides,
} from '../../../local/parameter-overrides';
import { makeTempDir, writeFile } from '../../helpers/local-runtime';

const dir = makeTempDir('parameter-overrides');
afterAll(() => dir.remove());

/** Writes a samconfig.toml in a fresh folder of the temp dir and returns that folder (a project root). */
let projects = 0;
const projectWith = (samconfig: string, name = 'samconfig.toml') => {
  const root = join(dir.path, `project-${++projects}`);
  writeFile(root, name, samconfig);
  return root;
};

const SAMCONFIG = `
version = 0.1

[default.deploy.parameters]
parameter_overrides = "StageName=dev LogLevel=DEBUG"

[staging.global.parameters]
stack_name = "checkout-staging"
parameter_overrides = "StageName=staging-global LogLevel=WARN"

[staging.deploy.parameters]
parameter_overrides = ["StageName=staging", "Partners=Acme,Globex", "Filter=\\"a b\\""]

[shared.global.parameters]
parameter_overrides = "StageName=shared"

[bare.deploy.parameters]
confirm_changeset = true
`;

describe('parameterOverridesFrom (npm start -- --parameter-overrides ...)', () => {
  const root = dir.path;

  it('reads Key=Value arguments, a value keeping its commas and equals signs', () => {
    expect(
      parameterOverridesFrom(
        ['--parameter-overrides', 'Partners=AcmeRetail,Globex', 'Filter={"a":1}', 'Expr=a=b'],
        root,
      ),
    ).toEqual({ Partners: 'AcmeRetail,Globex', Filter: '{"a":1}', Expr: 'a=b' });
  });

  it('reads several pairs in one argument separated by spaces, as sam deploy takes them', () => {
    expect(
      parameterOverridesFrom(['--parameter-overrides', 'StageName=dev PartnerDailyQuota=10'], root),
    ).toEqual({
      StageName: 'dev',
      PartnerDailyQuota: '10',
    });
  });

  it('reads the ParameterKey=...,ParameterValue=... form', () => {
    expect(
      parameterOverridesFrom(
        ['--parameter-overrides', 'ParameterKey=Partners,ParameterValue=Acme,Globex'],
        root,
      ),
    ).toEqual({ Partners: 'Acme,Globex' });
  });

  it('stops at the next option, and gives nothing without any option', () => {
    expect(
      parameterOverridesFrom(
        ['--parameter-overrides', 'A=1', '--config-env', 'default'],
        projectWith(SAMCONFIG),
      ),
    ).toEqual({ A: '1' });
    expect(parameterOverridesFrom([], root)).toEqual({});
  });

  it('takes --parameter-overrides=Key=Value and several --parameter-overrides, the later value of a key winning', () => {
    expect(
      parameterOverridesFrom(['--parameter-overrides=A=1', '--parameter-overrides', 'A=2 B=3'], root),
    ).toEqual({
      A: '2',
      B: '3',
    });
  });

  it('refuses an argument that is not a Key=Value pair, quoting it', () => {
    expect(() => parameterOverridesFrom(['--parameter-overrides', 'Partners'], root)).toThrow(
      '--parameter-overrides takes Key=Value pairs, not "Partners"',
    );
  });

  describe('with --config-env and --config-file', () => {
    it('takes parameter_overrides of [<env>.deploy.parameters] from samconfig.toml at the project root', () => {
      expect(parameterOverridesFrom(['--config-env', 'default'], projectWith(SAMCONFIG))).toEqual({
        StageName: 'dev',
        LogLevel: 'DEBUG',
      });
    });

    it('reads an array of "Key=Value" strings, unquoting a quoted value as SAM CLI does', () => {
      expect(parameterOverridesFrom(['--config-env=staging'], projectWith(SAMCONFIG))).toEqual({
        StageName: 'staging',
        Partners: 'Acme,Globex',
        Filter: 'a b',
      });
    });

    it('prefers the deploy section to the global one, which it replaces whole as SAM CLI does', () => {
      // [staging.global.parameters] also sets LogLevel=WARN: the deploy section's list replaces it, not merges.
      expect(parameterOverridesFrom(['--config-env', 'staging'], projectWith(SAMCONFIG))).toEqual({
        StageName: 'staging',
        Partners: 'Acme,Globex',
        Filter: 'a b',
      });
    });

    it('falls back to parameter_overrides of [<env>.global.parameters] when the deploy section has none', () => {
      expect(parameterOverridesFrom(['--config-env', 'shared'], projectWith(SAMCONFIG))).toEqual({
        StageName: 'shared',
      });
    });

    it('gives no overrides for an env that has no parameter_overrides', () => {
      expect(parameterOverridesFrom(['--config-env', 'bare'], projectWith(SAMCONFIG))).toEqual({});
    });

    it('lets --parameter-overrides replace the whole of the file overrides, as sam deploy does (no merge)', () => {
      expect(
        parameterOverridesFrom(
          ['--config-env', 'staging', '--parameter-overrides', 'StageName=mine'],
          projectWith(SAMCONFIG),
        ),
      ).toEqual({ StageName: 'mine' });
    });

    it('reads the file --config-file names, relative to the project root, in the env "default" unless told', () => {
      const root = projectWith(SAMCONFIG, 'config/local.toml');
      expect(parameterOverridesFrom(['--config-file', 'config/local.toml'], root)).toEqual({
        StageName: 'dev',
        LogLevel: 'DEBUG',
      });
      expect(
        parameterOverridesFrom(
          ['--config-file', join(root, 'config/local.toml'), '--config-env', 'shared'],
          dir.path,
        ),
      ).toEqual({ StageName: 'shared' });
    });

    it('refuses an env the file does not have, naming the file and the envs it has', () => {
      const root = projectWith(SAMCONFIG);
      expect(() => parameterOverridesFrom(['--config-env', 'prod'], root)).toThrow(
        `${join(root, 'samconfig.toml')} has no environment "prod"; it has "default", "staging", "shared", "bare"`,
      );
    });

    it('refuses a missing configuration file, naming it', () => {
      expect(() => parameterOverridesFrom(['--config-env', 'prod'], join(dir.path, 'nowhere'))).toThrow(
        `The SAM configuration file ${join(dir.path, 'nowhere', 'samconfig.toml')} does not exist`,
      );
    });

    it('refuses a file that is not TOML, naming it', () => {
      const root = projectWith('[default.deploy.parameters\n');
      expect(() => parameterOverridesFrom(['--config-env', 'default'], root)).toThrow(
        `Cannot read the SAM configuration file ${join(root, 'samconfig.toml')}: `,
      );
    });

    it('refuses parameter_overrides that is neither a string nor an array of strings, naming where it is', () => {
      const path = join(
        projectWith('[default.deploy.parameters]\nparameter_overrides = { A = "1" }\n'),
        'samconfig.toml',
      );
      expect(() => samconfigParameterOverrides(path, 'default')).toThrow(
        `parameter_overrides in [default.deploy.parameters] of ${path} must be a string "A=1 B=2" or an array of "A=1" strings`,
      );
    });

    it('refuses a pair without a key in the file, naming the section and the file', () => {
      const broken = join(
        projectWith('[default.deploy.parameters]\nparameter_overrides = ["=1"]\n'),
        'samconfig.toml',
      );
      expect(() => samconfigParameterOverrides(broken, 'default')).toThrow(
        `parameter_overrides in [default.deploy.parameters] of ${broken} takes Key=Value pairs, not "=1"`,
      );
    });
  });

  describe('the command line', () => {
    const accepted =
      'npm start takes --parameter-overrides Key=Value ..., --config-env <env>, --config-file <path>';

    it('refuses an unknown option, listing the ones it takes', () => {
      expect(() => parseCommandLine(['--config', 'prod'])).toThrow(`Unknown option --config: ${accepted}`);
      expect(() => parseCommandLine(['--parameter-overides=A=1'])).toThrow(
        `Unknown option --parameter-overides: ${accepted}`,
      );
    });

    it('refuses an argument outside any option, listing the options', () => {
      expect(() => parseCommandLine(['A=1'])).toThrow(`Unexpected argument "A=1": ${accepted}`);
    });

    it('refuses an option without its value, or given twice', () => {
      expect(() => parseCommandLine(['--parameter-overrides'])).toThrow(
        '--parameter-overrides needs Key=Value pairs after it',
      );
      expect(() => parseCommandLine(['--config-env', '--parameter-overrides', 'A=1'])).toThrow(
        '--config-env takes one value (an env name)',
      );
      expect(() => parseCommandLine(['--config-file', 'a.toml', 'b.toml'])).toThrow(
        '--config-file takes one value (a path)',
      );
      expect(() => parseCommandLine(['--config-env', 'a', '--config-env', 'b'])).toThrow(
        '--config-env is given twice',
      );
    });

    it('reads the options in any order, with a space or an equals sign before the value', () => {
      expect(
        parseCommandLine([
          '--config-file=x.toml',
          '--parameter-overrides',
          'A=1',
          'B=2',
          '--config-env',
          'e',
        ]),
      ).toEqual({ configFile: 'x.toml', configEnv: 'e', parameterOverrides: ['A=1', 'B=2'] });
    });
  });

  describe('parsePairs', () => {
    it('unquotes a value in double or single quotes, which may then hold spaces and escaped quotes', () => {
      expect(parsePairs(`A="x y" B='it\\'s' C="say \\"hi\\"" D=plain`, 'test')).toEqual({
        A: 'x y',
        B: "it's",
        C: 'say "hi"',
        D: 'plain',
      });
    });

    it('keeps a value without quotes up to the next pair, spaces included', () => {
      expect(parsePairs('Partners=Acme, Globex Stage=dev', 'test')).toEqual({
        Partners: 'Acme, Globex',
        Stage: 'dev',
      });
    });

    it('keeps quotes that do not wrap the whole value', () => {
      expect(parsePairs('Policy={"a":"b"} Q="x"y', 'test')).toEqual({ Policy: '{"a":"b"}', Q: '"x"y' });
    });
  });
});
