// Workloads: the db_bench-style operations mmdb_bench times on one engine.
//
// fill* (and vsdb_cow, itercreate) start from an empty DB (EngineRun::Reset);
// every other workload runs on the DB the previous fill left (an untimed
// fillrandom first when none; an untimed vsdb_cow for the vsdb_* set). See
// docs/benchmarks.md for what each workload does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/engine.h"
#include "bench/histogram.h"
#include "bench/vsdb_model.h"

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
  // readrandom_cold: block cache bytes of the reopened DB; reads = reads / cold_divisor.
  size_t cold_cache_size = 256u << 10;
  uint64_t cold_divisor = 10;
  // itercreate: SSTs the untimed fill should leave (about).
  int itercreate_ssts = 48;
  // vsdb_*: mutation steps of vsdb_cow (0 = num / 20) and collections
  // (0 = steps / 50, at least 16).
  uint64_t vsdb_steps = 0;
  uint64_t vsdb_collections = 0;
  // Delete-heavy reads: DeleteRanges issued (0 = num / 200); seek_queue
  // operations (0 = num / 20) on a queue of queue_length entries.
  uint64_t range_deletes = 0;
  uint64_t queue_ops = 0;
  uint64_t queue_length = 1000;
  // readwhilewriting: 0 = the writer runs flat out; else puts per second.
  uint64_t writer_rate = 0;
  // Show a progress line on stderr (only when it is a terminal).
  bool progress = false;
};

// Workload names in the order they are documented.
const std::vector<std::string>& AllWorkloads();
bool IsKnownWorkload(std::string_view name);
// Workloads that start from an empty DB.
bool IsFillWorkload(std::string_view name);
// Workloads whose ops are writes (ops/s counts puts/deletes).
bool IsWriteWorkload(std::string_view name);

// One engine's DB for one round: where it lives and what it holds.
class EngineRun {
 public:
  EngineRun(std::string engine, EngineSettings settings, std::string dir)
      : engine_name_(std::move(engine)), base_settings_(settings), dir_(std::move(dir)) {}
  ~EngineRun();

  // Closes any open DB, deletes the directory and opens an empty DB with
  // `settings` (the run's settings when null).
  bool Reset(std::string* error, const EngineSettings* settings = nullptr);
  // Closes the DB and opens it again with `settings` (the settings it was
  // last opened with when null). The content stays.
  bool Reopen(std::string* error, const EngineSettings* settings = nullptr);
  // Closes the DB (keeps the files).
  bool Close(std::string* error);
  // Closes the DB and deletes its directory.
  void Destroy();

  Engine* engine() { return engine_.get(); }
  const std::string& dir() const { return dir_; }
  const std::string& engine_name() const { return engine_name_; }
  const EngineSettings& base_settings() const { return base_settings_; }
  const EngineSettings& current_settings() const { return current_settings_; }

  // What the DB holds. kKeys: decimal keys [0, key_count) from a fill.
  // kVsdb: the vsdb collections in `vsdb`. kOther: nothing reads rely on.
  enum class Content { kNone, kKeys, kVsdb, kOther };
  Content content = Content::kNone;
  uint64_t key_count = 0;
  // kKeys and no key was deleted since the fill (every key is readable).
  bool keys_intact = false;
  std::unique_ptr<VsdbModel> vsdb;

 private:
  std::string engine_name_;
  EngineSettings base_settings_;
  EngineSettings current_settings_;
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
  LatencyHistogram latency;       // per op (per batch for fillbatch), nanoseconds
  uint64_t dir_bytes = 0;         // du of the DB directory after the workload
  uint64_t sst_bytes = 0;         // live SST bytes the engine reports
  uint64_t user_write_bytes = 0;  // key + value bytes the workload wrote
  uint64_t io_write_bytes = 0;    // bytes the process wrote to files meanwhile
  uint64_t peak_rss_bytes = 0;    // peak resident set during the workload (0 = unknown)
  // Extra named figures (space reclaimed, slowdown ratios, writer ops/s).
  std::vector<std::pair<std::string, double>> metrics;
  std::string files_per_level;
  std::string note;

  double OpsPerSec() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  double MbPerSec() const { return seconds > 0 ? static_cast<double>(bytes) / seconds / 1e6 : 0; }
  double MicrosPerOp() const { return ops > 0 ? seconds * 1e6 / static_cast<double>(ops) : 0; }
  // io_write_bytes / user_write_bytes; 0 when nothing was written.
  double WriteAmp() const {
    return user_write_bytes > 0
               ? static_cast<double>(io_write_bytes) / static_cast<double>(user_write_bytes)
               : 0;
  }
  // The metric called `name`, or `fallback`.
  double Metric(std::string_view name, double fallback = 0) const;
  void SetMetric(std::string name, double value);
};

// Runs `workload` on `run` (resetting it first for a fill). False on an
// engine error or a failed check, with *error set.
bool RunWorkload(std::string_view workload, int round, int step, const BenchConfig& config,
                 EngineRun* run, WorkloadResult* result, std::string* error);

}  // namespace mmdb_bench
