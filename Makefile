# MMDB top-level commands. Every target installs what it needs first, so a
# fresh Debian machine goes from clone to green with `make test`.
#   make run    build (release) and run the mmdb tool: a quick benchmark + stats
#   make test   build (release + invariants) and run the whole suite via ctest
#   make soak   long randomized / crash / stress runs (label slow; not in CI)
#   make asan / make tsan   the test suite under sanitizers (asan = ASan+UBSan)
#   make fuzz   build the libFuzzer targets (clang) and their seed corpora
#   make fuzz-smoke   run each fuzz target FUZZ_SECONDS (default 30) seconds
#   make ci     what .ci/run runs: test, asan, tsan-ci, fuzz-smoke (docs/testing.md)
#   make bench  MMDB vs RocksDB vs LevelDB (~10 min): bench/results/REPORT.md + .svg
#   make micro  Google Benchmark micro-benchmarks of engine building blocks
#   make baseline-rocksdb   a release RocksDB for the comparison (once, slow)

SHELL      := /bin/bash
JOBS       ?= 2
BUILD_TEST := build/test
BUILD_REL  := build/release
RUN_DB     ?= /tmp/mmdb-run
CMAKE_GEN  := -G Ninja

.PHONY: all deps deps-fuzz build release test run soak asan tsan tsan-ci fuzz fuzz-smoke ci format clean

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

# mmdb_bench: MMDB vs RocksDB vs LevelDB (docs/benchmarks.md). Only the
# benchmark targets are built, in the release tree; the configure step reruns
# so a release RocksDB made by `make baseline-rocksdb` since is picked up.
BENCH_BIN   := $(BUILD_REL)/bench/mmdb_bench
MICRO_BIN   := $(BUILD_REL)/bench/micro/mmdb_micro
BENCH_OUT   ?= bench/results
BENCH_NUM   ?= 400000
BENCH_REPEAT ?= 3
BENCH_WBUF  ?= 8388608
BENCH_LIST  ?= fillseq,fillrandom,overwrite,readrandom,readmissing,seekrandom,readseq,readreverse,readwhilewriting,readrandom_cold,seek_after_deleterange,get_after_deleterange,deleterandom,fillbatch,fillsync,itercreate,seek_queue,vsdb_cow,vsdb_point,vsdb_prefix_scan,vsdb_range,vsdb_drop,vsdb_gc

.PHONY: bench bench-quick bench-build micro baseline-rocksdb
bench-build: deps
	cmake -S . -B $(BUILD_REL) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DMMDB_INVARIANTS=OFF
	cmake --build $(BUILD_REL) -j $(JOBS) --target mmdb_bench mmdb_micro

# The default comparison (about 10 minutes on 2 cores): every workload,
# 3 interleaved rounds, medians. Writes $(BENCH_OUT)/REPORT.md, the ratio
# chart REPORT.svg and one JSON line per result in results.jsonl.
bench: bench-build
	@test -f $(HOME)/.cache/mmdb/rocksdb-release/install/.complete || \
	  echo "bench: NOTE: no release RocksDB; comparing against Debian's (assertions on). Run make baseline-rocksdb first." >&2
	mkdir -p $(BENCH_OUT)
	$(BENCH_BIN) --engine=mmdb,rocksdb,leveldb --num=$(BENCH_NUM) --repeat=$(BENCH_REPEAT) \
	  --write_buffer_size=$(BENCH_WBUF) --target_file_size=$(BENCH_WBUF) \
	  --benchmarks=$(BENCH_LIST) --json \
	  --report=$(BENCH_OUT)/REPORT.md --chart=$(BENCH_OUT)/REPORT.svg > $(BENCH_OUT)/results.jsonl

bench-quick: bench-build
	$(BENCH_BIN) --engine=mmdb,rocksdb,leveldb --num=200000 \
	  --benchmarks=fillrandom,readrandom,readmissing,seekrandom,readseq \
	  --report=$(BUILD_REL)/bench-quick.md

# Google Benchmark micro-benchmarks (skiplist, block, bloom, CRC-32, codecs, cache).
micro: bench-build
	$(MICRO_BIN)

# A release (-O2 -DNDEBUG) RocksDB, built once into ~/.cache/mmdb (nice 19,
# one job: slow). mmdb_bench links it instead of Debian's when present.
baseline-rocksdb:
	bash scripts/baseline_rocksdb.sh

