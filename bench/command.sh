#!/usr/bin/env bash
# bench/command.sh BUILD_DIR [DATA_DIR] — the command centre's figure (run by bench/run.sh unless BENCH_SKIP_COMMAND=1):
#
#   ratio dashboard_vs_healthz  GET /api/v1/command/summary?unit_id=<下陆区> as xialu_leader (counters, the streets'
#       load, the month's top categories and channels: rollups and case_load only) against /healthz, on a server
#       with one pinned worker like bench/run.sh's ratios; the median of BENCH_ROUNDS back-to-back pairs (target
#       >= 0.30); rate dashboard_p50 / dashboard_p99 (ms) with four connections.
#
# DATA_DIR holds a demo database (gridgov.db + key): the rollups' 10,000,000-case one (.cache/bench-rollups, made by
# bench/rollups.sh --prepare) when it is there, else the million-case one of bench/run.sh, else var/ (make demo).
# The summary reads a fixed number of rollup rows, so its cost does not grow with the number of cases.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
data=${2:-}
if [ -z "$data" ]; then
    for d in .cache/bench-rollups build/bench-data var; do
        if [ -f "$d/gridgov.db" ]; then data=$d; break; fi
    done
fi
[ -n "$data" ] && [ -f "$data/gridgov.db" ] || { echo "bench/command.sh: no demo database (make demo first)" >&2; exit 1; }
DUR=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-5}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=$(nproc)
SRV=() CLI=() RATIO_THREADS=$THREADS
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$THREADS" -ge 2 ] && command -v taskset >/dev/null; then
    SRV=(taskset -c "$((THREADS - 1))") CLI=(taskset -c "0-$((THREADS - 2))") RATIO_THREADS=1
fi
pid=""
log=$(mktemp /tmp/gridgov-command-bench.XXXXXX)
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
to_ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }'; }
measure() { # url [header]
    local out
    out=$("${CLI[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" ${2:+-H "$2"} "$1")
    if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from $1" >&2; echo "$out" >&2; return 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}

"$BUILD/gridgov" migrate --database "sqlite:$data/gridgov.db" --data-dir "$data" >/dev/null
P=$(free_port)
"${SRV[@]}" "$BUILD/gridgov" serve --listen "127.0.0.1:$P" --database "sqlite:$data/gridgov.db" --data-dir "$data" \
    --threads "$RATIO_THREADS" --access-log off >"$log" 2>&1 &
pid=$!
for _ in $(seq 3000); do curl -fsS -o /dev/null "http://127.0.0.1:$P/healthz" 2>/dev/null && break; sleep 0.1; done
TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"xialu_leader","password":"Demo-gridgov-2026","mode":"bearer"}' \
    "http://127.0.0.1:$P/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
AUTH="Authorization: Bearer $TOKEN"
UNIT=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM unit WHERE code = ?", ("420204000000",)).fetchone()[0])' "$data/gridgov.db")
URL="http://127.0.0.1:$P/api/v1/command/summary?unit_id=$UNIT"
curl -fsS -o /dev/null -H "$AUTH" "$URL" # warm, and fail early
ratios=() hz=() sm=()
for _ in $(seq "$ROUNDS"); do
    h=$(measure "http://127.0.0.1:$P/healthz")
    s=$(measure "$URL" "$AUTH")
    hz+=("$h") sm+=("$s")
    ratios+=("$(awk -v a="$s" -v b="$h" 'BEGIN { printf "%.4f", a / b }')")
done
cases=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT max(id) FROM case_item").fetchone()[0])' "$data/gridgov.db")
echo "rate dashboard_cases $cases cases"
echo "rate dashboard_healthz_rps $(median "${hz[@]}") req_per_s"
echo "rate dashboard_rps $(median "${sm[@]}") req_per_s"
echo "ratio dashboard_vs_healthz $(median "${ratios[@]}")"
out=$("${CLI[@]}" wrk -t1 -c4 -d"${DUR}s" --latency -H "$AUTH" "$URL")
echo "rate dashboard_p50 $(echo "$out" | to_ms 50%) ms"
echo "rate dashboard_p99 $(echo "$out" | to_ms 99%) ms"
