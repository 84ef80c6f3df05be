// npm run test:mutation [-- <file or glob> ...]
//
// Mutation testing of the domain (issue 23): StrykerJS over libs/{ledger,policy,wallet,
// reconciliation,audit}/domain and libs/util/exact with the configuration beside this file.
// Incremental: a rerun tests only the mutants whose code or tests changed since the last run
// (reports/mutation/stryker-incremental.json). Given files, it mutates only those, with their
// own incremental record, and leaves the whole run's reports alone.
//
// Prints a score per library, then, last, one JSON line:
//   {"bench":"mutation","score":N,"scoreCovered":M,"survived":K,"noCoverage":L,...}
// Exits 1 when the score is under SCORE_REQUIRED or any mutant has no test reaching it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stryker } from '@stryker-mutator/core';

const SCORE_REQUIRED = 85;
const NO_COVERAGE_ALLOWED = 0;
/** Tests, their fixtures and barrels, kept out of a run given its own files as of the whole run (stryker.config.mjs). */
const NEVER_MUTATED = ['!**/*.spec.ts', '!**/*.fixture.ts', '!**/index.ts'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const configFile = path.join(root, 'tools/mutation/stryker.config.mjs');

/** Stryker's own definitions: detected = killed + timeout; compile and runtime errors are not mutants that count. */
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function libraryOf(fileName) {
  const relative = path.relative(root, path.resolve(root, fileName)).split(path.sep).join('/');
  const match = /^libs\/([^/]+)\/([^/]+)\//.exec(relative);
  return match ? `${match[1]}/${match[2]}` : relative;
}

export function tally(results) {
  const counts = { mutants: 0, killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
  for (const { status } of results) {
    if (status === 'Killed') counts.killed++;
    else if (status === 'Timeout') counts.timeout++;
    else if (status === 'Survived') counts.survived++;
    else if (status === 'NoCoverage') counts.noCoverage++;
    else if (status === 'CompileError' || status === 'RuntimeError') counts.errors++;
    if (DETECTED.has(status) || UNDETECTED.has(status)) counts.mutants++;
  }
  const detected = counts.killed + counts.timeout;
  const percent = (part, whole) => (whole === 0 ? 100 : Math.floor((part / whole) * 10_000) / 100);
  return {
    ...counts,
    score: percent(detected, counts.mutants),
    scoreCovered: percent(detected, detected + counts.survived),
  };
}

async function main() {
  const files = process.argv.slice(2);
  const options = { configFile };
  const concurrency = Number(process.env.MUTATION_CONCURRENCY ?? '');
  if (Number.isInteger(concurrency) && concurrency > 0) options.concurrency = concurrency;
  if (files.length > 0) {
    const key = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
    Object.assign(options, {
      mutate: [...files, ...NEVER_MUTATED],
      incrementalFile: `reports/mutation/partial/${key}.json`,
      reporters: ['clear-text', 'progress'],
    });
  }
  const results = await new Stryker(options).runMutationTest();

  const byLibrary = new Map();
  for (const result of results) {
    const library = libraryOf(result.fileName);
    byLibrary.set(library, [...(byLibrary.get(library) ?? []), result]);
  }
  console.log('\nMutation score per library (killed + timed out, over all mutants that count):');
  for (const [library, libraryResults] of [...byLibrary].sort(([a], [b]) => a.localeCompare(b))) {
    const t = tally(libraryResults);
    console.log(
      `  ${library.padEnd(24)} ${String(t.score).padStart(6)}%  covered ${String(t.scoreCovered).padStart(6)}%  ` +
        `mutants ${t.mutants}  survived ${t.survived}  no coverage ${t.noCoverage}`,
    );
  }
  const total = tally(results);
  const passed = total.score >= SCORE_REQUIRED && total.noCoverage <= NO_COVERAGE_ALLOWED;
  if (!passed) process.exitCode = 1;
  console.log(
    JSON.stringify({
      bench: 'mutation',
      score: total.score,
      scoreCovered: total.scoreCovered,
      survived: total.survived,
      noCoverage: total.noCoverage,
      killed: total.killed,
      timeout: total.timeout,
      mutants: total.mutants,
      required: SCORE_REQUIRED,
      scope: files.length > 0 ? files : 'all',
      passed,
    }),
  );
}

await main();
