#!/usr/bin/env bash
# The README's test command: installs what the tests need (npm packages and the Debian interop
# peers), then type-checks and runs every test. Interop tests fail, never skip, when a peer is
# missing under CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-test-deps.sh
npm run --silent typecheck
npx vitest run "$@"
