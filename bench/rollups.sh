#!/usr/bin/env bash
# bench/rollups.sh BUILD_DIR [--prepare] — the rollups' two figures (run by bench/run.sh unless BENCH_SKIP_ROLLUPS=1):
#
#   ratio case_create_with_rollups_vs_without  durable case creation through the API (bench/create.lua, as
#       bench/case_create.sh) with the rollup upkeep on vs. off (GRIDGOV_ROLLUPS=off, a bench knob), two servers on
#       one fresh database (target >= 0.85).  Group commit makes the rate follow the disk's fsync rate, which on a
#       shared machine swings by 3x within seconds, so: both servers are warmed up first (BENCH_CASE_WARMUP s
#       each, 2), then BENCH_CASE_ROUNDS (9) short rounds (BENCH_CASE_SECONDS, 2 s per side) alternate the order
#       (on-off, off-on, …) so a drift favours neither; the median of the rounds' ratios is the figure, and
#       `rate case_create_ratio_min/max` give the spread (bench/create_callgrind.sh counts the instructions,
#       which do not move with the load).
#   ratio dashboard_vs_healthz  GET /api/v1/measures?unit_id=<下陆区> (every measure of the county for this month
#       and the previous one) as xialu_leader vs. /healthz, one pinned worker like bench/run.sh's ratios (>= 0.30),
#       on BENCH_ROLLUP_CASES (10,000,000) cases generated once and cached in .cache/bench-rollups (`gridgov demo`
#       then `gridgov demo-cases`, which builds the rollups at its end); rate dashboard_p50 / dashboard_p99 (ms) with
#       four connections.  The command-centre summary (GET /api/v1/command/summary) replaces the URL when it exists;
#       GET /api/v1/measures is then measured in the same rounds as `ratio measures_vs_healthz`, measures_p50/p99.
# --prepare: only generate the cached database; --create: only the first figure; --dashboard: only the second.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DUR=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-5}
CONNS=${BENCH_CONNECTIONS:-32}
NCASES=${BENCH_ROLLUP_CASES:-10000000}
data=${BENCH_ROLLUP_DIR:-.cache/bench-rollups}
THREADS=$(nproc)
SRV=() CLI=() RATIO_THREADS=$THREADS
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$THREADS" -ge 2 ] && command -v taskset >/dev/null; then
    SRV=(taskset -c "$((THREADS - 1))") CLI=(taskset -c "0-$((THREADS - 2))") RATIO_THREADS=1
fi
tmp=$(mktemp -d /tmp/gridgov-rollup-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq $((${2:-30} * 10))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; return 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
measure() { # url header
    local out
    out=$("${CLI[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" -H "$2" "$1")
    if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from $1" >&2; echo "$out" >&2; return 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}
to_ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }'; }
count_cases() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM case_item").fetchone()[0])' "$data/gridgov.db"; }

prepare() {
    if [ -f "$data/ready-$NCASES" ]; then return 0; fi
    mkdir -p "$data"
    if [ ! -f "$data/ready-demo" ]; then
        rm -f "$data"/gridgov.db*
        "$BUILD/gridgov" demo --database "sqlite:$data/gridgov.db" --data-dir "$data" >"$data/demo.log" 2>&1 ||
            { cat "$data/demo.log" >&2; exit 1; }
        touch "$data/ready-demo"
    fi
    "$BUILD/gridgov" migrate --database "sqlite:$data/gridgov.db" --data-dir "$data" >/dev/null
    local have
    have=$(count_cases)
    if [ "$have" -lt "$NCASES" ]; then
        # demo-cases rebuilds the rollups from the cases at its end (one pass over them)
        "$BUILD/gridgov" demo-cases --count $((NCASES - have)) --database "sqlite:$data/gridgov.db" \
            --data-dir "$data" >"$data/cases.log" 2>&1 || { cat "$data/cases.log" >&2; exit 1; }
    fi
    touch "$data/ready-$NCASES"
}

PART=${2:-all}
if [ "$PART" = "--prepare" ]; then
    prepare
    exit 0
fi

# ---- the upkeep's cost on the durable case write ----
if [ "$PART" != --dashboard ]; then
db="sqlite:$tmp/cases.db"
printf 'Grid-load-2026!\n' | "$BUILD/gridgov" user add bench --password-stdin --database "$db" --data-dir "$tmp/data" >/dev/null
"$BUILD/gridgov" user grant bench admin root --database "$db" --data-dir "$tmp/data" >/dev/null
serve() { # GRIDGOV_ROLLUPS value -> port in $P
    P=$(free_port)
    GRIDGOV_ROLLUPS=$1 "$BUILD/gridgov" serve --listen "127.0.0.1:$P" --database "$db" --data-dir "$tmp/data" \
        --threads "${BENCH_CASE_THREADS:-64}" --access-log off >>"$tmp/server-$1.log" 2>&1 &
    pids+=($!)
    wait_http "http://127.0.0.1:$P/healthz"
}
serve on
PON=$P
serve off
POFF=$P
TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"bench","password":"Grid-load-2026!","mode":"bearer"}' \
    "http://127.0.0.1:$PON/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
