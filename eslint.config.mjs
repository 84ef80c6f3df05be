// Flat ESLint config. Lint is syntax-only (no type-aware rules) so it stays fast; the type
// checker runs separately (`npm run typecheck`). Module boundaries follow ARCHITECTURE.md:
// every project carries one `type:*` and one `scope:*` tag, and every allowed edge is listed
// here explicitly (never "*"). Proof that the rules bite: tools/checks/module-boundaries.int.spec.ts.
import nx from '@nx/eslint-plugin';
// nx (a declared devDependency) rather than @nx/devkit, which is only here transitively.
import { createProjectGraphAsync } from 'nx/src/devkit-exports';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads the CACHED project graph and silently skips itself when
// none exists (fresh clone, CI) or misses projects added since the last Nx command. Computing
// the graph here (incremental, local only: nx.json has neverConnectToCloud and no daemon)
// makes every lint run see the current projects.
const projectGraph = await createProjectGraphAsync({ exitOnError: false });

const SERVICE_SCOPES = ['ledger', 'wallet', 'policy', 'reconciliation', 'audit'];

// External packages a pure domain lib must never import (I/O, frameworks, telemetry).
const DOMAIN_BANNED_EXTERNAL_IMPORTS = [
  '@nestjs/*',
  'typeorm',
  'kafkajs',
  'pg',
  'pg-*',
  '@opentelemetry/*',
  'express',
];

// The Nx rule only sees packages that are in package-lock.json (npm nodes of the project graph):
// an import of a package that is not installed is silently skipped by `bannedExternalImports`. This plain ESLint rule applies the same list to
// every file of every `type:domain` project (found by tag, in the graph computed above), so the
// ban holds whether or not the package is installed.
const domainProjectFiles = Object.values(projectGraph.nodes)
  .filter((project) => (project.data.tags ?? []).includes('type:domain'))
  .map((project) => `${project.data.root}/**/*.ts`);

const domainPurity = {
  files: domainProjectFiles,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: DOMAIN_BANNED_EXTERNAL_IMPORTS,
            message: 'Domain code is pure (ARCHITECTURE.md): no frameworks, database, messaging or telemetry imports.',
          },
        ],
      },
    ],
  },
};

// Who may depend on whom, by `type:*` tag, for production code.
const TYPE_DEPENDENCIES = {
  'type:app': [
    'type:application',
    'type:read-models',
    'type:platform',
    'type:contracts',
    'type:domain',
    'type:util',
    'type:testing',
  ],
  'type:application': ['type:domain', 'type:contracts', 'type:util', 'type:platform'],
  'type:read-models': ['type:domain', 'type:contracts', 'type:util', 'type:platform'],
  'type:domain': ['type:contracts', 'type:util'],
  'type:platform': ['type:platform', 'type:contracts', 'type:util'],
  'type:testing': ['type:platform', 'type:contracts', 'type:util', 'type:testing'],
  'type:contracts': ['type:util'],
  // An empty list means "may depend on no tagged lib at all".
  'type:util': [],
};

// Test files (`*.spec.ts`, `*.int.spec.ts`, `*.e2e.spec.ts`) of these types may also use the
// fixtures in `type:testing` (real PostgreSQL, Kafka test broker, HSM, chain node). Domain,
// contracts and util tests stay pure: no fixtures.
const TYPES_WHOSE_TESTS_USE_FIXTURES = ['type:app', 'type:application', 'type:read-models', 'type:platform'];

function typeConstraints({ testFiles }) {
  return Object.entries(TYPE_DEPENDENCIES).map(([sourceTag, allowed]) => {
    const withFixtures =
      testFiles && TYPES_WHOSE_TESTS_USE_FIXTURES.includes(sourceTag) && !allowed.includes('type:testing')
        ? [...allowed, 'type:testing']
        : allowed;
    const constraint = { sourceTag, onlyDependOnLibsWithTags: withFixtures };
    if (sourceTag === 'type:domain') constraint.bannedExternalImports = DOMAIN_BANNED_EXTERNAL_IMPORTS;
    return constraint;
  });
}

const scopeConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...SERVICE_SCOPES.map((service) => ({
    sourceTag: `scope:${service}`,
    onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'],
  })),
  {
    sourceTag: 'scope:custody',
    onlyDependOnLibsWithTags: ['scope:custody', 'scope:shared', ...SERVICE_SCOPES.map((service) => `scope:${service}`)],
  },
];

function moduleBoundaries({ testFiles }) {
  return [
    'error',
    {
      enforceBuildableLibDependency: true,
      // the all-in-one runner (apps/custody) composes the five services and runs the simulator in one process
      allow: ['@custody/ledger-service', '@custody/wallet-service', '@custody/policy-service', '@custody/reconciliation-service', '@custody/audit-service', '@custody/exchange-simulator'],
      depConstraints: [...typeConstraints({ testFiles }), ...scopeConstraints],
    },
  ];
}

// `*.test-support.ts`: shared test code (contract suites) that Jest does not run by itself.
const TEST_FILES = ['**/*.spec.ts', '**/*.test-support.ts'];

// The dashboard's browser code (apps/custody/dashboard/src, React): the rules of hooks, and no
// import of the workspace's Node libraries or of Node built-ins (it runs in the browser and talks
// to the services only through their HTTP APIs).
const DASHBOARD_BROWSER_FILES = ['apps/custody/dashboard/src/**/*.{ts,tsx}'];
const dashboardBrowser = {
  files: DASHBOARD_BROWSER_FILES,
  plugins: { 'react-hooks': reactHooks },
  rules: {
    ...reactHooks.configs.recommended.rules,
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['@custody/*'], message: 'The dashboard runs in the browser: it reads the services through /api/<service>/v1/..., never their libraries.' },
          { group: ['node:*'], message: 'The dashboard runs in the browser: no Node built-ins.' },
        ],
      },
    ],
  },
};

export default defineConfig(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/coverage/**', '**/.nx/**', '**/*.js', 'jest.config.js'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommended],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testFiles: false }),
      // `const { exp: _exp, ...withoutExpiry } = claims` drops a key on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testFiles: true }),
    },
  },
  dashboardBrowser,
  // `files: []` would match every file: only add the block when a domain project exists.
  ...(domainProjectFiles.length > 0 ? [domainPurity] : []),
);
