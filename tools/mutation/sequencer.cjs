// Test order for mutation runs: fast specs first, property histories (*.property.spec.ts) last,
// so a mutant a fast spec kills never reaches them (bail-environment.cjs skips the rest).
// Stable by path otherwise, so two runs order the same.
const Sequencer = require('@jest/test-sequencer').default;

const isProperty = (test) => /\.property\.spec\.ts$/.test(test.path);

class PropertySpecsLast extends Sequencer {
  sort(tests) {
    return [...tests].sort(
      (a, b) => Number(isProperty(a)) - Number(isProperty(b)) || a.path.localeCompare(b.path),
    );
  }
}

module.exports = PropertySpecsLast;
