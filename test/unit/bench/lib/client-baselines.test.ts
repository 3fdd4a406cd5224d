import { join } from 'node:path';
import { build, type ImportKind, type Metafile } from 'esbuild';
import {
  type BaselineClient,
  baselineClients,
  baselineLabel,
  baselineSource,
  staticallyImportedPackages,
} from '../../../../bench/lib/client-baselines';
import { PROJECT_ROOT } from '../../../../local/paths';
import { importBundle } from '../../../../scripts/lib/import-bundle';
import { aTempProject, type TempProject } from '../../../helpers/temp-project';

type Edge = [kind: ImportKind, path: string, options?: { external: true }];

/** A metafile with the given import edges per input, as esbuild writes it (paths relative to where it ran). */
const aMetafile = (graph: Record<string, Edge[]>): Metafile => ({
  inputs: Object.fromEntries(
    Object.entries(graph).map(([path, edges]) => [
      path,
      { bytes: 1, imports: edges.map(([kind, target, options]) => ({ kind, path: target, ...options })) },
    ]),
  ),
  outputs: {},
});

describe('staticallyImportedPackages', () => {
  it('follows imports and requires from the entry, through the project and into packages, scoped or not', () => {
    const metafile = aMetafile({
      'functions/checkout/index.ts': [
        ['import-statement', 'shared/clients.ts'],
        ['require-call', '../node_modules/ajv/dist/ajv.js'],
      ],
      'shared/clients.ts': [
        ['import-statement', '../node_modules/@aws-sdk/client-dynamodb/dist-es/index.js'],
      ],
      '../node_modules/@aws-sdk/client-dynamodb/dist-es/index.js': [
        ['import-statement', '../node_modules/@smithy/core/dist-es/index.js'],
      ],
      '../node_modules/@smithy/core/dist-es/index.js': [],
      '../node_modules/ajv/dist/ajv.js': [],
    });

    expect(staticallyImportedPackages(metafile, 'functions/checkout/index.ts')).toEqual(
      new Set(['@aws-sdk/client-dynamodb', '@smithy/core', 'ajv']),
    );
  });

  it('leaves out what is only reached through import(): a package loaded on first use is not loaded at init', () => {
    const metafile = aMetafile({
      'index.ts': [
        ['import-statement', '../node_modules/@aws-sdk/client-sns/dist-es/index.js'],
        ['dynamic-import', 'fault-switch.ts'],
        ['dynamic-import', '../node_modules/@aws-sdk/client-lambda/dist-es/index.js'],
      ],
      'fault-switch.ts': [['import-statement', '../node_modules/@aws-sdk/client-ssm/dist-es/index.js']],
      '../node_modules/@aws-sdk/client-sns/dist-es/index.js': [],
      '../node_modules/@aws-sdk/client-lambda/dist-es/index.js': [],
      '../node_modules/@aws-sdk/client-ssm/dist-es/index.js': [],
    });

    expect(staticallyImportedPackages(metafile, 'index.ts')).toEqual(new Set(['@aws-sdk/client-sns']));
  });

  it('includes a package that is imported both ways', () => {
    const metafile = aMetafile({
      'index.ts': [
        ['dynamic-import', '../node_modules/@aws-sdk/client-sqs/dist-es/index.js'],
        ['import-statement', 'queue.ts'],
      ],
      'queue.ts': [['import-statement', '../node_modules/@aws-sdk/client-sqs/dist-es/index.js']],
      '../node_modules/@aws-sdk/client-sqs/dist-es/index.js': [],
    });

    expect(staticallyImportedPackages(metafile, 'index.ts')).toEqual(new Set(['@aws-sdk/client-sqs']));
  });

  it('skips external imports, which are not in the bundle', () => {
    const metafile = aMetafile({
      'index.ts': [
        ['import-statement', 'node:fs', { external: true }],
        ['import-statement', '../node_modules/@aws-sdk/client-s3/dist-es/index.js', { external: true }],
      ],
    });

    expect(staticallyImportedPackages(metafile, 'index.ts')).toEqual(new Set());
  });

  it('counts a nested copy of a package as that package, beside the package it is nested in', () => {
    const metafile = aMetafile({
      'index.ts': [['import-statement', '../node_modules/some-sdk-wrapper/index.js']],
      '../node_modules/some-sdk-wrapper/index.js': [
        [
          'require-call',
          '../node_modules/some-sdk-wrapper/node_modules/@aws-sdk/client-sqs/dist-cjs/index.js',
        ],
      ],
      '../node_modules/some-sdk-wrapper/node_modules/@aws-sdk/client-sqs/dist-cjs/index.js': [],
    });

    expect(staticallyImportedPackages(metafile, 'index.ts')).toEqual(
      new Set(['some-sdk-wrapper', '@aws-sdk/client-sqs']),
    );
  });

  it('ends on import cycles', () => {
    const metafile = aMetafile({
      'a.ts': [['import-statement', 'b.ts']],
      'b.ts': [
        ['import-statement', 'a.ts'],
        ['require-call', '../node_modules/tslib/tslib.js'],
      ],
      '../node_modules/tslib/tslib.js': [['require-call', 'b.ts']],
    });

    expect(staticallyImportedPackages(metafile, 'a.ts')).toEqual(new Set(['tslib']));
  });

  describe('on a metafile esbuild wrote', () => {
    let project: TempProject;
    let metafile: Metafile;

    beforeAll(async () => {
      const cjsPackage = (name: string, code = 'exports.value = 1;') => ({
        [`node_modules/${name}/package.json`]: JSON.stringify({ name, main: 'index.js' }),
        [`node_modules/${name}/index.js`]: code,
      });
      project = aTempProject('client-baselines', {
        ...cjsPackage('static-pkg', "exports.value = require('@scope/deep').value;"),
        ...cjsPackage('@scope/deep'),
        ...cjsPackage('required-pkg'),
        ...cjsPackage('lazy-pkg', "exports.value = require('only-lazy-dep').value;"),
        ...cjsPackage('only-lazy-dep'),
        'src/index.ts': [
          "import { value } from 'static-pkg';",
          "const required = require('required-pkg');",
          "export const handler = async () => value + required.value + (await import('lazy-pkg')).value;",
        ].join('\n'),
      });
      // As the benchmark builds it: in the function's CodeUri, with its esbuild options.
      const result = await build({
        entryPoints: ['index.ts'],
        absWorkingDir: project.path('src'),
        bundle: true,
        platform: 'node',
        format: 'esm',
        splitting: true,
        outdir: project.path('out'),
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      metafile = result.metafile;
    });

    afterAll(() => project.remove());

    it('gives the packages imported or required, not those imported with import()', () => {
      expect(staticallyImportedPackages(metafile, 'index.ts')).toEqual(
        new Set(['static-pkg', '@scope/deep', 'required-pkg']),
      );
    });
  });
});

describe('baselineClients', () => {
  const PACKAGES = [
    '@smithy/core',
    '@opensearch-project/opensearch',
    '@aws-sdk/lib-dynamodb',
    '@aws-sdk/client-sqs',
    '@aws-sdk/credential-provider-node',
    'ajv',
    '@aws-sdk/client-dynamodb',
  ];

  it('makes each AWS SDK client package its client class and OpenSearch its signed client, in package order, and ignores other packages', async () => {
    const clients = await baselineClients(PACKAGES);

    expect(clients.map(({ packageName, label }) => ({ packageName, label }))).toEqual([
      { packageName: '@aws-sdk/client-dynamodb', label: 'DynamoDBClient' },
      { packageName: '@aws-sdk/client-sqs', label: 'SQSClient' },
      { packageName: '@opensearch-project/opensearch', label: 'OpenSearch Client (SigV4)' },
    ]);
    expect(clients[0]?.source).toBe(
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nclients.push(new DynamoDBClient({}));",
    );
  });

  it('gives the same clients in the same order whatever order the packages come in', async () => {
    const forwards = await baselineClients(PACKAGES);
    const backwards = await baselineClients(new Set([...PACKAGES].reverse()));
    expect(backwards).toEqual(forwards);
  });

  it('gives no client for a function that loads none', async () => {
    await expect(baselineClients(['@smithy/core', 'ajv'])).resolves.toEqual([]);
  });

  it.each([
    [
      '@aws-sdk/client-made-up-two',
      { AlphaClient: class {}, BetaClient: class {} },
      /AlphaClient, BetaClient/,
    ],
    ['@aws-sdk/client-made-up-none', { Command: class {} }, /none/],
  ])('refuses to guess the client class of %s', async (packageName, exported, named) => {
    jest.doMock(packageName, () => exported, { virtual: true });
    await expect(baselineClients([packageName])).rejects.toThrow(
      new RegExp(`Cannot tell the client class of ${packageName}: ${named.source}`),
    );
  });
});

describe('baselineSource', () => {
  let project: TempProject;

  beforeAll(() => {
    project = aTempProject('baseline-source');
  });

  afterAll(() => project.remove());

  it('is a module that creates each client once, without reaching the network', async () => {
    const clients = await baselineClients([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sqs',
      '@opensearch-project/opensearch',
    ]);
    project.write({
      'baseline.js': baselineSource(clients),
      'report.js': [
        "import { clients } from './baseline.js';",
        'process.stdout.write("created: " + JSON.stringify(clients.map((client) => client.constructor.name)));',
      ].join('\n'),
    });
    await build({
      entryPoints: [project.path('report.js')],
      outfile: project.path('out/report.mjs'),
      nodePaths: [join(PROJECT_ROOT, 'node_modules')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      keepNames: true,
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });

    const imported = await importBundle(project.path('out/report.mjs'), { AWS_REGION: 'us-east-1' });

    expect({ exitCode: imported.exitCode, network: imported.network, problems: imported.problems }).toEqual({
      exitCode: 0,
      network: [],
      problems: [],
    });
    expect(imported.stdout).toContain('created: ["DynamoDBClient","SQSClient","Client"]');
  });

  it('is a module that exports an empty list of clients when there are none', () => {
    expect(baselineSource([])).toBe('export const clients = [];\n');
  });
});

describe('baselineLabel', () => {
  const clients = (...labels: string[]): BaselineClient[] =>
    labels.map((label) => ({ packageName: label, label, source: '' }));

  it.each([
    [[], 'none'],
    [['SNSClient'], 'SNSClient'],
    [['DynamoDBClient', 'LambdaClient'], 'DynamoDBClient + LambdaClient'],
  ])('names the clients %j as %s', (labels, label) => {
    expect(baselineLabel(clients(...labels))).toBe(label);
  });
});
