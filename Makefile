# gridgov — the two commands a newcomer needs are `make demo` and `make check`.
# Everything else here is a step they use.
#
#   make          build build/gridgov (optimised)
#   make demo     set up, build, create a demo database, serve on http://127.0.0.1:8080 (PORT=8090 make demo)
#   make check    set up, build with sanitizers, run unit, API (SQLite and PostgreSQL) and browser tests
#   make bench    measure throughput ratios (rate/ratio lines)
#   make fuzz     run every libFuzzer target for 60 s (FUZZ_SECONDS=600 make fuzz for longer)
#   make format   apply .clang-format

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test
PORT ?= 8080

.PHONY: all build web demo check bench fuzz format format-check clean unit

all: build

build:
	@scripts/bootstrap.sh build
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

web:
	@scripts/bootstrap.sh web
	@scripts/build-web.sh

# bootstrap demo: what `web` needs and the division data the demo database is made from
demo: build web
	@scripts/bootstrap.sh demo
	@scripts/demo.sh $(PORT)

check:
	@scripts/bootstrap.sh check
	@scripts/check.sh

bench:
	@scripts/bootstrap.sh bench
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@bench/run.sh $(BUILD)

fuzz:
	@scripts/bootstrap.sh check
	@scripts/fuzz.sh $(or $(FUZZ_SECONDS),60)

unit:
	@cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGG_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@cd $(TEST_BUILD) && ctest --output-on-failure

format:
	@find src tests/unit bench fuzz -name '*.[ch]' | xargs clang-format -i

format-check:
	@find src tests/unit bench fuzz -name '*.[ch]' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(TEST_BUILD) build-fuzz web/dist
