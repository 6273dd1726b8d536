#!/usr/bin/env bash
# check.sh — everything `make check` runs, ending with one summary line:
#   format, no dependency cycle in src/domain (scripts/domain-cycles.py), sanitizer build, web build,
#   unit tests (cmocka via ctest, SQLite and PostgreSQL), then three lanes side by side:
#     1. API tests (pytest) on SQLite,   2. API tests on PostgreSQL,
#     3. a short libFuzzer run of every parser, then `make demo` in a fresh clone of HEAD
#        (scripts/fresh-clone-demo.sh), under `nice` so that the test lanes keep their CPU;
#   then the browser tests (Playwright + Chromium), alone.
# The lanes share two cores: much of an API suite is waiting (the server's scheduler ticks, SSE heartbeats,
# a restart, PostgreSQL's commits), which the other lanes fill (docs/decisions.md, "make check in lanes").
# Each lane writes its own log in $LOGS; its last lines are shown when it fails.
# The PostgreSQL is started here, in a temporary directory, and removed at the end even on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=$(nproc 2>/dev/null || echo 2)
BUILD=${TEST_BUILD:-build-test}
PY=/usr/bin/python3 # Debian's python, which has python3-pytest and python3-requests
t0=$(date +%s)

declare -a names passed failed skipped
total_p=0 total_f=0 total_s=0 broken=0

record() { # name passed failed skipped
    names+=("$1"); passed+=("$2"); failed+=("$3"); skipped+=("$4")
    total_p=$((total_p + $2)); total_f=$((total_f + $3)); total_s=$((total_s + $4))
    printf '== %-16s %d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
}

PGDIR=$(mktemp -d /tmp/gridgov-pg.XXXXXX)
cleanup() { scripts/pg-temp.sh stop "$PGDIR" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

echo "== format"
if find src tests/unit bench fuzz -name '*.[ch]' 2>/dev/null | xargs clang-format --dry-run --Werror 2>/tmp/gridgov-format.log; then
    record format 1 0 0
else
    head -20 /tmp/gridgov-format.log; echo "   (run 'make format')"; record format 0 1 0
fi

echo "== domain dependencies (one way, no cycle)"
if scripts/domain-cycles.py; then record cycles 1 0 0; else record cycles 0 1 0; fi

echo "== build (ASan + UBSan)"
if ! { cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DGG_SANITIZE=ON >/dev/null && cmake --build "$BUILD" -j "$JOBS" 2>&1 | grep -E 'error:|warning:|Error ' ; test "${PIPESTATUS[0]}" = 0; }; then
    echo "check: build failed"; echo "0 passed, 1 failed"; exit 1
fi
echo "== web app"
if ! scripts/build-web.sh; then echo "check: web build failed"; echo "0 passed, 1 failed"; exit 1; fi

echo "== PostgreSQL (temporary, $PGDIR)"
PGURL=$(scripts/pg-temp.sh start "$PGDIR" | tail -1)
if [ -z "$PGURL" ]; then echo "check: could not start PostgreSQL"; echo "0 passed, 1 failed"; exit 1; fi
echo "   $PGURL"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}

echo "== unit tests"
out=$(cd "$BUILD" && GG_TEST_PG_URL=$PGURL ctest -V -j "$JOBS" 2>&1)
echo "$out" | grep -E '^\s*[0-9]+/[0-9]+ Test|tests passed|FAILED|Failed|ERROR' | sed 's/^/   /'
up=$(echo "$out" | grep -oE '\[  PASSED  \] [0-9]+ test' | grep -oE '[0-9]+' | awk '{s+=$1} END{print s+0}')
uf=$(echo "$out" | grep -oE '\[  FAILED  \] [0-9]+ test' | grep -oE '[0-9]+' | awk '{s+=$1} END{print s+0}')
if ! echo "$out" | grep -q '100% tests passed'; then
    [ "${uf:-0}" = 0 ] && uf=1
    echo "$out" | tail -40
fi
record unit "${up:-0}" "${uf:-0}" 0

LOGS=$(mktemp -d /tmp/gridgov-check.XXXXXX)
# A lane's results are lines "name passed failed skipped" in $LOGS/<lane>.result, recorded after the lanes end.
lane_result() { echo "$2 $3 $4 $5" >>"$LOGS/$1.result"; }
took() { echo "   $1 took $(( $(date +%s) - $2 )) s" >>"$LOGS/times"; } # label start

