#!/usr/bin/env bash
# check.sh — everything `make check` runs, in order, ending with one summary line:
#   format, no dependency cycle in src/domain (scripts/domain-cycles.py), sanitizer build,
#   unit tests (cmocka via ctest, SQLite and PostgreSQL),
#   API tests (pytest) on SQLite and on PostgreSQL, a short libFuzzer run of every parser,
#   `make demo` in a fresh clone of HEAD (scripts/fresh-clone-demo.sh), browser tests (Playwright + Chromium).
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

run_pytest() { # label database
    local label=$1 db=$2 log=/tmp/gridgov-$1.log
    GG_BINARY=$ROOT/$BUILD/gridgov GG_TEST_DATABASE=$db GG_ROOT=$ROOT \
        $PY -m pytest -q -p no:cacheprovider tests/api 2>&1 | tee "$log" | grep -vE '^\.+|^$' | tail -30
    local last; last=$(grep -E '(passed|failed|error)' "$log" | tail -1)
    local p f s e
    p=$(echo "$last" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+'); f=$(echo "$last" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    s=$(echo "$last" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+'); e=$(echo "$last" | grep -oE '[0-9]+ errors?' | grep -oE '[0-9]+')
    f=$(( ${f:-0} + ${e:-0} ))
    [ -z "$p" ] && [ "$f" = 0 ] && f=1 # pytest did not run: count as a failure
    record "$label" "${p:-0}" "$f" "${s:-0}"
}
echo "== API tests on SQLite"
run_pytest api-sqlite sqlite
echo "== API tests on PostgreSQL"
run_pytest api-postgresql "$PGURL"

echo "== fuzzing (libFuzzer, ${FUZZ_SECONDS:-10} s per target; make fuzz runs longer)"
if scripts/fuzz.sh "${FUZZ_SECONDS:-10}" 2>&1 | tee /tmp/gridgov-fuzz.log | grep -E '^fuzz: fuzz_' | sed 's/^/   /'; then
    fp=$(grep -c ' ok ' /tmp/gridgov-fuzz.log); record fuzz "$fp" 0 0
else
    fp=$(grep -c ' ok ' /tmp/gridgov-fuzz.log); ff=$(grep -c 'FAILED' /tmp/gridgov-fuzz.log); record fuzz "$fp" "$(( ff > 0 ? ff : 1 ))" 0
fi

echo "== make demo in a fresh clone of HEAD"
if scripts/fresh-clone-demo.sh 2>&1 | tee /tmp/gridgov-fresh-clone.log | sed 's/^/   /'; test "${PIPESTATUS[0]}" = 0; then
    record fresh-clone 1 0 0
else
    record fresh-clone 0 1 0
fi

echo "== browser tests (Chromium)"
if ls tests/browser/*.test.mjs >/dev/null 2>&1; then
    blog=/tmp/gridgov-browser.log
    GG_BINARY=$ROOT/$BUILD/gridgov $PY tests/browser/serve_and_run.py 2>&1 | tee "$blog" | grep -E '^(not ok|ok|# (tests|pass|fail|skipped))' | sed 's/^/   /'
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
