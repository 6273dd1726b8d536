#!/usr/bin/env bash
# fuzz.sh [SECONDS] — build the libFuzzer targets (clang, ASan+UBSan) and run each
# for SECONDS (default 60) on its corpus in fuzz/corpus/<name>.  Exits non-zero on
# the first crash, leak or sanitizer report; the reproducer is left in build-fuzz/.
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
BUILD=build-fuzz
cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DGG_FUZZ=ON >/dev/null || exit 1
cmake --build "$BUILD" -j "$(nproc)" 2>&1 | grep -E 'error:|warning:'
[ "${PIPESTATUS[0]}" = 0 ] || exit 1
fail=0 n=0
for f in fuzz/fuzz_*.c; do
    name=$(basename "$f" .c)
    corpus=fuzz/corpus/${name#fuzz_}
    mkdir -p "$corpus" "$BUILD/new-corpus/${name#fuzz_}"
    n=$((n + 1))
    if (cd "$BUILD" && ./"$name" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
        "new-corpus/${name#fuzz_}" "../$corpus" >"$name.log" 2>&1); then
        # libFuzzer ends with "Done N runs in S second(s)"; the recommended dictionary above it has
        # entries like "#0]", so the last "#N" of the log is not the count
        runs=$(grep -oE '^Done [0-9]+ runs' "$BUILD/$name.log" | grep -oE '[0-9]+' | tail -1)
        echo "fuzz: $name ok (${runs:-?} runs in ${SECS}s)"
    else
        echo "fuzz: $name FAILED — see $BUILD/$name.log"; tail -30 "$BUILD/$name.log"; fail=$((fail + 1))
    fi
done
echo "fuzz: $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
