// The tests mutation testing runs (npm run test:mutation): the pure unit specs of the domain
// libraries and of libs/util/exact, nothing that starts a process or opens a socket. Same
// transform and path aliases as the unit tier (../../jest.config.js).
const root = require('../../jest.config.js');

const unit = root.projects.find((project) => project.displayName === 'unit');

module.exports = {
  ...unit,
  displayName: 'mutation',
  testEnvironment: require.resolve('./bail-environment.cjs'),
  testSequencer: require.resolve('./sequencer.cjs'),
  rootDir: require('node:path').resolve(__dirname, '../..'),
  roots: ['<rootDir>/libs'],
  testMatch: [
    '<rootDir>/libs/{ledger,policy,wallet,reconciliation,audit}/domain/src/**/*.spec.ts',
    '<rootDir>/libs/util/exact/src/**/*.spec.ts',
    '<rootDir>/libs/util/decider/src/**/*.spec.ts',
  ],
};
