// mmdb_bench: runs db_bench-style workloads on MMDB, RocksDB and LevelDB,
// configured alike, in one run, and reports ops/s, latency and the
// MMDB/RocksDB and MMDB/LevelDB ratios. docs/benchmarks.md explains it.
//
//   mmdb_bench --engine=mmdb,rocksdb,leveldb --num=1000000
//              --benchmarks=fillrandom,readrandom --report=bench/results/REPORT.md
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/engine.h"
#include "bench/keys.h"
#include "bench/report.h"
#include "bench/workload.h"

namespace mmdb_bench {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S%z", &tm);
  return buf;
}

// A fresh directory under $TMPDIR (or /tmp); empty on failure.
std::string MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mmdb_bench.XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return {};
  return buf.data();
}

struct Flags {
  std::string engines = "mmdb,rocksdb,leveldb";
  std::string benchmarks =
      "fillseq,fillrandom,overwrite,fillbatch,readrandom,readmissing,seekrandom,readseq,"
      "readreverse,deleterandom";
  std::string compression = "none";
  std::string db;
  std::string report;
  bool json = false;
  int repeat = 1;
};

int Main(int argc, char** argv) {
  Flags flags;
  BenchConfig config;
  EngineSettings settings;
  CLI::App app{"mmdb_bench: MMDB vs RocksDB vs LevelDB, db_bench-style workloads"};
  app.add_option("--engine", flags.engines, "Comma list of engines: mmdb,rocksdb,leveldb")
      ->capture_default_str();
  app.add_option("--benchmarks", flags.benchmarks, "Comma list of workloads, run in order")
      ->capture_default_str();
  app.add_option("--num", config.num, "Keys per fill; ops of overwrite/deleterandom")
      ->capture_default_str();
  app.add_option("--reads", config.reads, "Read ops per reader thread (0 = --num)")
      ->capture_default_str();
  app.add_option("--key_size", config.key_size, "Key bytes (zero-padded decimal)")
      ->capture_default_str();
  app.add_option("--value_size", config.value_size, "Value bytes")->capture_default_str();
  app.add_option("--compression_ratio", config.compression_ratio,
                 "Fraction of each value that is random (the rest repeats)")
      ->capture_default_str();
  app.add_option("--threads", config.threads, "Reader threads for read workloads")
      ->capture_default_str();
  app.add_option("--seed", config.seed, "Seed of the key sequences (same for every engine)")
      ->capture_default_str();
  app.add_option("--repeat", flags.repeat, "Rounds; >1 interleaves engines and reports medians")
      ->capture_default_str();
  app.add_option("--cache_size", settings.cache_size, "Block cache bytes")->capture_default_str();
  app.add_option("--block_size", settings.block_size, "Data block bytes")->capture_default_str();
  app.add_option("--write_buffer_size", settings.write_buffer_size, "Memtable bytes")
      ->capture_default_str();
  app.add_option("--bloom_bits", settings.bloom_bits, "Bloom bits per key (0 = none)")
      ->capture_default_str();
  app.add_option("--compression", flags.compression, "none, lz4 or zstd (LevelDB: always none)")
      ->capture_default_str();
  app.add_option("--background_threads", settings.background_threads,
                 "Flush + compaction threads (RocksDB max_background_jobs)")
      ->capture_default_str();
  app.add_option("--target_file_size", settings.target_file_size, "Compaction output file bytes")
      ->capture_default_str();
  app.add_flag("--flush_after_fill", config.flush_after_fill,
               "Flush the memtable (untimed) after each fill");
  app.add_option("--db", flags.db,
                 "Parent directory for the DBs (<db>/<engine> is wiped first and kept "
                 "after); default: a temp dir, removed after");
  app.add_flag("--json", flags.json, "One JSON line per result on stdout (text goes to stderr)");
  app.add_option("--report", flags.report, "Write a Markdown report to this file");
  CLI11_PARSE(app, argc, argv);

  RunInfo info;
  info.engines = SplitList(flags.engines);
  info.workloads = SplitList(flags.benchmarks);
  info.config = config;
  info.repeat = flags.repeat;
  info.started_at = Now();
  for (int i = 0; i < argc; ++i) info.command_line += (i ? " " : "") + std::string(argv[i]);

  auto die = [](const std::string& msg) {
    std::fprintf(stderr, "mmdb_bench: %s\n", msg.c_str());
    return 1;
  };
  if (info.engines.empty()) return die("--engine is empty");
  for (const std::string& e : info.engines) {
    if (e != "mmdb" && e != "rocksdb" && e != "leveldb") return die("unknown engine '" + e + "'");
  }
  if (info.workloads.empty()) return die("--benchmarks is empty");
  for (const std::string& w : info.workloads) {
    if (!IsKnownWorkload(w)) return die("unknown benchmark '" + w + "'");
  }
  if (!ParseCompression(flags.compression, &settings.compression)) {
    return die("unknown --compression '" + flags.compression + "' (none, lz4, zstd)");
  }
  if (config.key_size < 1 || config.value_size < 1 || config.threads < 1 || flags.repeat < 1 ||
      config.num < 1) {
    return die("--num, --key_size, --value_size, --threads and --repeat must be >= 1");
  }
  if (config.num > KeyFormatter::Capacity(config.key_size)) {
    return die("--num does not fit in --key_size decimal digits");
  }

  FILE* text = flags.json ? stderr : stdout;
  const bool temp = flags.db.empty();
  std::string base = temp ? MakeTempDir() : flags.db;
  if (base.empty()) return die("cannot create a temp directory");

  // Versions and settings, from a throwaway DB per engine.
  for (const std::string& e : info.engines) {
    std::string error;
    EngineRun probe(e, settings, base + "/" + e + ".probe");
    if (!probe.Reset(&error)) return die(error);
    info.engine_versions.push_back(probe.engine()->Version());
    info.engine_settings.push_back(probe.engine()->SettingsText());
    probe.Destroy();
    std::fprintf(text, "%-8s %s\n         %s\n", e.c_str(), info.engine_versions.back().c_str(),
                 info.engine_settings.back().c_str());
  }
  std::fprintf(text,
               "num=%llu reads=%llu key_size=%d value_size=%d threads=%d repeat=%d dir=%s\n"
               "(the machine may be shared: small differences are noise)\n",
               static_cast<unsigned long long>(config.num),
               static_cast<unsigned long long>(config.reads ? config.reads : config.num),
               config.key_size, config.value_size, config.threads, flags.repeat, base.c_str());
  std::fflush(text);

  std::vector<WorkloadResult> results;
  int status = 0;
  const size_t n_engines = info.engines.size();
  for (int round = 1; round <= flags.repeat && status == 0; ++round) {
    if (flags.repeat > 1) std::fprintf(text, "-- round %d of %d\n", round, flags.repeat);
    // Rotate the starting engine each round so none always runs first.
    for (size_t k = 0; k < n_engines && status == 0; ++k) {
      const std::string& e = info.engines[(k + static_cast<size_t>(round - 1)) % n_engines];
      EngineRun run(e, settings, base + "/" + e);
      for (size_t step = 0; step < info.workloads.size(); ++step) {
        const std::string& w = info.workloads[step];
        WorkloadResult r;
        std::string error;
        if (!RunWorkload(w, round, static_cast<int>(step), config, &run, &r, &error)) {
          status = die(e + " " + w + ": " + error);
          break;
        }
        std::fprintf(text, "%s\n", ResultLine(r).c_str());
        std::fflush(text);
        if (flags.json) {
          std::printf("%s\n", ResultJson(r, config).c_str());
          std::fflush(stdout);
        }
        results.push_back(std::move(r));
      }
      if (temp) {
        run.Destroy();
      } else {
        std::string error;
        if (!run.Close(&error)) status = die(e + " close: " + error);
      }
    }
  }
  if (temp) {
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
  }
  if (status != 0) return status;

  std::fprintf(text, "\n%s", SummaryTables(info, results).c_str());
  if (!flags.report.empty()) {
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(flags.report).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::ofstream out(flags.report);
    out << MarkdownReport(info, results);
    if (!out) return die("cannot write " + flags.report);
    std::fprintf(text, "\nreport written to %s\n", flags.report.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace mmdb_bench

int main(int argc, char** argv) { return mmdb_bench::Main(argc, argv); }
