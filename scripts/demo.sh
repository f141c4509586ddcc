#!/usr/bin/env bash
# Starts every flow of mikrosync on this machine against local PostgreSQL and Redis with demo data
# (see scripts/demo.ts). Ctrl-C stops it.
# package.json runs this with `exec`, and this script execs node: npm relays a SIGINT or SIGTERM to
# its child only, which must therefore be the demo itself, not a shell waiting for it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-services.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
exec node --conditions=source --import tsx scripts/demo.ts
