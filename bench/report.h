// Output of mmdb_bench: one line per result (text or JSON), the summary
// tables (median over rounds, MMDB/RocksDB and MMDB/LevelDB ratios) and the
// Markdown report.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "bench/workload.h"

namespace mmdb_bench {

// What the report says about the run besides the numbers.
struct RunInfo {
  std::string command_line;
  std::vector<std::string> engines;          // in the order run
  std::vector<std::string> workloads;        // in the order run
  std::vector<std::string> engine_versions;  // parallel to engines
  std::vector<std::string> engine_settings;  // parallel to engines
  BenchConfig config;
  int repeat = 1;
  std::string started_at;  // local time, ISO 8601
};

// "fillrandom  mmdb    :  2.345 micros/op  426,000 ops/s ..." for one result.
std::string ResultLine(const WorkloadResult& r);
// One JSON object (no trailing newline).
std::string ResultJson(const WorkloadResult& r, const BenchConfig& config);

// The median-of-rounds result per (workload, engine) as Markdown tables:
// throughput with ratios, latency, and space after fills.
std::string SummaryTables(const RunInfo& info, const std::vector<WorkloadResult>& results);
// The whole report: run description, settings per engine, tables, notes.
std::string MarkdownReport(const RunInfo& info, const std::vector<WorkloadResult>& results);
// A standalone SVG: per workload, bars of MMDB/RocksDB and MMDB/LevelDB on a
// log scale around 1.0.
std::string RatioChartSvg(const RunInfo& info, const std::vector<WorkloadResult>& results);

}  // namespace mmdb_bench
