#include "bench/report.h"

#include <algorithm>
#include <fstream>
#include <thread>

namespace mmdb_bench {
namespace {

std::string Format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), fmt, args...);
  return buf;
}

// 1234567.8 -> "1,234,568".
std::string Thousands(double v) {
  auto n = static_cast<unsigned long long>(v + 0.5);
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Megabytes(uint64_t bytes) {
  return Format("%.1f MB", static_cast<double>(bytes) / 1e6);
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += Format("\\u%04x", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// The result with the median ops/s among the rounds of (step, engine);
// null when there is none. With an even count, the lower middle.
const WorkloadResult* Median(const std::vector<WorkloadResult>& results, size_t step,
                             const std::string& engine) {
  std::vector<const WorkloadResult*> rounds;
  for (const WorkloadResult& r : results) {
    if (static_cast<size_t>(r.step) == step && r.engine == engine) rounds.push_back(&r);
  }
  if (rounds.empty()) return nullptr;
  std::sort(rounds.begin(), rounds.end(), [](const WorkloadResult* a, const WorkloadResult* b) {
    return a->OpsPerSec() < b->OpsPerSec();
  });
  return rounds[(rounds.size() - 1) / 2];
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Ratio(const WorkloadResult* a, const WorkloadResult* b) {
  if (a == nullptr || b == nullptr || b->OpsPerSec() == 0) return "-";
  return Format("%.2fx", a->OpsPerSec() / b->OpsPerSec());
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

}  // namespace

std::string ResultLine(const WorkloadResult& r) {
  std::string line =
      Format("%-12s %-8s: %10.3f micros/op %12s ops/s %8.1f MB/s", r.workload.c_str(),
             r.engine.c_str(), r.MicrosPerOp(), Thousands(r.OpsPerSec()).c_str(), r.MbPerSec());
  if (r.has_latency) {
    line += Format("  p50 %.1f p99 %.1f p99.9 %.1f us", r.latency.Percentile(50) / 1e3,
                   r.latency.Percentile(99) / 1e3, r.latency.Percentile(99.9) / 1e3);
  }
  if (!IsFillWorkload(r.workload) && r.workload != "overwrite" && r.workload != "deleterandom") {
    line += Format("  (%llu of %llu found)", static_cast<unsigned long long>(r.found),
                   static_cast<unsigned long long>(r.ops));
  }
  line += "  db " + Megabytes(r.dir_bytes);
  if (!r.files_per_level.empty()) line += " [" + r.files_per_level + "]";
  if (!r.note.empty()) line += "  (" + r.note + ")";
  return line;
}

std::string ResultJson(const WorkloadResult& r, const BenchConfig& config) {
  std::string j = "{";
  j += "\"engine\":\"" + JsonEscape(r.engine) + "\"";
  j += ",\"benchmark\":\"" + JsonEscape(r.workload) + "\"";
  j += Format(",\"round\":%d,\"num\":%llu,\"key_size\":%d,\"value_size\":%d,\"threads\":%d",
              r.round, static_cast<unsigned long long>(config.num), config.key_size,
              config.value_size, config.threads);
  j += Format(",\"ops\":%llu,\"found\":%llu,\"seconds\":%.6f,\"ops_per_sec\":%.1f",
              static_cast<unsigned long long>(r.ops), static_cast<unsigned long long>(r.found),
              r.seconds, r.OpsPerSec());
  j += Format(",\"mb_per_sec\":%.3f,\"micros_per_op\":%.4f", r.MbPerSec(), r.MicrosPerOp());
  if (r.has_latency) {
    j += Format(",\"p50_us\":%.3f,\"p99_us\":%.3f,\"p999_us\":%.3f,\"max_us\":%.3f",
                r.latency.Percentile(50) / 1e3, r.latency.Percentile(99) / 1e3,
                r.latency.Percentile(99.9) / 1e3, static_cast<double>(r.latency.max()) / 1e3);
  }
  j += Format(",\"db_dir_bytes\":%llu,\"sst_bytes\":%llu",
              static_cast<unsigned long long>(r.dir_bytes),
              static_cast<unsigned long long>(r.sst_bytes));
  j += ",\"files_per_level\":\"" + JsonEscape(r.files_per_level) + "\"";
  if (!r.note.empty()) j += ",\"note\":\"" + JsonEscape(r.note) + "\"";
  j += "}";
  return j;
}

std::string SummaryTables(const RunInfo& info, const std::vector<WorkloadResult>& results) {
  const bool has_mmdb = Has(info.engines, "mmdb");
  const bool vs_rocks = has_mmdb && Has(info.engines, "rocksdb");
  const bool vs_level = has_mmdb && Has(info.engines, "leveldb");
  std::string out;

  // Throughput and ratios.
  out += "| workload |";
  for (const std::string& e : info.engines) out += " " + e + " ops/s |";
  if (vs_rocks) out += " MMDB/RocksDB |";
  if (vs_level) out += " MMDB/LevelDB |";
  out += "\n|---|";
  for (size_t i = 0; i < info.engines.size() + vs_rocks + vs_level; ++i) out += "---:|";
  out += "\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    const std::string& w = info.workloads[step];
    out += "| " + w + " |";
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      out += " " + (r ? Thousands(r->OpsPerSec()) : std::string("-")) + " |";
    }
    const WorkloadResult* m = Median(results, step, "mmdb");
    if (vs_rocks) out += " " + Ratio(m, Median(results, step, "rocksdb")) + " |";
    if (vs_level) out += " " + Ratio(m, Median(results, step, "leveldb")) + " |";
    out += "\n";
  }

  // Latency of point ops (microseconds).
  bool any_latency = false;
  std::string lat =
      "\n| workload | engine | p50 us | p99 us | p99.9 us | max us | MB/s |\n"
      "|---|---|---:|---:|---:|---:|---:|\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    const std::string& w = info.workloads[step];
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      if (r == nullptr || !r->has_latency) continue;
      any_latency = true;
      lat += Format("| %s | %s | %.2f | %.2f | %.2f | %.0f | %.1f |\n", w.c_str(), e.c_str(),
                    r->latency.Percentile(50) / 1e3, r->latency.Percentile(99) / 1e3,
                    r->latency.Percentile(99.9) / 1e3, static_cast<double>(r->latency.max()) / 1e3,
                    r->MbPerSec());
    }
  }
  if (any_latency) out += lat;

  // Space after fills.
  bool any_fill = false;
  std::string space =
      "\n| after | engine | DB dir (du) | live SST | files per level |\n"
      "|---|---|---:|---:|---|\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    const std::string& w = info.workloads[step];
    if (!IsFillWorkload(w)) continue;
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      if (r == nullptr) continue;
      any_fill = true;
      space += "| " + w + " | " + e + " | " + Megabytes(r->dir_bytes) + " | " +
               Megabytes(r->sst_bytes) + " | " +
               (r->files_per_level.empty() ? "(all in memtable)" : r->files_per_level) + " |\n";
    }
  }
  if (any_fill) out += space;
  return out;
}