eval "$(python3 bench/create_setup.py "http://127.0.0.1:$PON" "$TOKEN")"
create() { # port [seconds] -> cases/s
    local out
    out=$(wrk -t1 -c"${BENCH_CASE_CONNECTIONS:-64}" -d"${2:-${BENCH_CASE_SECONDS:-2}}s" -H "Authorization: Bearer $TOKEN" \
        -s bench/create.lua "http://127.0.0.1:$1" -- \
        /api/v1/cases "{\"channel\":\"walk_in\",\"category_id\":$category,\"unit_id\":$grid,\"description\":\"路灯不亮 %d\"}")
    if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from POST /api/v1/cases" >&2; echo "$out" >&2; return 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}
create "$PON" "${BENCH_CASE_WARMUP:-2}" >/dev/null # warm-up: statement caches, the file's pages, the WAL
create "$POFF" "${BENCH_CASE_WARMUP:-2}" >/dev/null
ons=() offs=() ratios=()
for round in $(seq "${BENCH_CASE_ROUNDS:-9}"); do
    if [ $((round % 2)) = 1 ]; then a=$(create "$PON"); b=$(create "$POFF"); else b=$(create "$POFF"); a=$(create "$PON"); fi
    echo "bench: rollup round $round: with upkeep $a, without $b per s" >&2
    ons+=("$a") offs+=("$b")
    ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { print (b > 0 ? a / b : 0) }')")
done
for p in "${pids[@]}"; do kill "$p"; done
wait 2>/dev/null || true
pids=()
awk -v v="$(median "${ons[@]}")" 'BEGIN { printf "rate case_create_with_rollups %.0f per_s\n", v }'
awk -v v="$(median "${offs[@]}")" 'BEGIN { printf "rate case_create_without_rollups %.0f per_s\n", v }'
printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "rate case_create_ratio_min %.3f ratio\nrate case_create_ratio_max %.3f ratio\n", v[1], v[NR] }'
awk -v v="$(median "${ratios[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio case_create_with_rollups_vs_without %.3f\n", v }'
fi
[ "$PART" = --create ] && exit 0

# ---- a county's figures on the large database ----
prepare
P=$(free_port)
"${SRV[@]}" "$BUILD/gridgov" serve --listen "127.0.0.1:$P" --database "sqlite:$data/gridgov.db" --data-dir "$data" \
    --threads "$RATIO_THREADS" --access-log off >"$tmp/big-server.log" 2>&1 & pids+=($!)
wait_http "http://127.0.0.1:$P/healthz" 1800
T=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"xialu_leader","password":"Demo-gridgov-2026","mode":"bearer"}' \
    "http://127.0.0.1:$P/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
county=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM unit WHERE code = ?", ("420204000000",)).fetchone()[0])' "$data/gridgov.db")
MURL="http://127.0.0.1:$P/api/v1/measures?unit_id=$county"
URL=$MURL
if curl -fsS -o /dev/null -H "Authorization: Bearer $T" "http://127.0.0.1:$P/api/v1/command/summary?unit_id=$county" 2>/dev/null; then
    URL="http://127.0.0.1:$P/api/v1/command/summary?unit_id=$county"
fi
curl -fsS -o /dev/null -H "Authorization: Bearer $T" "$URL"
curl -fsS -o /dev/null -H "Authorization: Bearer $T" "$MURL"
hz=() ds=() rs=() ms=() rm=()
for round in $(seq "$ROUNDS"); do
    g=$(measure "http://127.0.0.1:$P/healthz" "X-Bench: 1")
    d=$(measure "$URL" "Authorization: Bearer $T")
    m=$(measure "$MURL" "Authorization: Bearer $T")
    hz+=("$g") ds+=("$d") ms+=("$m")
    rs+=("$(awk -v a="$d" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    rm+=("$(awk -v a="$m" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
done
out=$("${CLI[@]}" wrk -t1 -c4 -d"${DUR}s" --latency -H "Authorization: Bearer $T" "$URL")
mout=$("${CLI[@]}" wrk -t1 -c4 -d"${DUR}s" --latency -H "Authorization: Bearer $T" "$MURL")
echo "rate dashboard_case_count $(count_cases) cases"
echo "rate dashboard_url ${URL#http://127.0.0.1:$P}" | sed 's/?.*//'
awk -v v="$(median "${hz[@]}")" 'BEGIN { printf "rate dashboard_healthz_rps %.0f req_per_s\n", v }'
awk -v v="$(median "${ds[@]}")" 'BEGIN { printf "rate dashboard_rps %.0f req_per_s\n", v }'
echo "rate dashboard_p50 $(echo "$out" | to_ms 50%) ms"
echo "rate dashboard_p99 $(echo "$out" | to_ms 99%) ms"
awk -v v="$(median "${ms[@]}")" 'BEGIN { printf "rate measures_rps %.0f req_per_s\n", v }'
echo "rate measures_p50 $(echo "$mout" | to_ms 50%) ms"
echo "rate measures_p99 $(echo "$mout" | to_ms 99%) ms"
awk -v v="$(median "${rm[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio measures_vs_healthz %.3f\n", v }'
awk -v v="$(median "${rs[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio dashboard_vs_healthz %.3f\n", v }'
