// Helpers shared by the workload files (workload*.cc): timing, seeds,
// multi-threaded readers and the progress line. Internal to mmdb_bench.
#pragma once

#include <chrono>
#include <cstdint>
#include <latch>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/engine.h"
#include "bench/histogram.h"
#include "bench/workload.h"

namespace mmdb_bench {

using Clock = std::chrono::steady_clock;

inline uint64_t NanosBetween(Clock::time_point a, Clock::time_point b) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

inline double SecondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

inline bool Fail(std::string* error, std::string_view op, const EngineStatus& s) {
  *error = std::string(op) + ": " + s.message;
  return false;
}

// Marks the start of the measured phase of a workload (after untimed
// preparation such as a fill or a reset): peak RSS and bytes written are
// counted from here to the end of the workload.
void BeginMeasure();

// A distinct, reproducible seed per (workload, thread).
inline uint64_t SeedFor(const BenchConfig& c, std::string_view workload, int thread) {
  uint64_t h = c.seed;
  for (char ch : workload) h = h * 131 + static_cast<unsigned char>(ch);
  return h * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(thread);
}

// A "label 42% (4200/10000)" line on stderr, redrawn at most twice a
// second, only when enabled and stderr is a terminal. Update() is cheap
// (a counter) between redraws. One thread only.
class Progress {
 public:
  Progress(const BenchConfig& c, std::string label, uint64_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Update(uint64_t done) {
    if (enabled_ && (++calls_ & 1023) == 0) Draw(done);
  }

 private:
  void Draw(uint64_t done);

  bool enabled_;
  std::string label_;
  uint64_t total_;
  uint64_t calls_ = 0;
  bool drawn_ = false;
  Clock::time_point last_;
};

// The label of progress lines: "<engine> <workload>".
std::string ProgressLabel(const EngineRun& run, std::string_view workload);

// What one reader thread did.
struct ThreadStats {
  LatencyHistogram latency;
  uint64_t ops = 0;
  uint64_t found = 0;
  uint64_t bytes = 0;
  std::string error;
};

// Runs fn(thread_index, &stats) on `threads` threads started together; the
// wall time runs from the common start to the last thread's end. The
// results are summed into *r.
template <typename Fn>
bool RunReaders(int threads, Fn fn, WorkloadResult* r, std::string* error) {
  std::vector<ThreadStats> stats(static_cast<size_t>(threads));
  std::latch ready(threads + 1);
  std::latch go(1);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.count_down();
      go.wait();
      fn(t, &stats[static_cast<size_t>(t)]);
    });
  }
  ready.arrive_and_wait();
  auto start = Clock::now();
  go.count_down();
  for (std::thread& th : pool) th.join();
  r->seconds = SecondsBetween(start, Clock::now());
  for (const ThreadStats& s : stats) {
    if (!s.error.empty()) {
      *error = s.error;
      return false;
    }
    r->latency.Merge(s.latency);
    r->ops += s.ops;
    r->found += s.found;
    r->bytes += s.bytes;
  }
  return true;
}

// Makes sure `run` holds decimal keys from a fill (an untimed fillrandom
// otherwise, noted in r->note).
bool EnsureKeys(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error);
// Makes sure `run` holds the vsdb collections (an untimed vsdb_cow otherwise).
bool EnsureVsdb(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error);

// The workload families, one file each. Each returns false with *error on an
// engine error or a failed check.
bool RunBasicWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                      std::string* error);
bool RunExtraWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                      std::string* error);
bool RunVsdbWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                     std::string* error);
bool RunDeleteWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                       std::string* error);

// Point reads of decimal keys: `reads` Gets per thread on `threads` threads
// of uniform keys in [0, key_space) (missing: keys never written).
bool PointReads(std::string_view workload, const BenchConfig& c, int threads, uint64_t reads,
                bool missing, Engine* e, uint64_t key_space, WorkloadResult* r, std::string* error);
// Seek to a uniform key in [0, key_space), then up to 10 Next, `reads` times
// per thread. One iterator per thread, reused.
bool SeekReads(std::string_view workload, const BenchConfig& c, int threads, uint64_t reads,
               Engine* e, uint64_t key_space, WorkloadResult* r, std::string* error);

}  // namespace mmdb_bench
