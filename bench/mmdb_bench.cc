// mmdb_bench: runs db_bench-style workloads on MMDB, RocksDB and LevelDB,
// configured alike, in one run, and reports ops/s, latency and the
// MMDB/RocksDB and MMDB/LevelDB ratios. docs/benchmarks.md explains it.
//
//   mmdb_bench --engine=mmdb,rocksdb,leveldb --num=1000000
//              --benchmarks=fillrandom,readrandom --report=bench/results/REPORT.md
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/engine.h"
#include "bench/keys.h"
#include "bench/report.h"
#include "bench/result_codec.h"
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

// Runs one engine's workloads for one round, reporting through `emit`:
// kInfo first, then kStart/kResult per workload, kError on failure.
// Returns the exit code (0 = all ran).
using Emit = std::function<void(MessageType, std::string_view)>;

int RunEngineRound(const std::string& engine, int round, const std::vector<std::string>& workloads,
                   const BenchConfig& config, const EngineSettings& settings,
                   const std::string& dir, bool keep_dir, const Emit& emit) {
  std::string error;
  {
    EngineRun probe(engine, settings, dir + ".probe");
    if (!probe.Reset(&error)) {
      emit(MessageType::kError, error);
      return 1;
    }
    emit(MessageType::kInfo, probe.engine()->Version() + "\n" + probe.engine()->SettingsText());
    probe.Destroy();
  }
  EngineRun run(engine, settings, dir);
  int status = 0;
  for (size_t step = 0; step < workloads.size(); ++step) {
    const std::string& w = workloads[step];
    emit(MessageType::kStart, w);
    WorkloadResult r;
    if (!RunWorkload(w, round, static_cast<int>(step), config, &run, &r, &error)) {
      emit(MessageType::kError, w + ": " + error);
      status = 1;
      break;
    }
    emit(MessageType::kResult, EncodeResult(r));
  }
  if (keep_dir) {
    if (!run.Close(&error) && status == 0) {
      emit(MessageType::kError, "close: " + error);
      status = 1;
    }
  } else {
    run.Destroy();
  }
  return status;
}

// Runs RunEngineRound in a forked child (so peak RSS and bytes written
// belong to one engine) and feeds its messages to `emit`. The parent must
// not have started threads (RocksDB's thread pools do not survive a fork).
int RunEngineRoundInChild(const std::string& engine, int round,
                          const std::vector<std::string>& workloads, const BenchConfig& config,
                          const EngineSettings& settings, const std::string& dir, bool keep_dir,
                          const Emit& emit) {
  int fds[2];
  if (::pipe(fds) != 0) {
    emit(MessageType::kError, std::string("pipe: ") + std::strerror(errno));
    return 1;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid < 0) {
    emit(MessageType::kError, std::string("fork: ") + std::strerror(errno));
    return 1;
  }
  if (pid == 0) {
    ::close(fds[0]);
    int rc = RunEngineRound(engine, round, workloads, config, settings, dir, keep_dir,
                            [fd = fds[1]](MessageType t, std::string_view p) {
                              (void)WriteMessage(fd, t, p);  // a dead parent: nobody to tell
                            });
    std::fflush(stderr);
    ::_exit(rc);
  }
  ::close(fds[1]);
  std::string last_started;
  bool reported_error = false;
  MessageType type;
  std::string payload;
  while (ReadMessage(fds[0], &type, &payload)) {
    if (type == MessageType::kStart) last_started = payload;
    if (type == MessageType::kError) reported_error = true;
    emit(type, payload);
  }
  ::close(fds[0]);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(wstatus)) {
    int sig = WTERMSIG(wstatus);
    emit(MessageType::kError, "process died of signal " + std::to_string(sig) + " (" +
                                  strsignal(sig) + ") during workload '" + last_started + "'");
    return 1;
  }
  int rc = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1;
  if (rc != 0 && !reported_error) {
    emit(MessageType::kError,
         "exited with status " + std::to_string(rc) + " during workload '" + last_started + "'");
  }
  return rc;
}

