#include "bench/report.h"

#include <algorithm>
#include <cmath>
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
  if (!IsWriteWorkload(r.workload)) {
    line += Format("  (%llu of %llu found)", static_cast<unsigned long long>(r.found),
                   static_cast<unsigned long long>(r.ops));
  }
  if (r.WriteAmp() > 0) line += Format("  w-amp %.2f", r.WriteAmp());
  if (r.peak_rss_bytes > 0) line += "  rss " + Megabytes(r.peak_rss_bytes);
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
  j += Format(",\"user_write_bytes\":%llu,\"io_write_bytes\":%llu,\"write_amp\":%.3f",
              static_cast<unsigned long long>(r.user_write_bytes),
              static_cast<unsigned long long>(r.io_write_bytes), r.WriteAmp());
  j += Format(",\"peak_rss_bytes\":%llu", static_cast<unsigned long long>(r.peak_rss_bytes));
  for (const auto& [name, value] : r.metrics) {
    j += ",\"" + JsonEscape(name) + "\":" + Format("%.6g", value);
  }
  j += ",\"files_per_level\":\"" + JsonEscape(r.files_per_level) + "\"";
  if (!r.note.empty()) j += ",\"note\":\"" + JsonEscape(r.note) + "\"";
  j += "}";
  return j;
}

namespace {

// MMDB ops/s over `baseline` ops/s for a step; NaN when either is missing.
double RatioValue(const std::vector<WorkloadResult>& results, size_t step,
                  const std::string& baseline) {
  const WorkloadResult* m = Median(results, step, "mmdb");
  const WorkloadResult* b = Median(results, step, baseline);
  if (m == nullptr || b == nullptr || b->OpsPerSec() == 0) return std::nan("");
  return m->OpsPerSec() / b->OpsPerSec();
}

}  // namespace

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

  // Space and write amplification after fills.
  bool any_fill = false;
  std::string space =
      "\n| after | engine | DB dir (du) | live SST | write amp | files per level |\n"
      "|---|---|---:|---:|---:|---|\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    const std::string& w = info.workloads[step];
    if (!IsFillWorkload(w)) continue;
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      if (r == nullptr) continue;
      any_fill = true;
      space += "| " + w + " | " + e + " | " + Megabytes(r->dir_bytes) + " | " +
               Megabytes(r->sst_bytes) + " | " +
               (r->WriteAmp() > 0 ? Format("%.2f", r->WriteAmp()) : std::string("-")) + " | " +
               (r->files_per_level.empty() ? "(all in memtable)" : r->files_per_level) + " |\n";
    }
  }
  if (any_fill) out += space;

  // Peak RSS per workload.
  bool any_rss = false;
  std::string rss = "\n| workload |";
  for (const std::string& e : info.engines) rss += " " + e + " peak RSS |";
  rss += "\n|---|";
  for (size_t i = 0; i < info.engines.size(); ++i) rss += "---:|";
  rss += "\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    rss += "| " + info.workloads[step] + " |";
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      bool known = r != nullptr && r->peak_rss_bytes > 0;
      any_rss |= known;
      rss += " " + (known ? Megabytes(r->peak_rss_bytes) : std::string("-")) + " |";
    }
    rss += "\n";
  }
  if (any_rss) out += rss;

  // Reads after deletes: before/after per engine.
  bool any_delete = false;
  std::string del =
      "\n| delete-heavy workload | engine | ops/s before | ops/s after | after/before |\n"
      "|---|---|---:|---:|---:|\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      if (r == nullptr || r->Metric("after_vs_before", -1) < 0) continue;
      any_delete = true;
      del += Format("| %s | %s | %s | %s | %.2fx |\n", info.workloads[step].c_str(), e.c_str(),
                    Thousands(r->Metric("before_ops_per_sec")).c_str(),
                    Thousands(r->OpsPerSec()).c_str(), r->Metric("after_vs_before"));
    }
  }
  if (any_delete) out += del;

  // Garbage collection.
  bool any_gc = false;
  std::string gc =
      "\n| GC | engine | SST before | SST after | reclaimed | seconds |\n"
      "|---|---|---:|---:|---:|---:|\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      if (r == nullptr || r->Metric("reclaimed_bytes", -1e300) == -1e300) continue;
      any_gc = true;
      double before = r->Metric("sst_bytes_before");
      double after = r->Metric("sst_bytes_after");
      gc += Format("| %s | %s | %.1f MB | %.1f MB | %.0f%% | %.2f |\n",
                   info.workloads[step].c_str(), e.c_str(), before / 1e6, after / 1e6,
                   before > 0 ? 100.0 * (before - after) / before : 0.0, r->seconds);
    }
  }
  if (any_gc) out += gc;
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

  // Workloads where MMDB trails a baseline.
  std::string slow;
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    for (const char* baseline : {"rocksdb", "leveldb"}) {
      double ratio = RatioValue(results, step, baseline);
      if (!std::isnan(ratio) && ratio < 1.0) {
        slow += Format("- %s: %.2fx of %s\n", info.workloads[step].c_str(), ratio, baseline);
      }
    }
  }
  if (!slow.empty()) out += "\n## Where MMDB is slower (ratio < 1.0)\n\n" + slow;

  out += "\n## Engines and settings\n\n";
  for (size_t i = 0; i < info.engines.size(); ++i) {
    out += "- **" + info.engines[i] + "**: " + info.engine_versions[i] + "\n  `" +
           info.engine_settings[i] + "`\n";
  }
  out += "\n## Notes per result\n\n";
  for (size_t step = 0; step < info.workloads.size(); ++step) {
    for (const std::string& e : info.engines) {
      const WorkloadResult* r = Median(results, step, e);
      if (r != nullptr && !r->note.empty()) {
        out += "- " + info.workloads[step] + " / " + e + ": " + r->note + "\n";
      }
    }
  }
  out +=
      "\n## Notes\n\n"
      "- Each engine runs in its own child process: peak RSS (VmHWM, reset before every "
      "workload through /proc/self/clear_refs) and bytes written (/proc/self/io wchar: WAL, "
      "flushes and compactions that ran during the workload) are that engine's alone. Write amp "
      "= bytes written / key+value bytes written by the workload; background work still "
      "running when the workload ends is not included.\n"
      "- The RocksDB line above says which library was linked: a release build "
      "(`make baseline-rocksdb`, -O2 -DNDEBUG) or Debian's librocksdb, which is built without "
      "-DNDEBUG (assertions on) and is slower; ratios against that one flatter MMDB.\n"
      "- Writes are single-threaded; --threads applies to read workloads (ops/s is the sum "
      "over threads).\n"
      "- EMULATED in a note means the engine lacks the feature (LevelDB: DeleteRange, GC "
      "hook) and the benchmark does the closest equivalent.\n"
      "- See docs/benchmarks.md for what each workload does.\n";
  return out;
}

