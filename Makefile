# MMDB top-level commands. Every target installs what it needs first, so a
# fresh Debian machine goes from clone to green with `make test`.
#   make run    build (release) and run the mmdb tool: a quick benchmark + stats
#   make test   build (release + invariants) and run the whole suite via ctest
#   make soak   long randomized / crash runs (not part of CI)
#   make asan / make tsan   the test suite under sanitizers

JOBS       ?= 2
BUILD_TEST := build/test
BUILD_REL  := build/release
RUN_DB     ?= /tmp/mmdb-run
CMAKE_GEN  := -G Ninja

.PHONY: all deps build release test run soak asan tsan format clean

all: build

deps:
	@bash scripts/install_deps.sh

$(BUILD_TEST)/build.ninja: | deps
	cmake -S . -B $(BUILD_TEST) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMDB_INVARIANTS=ON

$(BUILD_REL)/build.ninja: | deps
	cmake -S . -B $(BUILD_REL) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DMMDB_INVARIANTS=OFF

build: deps $(BUILD_TEST)/build.ninja
	cmake --build $(BUILD_TEST) -j $(JOBS)

release: deps $(BUILD_REL)/build.ninja
	cmake --build $(BUILD_REL) -j $(JOBS)

test: build
	cd $(BUILD_TEST) && ctest -j $(JOBS) --output-on-failure --timeout 600 -LE slow

run: release
	rm -rf $(RUN_DB)
	$(BUILD_REL)/tools/mmdb --db $(RUN_DB) bench --num 200000
	$(BUILD_REL)/tools/mmdb --db $(RUN_DB) stats

# mmdb_bench: MMDB vs RocksDB vs LevelDB on a quick workload set (docs/benchmarks.md).
.PHONY: bench-quick
bench-quick: release
	$(BUILD_REL)/bench/mmdb_bench --engine=mmdb,rocksdb,leveldb --num=200000 \
	  --benchmarks=fillrandom,readrandom,readmissing,seekrandom,readseq \
	  --report=bench/results/REPORT.md

soak: build
	cd $(BUILD_TEST) && ctest -j $(JOBS) --output-on-failure -L slow

asan: deps
	cmake -S . -B build/asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DMMDB_SANITIZE=address
	cmake --build build/asan -j $(JOBS)
	cd build/asan && ctest -j $(JOBS) --output-on-failure -LE slow

tsan: deps
	cmake -S . -B build/tsan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMDB_SANITIZE=thread
	cmake --build build/tsan -j $(JOBS)
	cd build/tsan && ctest -j $(JOBS) --output-on-failure -LE slow

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