struct Flags {
  std::string engines = "mmdb,rocksdb,leveldb";
  std::string benchmarks =
      "fillseq,fillrandom,overwrite,fillbatch,readrandom,readmissing,seekrandom,readseq,"
      "readreverse,deleterandom";
  std::string compression = "none";
  std::string db;
  std::string report;
  std::string chart;
  bool json = false;
  bool fork = true;
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
  app.add_option("--mmap_reads", settings.mmap_reads,
                 "MMDB and RocksDB read SSTs through mmap (LevelDB always does)")
      ->capture_default_str();
  app.add_option("--read_triggered_compaction", settings.read_triggered_compaction,
                 "MMDB: compact files reads keep searching in vain (LevelDB always does)")
      ->capture_default_str();
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
  app.add_option("--vsdb_steps", config.vsdb_steps,
                 "vsdb_cow mutation steps (WriteBatches of 4 nodes); 0 = num/20")
      ->capture_default_str();
  app.add_option("--vsdb_collections", config.vsdb_collections,
                 "vsdb collections; 0 = steps/50 (at least 16)")
      ->capture_default_str();
  app.add_option("--range_deletes", config.range_deletes,
                 "DeleteRanges of *_after_deleterange; 0 = num/200")
      ->capture_default_str();
  app.add_option("--queue_ops", config.queue_ops, "seek_queue operations; 0 = num/20")
      ->capture_default_str();
  app.add_option("--cold_cache_size", config.cold_cache_size, "readrandom_cold block cache bytes")
      ->capture_default_str();
  app.add_option("--itercreate_ssts", config.itercreate_ssts,
                 "SSTs the itercreate fill aims for (files >= 1 MiB)")
      ->capture_default_str();
  app.add_option("--writer_rate", config.writer_rate,
                 "readwhilewriting writer puts/s (0 = flat out)")
      ->capture_default_str();
  app.add_flag("--json", flags.json, "One JSON line per result on stdout (text goes to stderr)");
  app.add_option("--report", flags.report, "Write a Markdown report to this file");
  app.add_option("--chart", flags.chart,
                 "Write an SVG bar chart of the MMDB ratios per workload to this file");
  app.add_flag("--fork,!--no-fork", flags.fork,
               "Run each engine in a child process (per-engine peak RSS and bytes written)")
      ->capture_default_str();
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

  config.progress = true;  // drawn only when stderr is a terminal
  std::vector<WorkloadResult> results;
  info.engine_versions.assign(info.engines.size(), "");
  info.engine_settings.assign(info.engines.size(), "");
  bool header_printed = false;
  int status = 0;
  const size_t n_engines = info.engines.size();
  for (int round = 1; round <= flags.repeat && status == 0; ++round) {
    // Rotate the starting engine each round so none always runs first.
    for (size_t k = 0; k < n_engines && status == 0; ++k) {
      const size_t ei = (k + static_cast<size_t>(round - 1)) % n_engines;
      const std::string& e = info.engines[ei];
      std::string failure;
      auto emit = [&](MessageType type, std::string_view payload) {
        switch (type) {
          case MessageType::kInfo: {
            size_t nl = payload.find('\n');
            if (!info.engine_versions[ei].empty()) break;
            info.engine_versions[ei] = std::string(payload.substr(0, nl));
            info.engine_settings[ei] =
                nl == std::string_view::npos ? "" : std::string(payload.substr(nl + 1));
            std::fprintf(text, "%-8s %s\n         %s\n", e.c_str(),
                         info.engine_versions[ei].c_str(), info.engine_settings[ei].c_str());
            break;
          }
          case MessageType::kStart:
            if (!header_printed) {
              header_printed = true;
              std::fprintf(
                  text,
                  "num=%llu reads=%llu key_size=%d value_size=%d threads=%d repeat=%d "
                  "fork=%d dir=%s\n(the machine may be shared: small differences are noise)\n",
                  static_cast<unsigned long long>(config.num),
                  static_cast<unsigned long long>(config.reads ? config.reads : config.num),
                  config.key_size, config.value_size, config.threads, flags.repeat,
                  flags.fork ? 1 : 0, base.c_str());
            }
            if (flags.repeat > 1 && payload == info.workloads.front()) {
              std::fprintf(text, "-- round %d of %d: %s\n", round, flags.repeat, e.c_str());
            }
            break;
          case MessageType::kResult: {
            WorkloadResult r;
            if (!DecodeResult(payload, &r)) {
              failure = "garbled result from the engine process";
              break;
            }
            std::fprintf(text, "%s\n", ResultLine(r).c_str());
            if (flags.json) {
              std::printf("%s\n", ResultJson(r, config).c_str());
              std::fflush(stdout);
            }
            results.push_back(std::move(r));
            break;
          }
          case MessageType::kError:
            if (failure.empty()) failure = std::string(payload);
            break;
        }
        std::fflush(text);
      };
      const std::string dir = base + "/" + e;
      int rc =
          flags.fork
              ? RunEngineRoundInChild(e, round, info.workloads, config, settings, dir, !temp, emit)
              : RunEngineRound(e, round, info.workloads, config, settings, dir, !temp, emit);
      if (rc != 0 || !failure.empty()) {
        status = die(e + " (round " + std::to_string(round) +
                     "): " + (failure.empty() ? "failed" : failure));
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
  if (!flags.chart.empty()) {
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(flags.chart).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::ofstream out(flags.chart);
    out << RatioChartSvg(info, results);
    if (!out) return die("cannot write " + flags.chart);
    std::fprintf(text, "chart written to %s\n", flags.chart.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace mmdb_bench

int main(int argc, char** argv) { return mmdb_bench::Main(argc, argv); }
