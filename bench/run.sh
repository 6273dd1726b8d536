#!/usr/bin/env bash
# bench/run.sh BUILD_DIR — throughput ratios measured in one run on this machine.
#
# Every figure is one line: `rate <name> <value> <unit>` or `ratio <name> <value>`.
# Absolute numbers depend on the machine; the ratios are the targets:
#   ratio healthz_vs_hello   gridgov /healthz vs. a bare libmicrohttpd program (bench/hello.c)
#   ratio me_vs_healthz      authenticated GET /api/v1/me vs. /healthz (same server)
#   rate locate_direct       point-in-grid lookups/s over 1,000 grids, in-process (bench/locate.c; >= 100,000)
#   rate locate_api          GET /api/v1/locate/s over the same 1,000 grids in the bench server (bench/locate.lua)
#   ratio inbox_vs_healthz   GET /api/v1/cases?box=dispatch&limit=50 as 下陆区's county dispatcher vs. /healthz,
#                            at 1,000,000 cases (one pinned worker, like the ratios above); the same as a grid
#                            worker's box=mine is `ratio inbox_worker_vs_healthz` (target for both: >= 0.40)
#   ratio case_page_vs_healthz  a case page as the web app loads it, GET /api/v1/cases/{id}?include=events (random
#                            ids in the dispatcher's scope; bench/case_page.lua), per page vs. /healthz (>= 0.40);
#                            bench/loop_callgrind.sh counts the same requests' instructions (steady under load)
#   ratio open311_list_vs_healthz   GET /open311/v2/requests.json (a page of 50 requests) vs. /healthz (>= 0.30)
#   ratio case_create_vs_loop  durable case creation through the API (concurrent clients, group commit) vs. a
#                            plain C loop writing the same rows one transaction each (bench/case_create.sh; >= 3)
#   ratio mediation_stats_vs_healthz  GET /api/v1/mediation/measures for a county with 100,000 disputes vs.
#                            /healthz (>= 0.30; bench/mediation_setup.py, gridgov demo-disputes)
#   ratio healthz_with_streams  /healthz while 2,000 idle SSE streams are open vs. without (>= 0.80), and
#   rate stream_event_p50/p99   case write answered → its event on a stream (bench/streams.py)
# The two servers of the ratios run one worker thread each, pinned to the last CPU, and wrk runs
# on the others: each side then gets exactly one core, so the ratio compares the CPU a request
# costs instead of how the scheduler happened to place five busy threads on two cores (unpinned,
# the same binaries gave 0.67-1.01 from run to run).  BENCH_PIN=0 leaves placement to the kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DUR=${BENCH_SECONDS:-3}
ROUNDS=${BENCH_ROUNDS:-7}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=$(nproc)
SRV=() CLI=() RATIO_THREADS=$THREADS
if [ "${BENCH_PIN:-1}" = 1 ] && [ "$THREADS" -ge 2 ] && command -v taskset >/dev/null; then
    SRV=(taskset -c "$((THREADS - 1))") CLI=(taskset -c "0-$((THREADS - 2))") RATIO_THREADS=1
