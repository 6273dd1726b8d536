#!/usr/bin/env bash
# demo.sh PORT — the second half of `make demo`: a demo database under var/, demo
# accounts, then gridgov serve in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-8080}
BIN=build/gridgov
DB=sqlite:var/gridgov.db
COMMON=(--database "$DB" --data-dir var)

mkdir -p var
"$BIN" init "${COMMON[@]}" >/dev/null

# Demo data: divisions, grids, places, people and accounts (idempotent).
"$BIN" demo "${COMMON[@]}"
# The working calendar: holidays and 调休 working days from chinese-days (idempotent; local edits kept).
"$BIN" import-calendar "${COMMON[@]}"

URL="http://127.0.0.1:$PORT/"
# The house QR codes print public_url: it must name the port served here, not the default 8080
# (an operator's own GRIDGOV_PUBLIC_URL, e.g. the machine's LAN address for phones, wins).
export GRIDGOV_PUBLIC_URL=${GRIDGOV_PUBLIC_URL:-http://127.0.0.1:$PORT}
cat <<MSG

  gridgov demo is starting: $URL
  (database var/gridgov.db, key file var/gridgov.key; stop with Ctrl-C)

MSG
exec "$BIN" serve "${COMMON[@]}" --listen "127.0.0.1:$PORT"