soak: build
	cd $(BUILD_TEST) && ctest -j $(JOBS) --output-on-failure -L slow

asan: deps
	cmake -S . -B build/asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DMMDB_SANITIZE=address
	cmake --build build/asan -j $(JOBS)
	cd build/asan && ctest -j $(JOBS) --output-on-failure -LE slow

tsan: deps
	cmake -S . -B build/tsan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMDB_SANITIZE=thread
	cmake --build build/tsan -j $(JOBS)
	cd build/tsan && TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest -j $(JOBS) --output-on-failure -LE slow

# The tests that start threads of their own, run TSAN_REPEAT times under
# ThreadSanitizer by `make tsan-ci`: a race shows up intermittently.
TSAN_REPEAT  ?= 20
TSAN_THREADED := LRUCacheTest.ConcurrentLookupsAndInserts|DBBasicTest.ConcurrentWritersAllLand|DBCheckpointTest.UnderConcurrentWritesCopyEqualsSnapshotAtTheSameMoment|DBCompactionTest.AutomaticCompactionBoundsL0AndKeepsData|DBIngestTest.WritesGoOnDuringIngestion|DBReadOnlyTest.ReopensWhileWriterFlushesAndCompacts|DBStatisticsTest.WritePathTickers|MemEnvTest.ConcurrentUseIsSafe|MemTableTest.ConcurrentGetsDuringAdds|SkipListTest.ConcurrentReadersSeeSortedFullyFormedEntries|TableCacheTest.UnlimitedAndConcurrentGets|StatisticsTest.HistogramFromManyThreads|StatisticsTest.TickersFromManyThreadsSumExactly|DBIteratorLifetimeTest.IteratorsOutliveTheirDB

# The suite under TSan once, then the threaded tests TSAN_REPEAT times each.
tsan-ci: tsan
	cd build/tsan && TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest -j $(JOBS) --output-on-failure -R '^($(TSAN_THREADED))$$' --repeat until-fail:$(TSAN_REPEAT)

BUILD_FUZZ   := build/fuzz
FUZZ_TARGETS := wal_reader write_batch sst_reader version_edit db_ops
FUZZ_SECONDS ?= 30
FUZZ_SEED    ?= 1

deps-fuzz:
	@bash scripts/install_deps.sh --fuzz

$(BUILD_FUZZ)/build.ninja: | deps deps-fuzz
	CC=clang CXX=clang++ cmake -S . -B $(BUILD_FUZZ) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DMMDB_FUZZ=ON -DMMDB_BUILD_TESTS=OFF

fuzz: deps deps-fuzz $(BUILD_FUZZ)/build.ninja
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	bash scripts/gen_fuzz_corpus.sh $(BUILD_FUZZ)

# Each target in turn; new inputs go to corpus-run/<target> (kept between
# runs), crashes to artifacts/ (the run then fails).
fuzz-smoke: fuzz
	@mkdir -p $(BUILD_FUZZ)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD_FUZZ)/corpus-run/$$t; \
	  echo "== $${t}_fuzzer: $(FUZZ_SECONDS) s"; \
	  $(BUILD_FUZZ)/fuzz/$${t}_fuzzer -max_total_time=$(FUZZ_SECONDS) -seed=$(FUZZ_SEED) -timeout=60 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(BUILD_FUZZ)/artifacts/$${t}- \
	    $(BUILD_FUZZ)/corpus-run/$$t $(BUILD_FUZZ)/corpus/$$t 2>&1 | \
	    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==[0-9]+==ERROR|SUMMARY)|FUZZ_CHECK" ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done
	@echo "fuzz-smoke: $(words $(FUZZ_TARGETS)) targets, $(FUZZ_SECONDS) s each, no crash"

# CI: the suite, the suite under ASan+UBSan, the suite under TSan with the
# threaded tests repeated, and a short run of every fuzzer.
ci:
	@start=$$(date +%s); \
	$(MAKE) test && t1=$$(date +%s) && \
	$(MAKE) asan && t2=$$(date +%s) && \
	$(MAKE) tsan-ci && t3=$$(date +%s) && \
	$(MAKE) fuzz-smoke && t4=$$(date +%s) && \
	echo "ci timings: test $$((t1-start)) s, asan $$((t2-t1)) s, tsan $$((t3-t2)) s, fuzz-smoke $$((t4-t3)) s, total $$((t4-start)) s"

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf build
