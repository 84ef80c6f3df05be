/**
 * Proves that eslint.config.mjs enforces the module boundaries of ARCHITECTURE.md, through the
 * real config, the real Nx project graph and ESLint's Node API. Probe snippets are linted as if
 * they were a file of the fixture project `check-domain-fixture` (tags scope:ledger, type:domain,
 * in tools/checks/fixtures/domain-fixture). Int tier: it computes the Nx project graph.
 *
 * Each assertion names the exact rule message, so a probe that errors for the wrong reason
 * (a mistyped relative path, an unparseable snippet) does not count as proof.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createProjectGraphAsync, type ProjectGraph } from 'nx/src/devkit-exports';
import type { ESLint, Linter } from 'eslint';

const repoRoot = join(__dirname, '..', '..');
const FIXTURE_PROJECT = 'check-domain-fixture';
const fixtureRoot = join(repoRoot, 'tools', 'checks', 'fixtures', 'domain-fixture');
const fixtureSource = join(fixtureRoot, 'src', 'index.ts');
const probeFile = join(fixtureRoot, 'src', 'probe.ts');
const BOUNDARY_RULE = '@nx/enforce-module-boundaries';
const LINT_TIMEOUT_MS = 120_000;

// The deep path into another project, relative to the probe file
// (../../../../../libs/platform/event-store/src/append).
const deepImportIntoEventStore = relative(
  dirname(probeFile),
  join(repoRoot, 'libs', 'platform', 'event-store', 'src', 'append'),
);

const pureSnippet = `export function decide(amountMinor: bigint): bigint {\n  return amountMinor * 2n;\n}\n`;
const bannedPackages = ['pg', '@nestjs/common', 'typeorm', 'kafkajs'] as const;
const probes: Record<string, string> = {
  ...Object.fromEntries(
    bannedPackages.map((name) => [
      name,
      `import * as banned from '${name}';\nexport const probe = banned;\n`,
    ]),
  ),
  eventStoreAlias: `import { PostgresEventStore } from '@custody/event-store';\nexport const probe = PostgresEventStore;\n`,
  deepImport: `import { appendInTransaction } from '${deepImportIntoEventStore}';\nexport const probe = appendInTransaction;\n`,
  pure: pureSnippet,
  fixtureSourceAsText: readFileSync(fixtureSource, 'utf8'),
};

type LintRequest = {
  cwd: string;
  texts: Array<{ code: string; filePath: string }>;
  files: string[];
};
type LintResponse = { texts: ESLint.LintResult[][]; files: ESLint.LintResult[] };

// ESLint loads eslint.config.mjs with a dynamic import(), which Jest's module sandbox refuses
// (it needs --experimental-vm-modules). So the ESLint Node API runs in a plain child Node
// process, on every probe at once, and answers in JSON.
const LINT_IN_CHILD = `
const { ESLint } = require('eslint');
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', async () => {
  const request = JSON.parse(input);
  const eslint = new ESLint({ cwd: request.cwd });
  const texts = [];
  for (const text of request.texts) {
    texts.push(await eslint.lintText(text.code, { filePath: text.filePath, warnIgnored: true }));
  }
  const files = await eslint.lintFiles(request.files);
  process.stdout.write(JSON.stringify({ texts, files }));
});
`;

function lintInChild(request: LintRequest): LintResponse {
  const stdout = execFileSync(process.execPath, ['-e', LINT_IN_CHILD], {
    cwd: repoRoot,
    input: JSON.stringify(request),
    env: { ...process.env, NX_DAEMON: 'false' },
    encoding: 'utf8',
    timeout: LINT_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as LintResponse;
}

let graph: ProjectGraph;
const probeMessages = new Map<string, Linter.LintMessage[]>();
let fixtureFileResults: ESLint.LintResult[];

beforeAll(async () => {
  graph = await createProjectGraphAsync({ exitOnError: false });
  const names = Object.keys(probes);
  const response = lintInChild({
    cwd: repoRoot,
    texts: names.map((name) => ({ code: probes[name]!, filePath: probeFile })),
    files: [fixtureSource],
  });
  expect(response.texts).toHaveLength(names.length);
  names.forEach((name, index) => {
    const results = response.texts[index]!;
    expect(results).toHaveLength(1);
    probeMessages.set(name, results[0]!.messages);
  });
  fixtureFileResults = response.files;
}, LINT_TIMEOUT_MS);

function messagesOf(probe: string): Linter.LintMessage[] {
  const messages = probeMessages.get(probe);
  if (messages === undefined) throw new Error(`no lint result for probe ${probe}`);
  // A parse failure or an ignored file would make every "no error" assertion vacuous.
  expect(messages.filter((message) => message.fatal === true || message.ruleId === null)).toEqual(
    [],
  );
  return messages;
}

function boundaryMessageIds(probe: string): Array<string | undefined> {
  return messagesOf(probe)
    .filter((message) => message.ruleId === BOUNDARY_RULE)
    .map((message) => message.messageId);
}

describe('module boundaries (eslint.config.mjs + Nx project graph)', () => {
  it('the fixture project is in the project graph as a ledger domain lib, and the event store as a shared platform lib', () => {
    expect(graph.nodes[FIXTURE_PROJECT]?.data.tags).toEqual(['scope:ledger', 'type:domain']);
    expect(graph.nodes[FIXTURE_PROJECT]?.data.root).toBe('tools/checks/fixtures/domain-fixture');
    expect(graph.nodes['platform-event-store']?.data.tags).toEqual([
      'scope:shared',
      'type:platform',
    ]);
  });

  it('the deep-import probe path really points at the event store append module', () => {
    expect(deepImportIntoEventStore).toBe('../../../../../libs/platform/event-store/src/append');
    expect(() => require.resolve(join(dirname(probeFile), deepImportIntoEventStore))).not.toThrow();
  });

  describe('when a domain file imports an I/O or framework package', () => {
    // @nx/enforce-module-boundaries only knows packages in package-lock.json (npm nodes of the
    // graph); typeorm and kafkajs are not installed yet, so for them only the tag-driven
    // `no-restricted-imports` block of eslint.config.mjs (same list) can fire until they are.
    it('pg and @nestjs/common are npm nodes of the graph, so the Nx rule is exercised on them', () => {
      expect(graph.externalNodes?.['npm:pg']).toBeDefined();
      expect(graph.externalNodes?.['npm:@nestjs/common']).toBeDefined();
    });

    it.each(bannedPackages)(
      'importing %s is a banned external import for @nx/enforce-module-boundaries whenever the graph knows it',
      (packageName) => {
        const knownToNx = graph.externalNodes?.[`npm:${packageName}`] !== undefined;
        expect(boundaryMessageIds(packageName)).toEqual(
          knownToNx ? ['bannedExternalImportsViolation'] : [],
        );
      },
    );

    it.each(bannedPackages)(
      'importing %s is rejected by the domain purity rule, installed or not',
      (packageName) => {
        const restricted = messagesOf(packageName).filter(
          (message) => message.ruleId === 'no-restricted-imports',
        );
        expect(restricted).toHaveLength(1);
        expect(restricted[0]?.severity).toBe(2);
      },
    );
  });

  describe('when a domain file imports another project', () => {
    it('importing @custody/event-store (type:platform) through its alias violates the type constraint', () => {
      expect(boundaryMessageIds('eventStoreAlias')).toEqual(['onlyTagsConstraintViolation']);
    });

    it('a relative deep import into another project is rejected', () => {
      expect(boundaryMessageIds('deepImport')).toEqual([
        'noRelativeOrAbsoluteImportsAcrossLibraries',
      ]);
    });
  });

  describe('when a domain file is pure', () => {
    it('a snippet with no imports has no lint messages at all', () => {
      expect(messagesOf('pure')).toEqual([]);
    });

    it('the fixture source file itself has no lint messages at all', () => {
      expect(messagesOf('fixtureSourceAsText')).toEqual([]);
      expect(fixtureFileResults).toHaveLength(1);
      expect(fixtureFileResults[0]?.messages).toEqual([]);
    });
  });
});
