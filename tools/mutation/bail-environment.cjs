// Jest test environment for mutation runs: a mutant's run stops at its first failing test.
// StrykerJS's jest runner cannot bail (jest has no programmatic bail), so without this every
// mutant a fast spec kills would still run the seconds-long property histories that also
// reach it. A failure under mutant N marks the remaining tests of that run skipped; the next
// mutant (another id in __STRYKER_ACTIVE_MUTANT__) runs in full. The dry run (no active
// mutant) and ordinary jest runs are never cut short.
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const ACTIVE_MUTANT = '__STRYKER_ACTIVE_MUTANT__';
/** Module state: jest loads the environment once per process, so it outlives one test file. */
let killedMutant;

class BailOnFirstFailureEnvironment extends NodeEnvironment {
  async handleTestEvent(event) {
    const mutant = process.env[ACTIVE_MUTANT];
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') killedMutant = mutant;
    else if (event.name === 'test_start' && killedMutant === mutant) event.test.mode = 'skip';
  }
}

module.exports = BailOnFirstFailureEnvironment;