std::string RatioChartSvg(const RunInfo& info, const std::vector<WorkloadResult>& results) {
  struct Series {
    const char* baseline;
    const char* label;
    const char* color;
  };
  std::vector<Series> series;
  if (Has(info.engines, "mmdb") && Has(info.engines, "rocksdb")) {
    series.push_back({"rocksdb", "MMDB / RocksDB", "#3b6fb6"});
  }
  if (Has(info.engines, "mmdb") && Has(info.engines, "leveldb")) {
    series.push_back({"leveldb", "MMDB / LevelDB", "#e08a2c"});
  }
  // Log2 axis from 1/8x to 8x, clamped; the label shows the true ratio.
  constexpr double kMaxLog = 3.0;
  constexpr int kLabelWidth = 190;
  constexpr int kPlotWidth = 560;
  constexpr int kBar = 9;
  constexpr int kTop = 50;
  const int row = std::max<int>(12, kBar * static_cast<int>(series.size()) + 8);
  const int rows = static_cast<int>(info.workloads.size());
  const int height = kTop + rows * row + 40;
  const int width = kLabelWidth + kPlotWidth + 70;
  const double center = kLabelWidth + kPlotWidth / 2.0;
  auto x_of = [&](double ratio) {
    double l = std::clamp(std::log2(ratio), -kMaxLog, kMaxLog);
    return center + l / kMaxLog * (kPlotWidth / 2.0);
  };
  std::string svg = Format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">mmdb_bench: MMDB throughput "
      "relative to each baseline (log scale, &gt; 1 = MMDB faster)</text>\n",
      width, height);
  for (size_t i = 0; i < series.size(); ++i) {
    int lx = kLabelWidth + static_cast<int>(i) * 150;
    svg += Format(
        "<rect x=\"%d\" y=\"28\" width=\"12\" height=\"10\" fill=\"%s\"/>"
        "<text x=\"%d\" y=\"37\">%s</text>\n",
        lx, series[i].color, lx + 16, series[i].label);
  }
  // Grid lines at 1/8 .. 8.
  for (double g : {0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0}) {
    double x = x_of(g);
    svg += Format(
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
        "stroke-width=\"%s\"/>\n",
        x, kTop - 4, x, kTop + rows * row, g == 1.0 ? "#333" : "#ddd", g == 1.0 ? "1.5" : "1");
    svg += Format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%gx</text>\n", x,
                  kTop + rows * row + 14, g);
  }
  for (int i = 0; i < rows; ++i) {
    const size_t step = static_cast<size_t>(i);
    int y = kTop + i * row;
    svg += Format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", kLabelWidth - 8,
                  y + row / 2 + 4, info.workloads[step].c_str());
    for (size_t k = 0; k < series.size(); ++k) {
      double ratio = RatioValue(results, step, series[k].baseline);
      if (std::isnan(ratio) || ratio <= 0) continue;
      double x = x_of(ratio);
      double left = std::min(x, center);
      int by = y + 4 + static_cast<int>(k) * kBar;
      svg += Format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", left,
                    by, std::max(1.0, std::abs(x - center)), kBar - 1, series[k].color);
      svg += Format("<text x=\"%.1f\" y=\"%d\" font-size=\"9\" text-anchor=\"%s\">%.2fx</text>\n",
                    ratio >= 1 ? x + 3 : x - 3, by + kBar - 2, ratio >= 1 ? "start" : "end", ratio);
    }
  }
  svg += Format(
      "<text x=\"10\" y=\"%d\" fill=\"#555\">%s</text>\n", height - 8,
      ("median of " + std::to_string(info.repeat) + " round(s); " + info.started_at).c_str());
  svg += "</svg>\n";
  return svg;
}

}  // namespace mmdb_bench
