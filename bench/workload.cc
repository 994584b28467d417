#include "bench/workload.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <latch>
#include <system_error>
#include <thread>

#include "bench/keys.h"

namespace mmdb_bench {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t NanosBetween(Clock::time_point a, Clock::time_point b) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

double SecondsBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

bool Fail(std::string* error, std::string_view op, const EngineStatus& s) {
  *error = std::string(op) + ": " + s.message;
  return false;
}

// A distinct, reproducible seed per (workload, thread).
uint64_t SeedFor(const BenchConfig& c, std::string_view workload, int thread) {
  uint64_t h = c.seed;
  for (char ch : workload) h = h * 131 + static_cast<unsigned char>(ch);
  return h * 0x9e3779b97f4a7c15ull + static_cast<uint64_t>(thread);
}

enum class KeyOrder { kSequential, kPermutation, kUniform };

struct WriteSpec {
  uint64_t ops = 0;
  uint64_t key_space = 0;  // keys are in [0, key_space)
  KeyOrder order = KeyOrder::kUniform;
  bool sync = false;
  bool del = false;
};

// Single-threaded puts or deletes, one op (and one latency sample) each.
bool DoWrites(std::string_view workload, const BenchConfig& c, const WriteSpec& spec, Engine* e,
              WorkloadResult* r, std::string* error) {
  std::vector<uint64_t> perm;
  if (spec.order == KeyOrder::kPermutation) perm = Permutation(spec.key_space, c.seed);
  ValuePool values(c.value_size, c.compression_ratio, c.seed);
  KeyFormatter keys(c.key_size);
  BenchRandom rnd(SeedFor(c, workload, 0));
  auto start = Clock::now();
  auto last = start;
  for (uint64_t i = 0; i < spec.ops; ++i) {
    uint64_t n = spec.order == KeyOrder::kSequential    ? i
                 : spec.order == KeyOrder::kPermutation ? perm[i]
                                                        : rnd.Uniform(spec.key_space);
    std::string_view key = keys.Key(n);
    EngineStatus s = spec.del ? e->Delete(key, spec.sync) : e->Put(key, values.Value(i), spec.sync);
    if (!s.ok()) return Fail(error, spec.del ? "delete" : "put", s);
    auto now = Clock::now();
    r->latency.Add(NanosBetween(last, now));
    last = now;
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = spec.ops;
  r->bytes = spec.ops * static_cast<uint64_t>(c.key_size + (spec.del ? 0 : c.value_size));
  r->has_latency = true;
  return true;
}

// fillbatch: WriteBatches of batch_size random puts; latency per batch.
bool DoBatchFill(const BenchConfig& c, Engine* e, WorkloadResult* r, std::string* error) {
  std::vector<uint64_t> perm = Permutation(c.num, c.seed);
  ValuePool values(c.value_size, c.compression_ratio, c.seed);
  KeyFormatter keys(c.key_size);
  std::unique_ptr<EngineBatch> batch = e->NewBatch();
  auto start = Clock::now();
  auto last = start;
  for (uint64_t i = 0; i < c.num;) {
    batch->Clear();
    uint64_t end = std::min<uint64_t>(c.num, i + static_cast<uint64_t>(c.batch_size));
    for (; i < end; ++i) batch->Put(keys.Key(perm[i]), values.Value(i));
    EngineStatus s = e->Write(batch.get(), /*sync=*/false);
    if (!s.ok()) return Fail(error, "write batch", s);
    auto now = Clock::now();
    r->latency.Add(NanosBetween(last, now));
    last = now;
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = c.num;
  r->bytes = c.num * static_cast<uint64_t>(c.key_size + c.value_size);
  r->has_latency = true;
  r->note = "latency per batch of " + std::to_string(c.batch_size);
  return true;
}

// What one reader thread did.
struct ThreadStats {
  LatencyHistogram latency;
  uint64_t ops = 0;
  uint64_t found = 0;
  uint64_t bytes = 0;
  std::string error;
};

// Runs fn(thread_index, &stats) on c.threads threads started together; the
// wall time runs from the common start to the last thread's end.
template <typename Fn>
bool RunReaders(const BenchConfig& c, Fn fn, WorkloadResult* r, std::string* error) {
  std::vector<ThreadStats> stats(static_cast<size_t>(c.threads));
  std::latch ready(c.threads + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  for (int t = 0; t < c.threads; ++t) {
    threads.emplace_back([&, t] {
      ready.count_down();
      go.wait();
      fn(t, &stats[static_cast<size_t>(t)]);
    });
  }
  ready.arrive_and_wait();
  auto start = Clock::now();
  go.count_down();
  for (std::thread& th : threads) th.join();
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

bool DoPointReads(std::string_view workload, const BenchConfig& c, bool missing, EngineRun* run,
                  WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  uint64_t key_space = std::max<uint64_t>(run->key_count, 1);
  auto reader = [&](int t, ThreadStats* st) {
    KeyFormatter keys(c.key_size);
    BenchRandom rnd(SeedFor(c, workload, t));
    std::string value;
    auto last = Clock::now();
    for (uint64_t i = 0; i < c.reads; ++i) {
      uint64_t n = rnd.Uniform(key_space);
      EngineStatus s = e->Get(missing ? keys.MissingKey(n) : keys.Key(n), &value);
      if (s.ok()) {
        ++st->found;
        st->bytes += static_cast<uint64_t>(c.key_size) + value.size();
      } else if (!s.IsNotFound()) {
        st->error = "get: " + s.message;
        return;
      }
      auto now = Clock::now();
      st->latency.Add(NanosBetween(last, now));
      last = now;
    }
    st->ops = c.reads;
  };
  r->has_latency = true;
  return RunReaders(c, reader, r, error);
}

// seekrandom: Seek to a random existing key, then up to 10 Next. One
// iterator per thread, reused (the DB does not change meanwhile).
bool DoSeeks(std::string_view workload, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
             std::string* error) {
  constexpr int kNexts = 10;
  Engine* e = run->engine();
  uint64_t key_space = std::max<uint64_t>(run->key_count, 1);
  auto reader = [&](int t, ThreadStats* st) {
    KeyFormatter keys(c.key_size);
    BenchRandom rnd(SeedFor(c, workload, t));
    std::unique_ptr<EngineIterator> it = e->NewIterator();
    auto last = Clock::now();
    for (uint64_t i = 0; i < c.reads; ++i) {
      std::string_view target = keys.Key(rnd.Uniform(key_space));
      it->Seek(target);
      if (it->Valid() && it->key() == target) ++st->found;
      for (int k = 0; k < kNexts && it->Valid(); ++k) {
        st->bytes += it->key().size() + it->value().size();
        it->Next();
      }
      auto now = Clock::now();
      st->latency.Add(NanosBetween(last, now));
      last = now;
    }
    EngineStatus s = it->status();
    if (!s.ok()) st->error = "iterator: " + s.message;
    st->ops = c.reads;
  };
  r->has_latency = true;
  r->note = "Seek + 10 Next per op";
  return RunReaders(c, reader, r, error);
}

// readseq / readreverse: each thread scans up to `reads` entries from one end.
bool DoScan(const BenchConfig& c, bool reverse, EngineRun* run, WorkloadResult* r,
            std::string* error) {
  Engine* e = run->engine();
  auto reader = [&](int, ThreadStats* st) {
    std::unique_ptr<EngineIterator> it = e->NewIterator();
    uint64_t n = 0;
    if (reverse) {
      for (it->SeekToLast(); n < c.reads && it->Valid(); it->Prev(), ++n) {
        st->bytes += it->key().size() + it->value().size();
      }
    } else {
      for (it->SeekToFirst(); n < c.reads && it->Valid(); it->Next(), ++n) {
        st->bytes += it->key().size() + it->value().size();
      }
    }
    EngineStatus s = it->status();
    if (!s.ok()) st->error = "iterator: " + s.message;
    st->ops = n;
    st->found = n;
  };
  return RunReaders(c, reader, r, error);
}

bool Fill(std::string_view workload, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
          std::string* error) {
  if (!run->Reset(error)) return false;
  Engine* e = run->engine();
  bool ok = false;
  uint64_t key_count = c.num;
  if (workload == "fillseq") {
    ok = DoWrites(workload, c, {c.num, c.num, KeyOrder::kSequential, false, false}, e, r, error);
  } else if (workload == "fillrandom") {
    ok = DoWrites(workload, c, {c.num, c.num, KeyOrder::kPermutation, false, false}, e, r, error);
  } else if (workload == "fillbatch") {
    ok = DoBatchFill(c, e, r, error);
  } else {  // fillsync
    key_count = std::max<uint64_t>(1, c.num / c.sync_divisor);
    ok = DoWrites(workload, c, {key_count, key_count, KeyOrder::kPermutation, true, false}, e, r,
                  error);
    r->note = "sync=true, num/" + std::to_string(c.sync_divisor) + " ops";
  }
  if (!ok) return false;
  run->loaded = true;
  run->key_count = key_count;
  if (c.flush_after_fill) {
    EngineStatus s = e->Flush();
    if (!s.ok()) return Fail(error, "flush", s);
  }
  return true;
}

}  // namespace

const std::vector<std::string>& AllWorkloads() {
  static const std::vector<std::string> kAll = {
      "fillseq",     "fillrandom", "overwrite", "fillbatch",   "fillsync",    "readrandom",
      "readmissing", "seekrandom", "readseq",   "readreverse", "deleterandom"};
  return kAll;
}

bool IsKnownWorkload(std::string_view name) {
  const auto& all = AllWorkloads();
  return std::find(all.begin(), all.end(), name) != all.end();
}

bool IsFillWorkload(std::string_view name) { return name.starts_with("fill"); }

EngineRun::~EngineRun() {
  std::string ignored;  // best effort on the way out
  (void)Close(&ignored);
}

bool EngineRun::Reset(std::string* error) {
  Destroy();
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(dir_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  engine_ = OpenEngine(engine_name_, settings_, dir_, error);
  loaded = false;
  key_count = 0;
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

  bool ok = false;
  if (IsFillWorkload(workload)) {
    ok = Fill(workload, c, run, result, error);
  } else {
    if (!run->loaded) {  // untimed fillrandom so there is something to read
      WorkloadResult ignored;
      if (!Fill("fillrandom", c, run, &ignored, error)) return false;
      result->note = "after an untimed fillrandom";
    }
    Engine* e = run->engine();
    const uint64_t keys = run->key_count;
    std::string note = std::move(result->note);
    result->note.clear();
    if (workload == "overwrite") {
      ok = DoWrites(workload, c, {c.num, keys, KeyOrder::kUniform, false, false}, e, result, error);
    } else if (workload == "deleterandom") {
      ok = DoWrites(workload, c, {c.num, keys, KeyOrder::kUniform, false, true}, e, result, error);
    } else if (workload == "readrandom") {
      ok = DoPointReads(workload, c, /*missing=*/false, run, result, error);
    } else if (workload == "readmissing") {
      ok = DoPointReads(workload, c, /*missing=*/true, run, result, error);
    } else if (workload == "seekrandom") {
      ok = DoSeeks(workload, c, run, result, error);
    } else if (workload == "readseq") {
      ok = DoScan(c, /*reverse=*/false, run, result, error);
    } else if (workload == "readreverse") {
      ok = DoScan(c, /*reverse=*/true, run, result, error);
    } else {
      *error = "unknown workload '" + std::string(workload) + "'";
      return false;
    }
    if (!note.empty()) result->note = result->note.empty() ? note : note + "; " + result->note;
  }
  if (!ok) return false;
  result->dir_bytes = DirectoryBytes(run->dir());
  result->sst_bytes = run->engine()->SstBytes();
  result->files_per_level = run->engine()->FilesPerLevel();
  return true;
}

}  // namespace mmdb_bench
