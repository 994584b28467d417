// Workloads: the db_bench-style operations mmdb_bench times on one engine.
//
// fill* start from an empty DB (EngineRun::Reset); every other workload runs
// on the DB the previous fill left (an untimed fillrandom first when none).
// See docs/benchmarks.md for what each workload does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/engine.h"
#include "bench/histogram.h"

namespace mmdb_bench {

// What every workload needs to know, identical for every engine.
struct BenchConfig {
  uint64_t num = 1000000;         // fill/overwrite/delete operations (keys of a fill)
  uint64_t reads = 0;             // read operations per reader thread; 0 = num
  int key_size = 16;              // bytes
  int value_size = 100;           // bytes
  int threads = 1;                // reader threads for read workloads
  uint64_t seed = 301;            // same key sequences for every engine
  int batch_size = 1000;          // puts per WriteBatch in fillbatch
  uint64_t sync_divisor = 100;    // fillsync writes num / sync_divisor keys
  bool flush_after_fill = false;  // untimed Flush() after each fill
  double compression_ratio = 0.5;
};

// Workload names in the order they are documented.
const std::vector<std::string>& AllWorkloads();
bool IsKnownWorkload(std::string_view name);
bool IsFillWorkload(std::string_view name);

// One engine's DB for one round: where it lives and what it holds.
class EngineRun {
 public:
  EngineRun(std::string engine, EngineSettings settings, std::string dir)
      : engine_name_(std::move(engine)), settings_(settings), dir_(std::move(dir)) {}
  ~EngineRun();

  // Closes any open DB, deletes the directory and opens an empty DB.
  bool Reset(std::string* error);
  // Closes the DB (keeps the files).
  bool Close(std::string* error);
  // Closes the DB and deletes its directory.
  void Destroy();

  Engine* engine() { return engine_.get(); }
  const std::string& dir() const { return dir_; }
  const std::string& engine_name() const { return engine_name_; }

  // Keys [0, key_count) were written by the last fill.
  bool loaded = false;
  uint64_t key_count = 0;

 private:
  std::string engine_name_;
  EngineSettings settings_;
  std::string dir_;
  std::unique_ptr<Engine> engine_;
};

struct WorkloadResult {
  std::string engine;
  std::string workload;
  int round = 0;
  int step = 0;        // position in the --benchmarks list (a name may repeat)
  uint64_t ops = 0;    // timed operations (entries for fillbatch and scans)
  uint64_t found = 0;  // reads/seeks that found a key
  uint64_t bytes = 0;  // key + value bytes moved
  double seconds = 0;  // wall time of the timed phase
  bool has_latency = false;
  LatencyHistogram latency;  // per op (per batch for fillbatch), nanoseconds
  uint64_t dir_bytes = 0;    // du of the DB directory after the workload
  uint64_t sst_bytes = 0;    // live SST bytes the engine reports
  std::string files_per_level;
  std::string note;

  double OpsPerSec() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  double MbPerSec() const { return seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0; }
  double MicrosPerOp() const { return ops > 0 ? seconds * 1e6 / static_cast<double>(ops) : 0; }
};

// Runs `workload` on `run` (resetting it first for a fill). False on an
// engine error, with *error set.
bool RunWorkload(std::string_view workload, int round, int step, const BenchConfig& config,
                 EngineRun* run, WorkloadResult* result, std::string* error);

}  // namespace mmdb_bench
