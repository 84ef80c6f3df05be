// Three tiers (STYLE.md): *.spec.ts pure unit, *.int.spec.ts against real parts, *.e2e.spec.ts whole services.
// A fourth, outside `npm test`: *.containers.spec.ts against Kafka and PostgreSQL in Docker containers
// (npm run test:containers); skipped, with the reason, where no Docker engine answers.
const { compilerOptions } = require('./tsconfig.base.json');

const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swcTransform },
  moduleNameMapper,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools'],
};

// Tiers that talk to real parts: the run's SoftHSM2 token store is chosen before the workers start.
const realParts = {
  globalSetup: '<rootDir>/libs/platform/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/libs/platform/testing/src/jest-global-teardown.ts',
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$', '\\.e2e\\.spec\\.ts$', '\\.containers\\.spec\\.ts$'],
    },
    { ...common, ...realParts, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...common, ...realParts, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
    {
      ...common,
      displayName: 'containers',
      testMatch: ['**/*.containers.spec.ts'],
      // Looks for a Docker engine once, before the test files load (they skip without one).
      globalSetup: '<rootDir>/libs/platform/testing/src/containers-global-setup.ts',
    },
  ],
  // Global, not per project: Jest ignores testTimeout inside `projects`. Real processes and
  // databases start in hooks; a bound on each test and hook is still needed.
  testTimeout: 60_000,
};
