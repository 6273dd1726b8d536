#!/usr/bin/env bash
# bench/create_callgrind.sh BUILD_DIR — instructions per durable case creation (valgrind --tool=callgrind),
# rollup upkeep on and off (GRIDGOV_ROLLUPS): the repeatable half of bench/rollups.sh's
# `ratio case_create_with_rollups_vs_without`, which moves with the machine's load and the disk's fsync rate.
# A fresh database with the unit chain of bench/create_setup.py, one server per setting under callgrind
# (instrumentation only inside on_request), CALLGRIND_REQUESTS (30) POST /api/v1/cases after three warm-up
# ones.  Prints `ir create_rollups_on N`, `ir create_rollups_off N` (instructions per case) and their ratio;
# CALLGRIND_KEEP=DIR keeps the profiles for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
N=${CALLGRIND_REQUESTS:-30}
tmp=$(mktemp -d /tmp/gridgov-cg-create.XXXXXX)
vg=""
trap '[ -n "$vg" ] && kill $vg 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"' EXIT
db="sqlite:$tmp/cases.db"
printf 'Grid-load-2026!\n' | "$BUILD/gridgov" user add bench --password-stdin --database "$db" --data-dir "$tmp/data" >/dev/null
"$BUILD/gridgov" user grant bench admin root --database "$db" --data-dir "$tmp/data" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A IR
for mode in on off; do
    P=$(free_port)
    GRIDGOV_ROLLUPS=$mode valgrind --tool=callgrind --toggle-collect=on_request --callgrind-out-file="$tmp/cg-$mode.%p" \
        "$BUILD/gridgov" serve --listen "127.0.0.1:$P" --database "$db" --data-dir "$tmp/data" --threads 1 \
        --access-log off >"$tmp/server-$mode.log" 2>&1 &
    vg=$!
    for _ in $(seq 600); do curl -fsS -o /dev/null "http://127.0.0.1:$P/healthz" 2>/dev/null && break; sleep 0.5; done
    TOKEN=$(curl -fsS -H 'Content-Type: application/json' -d '{"username":"bench","password":"Grid-load-2026!","mode":"bearer"}' \
        "http://127.0.0.1:$P/api/v1/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    [ -n "${grid:-}" ] || eval "$(python3 bench/create_setup.py "http://127.0.0.1:$P" "$TOKEN")"
    post() {
        curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            -H "Idempotency-Key: cg-$mode-$1-$RANDOM$RANDOM" \
            -d "{\"channel\":\"walk_in\",\"category_id\":$category,\"unit_id\":$grid,\"description\":\"路灯不亮 $1\"}" \
            "http://127.0.0.1:$P/api/v1/cases"
    }
    for i in 1 2 3; do post "w$i"; done
    callgrind_control -z "$vg" >/dev/null
    for i in $(seq "$N"); do post "$i"; done
    callgrind_control -d "create-$mode" "$vg" >/dev/null
    f=$(ls -t "$tmp"/cg-"$mode".*create-"$mode"* 2>/dev/null | head -1 || true)
    [ -z "$f" ] && f=$(ls -t "$tmp"/cg-"$mode".* | head -1)
    IR[$mode]=$(( $(awk '/^summary:/ {print $2}' "$f") / N ))
    echo "ir create_rollups_$mode ${IR[$mode]}"
    if [ -n "${CALLGRIND_KEEP:-}" ]; then mkdir -p "$CALLGRIND_KEEP" && cp "$f" "$CALLGRIND_KEEP/create-$mode.out"; fi
    kill "$vg"; wait "$vg" 2>/dev/null || true; vg=""
done
awk -v a="${IR[on]}" -v b="${IR[off]}" 'BEGIN { printf "ratio create_ir_off_vs_on %.3f\n", b / a }'