run_pytest() { # lane label database ports
    local lane=$1 label=$2 db=$3 log=$LOGS/$2.log t=$(date +%s)
    GG_BINARY=$ROOT/$BUILD/gridgov GG_TEST_DATABASE=$db GG_ROOT=$ROOT GG_TEST_PORTS=$4 \
        $PY -m pytest -q -p no:cacheprovider --basetemp="$LOGS/tmp-$label" tests/api >"$log" 2>&1
    local last; last=$(grep -E '(passed|failed|error)' "$log" | tail -1)
    local p f s e
    p=$(echo "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+'); f=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    s=$(echo "$last" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+'); e=$(echo "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
    f=$(( ${f:-0} + ${e:-0} ))
    [ -z "$p" ] && [ "$f" = 0 ] && f=1 # pytest did not run: count as a failure
    lane_result "$lane" "$label" "${p:-0}" "$f" "${s:-0}"
    took "$label" "$t"
}

run_fuzz_then_fresh_clone() { # lane
    local log=$LOGS/fuzz.log fp ff t=$(date +%s)
    if scripts/fuzz.sh "${FUZZ_SECONDS:-10}" >"$log" 2>&1; then
        fp=$(grep -c ' ok ' "$log"); lane_result "$1" fuzz "$fp" 0 0
    else
        fp=$(grep -c ' ok ' "$log"); ff=$(grep -c 'FAILED' "$log"); lane_result "$1" fuzz "$fp" "$(( ff > 0 ? ff : 1 ))" 0
    fi
    took fuzz "$t"; t=$(date +%s)
    if scripts/fresh-clone-demo.sh >"$LOGS/fresh-clone.log" 2>&1; then
        lane_result "$1" fresh-clone 1 0 0
    else
        lane_result "$1" fresh-clone 0 1 0
    fi
    took fresh-clone "$t"
}

echo "== lanes: API tests on SQLite | API tests on PostgreSQL | fuzzing, then make demo in a fresh clone (logs in $LOGS)"
lane_t0=$(date +%s)
run_pytest sqlite api-sqlite sqlite 20000-24999 &
lane_sqlite=$!
run_pytest postgresql api-postgresql "$PGURL" 25000-29999 &
lane_pg=$!
(renice -n 10 "$BASHPID" >/dev/null; run_fuzz_then_fresh_clone other) &
lane_other=$!
wait "$lane_sqlite" "$lane_pg" "$lane_other"
echo "   the lanes took $(( $(date +%s) - lane_t0 )) s:"; cat "$LOGS/times" 2>/dev/null
for lane in sqlite postgresql other; do
    # a lane that died before writing its results is a failure, never a silent pass
    [ -s "$LOGS/$lane.result" ] || { record "lane-$lane" 0 1 0; continue; }
    while read -r name p f s; do
        record "$name" "$p" "$f" "$s"
        log=$LOGS/$name.log
        if [ "$f" != 0 ] && [ -f "$log" ]; then grep -vE '^\.+|^$|^[.sFE]+ +\[' "$log" | tail -40 | sed 's/^/   | /'; fi
    done <"$LOGS/$lane.result"
done
grep -E '^fuzz: fuzz_' "$LOGS/fuzz.log" | sed 's/^/   /'
sed 's/^/   /' "$LOGS/fresh-clone.log" | tail -8

echo "== browser tests (Chromium)"
if ls tests/browser/*.test.mjs >/dev/null 2>&1; then
    blog=/tmp/gridgov-browser.log
    # one browser suite at a time on a machine (two checks side by side would starve each other's waits)
    GG_BINARY=$ROOT/$BUILD/gridgov flock /tmp/gg-browser.lock $PY tests/browser/serve_and_run.py 2>&1 | tee "$blog" | grep -E '^(not ok|ok|# (tests|pass|fail|skipped))' | sed 's/^/   /'
    bp=$(grep -E '^# pass ' "$blog" | tail -1 | grep -oE '[0-9]+'); bf=$(grep -E '^# fail ' "$blog" | tail -1 | grep -oE '[0-9]+')
    bs=$(grep -E '^# skipped ' "$blog" | tail -1 | grep -oE '[0-9]+')
    [ -z "$bp" ] && bf=1
    record browser "${bp:-0}" "${bf:-0}" "${bs:-0}"
else
    record browser 0 1 0
fi

echo
echo "== summary ($(( $(date +%s) - t0 )) s)"
for i in "${!names[@]}"; do printf '   %-16s %4d passed %4d failed %4d skipped\n' "${names[$i]}" "${passed[$i]}" "${failed[$i]}" "${skipped[$i]}"; done
echo "check: $total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" = 0 ]