std::string MarkdownReport(const RunInfo& info, const std::vector<WorkloadResult>& results) {
  const BenchConfig& c = info.config;
  std::string out = "# mmdb_bench report\n\n";
  out += "Command: `" + info.command_line + "`\n\n";
  out += "Started " + info.started_at + " on " + CpuModel() + ", " +
         std::to_string(std::thread::hardware_concurrency()) +
         " hardware threads. Other work may share the machine: treat differences under "
         "~10% as noise.\n\n";
  out += Format(
      "num=%llu reads=%llu key_size=%d value_size=%d threads=%d (readers) seed=%llu "
      "repeat=%d (%s) flush_after_fill=%s\n\n",
      static_cast<unsigned long long>(c.num),
      static_cast<unsigned long long>(c.reads == 0 ? c.num : c.reads), c.key_size, c.value_size,
      c.threads, static_cast<unsigned long long>(c.seed), info.repeat,
      info.repeat > 1 ? "interleaved rounds, median shown" : "single round",
      c.flush_after_fill ? "yes" : "no");
  out += "## Throughput (ops/s; ratio > 1 means MMDB is faster)\n\n";
  out += SummaryTables(info, results);
  out += "\n## Engines and settings\n\n";
  for (size_t i = 0; i < info.engines.size(); ++i) {
    out += "- **" + info.engines[i] + "**: " + info.engine_versions[i] + "\n  `" +
           info.engine_settings[i] + "`\n";
  }
  out +=
      "\n## Notes\n\n"
      "- Debian's librocksdb-dev is built without -DNDEBUG (assertions on), which makes it "
      "slower than a release RocksDB build; ratios against it flatter MMDB.\n"
      "- Writes are single-threaded; --threads applies to read workloads (ops/s is the sum "
      "over threads).\n"
      "- MMDB's leveled compaction is still being built: until it lands every flushed file "
      "stays in L0, so MMDB reads on large fills pay for many L0 files.\n"
      "- See docs/benchmarks.md for what each workload does.\n";
  return out;
}

}  // namespace mmdb_bench
