// Unit, template, integration and end-to-end tests are separate projects: `npm run test:unit` etc.
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
// @middy/core and jose ship ESM only; Jest runs CommonJS, so they are transformed like our sources.
const transformIgnorePatterns = ['/node_modules/(?!@middy/|jose/)'];

const slowTests = ['<rootDir>/test/setup/slow-tests.ts'];

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('unit'),
    project('template', { setupFilesAfterEnv: slowTests }),
    project('integration', { setupFilesAfterEnv: slowTests }),
    project('e2e', {
      setupFilesAfterEnv: slowTests,
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    }),
  ],
};
