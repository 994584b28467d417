// The db_bench-style workloads: fills, overwrite, deleterandom, point reads,
// seeks and scans over decimal keys (docs/benchmarks.md).
#include <algorithm>
#include <memory>
#include <string>

#include "bench/keys.h"
#include "bench/workload_util.h"

namespace mmdb_bench {
namespace {

enum class KeyOrder { kSequential, kPermutation, kUniform };

struct WriteSpec {
  uint64_t ops = 0;
  uint64_t key_space = 0;  // keys are in [0, key_space)
  KeyOrder order = KeyOrder::kUniform;
  bool sync = false;
  bool del = false;
};

// Single-threaded puts or deletes, one op (and one latency sample) each.
bool DoWrites(std::string_view workload, const BenchConfig& c, const WriteSpec& spec,
              EngineRun* run, WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  std::vector<uint64_t> perm;
  if (spec.order == KeyOrder::kPermutation) perm = Permutation(spec.key_space, c.seed);
  ValuePool values(c.value_size, c.compression_ratio, c.seed);
  KeyFormatter keys(c.key_size);
  BenchRandom rnd(SeedFor(c, workload, 0));
  Progress progress(c, ProgressLabel(*run, workload), spec.ops);
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
    progress.Update(i);
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = spec.ops;
  r->bytes = spec.ops * static_cast<uint64_t>(c.key_size + (spec.del ? 0 : c.value_size));
  r->user_write_bytes = r->bytes;
  r->has_latency = true;
  return true;
}

// fillbatch: WriteBatches of batch_size random puts; latency per batch.
bool DoBatchFill(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  std::vector<uint64_t> perm = Permutation(c.num, c.seed);
  ValuePool values(c.value_size, c.compression_ratio, c.seed);
  KeyFormatter keys(c.key_size);
  std::unique_ptr<EngineBatch> batch = e->NewBatch();
  Progress progress(c, ProgressLabel(*run, "fillbatch"), c.num);
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
    progress.Update(i);
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = c.num;
  r->bytes = c.num * static_cast<uint64_t>(c.key_size + c.value_size);
  r->user_write_bytes = r->bytes;
  r->has_latency = true;
  r->note = "latency per batch of " + std::to_string(c.batch_size);
  return true;
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
  return RunReaders(c.threads, reader, r, error);
}

bool Fill(std::string_view workload, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
          std::string* error) {
  if (!run->Reset(error)) return false;
  BeginMeasure();
  bool ok = false;
  uint64_t key_count = c.num;
  if (workload == "fillseq") {
    ok = DoWrites(workload, c, {c.num, c.num, KeyOrder::kSequential, false, false}, run, r, error);
  } else if (workload == "fillrandom") {
    ok = DoWrites(workload, c, {c.num, c.num, KeyOrder::kPermutation, false, false}, run, r, error);
  } else if (workload == "fillbatch") {
    ok = DoBatchFill(c, run, r, error);
  } else {  // fillsync
    key_count = std::max<uint64_t>(1, c.num / c.sync_divisor);
    ok = DoWrites(workload, c, {key_count, key_count, KeyOrder::kPermutation, true, false}, run, r,
                  error);
    r->note = "sync=true, num/" + std::to_string(c.sync_divisor) + " ops";
  }
  if (!ok) return false;
  run->content = EngineRun::Content::kKeys;
  run->key_count = key_count;
  run->keys_intact = true;
  if (c.flush_after_fill) {
    EngineStatus s = run->engine()->Flush();
    if (!s.ok()) return Fail(error, "flush", s);
  }
  return true;
}

}  // namespace

bool EnsureKeys(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  if (run->content == EngineRun::Content::kKeys && run->engine() != nullptr) return true;
  WorkloadResult ignored;
  if (!Fill("fillrandom", c, run, &ignored, error)) return false;
  r->note = "after an untimed fillrandom";
  return true;
}

bool PointReads(std::string_view workload, const BenchConfig& c, int threads, uint64_t reads,
                bool missing, Engine* e, uint64_t key_space, WorkloadResult* r,
                std::string* error) {
  key_space = std::max<uint64_t>(key_space, 1);
  auto reader = [&](int t, ThreadStats* st) {
    KeyFormatter keys(c.key_size);
    BenchRandom rnd(SeedFor(c, workload, t));
    std::string value;
    auto last = Clock::now();
    for (uint64_t i = 0; i < reads; ++i) {
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
    st->ops = reads;
  };
  r->has_latency = true;
  return RunReaders(threads, reader, r, error);
}

bool SeekReads(std::string_view workload, const BenchConfig& c, int threads, uint64_t reads,
               Engine* e, uint64_t key_space, WorkloadResult* r, std::string* error) {
  constexpr int kNexts = 10;
  key_space = std::max<uint64_t>(key_space, 1);
  auto reader = [&](int t, ThreadStats* st) {
    KeyFormatter keys(c.key_size);
    BenchRandom rnd(SeedFor(c, workload, t));
    std::unique_ptr<EngineIterator> it = e->NewIterator();
    auto last = Clock::now();
    for (uint64_t i = 0; i < reads; ++i) {
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
    st->ops = reads;
  };
  r->has_latency = true;
  return RunReaders(threads, reader, r, error);
}

bool RunBasicWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                      std::string* error) {
  if (w.starts_with("fill")) return Fill(w, c, run, r, error);
  if (!EnsureKeys(c, run, r, error)) return false;
  BeginMeasure();
  std::string note = std::move(r->note);
  r->note.clear();
  const uint64_t keys = run->key_count;
  bool ok = false;
  if (w == "overwrite") {
    ok = DoWrites(w, c, {c.num, keys, KeyOrder::kUniform, false, false}, run, r, error);
  } else if (w == "deleterandom") {
    ok = DoWrites(w, c, {c.num, keys, KeyOrder::kUniform, false, true}, run, r, error);
    run->keys_intact = false;
  } else if (w == "readrandom") {
    ok = PointReads(w, c, c.threads, c.reads, /*missing=*/false, run->engine(), keys, r, error);
  } else if (w == "readmissing") {
    ok = PointReads(w, c, c.threads, c.reads, /*missing=*/true, run->engine(), keys, r, error);
  } else if (w == "seekrandom") {
    ok = SeekReads(w, c, c.threads, c.reads, run->engine(), keys, r, error);
    r->note = "Seek + 10 Next per op";
  } else if (w == "readseq") {
    ok = DoScan(c, /*reverse=*/false, run, r, error);
  } else if (w == "readreverse") {
    ok = DoScan(c, /*reverse=*/true, run, r, error);
  } else {
    *error = "unknown workload '" + std::string(w) + "'";
    return false;
  }
  if (!note.empty()) r->note = r->note.empty() ? note : note + "; " + r->note;
  return ok;
}

}  // namespace mmdb_bench
