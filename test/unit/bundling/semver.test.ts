import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { PROJECT_ROOT } from '../../../local/paths';
import semverStandIn, { gte } from '../../../src/bundling/semver';
import { aTempProject } from '../../helpers/temp-project';

/** The real semver (a transitive dependency; aws-xray-sdk-core requires it), which the stand-in replaces. */
const semver = require('semver') as { gte: (version: string, minimum: string) => boolean };

const part = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.nat(), fc.maxSafeNat());
const release = fc.tuple(part, part, part);
const written = ([major, minor, patch]: [number, number, number], v: boolean, space: string) =>
  `${space}${v ? 'v' : ''}${major}.${minor}.${patch}${space}`;

/** Two release versions, often sharing their first parts (so that every part gets compared), each with or without `v`. */
const twoReleases = fc
  .tuple(
    release,
    release,
    fc.integer({ min: 0, max: 3 }),
    fc.boolean(),
    fc.boolean(),
    fc.constantFrom('', ' '),
  )
  .map(([version, other, shared, vVersion, vOther, space]) => {
    const minimum = [...version.slice(0, shared), ...other.slice(shared)] as [number, number, number];
    return [written(version, vVersion, space), written(minimum, vOther, '')] as const;
  });

/** A version part as written: mostly a plain number, sometimes a leading zero, too large a number, or a wildcard. */
const partText = fc.oneof(
  { weight: 4, arbitrary: part.map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('00', '01', '007', '9007199254740992', '18446744073709551616', 'x', '*', ''),
  },
);

/** Strings that look more or less like versions or ranges. */
const versionLike = fc
  .tuple(
    fc.constantFrom('', '', 'v', 'V', '=', '>=', '^', '~', ' '),
    fc.array(partText, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '', '', '-rc.1', '+build.5', ' ', ' - 3.0.0', ' || 1.0.0'),
  )
  .map(([prefix, parts, suffix]) => `${prefix}${parts.join('.')}${suffix}`);

const outcome = (compare: () => boolean): boolean | 'refused' => {
  try {
    return compare();
  } catch {
    return 'refused';
  }
};

describe('the semver stand-in', () => {
  it("answers gte on release versions exactly as semver's gte, with and without a leading v", () => {
    fc.assert(
      fc.property(twoReleases, ([version, minimum]) => {
        expect(gte(version, minimum)).toBe(semver.gte(version, minimum));
      }),
      { numRuns: 5_000 },
    );
  });

  it('never answers where semver refuses, and where it answers, answers as semver does', () => {
    fc.assert(
      fc.property(versionLike, versionLike, (version, minimum) => {
        const real = outcome(() => semver.gte(version, minimum));
        const standIn = outcome(() => gte(version, minimum));
        if (standIn !== 'refused') expect(standIn).toBe(real);
        if (real === 'refused') expect(standIn).toBe('refused');
      }),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['2.7.15', '2.7.15', true],
    ['2.7.16', '2.7.15', true],
    ['2.10.0', '2.7.15', true],
    ['2.7.9', '2.7.15', false],
    ['1.99.99', '2.7.15', false],
    ['v2.1693.0', '2.7.15', true],
  ])('says whether %s is at least %s (%s)', (version, minimum, answer) => {
    expect(gte(version, minimum)).toBe(answer);
  });

  it.each([
    ['a prerelease', '2.7.15-rc.1'],
    ['build metadata', '2.7.15+build.5'],
    ['a range', '>=2.7.15'],
    ['a caret range', '^2.7.15'],
    ['a hyphen range', '2.7.15 - 3.0.0'],
    ['an X-range', '2.x'],
    ['a partial version', '2.7'],
    ['a fourth part', '2.7.15.1'],
    ['a leading zero', '02.7.15'],
    ['a part beyond the largest safe integer', '9007199254740992.0.0'],
    ['an upper-case V', 'V2.7.15'],
    ['nothing', ''],
    ['a word', 'latest'],
  ])('refuses %s (%j) with a TypeError naming it, on either side', (_, text) => {
    for (const call of [() => gte(text, '2.7.15'), () => gte('2.7.15', text)]) {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(`The bundled semver compares release versions only, not "${text}"`);
    }
  });

  it('has gte on its default export too, for consumers that import the default', () => {
    expect(semverStandIn.gte).toBe(gte);
  });

  it('serves CommonJS code that requires semver and ES modules that import it, once aliased into a bundle', async () => {
    const project = aTempProject('semver-stand-in', {
      // What aws-xray-sdk-core's AWS SDK v2 patcher does.
      'node_modules/xray-like/package.json': '{ "name": "xray-like", "main": "index.js" }',
      'node_modules/xray-like/index.js':
        "var semver = require('semver');\nexports.supported = (version) => semver.gte(version, '2.7.15');",
      'index.mjs': [
        "import { supported } from 'xray-like';",
        "import semver, { gte } from 'semver';",
        "const answers = [supported('2.1693.0'), supported('2.7.14'), semver.gte('1.0.0', '1.0.0'), gte('v3.0.0', '3.0.1')];",
        'process.stdout.write(JSON.stringify(answers));',
      ].join('\n'),
    });
    try {
      await build({
        entryPoints: [project.path('index.mjs')],
        absWorkingDir: project.dir,
        outfile: project.path('out/index.mjs'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        alias: { semver: join(PROJECT_ROOT, 'src/bundling/semver.ts') },
        logLevel: 'silent',
      });
      const child = spawnSync(process.execPath, [project.path('out/index.mjs')], { encoding: 'utf8' });
      expect({ stdout: child.stdout, stderr: child.stderr }).toEqual({
        stdout: '[true,false,true,false]',
        stderr: '',
      });
    } finally {
      project.remove();
    }
  });
});
