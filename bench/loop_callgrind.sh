#!/usr/bin/env bash
# bench/loop_callgrind.sh BUILD_DIR [DATA_DIR] — instructions per request (valgrind --tool=callgrind), the
# repeatable half of issue 9's read ratios: unlike requests/s it does not move when other programs load the
# machine.  One server with one worker on the cached 1,000,000-case database of bench/run.sh
# ($BUILD/bench-data), instrumentation only inside the request callback (on_request, libmicrohttpd's
# answer to one request: routing, auth, SQL, JSON), N requests of each kind after warm-up requests, the
# counters zeroed and dumped around each kind.  Prints `ir <kind> <instructions per request>`.  The inboxes
# are asked the same question again and again (after the warm-up: from the read cache); case_page_one reads
# N different cases once each (a miss each: the full work plus keeping the answer), case_page_kept one of
# them N times (hits).  GRIDGOV_CASE_CACHE=off in the environment measures the work without the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
DATA=${2:-$BUILD/bench-data}
N=${CALLGRIND_REQUESTS:-20}
BIN=${GG_BIN:-$BUILD/gridgov}
tmp=$(mktemp -d /tmp/gridgov-cg.XXXXXX)
P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
valgrind --tool=callgrind --toggle-collect=on_request --callgrind-out-file="$tmp/cg.%p" \
    "$BIN" serve --listen "127.0.0.1:$P" --database "sqlite:$DATA/gridgov.db" --data-dir "$DATA" --threads 1 \
    --access-log off >"$tmp/server.log" 2>&1 &
vg=$!
trap 'kill $vg 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 600); do curl -fsS -o /dev/null "http://127.0.0.1:$P/healthz" 2>/dev/null && break; sleep 0.5; done
token() { curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"$1\",\"password\":\"Demo-gridgov-2026\",\"mode\":\"bearer\"}" \
    "http://127.0.0.1:$P/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
TD="Authorization: Bearer $(token xialu_dispatch)"
TW="Authorization: Bearer $(token grid_worker1)"
python3 - "$DATA/gridgov.db" "$N" >"$tmp/ids" <<'PY'
import sqlite3, sys, random
db = sqlite3.connect(sys.argv[1])
path = db.execute("SELECT path FROM unit WHERE code = '420204000000'").fetchone()[0]
hi = db.execute("SELECT max(id) FROM case_item").fetchone()[0]
random.seed(7)
ids = []
while len(ids) < int(sys.argv[2]):
    row = db.execute("SELECT id, unit_path FROM case_item WHERE id >= ? ORDER BY id LIMIT 1", (random.randint(1, hi),)).fetchone()
    if row and row[1].startswith(path):
        ids.append(row[0])
print("\n".join(map(str, ids)))
PY
pid=$(pgrep -P $vg || echo $vg)
phase() { # name, then a function that makes one request (argument: the request's number)
    local name=$1 fn=$2
    for i in 1 2 3; do $fn "$i" >/dev/null; done # warm-up: snapshots, statement caches
    callgrind_control -z "$vg" >/dev/null
    for i in $(seq "$N"); do $fn "$i" >/dev/null; done
    callgrind_control -d "$name" "$vg" >/dev/null
    local f
    f=$(ls -t "$tmp"/cg.*."$name"* 2>/dev/null | head -1 || true)
    [ -z "$f" ] && f=$(ls -t "$tmp"/cg.* | head -1)
    local ir
    ir=$(awk '/^summary:/ {print $2}' "$f")
    echo "ir $name $((ir / N))"
    if [ -n "${CALLGRIND_KEEP:-}" ]; then mkdir -p "$CALLGRIND_KEEP" && cp "$f" "$CALLGRIND_KEEP/$name.out"; fi
}
healthz() { curl -fsS "http://127.0.0.1:$P/healthz"; }
inbox() { curl -fsS -H "$TD" "http://127.0.0.1:$P/api/v1/cases?box=dispatch&limit=50"; }
mine() { curl -fsS -H "$TW" "http://127.0.0.1:$P/api/v1/cases?box=mine&limit=50"; }
caseget() { curl -fsS -H "$TD" "http://127.0.0.1:$P/api/v1/cases/$(sed -n "${1}p" "$tmp/ids")"; }
events() { curl -fsS -H "$TD" "http://127.0.0.1:$P/api/v1/cases/$(sed -n "${1}p" "$tmp/ids")/events"; }
page() { curl -fsS -H "$TD" "http://127.0.0.1:$P/api/v1/cases/$(sed -n "${1}p" "$tmp/ids")?include=events"; }
page_same() { page 1; }
phase healthz healthz
phase inbox_dispatch inbox
phase inbox_worker mine
phase case_get caseget
phase case_events events
if [ -z "${CALLGRIND_NO_PAGE:-}" ]; then
    phase case_page_one page
    # one page again and again: answered from the read cache (api/cases/case_cache.h) unless
    # GRIDGOV_CASE_CACHE=off (one page, since under valgrind N different ones take longer than its 5 s)
    phase case_page_kept page_same
fi
