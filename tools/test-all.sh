#!/usr/bin/env bash
# The README's test command: installs what the tests need (npm packages and the Debian interop
# peers), then type-checks and runs every test. Interop tests fail, never skip, when a peer is
# missing under CI=true. Ends with one plain "N passed, N failed, N skipped" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-test-deps.sh
npm run --silent typecheck
mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest-results.json", "utf8"));
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) { console.error("No test ran."); process.exit(1) }
' || status=1
exit $status
