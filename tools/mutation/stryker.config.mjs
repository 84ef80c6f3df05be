// Mutation testing of the rules regulators check (issue 23): npm run test:mutation.
// Mutates the domain libraries, libs/util/exact and the Decider contract; runs only their pure unit specs
// (tools/mutation/jest.config.js), per test: each mutant runs just the tests that reach it,
// and stops at the first that fails.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'tools/mutation/jest.config.js',
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  plugins: ['@stryker-mutator/jest-runner', './tools/mutation/prose-ignorer.mjs'],
  ignorers: ['prose'],
  mutate: [
    'libs/{ledger,policy,wallet,reconciliation,audit}/domain/src/**/*.ts',
    'libs/util/exact/src/**/*.ts',
    'libs/util/decider/src/decider.ts',
    '!**/*.spec.ts',
    '!**/*.fixture.ts',
    '!**/index.ts',
  ],
  ignorePatterns: [
    'dist',
    'coverage',
    'reports',
    'tmp',
    '.nx',
    '.dev',
    '.custody',
    'deploy',
    'docs',
    'apps',
  ],
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
