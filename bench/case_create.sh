#!/usr/bin/env bash
# bench/case_create.sh BUILD_DIR — ratio case_create_vs_loop (run by bench/run.sh; alone for a quick look).
#
# Durable case creation through the API — POST /api/v1/cases by staff (walk_in, routed to a grid, the
# category's policy pinned, deadlines, the number, the first events, the audit row, an Idempotency-Key),
# concurrent keep-alive clients (wrk + bench/create.lua) — divided by the rate of bench/case_loop.c, a plain
# single-threaded C loop writing the same rows (counter, case_item, case_event, audit_log) one transaction
# each, WAL with synchronous=FULL, on a copy of the same database file.  Both on a fresh database.
#   rate case_create_api  cases/s through the API (group commit on)
#   rate case_create_api_nogroup  the same with group_commit = 0 (what group commit buys)
#   rate case_loop        cases/s of the plain loop
#   ratio case_create_group_vs_nogroup  what group commit buys through the API
#   ratio case_create_vs_loop
# BENCH_CASE_ROUNDS (3), BENCH_SECONDS (5), BENCH_CASE_CONNECTIONS (64), BENCH_CASE_THREADS (64: server threads; a request waiting
# for its commit holds one, so the batch can only be as large as the writes in flight).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DUR=${BENCH_SECONDS:-5}
CONNS=${BENCH_CASE_CONNECTIONS:-64}
SRV_THREADS=${BENCH_CASE_THREADS:-64}
ROUNDS=${BENCH_CASE_ROUNDS:-3}
tmp=$(mktemp -d /tmp/gridgov-case-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; return 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

db="sqlite:$tmp/cases.db"
printf 'Grid-load-2026!\n' | "$BUILD/gridgov" user add bench --password-stdin --database "$db" --data-dir "$tmp/data" >/dev/null
"$BUILD/gridgov" user grant bench admin root --database "$db" --data-dir "$tmp/data" >/dev/null

# Two servers on the one database file, group commit on and off; the idle one holds no lock.
serve() { # group_commit -> port in $P
    P=$(free_port)
    "$BUILD/gridgov" serve --listen "127.0.0.1:$P" --database "$db" --data-dir "$tmp/data" --threads "$SRV_THREADS" \
        --access-log off --group-commit "$1" >>"$tmp/server-$1.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$P/healthz"
}
serve 1
P1=$P
serve 0
P0=$P
TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"bench","password":"Grid-load-2026!","mode":"bearer"}' \
    "http://127.0.0.1:$P1/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
eval "$(python3 bench/create_setup.py "http://127.0.0.1:$P1" "$TOKEN")"
[ "$category" != 0 ] || { echo "bench: no seeded category exposed_rubbish" >&2; exit 1; }
create() { # port -> cases/s
    local out
    out=$(wrk -t1 -c"$CONNS" -d"${DUR}s" -H "Authorization: Bearer $TOKEN" -s bench/create.lua "http://127.0.0.1:$1" -- \
        /api/v1/cases "{\"channel\":\"walk_in\",\"category_id\":$category,\"unit_id\":$grid,\"description\":\"路灯不亮 %d\"}")
    if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from POST /api/v1/cases" >&2; echo "$out" >&2; return 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}
# The loop's rate is the disk's fsync rate, which drifts on a shared machine: each round measures the three
# back to back and gives one ratio; the medians of the rounds are reported.
apis=() nogroups=() loops=() ratios=() gratios=()
for round in $(seq "$ROUNDS"); do
    a=$(create "$P1")
    n=$(create "$P0")
    tmpl=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT min(id) FROM case_item').fetchone()[0])" "$tmp/cases.db")
    l=$("$BUILD/bench_case_loop" "$tmp/cases.db" "$tmpl" "$DUR" | awk '{print $3}')
    echo "bench: case round $round: api $a, api without group commit $n, loop $l per s" >&2
    apis+=("$a") nogroups+=("$n") loops+=("$l")
    ratios+=("$(awk -v a="$a" -v b="$l" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    gratios+=("$(awk -v a="$a" -v b="$n" 'BEGIN { print (b > 0 ? a / b : 0) }')")
done
for p in "${pids[@]}"; do kill "$p"; done
wait 2>/dev/null || true
pids=()
grep -h "group commit:" "$tmp/server-1.log" | sed 's/^/bench: /' >&2 || true
awk -v v="$(median "${apis[@]}")" 'BEGIN { printf "rate case_create_api %.0f per_s\n", v }'
awk -v v="$(median "${nogroups[@]}")" 'BEGIN { printf "rate case_create_api_nogroup %.0f per_s\n", v }'
awk -v v="$(median "${loops[@]}")" 'BEGIN { printf "rate case_loop %.0f per_s\n", v }'
awk -v v="$(median "${gratios[@]}")" 'BEGIN { printf "ratio case_create_group_vs_nogroup %.3f\n", v }'
awk -v v="$(median "${ratios[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio case_create_vs_loop %.3f\n", v }'
