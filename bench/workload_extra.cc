// readrandom_cold, itercreate and readwhilewriting (docs/benchmarks.md).
#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "bench/keys.h"
#include "bench/workload_util.h"

namespace mmdb_bench {
namespace {

// Reopens the DB with a tiny block cache after evicting its files from the
// OS page cache, then reads random keys: reads that go to the device.
bool ReadRandomCold(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  if (!EnsureKeys(c, run, r, error)) return false;
  const EngineSettings warm = run->current_settings();
  EngineSettings cold = warm;
  cold.cache_size = c.cold_cache_size;
  if (!run->Close(error)) return false;
  if (!DropDirectoryFromPageCache(run->dir(), error)) return false;
  if (!run->Reopen(error, &cold)) return false;
  BeginMeasure();
  const uint64_t reads = std::max<uint64_t>(1, c.reads / c.cold_divisor);
  if (!PointReads("readrandom_cold", c, c.threads, reads, /*missing=*/false, run->engine(),
                  run->key_count, r, error)) {
    return false;
  }
  std::string note = "reopened with a " + std::to_string(c.cold_cache_size >> 10) +
                     " KiB block cache after fsync + POSIX_FADV_DONTNEED on every DB file; " +
                     std::to_string(reads) + " reads per thread";
  r->note = r->note.empty() ? note : r->note + "; " + note;
  // Back to the run's own cache for what follows (untimed).
  return run->Reopen(error, &warm);
}

// Fills a DB with small write buffers and output files so it holds a few
// dozen SSTs, then times NewIterator + Seek + reading the first key.
bool IterCreate(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  EngineSettings settings = run->base_settings();
  const uint64_t data = c.num * static_cast<uint64_t>(c.key_size + c.value_size);
  // LevelDB clamps its file size to >= 1 MiB; every engine gets the same.
  const uint64_t file_size =
      std::max<uint64_t>(1u << 20, data / static_cast<uint64_t>(std::max(1, c.itercreate_ssts)));
  settings.target_file_size = file_size;
  settings.write_buffer_size = static_cast<size_t>(file_size);
  if (!run->Reset(error, &settings)) return false;
  {
    Engine* e = run->engine();
    std::vector<uint64_t> perm = Permutation(c.num, c.seed);
    ValuePool values(c.value_size, c.compression_ratio, c.seed);
    KeyFormatter keys(c.key_size);
    Progress progress(c, ProgressLabel(*run, "itercreate (fill)"), c.num);
    for (uint64_t i = 0; i < c.num; ++i) {
      EngineStatus s = e->Put(keys.Key(perm[i]), values.Value(i), false);
      if (!s.ok()) return Fail(error, "put", s);
      progress.Update(i);
    }
    EngineStatus s = e->Flush();
    if (!s.ok()) return Fail(error, "flush", s);
  }
  run->content = EngineRun::Content::kOther;  // small files: later workloads refill
  run->key_count = c.num;
  BeginMeasure();
  Engine* e = run->engine();
  const uint64_t key_space = c.num;
  auto reader = [&](int t, ThreadStats* st) {
    KeyFormatter keys(c.key_size);
    BenchRandom rnd(SeedFor(c, "itercreate", t));
    auto last = Clock::now();
    for (uint64_t i = 0; i < c.reads; ++i) {
      std::string_view target = keys.Key(rnd.Uniform(key_space));
      std::unique_ptr<EngineIterator> it = e->NewIterator();
      it->Seek(target);
      if (it->Valid()) {
        if (it->key() == target) ++st->found;
        st->bytes += it->key().size() + it->value().size();
      }
      EngineStatus s = it->status();
      if (!s.ok()) {
        st->error = "iterator: " + s.message;
        return;
      }
      auto now = Clock::now();
      st->latency.Add(NanosBetween(last, now));
      last = now;
    }
    st->ops = c.reads;
  };
  r->has_latency = true;
  if (!RunReaders(c.threads, reader, r, error)) return false;
  r->note = "new iterator + Seek + first key; DB of " + e->FilesPerLevel() + " (files of " +
            std::to_string(file_size >> 10) + " KiB)";
  return true;
}

// One writer thread overwriting random keys while c.threads readers Get
// random keys; ops/s is the readers'.
bool ReadWhileWriting(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  if (!EnsureKeys(c, run, r, error)) return false;
  BeginMeasure();
  Engine* e = run->engine();
  const uint64_t key_space = run->key_count;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> writes{0};
  std::string writer_error;
  auto writer_start = Clock::now();
  std::thread writer([&] {
    KeyFormatter keys(c.key_size);
    ValuePool values(c.value_size, c.compression_ratio, c.seed + 1);
    BenchRandom rnd(SeedFor(c, "readwhilewriting-writer", 0));
    uint64_t n = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      EngineStatus s = e->Put(keys.Key(rnd.Uniform(key_space)), values.Value(n), false);
      if (!s.ok()) {
        writer_error = "put: " + s.message;
        return;
      }
      ++n;
      writes.store(n, std::memory_order_relaxed);
      if (c.writer_rate > 0) {
        auto due = writer_start + std::chrono::nanoseconds(n * 1000000000ull / c.writer_rate);
        std::this_thread::sleep_until(due);
      }
    }
  });
  bool ok = PointReads("readwhilewriting", c, c.threads, c.reads, /*missing=*/false, e, key_space,
                       r, error);
  stop.store(true);
  writer.join();
  double seconds = SecondsBetween(writer_start, Clock::now());
  if (!ok) return false;
  if (!writer_error.empty()) {
    *error = writer_error;
    return false;
  }
  double writer_ops = seconds > 0 ? static_cast<double>(writes.load()) / seconds : 0;
  r->SetMetric("writer_ops_per_sec", writer_ops);
  std::string note = std::to_string(c.threads) + " reader(s) + 1 writer at " +
                     std::to_string(static_cast<uint64_t>(writer_ops)) + " puts/s";
  r->note = r->note.empty() ? note : r->note + "; " + note;
  return true;
}

}  // namespace

bool RunExtraWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                      std::string* error) {
  if (w == "readrandom_cold") return ReadRandomCold(c, run, r, error);
  if (w == "itercreate") return IterCreate(c, run, r, error);
  if (w == "readwhilewriting") return ReadWhileWriting(c, run, r, error);
  *error = "unknown workload '" + std::string(w) + "'";
  return false;
}

}  // namespace mmdb_bench