fi
command -v wrk >/dev/null || { echo "bench: wrk is not installed (scripts/bootstrap.sh bench)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/gridgov-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_http URL [SECONDS]: the server answers (serve migrates first: a cached million-resident database
# may take a while after a new migration)
wait_http() { for _ in $(seq $((${2:-10} * 10))); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "bench: $1 did not come up" >&2; return 1; }

# wrk prints "Requests/sec:  12345.67"; non-2xx answers would make a fast endpoint look good, so refuse them.
measure() { # url [header]
    local out
    if [ $# -gt 1 ]; then out=$("${CLI[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" -H "$2" "$1"); else out=$("${CLI[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" "$1"); fi
    if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from $1" >&2; echo "$out" >&2; return 1; fi
    echo "$out" | awk '/Requests\/sec/ {print $2}'
}
best() { # current candidate
    awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'
}

HELLO_PORT=$(free_port)
"${SRV[@]}" "$BUILD/bench_hello" "$HELLO_PORT" "$RATIO_THREADS" & pids+=($!)
GG_PORT=$(free_port)
"${SRV[@]}" "$BUILD/gridgov" serve --listen "127.0.0.1:$GG_PORT" --database "sqlite:$tmp/bench.db" --data-dir "$tmp/data" \
    --threads "$RATIO_THREADS" >"$tmp/access.log" 2>"$tmp/server.log" & pids+=($!)
wait_http "http://127.0.0.1:$HELLO_PORT/"
wait_http "http://127.0.0.1:$GG_PORT/healthz"

# An account to measure an authenticated read (`gridgov user` exists from the identity issue on).
AUTH=""
if "$BUILD/gridgov" help user >/dev/null 2>&1; then
    printf 'Grid-load-2026!\n' | "$BUILD/gridgov" user add bench --password-stdin --database "sqlite:$tmp/bench.db" --data-dir "$tmp/data" >/dev/null
    "$BUILD/gridgov" user grant bench admin root --database "sqlite:$tmp/bench.db" --data-dir "$tmp/data" >/dev/null
    TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"bench","password":"Grid-load-2026!","mode":"bearer"}' \
        "http://127.0.0.1:$GG_PORT/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    AUTH="Authorization: Bearer $TOKEN"
fi

# Open311 (issue 10): 50 requests filed as a client files them, then their public listing is measured
# against /healthz in the same rounds.
O311=""
if [ -n "$AUTH" ] && [ -f bench/open311_setup.py ]; then
    python3 bench/open311_setup.py "http://127.0.0.1:$GG_PORT" "$TOKEN" >/dev/null
    O311="http://127.0.0.1:$GG_PORT/open311/v2/requests.json"
fi

# Each round measures the sides back to back and gives one ratio per pair; the median of the rounds'
# ratios is reported (a slow drift of the machine's load moves both sides of a pair alike, and one
# lucky or unlucky round does not decide it).  Rates are the medians of the rounds.
hellos=() healthzs=() mes=() r_health=() r_me=() o311s=() r_o311=()
for round in $(seq "$ROUNDS"); do
    # alternate who goes first, so a drift in machine load does not favour one side
    if [ $((round % 2)) = 1 ]; then
        h=$(measure "http://127.0.0.1:$HELLO_PORT/healthz")
        g=$(measure "http://127.0.0.1:$GG_PORT/healthz")
    else
        g=$(measure "http://127.0.0.1:$GG_PORT/healthz")
        h=$(measure "http://127.0.0.1:$HELLO_PORT/healthz")
    fi
    hellos+=("$h") healthzs+=("$g")
    r_health+=("$(awk -v a="$g" -v b="$h" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    if [ -n "$AUTH" ]; then
        m=$(measure "http://127.0.0.1:$GG_PORT/api/v1/me" "$AUTH")
        mes+=("$m")
        r_me+=("$(awk -v a="$m" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    fi
    if [ -n "$O311" ]; then
        o=$(measure "$O311")
        o311s+=("$o")
        r_o311+=("$(awk -v a="$o" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    fi
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

awk -v v="$(median "${hellos[@]}")" 'BEGIN { printf "rate hello_rps %.0f req_per_s\n", v }'
awk -v v="$(median "${healthzs[@]}")" 'BEGIN { printf "rate healthz_rps %.0f req_per_s\n", v }'
awk -v v="$(median "${r_health[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio healthz_vs_hello %.3f\n", v }'
if [ -n "$AUTH" ]; then
    awk -v v="$(median "${mes[@]}")" 'BEGIN { printf "rate me_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${r_me[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio me_vs_healthz %.3f\n", v }'
fi
if [ -n "$O311" ]; then
    awk -v v="$(median "${o311s[@]}")" 'BEGIN { printf "rate open311_list_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${r_o311[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio open311_list_vs_healthz %.3f\n", v }'
fi

# Point-in-grid lookups (issue 5): the index directly, then through the API over the same 1,000 grids.
if [ -x "$BUILD/bench_locate" ]; then
    "$BUILD/bench_locate" "$DUR" "$THREADS" 2>"$tmp/locate.log"
    if [ -n "$AUTH" ]; then
        "$BUILD/bench_locate" --emit "$tmp/grids.json"
        python3 bench/locate_setup.py "http://127.0.0.1:$GG_PORT" "$TOKEN" "$tmp/grids.json"
        locate=0
        for _ in $(seq "$ROUNDS"); do
            out=$("${CLI[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" -H "$AUTH" -s bench/locate.lua "http://127.0.0.1:$GG_PORT")
            if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from /api/v1/locate" >&2; echo "$out" >&2; exit 1; fi
            locate=$(best "$locate" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
        done
        awk -v v="$locate" 'BEGIN { printf "rate locate_api %.0f per_s\n", v }'
    fi
fi

# Durable case creation (issue: cases): the API against the plain loop, on a fresh database of their own.
if [ -x "$BUILD/bench_case_loop" ] && [ -z "${BENCH_SKIP_CASE_CREATE:-}" ]; then
    BENCH_SECONDS=${BENCH_CASE_SECONDS:-5} bench/case_create.sh "$BUILD"
fi

# The live stream (issue 10): 2,000 idle streams held by the bench server, and write → event latency.
if [ -n "$AUTH" ] && [ -z "${BENCH_SKIP_STREAMS:-}" ]; then
    WRK_CMD="${CLI[*]}" python3 bench/streams.py "http://127.0.0.1:$GG_PORT" "$TOKEN"
fi

# The large database: the demo generator at a larger scale, 1,000,000 residents (cached in $BUILD/bench-data,
# ~5 minutes the first time).
data=$BUILD/bench-data
bench_data() {
    local scale=${BENCH_1M_SCALE:-6.4}
    if [ ! -f "$data/ready-$scale" ]; then
        rm -rf "$data"; mkdir -p "$data"
        "$BUILD/gridgov" demo --scale "$scale" --sample-ids "$data/ids.txt" --database "sqlite:$data/gridgov.db" \
            --data-dir "$data" >"$data/demo.log" 2>&1 || { cat "$data/demo.log" >&2; exit 1; }
        touch "$data/ready-$scale"
    fi
}

# Mediation measures (issue 11 §8): 100,000 disputes (BENCH_DISPUTES) in a county of 30 communities, loaded
# by the bulk path `gridgov demo-disputes` into the ratio server's database (a few seconds), then
# GET /api/v1/mediation/measures?unit_id=COUNTY (read from the rollup, no scan) against /healthz on the same
# pinned server, back to back, the median of the rounds' ratios (target >= 0.30).  BENCH_SKIP_MEDIATION=1
# leaves it out.
if [ -n "$AUTH" ] && [ -z "${BENCH_SKIP_MEDIATION:-}" ]; then
    MED_COUNTY=$(python3 bench/mediation_setup.py "http://127.0.0.1:$GG_PORT" "$TOKEN")
    ndisputes=${BENCH_DISPUTES:-100000}
    "$BUILD/gridgov" demo-disputes --unit "$MED_COUNTY" --count "$ndisputes" --success $((ndisputes * 9 / 10)) \
        --performed $((ndisputes * 88 / 100)) --litigation $((ndisputes / 50)) --open $((ndisputes / 20)) --days 365 \
        --database "sqlite:$tmp/bench.db" --data-dir "$tmp/data" >"$tmp/disputes.log" 2>&1 || { cat "$tmp/disputes.log" >&2; exit 1; }
    MED_URL="http://127.0.0.1:$GG_PORT/api/v1/mediation/measures?unit_id=$MED_COUNTY"
    mh=() mm=() r_med=()
    for round in $(seq "$ROUNDS"); do
        g=$(measure "http://127.0.0.1:$GG_PORT/healthz")
        m=$(measure "$MED_URL" "$AUTH")
        mh+=("$g") mm+=("$m")
        r_med+=("$(awk -v a="$m" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    done
    echo "rate dispute_count $ndisputes disputes ($(grep -oE '[0-9.]+ s' "$tmp/disputes.log") to load)"
    awk -v v="$(median "${mm[@]}")" 'BEGIN { printf "rate mediation_stats_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${r_med[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio mediation_stats_vs_healthz %.3f\n", v }'
fi

# Resident search by ID number at 1,000,000 residents (issue 5): wrk with few connections so the
# percentiles are latencies, not queueing.  Set BENCH_SKIP_1M=1 to leave it out.
if [ -z "${BENCH_SKIP_1M:-}" ]; then
    bench_data
    residents=$(grep -oE '[0-9]+ residents' "$data/demo.log" | grep -oE '[0-9]+')
    P=$(free_port)
    "$BUILD/gridgov" serve --listen "127.0.0.1:$P" --database "sqlite:$data/gridgov.db" --data-dir "$data" \
        --threads "$THREADS" --access-log off >"$tmp/search-server.log" 2>&1 & pids+=($!)
    wait_http "http://127.0.0.1:$P/healthz" 300
    T2=$(curl -fsS -H 'Content-Type: application/json' \
        -d '{"username":"admin","password":"Demo-gridgov-2026","mode":"bearer"}' \
        "http://127.0.0.1:$P/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    out=$(wrk -t1 -c4 -d"${DUR}s" --latency -H "Authorization: Bearer $T2" -s bench/search.lua \
        "http://127.0.0.1:$P" -- "$data/ids.txt")
    if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from resident search" >&2; echo "$out" >&2; exit 1; fi
    # wrk prints "50%  812.00us" or "99%    1.53ms": normalise to milliseconds
    to_ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }'; }
    echo "rate resident_count ${residents:-0} residents"
    echo "rate resident_search_p50 $(echo "$out" | to_ms 50%) ms"
    echo "rate resident_search_p99 $(echo "$out" | to_ms 99%) ms"
    echo "$out" | awk '/Requests\/sec/ { printf "rate resident_search_rps %.0f req_per_s\n", $2 }'
fi

# Cases at 1,000,000 (the case loop): `gridgov demo-cases` tops the demo's own year of cases up in the same
# database to BENCH_CASES (cached: ready-cases-N; about a minute and a half the first time, a bulk load that writes
# with synchronous=OFF for that command only, docs/operations.md), then a server with one pinned worker like
# the ratio servers above: /healthz and each endpoint back to back, the median of the rounds' ratios.
# Set BENCH_SKIP_CASES=1 to leave it out.
if [ -z "${BENCH_SKIP_CASES:-}" ]; then
    bench_data
    ncases=${BENCH_CASES:-1000000}
    count_cases() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM case_item").fetchone()[0])' "$data/gridgov.db"; }
    if [ ! -f "$data/ready-cases-$ncases" ]; then
        "$BUILD/gridgov" migrate --database "sqlite:$data/gridgov.db" --data-dir "$data" >/dev/null
        have=$(count_cases)
        if [ "$have" -lt "$ncases" ]; then
            "$BUILD/gridgov" demo-cases --count $((ncases - have)) --database "sqlite:$data/gridgov.db" \
                --data-dir "$data" >"$data/cases.log" 2>&1 || { cat "$data/cases.log" >&2; exit 1; }
        fi
        touch "$data/ready-cases-$ncases"
    fi
    P3=$(free_port)
    "${SRV[@]}" "$BUILD/gridgov" serve --listen "127.0.0.1:$P3" --database "sqlite:$data/gridgov.db" --data-dir "$data" \
        --threads "$RATIO_THREADS" --access-log off >"$tmp/cases-server.log" 2>&1 & pids+=($!)
    wait_http "http://127.0.0.1:$P3/healthz" 300
    token() { curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"Demo-gridgov-2026\",\"mode\":\"bearer\"}" \
        "http://127.0.0.1:$P3/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
    TD="Authorization: Bearer $(token xialu_dispatch)"
    TW="Authorization: Bearer $(token grid_worker1)"
    # 1,000 random cases of 下陆区 (the dispatcher's scope) for the case pages
    python3 - "$data/gridgov.db" >"$tmp/case_ids.txt" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
path = db.execute("SELECT path FROM unit WHERE code = '420204000000'").fetchone()[0]
hi = db.execute("SELECT max(id) FROM case_item").fetchone()[0]
import random
random.seed(7)
ids = []
while len(ids) < 1000:
    row = db.execute("SELECT id, unit_path FROM case_item WHERE id >= ? ORDER BY id LIMIT 1", (random.randint(1, hi),)).fetchone()
    if row and row[1].startswith(path):
        ids.append(row[0])
print("\n".join(map(str, ids)))
PY
    INBOX="http://127.0.0.1:$P3/api/v1/cases?box=dispatch&limit=50"
    MINE="http://127.0.0.1:$P3/api/v1/cases?box=mine&limit=50"
    page() {
        local out
        out=$("${CLI[@]}" wrk -t1 -c"$CONNS" -d"${DUR}s" -H "$TD" -s bench/case_page.lua "http://127.0.0.1:$P3" -- "$tmp/case_ids.txt")
        if echo "$out" | grep -q 'Non-2xx'; then echo "bench: non-2xx answers from the case pages" >&2; echo "$out" >&2; return 1; fi
        echo "$out" | awk '/Requests\/sec/ {print $2}'
    }
    hz=() ib=() iw=() pg=() r_ib=() r_iw=() r_pg=()
    for round in $(seq "$ROUNDS"); do
        g=$(measure "http://127.0.0.1:$P3/healthz")
        d=$(measure "$INBOX" "$TD")
        w=$(measure "$MINE" "$TW")
        c=$(page)
        hz+=("$g") ib+=("$d") iw+=("$w") pg+=("$c")
        r_ib+=("$(awk -v a="$d" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
        r_iw+=("$(awk -v a="$w" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
        r_pg+=("$(awk -v a="$c" -v b="$g" 'BEGIN { print (b > 0 ? a / b : 0) }')")
    done
    echo "rate case_count $(count_cases) cases"
    awk -v v="$(median "${hz[@]}")" 'BEGIN { printf "rate cases_healthz_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${ib[@]}")" 'BEGIN { printf "rate inbox_dispatch_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${iw[@]}")" 'BEGIN { printf "rate inbox_worker_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${pg[@]}")" 'BEGIN { printf "rate case_page_rps %.0f req_per_s\n", v }'
    awk -v v="$(median "${r_ib[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio inbox_vs_healthz %.3f\n", v }'
    awk -v v="$(median "${r_iw[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio inbox_worker_vs_healthz %.3f\n", v }'
    awk -v v="$(median "${r_pg[@]}")" 'BEGIN { if (v <= 0) exit 1; printf "ratio case_page_vs_healthz %.3f\n", v }'
fi

# The command centre's summary against /healthz (bench/command.sh: ratio dashboard_vs_healthz, p50/p99), on the
# rollups' 10,000,000-case database when bench/rollups.sh has made it, else the database above.  Set
# BENCH_SKIP_COMMAND=1 to leave it out.
if [ -z "${BENCH_SKIP_COMMAND:-}" ]; then
    bench/command.sh "$BUILD"
fi
# The rollups (issue 12): the upkeep's cost on the durable case write (upkeep on vs. GRIDGOV_ROLLUPS=off) and a
# county's measures against /healthz on BENCH_ROLLUP_CASES (10,000,000) cases cached in .cache/bench-rollups
# (bench/rollups.sh; the first run generates them, about 20 minutes).  Set BENCH_SKIP_ROLLUPS=1 to leave it out.
if [ -z "${BENCH_SKIP_ROLLUPS:-}" ]; then
    bench/rollups.sh "$BUILD"
fi
