#!/usr/bin/env bash
# The whole test suite: services, install, build and type check, lint, unit and integration tests.
# Ends with the line "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-services.sh
# The status page's browser tests drive Debian's Chromium (no browser download).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium for the browser tests"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi
if [ "${CI:-}" = "true" ] || [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Native modules must build and load from a clean install (better-sqlite3 compiles with node-gyp).
node -e "require('better-sqlite3')" || { echo "better-sqlite3 did not build: install python3, make and g++, then npm ci" >&2; exit 1; }
echo "== build and type check"
npx tsc -b
npx tsc -p tsconfig.tests.json
echo "== lint"
npx eslint .
echo "== generated files"
npm run --silent generate:check
echo "== tests"
results=$(mktemp)
output=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" 2>&1 | tee "$output" || status=${PIPESTATUS[0]}
# Every secret the tests configure carries the marker S3CRET: none may reach any output.
if grep -q 'S3CRET' "$output"; then
  echo "a secret appeared in the test output:" >&2
  grep -n 'S3CRET' "$output" | head -5 >&2
  status=1
fi
rm -f "$output"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' "$results" || status=1
rm -f "$results"
exit $status
