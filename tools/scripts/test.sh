#!/usr/bin/env bash
# npm test: every tier, in order: types, format, lint (module boundaries), unit, integration, end-to-end.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/lib.sh
ensure_node_modules || exit 1
ensure_postgres || exit 1
ensure_librdkafka || exit 1
ensure_softhsm2 || exit 1
ensure_kubectl || exit 1
ensure_promtool || exit 1
ensure_chromium || exit 1
ensure_kcat || exit 1
ensure_openssl || exit 1

mkdir -p tmp
rm -f tmp/jest-*.json
status=0
step() {
  echo "[custody] $1"
  shift
  "$@" || status=1
}
step "typecheck" npx tsc -p tsconfig.json --noEmit
step "typecheck (dashboard: browser code)" npx tsc -p apps/custody/dashboard/tsconfig.json --noEmit
step "typecheck (dashboard's Vite config)" npx tsc -p apps/custody/dashboard/tsconfig.node.json --noEmit
step "format (Prettier, 100 columns: npm run format fixes it)" npx prettier --check --log-level warn apps libs tools
step "lint" npx eslint --max-warnings=0 apps libs tools
step "unit tests" npx jest --selectProjects unit --json --outputFile=tmp/jest-unit.json
step "integration tests (PostgreSQL)" npx jest --selectProjects int --maxWorkers=2 --json --outputFile=tmp/jest-int.json
# Built once here; each runner the e2e tests start would otherwise build it itself (when missing or stale, under a lock).
step "dashboard build (Vite, when missing or stale)" node -r @swc-node/register apps/custody/dashboard/build.ts
step "end-to-end tests (services as processes)" npx jest --selectProjects e2e --maxWorkers=2 --json --outputFile=tmp/jest-e2e.json

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const tier of ["unit", "int", "e2e"]) {
    const file = `tmp/jest-${tier}.json`;
    if (!fs.existsSync(file)) { failed += 1; console.log(`${tier}: did not run`); continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${tier}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numTotalTestSuites} suites`);
  }
  console.log(`${passed} passed, ${failed} failed`);
'
exit $status
