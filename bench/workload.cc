// The workload framework: names, EngineRun, the per-workload measurements
// (peak RSS, bytes written) and the dispatch to the workload families
// (workload_basic.cc, workload_extra.cc, workload_vsdb.cc,
// workload_delete.cc).
#include "bench/workload.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <unistd.h>

#include "bench/workload_util.h"

namespace mmdb_bench {
namespace {

// Peak-RSS tracking per workload: writing "5" to /proc/self/clear_refs
// resets VmHWM (Linux >= 4.0). False when that is not possible.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// A "Name:   1234 kB" field of /proc/self/status in bytes; 0 if missing.
uint64_t StatusKb(std::string_view name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':') {
      return std::strtoull(line.c_str() + name.size() + 1, nullptr, 10) * 1024;
    }
  }
  return 0;
}

// Bytes this process passed to write()-like calls (/proc/self/io wchar):
// WAL, flush and compaction output of every thread. 0 if unavailable.
uint64_t ProcessWriteBytes() {
  std::ifstream in("/proc/self/io");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("wchar:")) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// Where the current workload's measured phase began (one workload at a time
// per process).
uint64_t g_measure_written = 0;
bool g_measure_rss = false;

}  // namespace

void BeginMeasure() {
  g_measure_rss = ResetPeakRss();
  g_measure_written = ProcessWriteBytes();
}

const std::vector<std::string>& AllWorkloads() {
  static const std::vector<std::string> kAll = {
      // db_bench-style basics (workload_basic.cc)
      "fillseq", "fillrandom", "overwrite", "fillbatch", "fillsync", "readrandom", "readmissing",
      "seekrandom", "readseq", "readreverse", "deleterandom",
      // workload_extra.cc
      "readrandom_cold", "itercreate", "readwhilewriting",
      // vsdb (workload_vsdb.cc)
      "vsdb_cow", "vsdb_point", "vsdb_prefix_scan", "vsdb_range", "vsdb_drop", "vsdb_gc",
      // deletes must not make reads slow (workload_delete.cc)
      "seek_after_deleterange", "get_after_deleterange", "seek_queue"};
  return kAll;
}

bool IsKnownWorkload(std::string_view name) {
  const auto& all = AllWorkloads();
  return std::find(all.begin(), all.end(), name) != all.end();
}

bool IsFillWorkload(std::string_view name) {
  return name.starts_with("fill") || name == "vsdb_cow";
}

bool IsWriteWorkload(std::string_view name) {
  return IsFillWorkload(name) || name == "overwrite" || name == "deleterandom" ||
         name == "vsdb_drop" || name == "vsdb_gc";
}

double WorkloadResult::Metric(std::string_view name, double fallback) const {
  for (const auto& [k, v] : metrics) {
    if (k == name) return v;
  }
  return fallback;
}

void WorkloadResult::SetMetric(std::string name, double value) {
  for (auto& [k, v] : metrics) {
    if (k == name) {
      v = value;
      return;
    }
  }
  metrics.emplace_back(std::move(name), value);
}

Progress::Progress(const BenchConfig& c, std::string label, uint64_t total)
    : enabled_(c.progress && isatty(STDERR_FILENO) == 1),
      label_(std::move(label)),
      total_(total),
      last_(Clock::now()) {}

Progress::~Progress() {
  if (drawn_) std::fprintf(stderr, "\r\x1b[K");
}

void Progress::Draw(uint64_t done) {
  auto now = Clock::now();
  if (SecondsBetween(last_, now) < 0.5) return;
  last_ = now;
  drawn_ = true;
  double pct = total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 0;
  std::fprintf(stderr, "\r%s %3.0f%% (%llu/%llu)\x1b[K", label_.c_str(), pct,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_));
  std::fflush(stderr);
}

std::string ProgressLabel(const EngineRun& run, std::string_view workload) {
  return run.engine_name() + " " + std::string(workload);
}

EngineRun::~EngineRun() {
  std::string ignored;  // best effort on the way out
  (void)Close(&ignored);
}

bool EngineRun::Reset(std::string* error, const EngineSettings* settings) {
  Destroy();
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(dir_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  current_settings_ = settings != nullptr ? *settings : base_settings_;
  engine_ = OpenEngine(engine_name_, current_settings_, dir_, /*fresh=*/true, error);
  content = Content::kNone;
  key_count = 0;
  keys_intact = false;
  vsdb.reset();
  return engine_ != nullptr;
}

bool EngineRun::Reopen(std::string* error, const EngineSettings* settings) {
  if (!Close(error)) return false;
  if (settings != nullptr) current_settings_ = *settings;
  engine_ = OpenEngine(engine_name_, current_settings_, dir_, /*fresh=*/false, error);
  return engine_ != nullptr;
}

bool EngineRun::Close(std::string* error) {
  if (engine_ == nullptr) return true;
  EngineStatus s = engine_->Close();
  engine_.reset();
  if (!s.ok()) return Fail(error, "close", s);
  return true;
}

void EngineRun::Destroy() {
  std::string ignored;  // the directory goes anyway
  (void)Close(&ignored);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool RunWorkload(std::string_view workload, int round, int step, const BenchConfig& config,
                 EngineRun* run, WorkloadResult* result, std::string* error) {
  *result = WorkloadResult();
  result->engine = run->engine_name();
  result->workload = std::string(workload);
  result->round = round;
  result->step = step;
  BenchConfig c = config;
  if (c.reads == 0) c.reads = c.num;

  BeginMeasure();  // the workloads call it again where their timed phase starts
  bool ok = false;
  if (!IsKnownWorkload(workload)) {
    *error = "unknown workload '" + std::string(workload) + "'";
  } else if (workload.starts_with("vsdb_")) {
    ok = RunVsdbWorkload(workload, c, run, result, error);
  } else if (workload == "readrandom_cold" || workload == "itercreate" ||
             workload == "readwhilewriting") {
    ok = RunExtraWorkload(workload, c, run, result, error);
  } else if (workload.ends_with("_deleterange") || workload == "seek_queue") {
    ok = RunDeleteWorkload(workload, c, run, result, error);
  } else {
    ok = RunBasicWorkload(workload, c, run, result, error);
  }
  if (!ok) return false;
  result->io_write_bytes = ProcessWriteBytes() - g_measure_written;
  result->peak_rss_bytes = StatusKb(g_measure_rss ? "VmHWM" : "VmRSS");
  if (run->engine() != nullptr) {
    result->dir_bytes = DirectoryBytes(run->dir());
    result->sst_bytes = run->engine()->SstBytes();
    result->files_per_level = run->engine()->FilesPerLevel();
  }
  return true;
}

}  // namespace mmdb_bench
