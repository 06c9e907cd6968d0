#!/usr/bin/env bash
# The one test command (README, CI): installs what the tests need, then type-checks, lints and runs every test.
# The test rig's daemons (pcscd, the terminal simulator, the web host, Chromium) are started and stopped by
# the tests themselves. Ends with a plain `N passed, N failed` line.
set -uo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

status=0
echo "== typecheck"; npm run -s typecheck || status=1
echo "== lint"; npm run -s lint || status=1

mkdir -p .tmp
rm -f .tmp/vitest.json
echo "== tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || status=1

node scripts/summarize-tests.mjs .tmp/vitest.json $([ $status -ne 0 ] && echo --static-failed) || status=1
exit $status
