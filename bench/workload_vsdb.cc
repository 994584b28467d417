// The vsdb set: copy-on-write tree nodes in many collections (VsdbModel),
// written in per-step WriteBatches and read by point, prefix and range
// reads; collections dropped by DeleteRange; dead nodes garbage-collected.
// Every read is checked against the model: a wrong answer fails the run.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "bench/keys.h"
#include "bench/vsdb_model.h"
#include "bench/workload_util.h"

namespace mmdb_bench {
namespace {

// The vsdb configuration: 16 KiB blocks, 8-byte prefixes with a prefix
// bloom filter, LZ4 on L0-L1 and Zstd below, the GC hook; the rest (cache,
// write buffer, bloom bits, threads) from the run's settings.
EngineSettings VsdbSettings(const EngineSettings& base) {
  EngineSettings s = base;
  s.block_size = 16u << 10;
  s.prefix_length = VsdbModel::kPrefixLength;
  s.compression_per_level = {Compression::kLz4, Compression::kLz4, Compression::kZstd};
  s.gc_filter = true;
  return s;
}

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (char ch : bytes) {
    auto b = static_cast<unsigned char>(ch);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// Counts the entries of a prefix iterator forward (SeekToFirst/Next) or
// backward (SeekToLast/Prev), checking every key has the prefix.
bool CountPrefix(Engine* e, const std::string& prefix, bool reverse, uint64_t* count,
                 uint64_t* bytes, std::string* error) {
  std::unique_ptr<EngineIterator> it = e->NewPrefixIterator(prefix);
  uint64_t n = 0;
  if (reverse) {
    it->SeekToLast();
  } else {
    it->SeekToFirst();
  }
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    if (!it->key().starts_with(prefix)) {
      *error = "prefix iterator of " + Hex(prefix) + " returned key " + Hex(it->key());
      return false;
    }
    ++n;
    if (bytes != nullptr) *bytes += it->key().size() + it->value().size();
  }
  EngineStatus s = it->status();
  if (!s.ok()) return Fail(error, "prefix iterator", s);
  *count = n;
  return true;
}

bool CheckCollectionCount(Engine* e, const VsdbModel::Collection& col, std::string_view when,
                          std::string* error) {
  for (bool reverse : {false, true}) {
    uint64_t n = 0;
    if (!CountPrefix(e, VsdbModel::Prefix(col.id), reverse, &n, nullptr, error)) return false;
    if (n != col.present) {
      *error = std::string(when) + ": collection " + std::to_string(col.id) + " has " +
               std::to_string(n) + " keys " + (reverse ? "backward" : "forward") + ", expected " +
               std::to_string(col.present);
      return false;
    }
  }
  return true;
}

bool VsdbCow(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  const uint64_t steps = c.vsdb_steps > 0 ? c.vsdb_steps : std::max<uint64_t>(1, c.num / 20);
  const uint64_t collections =
      c.vsdb_collections > 0 ? c.vsdb_collections : std::max<uint64_t>(16, steps / 50);
  EngineSettings settings = VsdbSettings(run->base_settings());
  if (!run->Reset(error, &settings)) return false;
  BeginMeasure();
  run->vsdb = std::make_unique<VsdbModel>(collections, c.seed);
  VsdbModel& model = *run->vsdb;
  Engine* e = run->engine();
  ValuePool values(static_cast<int>(VsdbModel::kMaxValue), c.compression_ratio, c.seed);
  BenchRandom rnd(SeedFor(c, "vsdb_cow", 0));
  std::unique_ptr<EngineBatch> batch = e->NewBatch();
  Progress progress(c, ProgressLabel(*run, "vsdb_cow"), steps);
  uint64_t bytes = 0;
  auto start = Clock::now();
  auto last = start;
  for (uint64_t i = 0; i < steps; ++i) {
    auto [index, first] = model.Step(&rnd);
    const uint64_t id = model.collections()[index].id;
    batch->Clear();
    for (int k = 0; k < VsdbModel::kNodesPerStep; ++k) {
      std::string key = VsdbModel::Key(id, first + static_cast<uint64_t>(k));
      std::string_view value = values.Value(rnd.Next()).substr(0, VsdbModel::ValueSize(&rnd));
      batch->Put(key, value);
      bytes += key.size() + value.size();
    }
    EngineStatus s = e->Write(batch.get(), /*sync=*/false);
    if (!s.ok()) return Fail(error, "write batch", s);
    auto now = Clock::now();
    r->latency.Add(NanosBetween(last, now));
    last = now;
    progress.Update(i);
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = steps;
  r->bytes = bytes;
  r->user_write_bytes = bytes;
  r->has_latency = true;
  run->content = EngineRun::Content::kVsdb;
  r->note = "ops = steps (WriteBatch of " + std::to_string(VsdbModel::kNodesPerStep) +
            " nodes, 300-3000 B values) over " + std::to_string(collections) + " collections; " +
            std::to_string(model.dead_count()) + " nodes dead";
  if (c.flush_after_fill) {
    EngineStatus s = e->Flush();
    if (!s.ok()) return Fail(error, "flush", s);
  }
  return true;
}

bool VsdbPoint(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  const VsdbModel& model = *run->vsdb;
  auto reader = [&](int t, ThreadStats* st) {
    BenchRandom rnd(SeedFor(c, "vsdb_point", t));
    std::string value;
    auto last = Clock::now();
    for (uint64_t i = 0; i < c.reads; ++i) {
      size_t index = 0;
      uint64_t node = 0;
      if (!model.RandomLiveNode(&rnd, &index, &node)) {
        st->error = "no live collection left";
        return;
      }
      std::string key = VsdbModel::Key(model.collections()[index].id, node);
      EngineStatus s = e->Get(key, &value);
      if (!s.ok()) {
        st->error = "get of live node " + std::to_string(node) + " of collection " +
                    std::to_string(model.collections()[index].id) + ": " +
                    (s.IsNotFound() ? "NotFound" : s.message);
        return;
      }
      ++st->found;
      st->bytes += key.size() + value.size();
      auto now = Clock::now();
      st->latency.Add(NanosBetween(last, now));
      last = now;
    }
    st->ops = c.reads;
  };
  r->has_latency = true;
  return RunReaders(c.threads, reader, r, error);
}

// Whole collections through the prefix iterator, forward then backward;
// ops = entries visited. Counts must match the model.
bool VsdbPrefixScan(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  const VsdbModel& model = *run->vsdb;
  const uint64_t scans = std::max<uint64_t>(16, c.reads / 1000);
  auto reader = [&](int t, ThreadStats* st) {
    BenchRandom rnd(SeedFor(c, "vsdb_prefix_scan", t));
    auto last = Clock::now();
    for (uint64_t i = 0; i < scans; ++i) {
      size_t index = model.RandomCollection(&rnd);
      if (index == SIZE_MAX) break;
      const VsdbModel::Collection& col = model.collections()[index];
      for (bool reverse : {false, true}) {
        uint64_t n = 0;
        if (!CountPrefix(e, VsdbModel::Prefix(col.id), reverse, &n, &st->bytes, &st->error)) {
          return;
        }
        if (n != col.present) {
          st->error = "collection " + std::to_string(col.id) + " scanned " +
                      (reverse ? "backward" : "forward") + ": " + std::to_string(n) +
                      " keys, expected " + std::to_string(col.present);
          return;
        }
        st->ops += n;
        st->found += n;
      }
      auto now = Clock::now();
      st->latency.Add(NanosBetween(last, now));
      last = now;
    }
  };
  if (!RunReaders(c.threads, reader, r, error)) return false;
  r->note = "ops = entries; " + std::to_string(scans) +
            " collections per thread, forward + reverse (latency per collection)";
  r->has_latency = true;
  return true;
}

// Bounded iterator over one collection + Seek to a live node + 10 keys.
bool VsdbRange(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  constexpr int kKeys = 10;
  Engine* e = run->engine();
  const VsdbModel& model = *run->vsdb;
  auto reader = [&](int t, ThreadStats* st) {
    BenchRandom rnd(SeedFor(c, "vsdb_range", t));
    auto last = Clock::now();
    for (uint64_t i = 0; i < c.reads; ++i) {
      size_t index = 0;
      uint64_t node = 0;
      if (!model.RandomLiveNode(&rnd, &index, &node)) {
        st->error = "no live collection left";
        return;
      }
      const uint64_t id = model.collections()[index].id;
      std::string prefix = VsdbModel::Prefix(id);
      std::string target = VsdbModel::Key(id, node);
      std::unique_ptr<EngineIterator> it = e->NewBoundedIterator(prefix, PrefixSuccessor(prefix));
      it->Seek(target);
      if (!it->Valid() || it->key() != target) {
        st->error = "bounded Seek to live node " + std::to_string(node) + " of collection " +
                    std::to_string(id) + " landed on " + (it->Valid() ? Hex(it->key()) : "end");
        return;
      }
      ++st->found;
      for (int k = 0; k < kKeys && it->Valid(); ++k) {
        if (!it->key().starts_with(prefix)) {
          st->error = "bounded iterator left its bounds: " + Hex(it->key());
          return;
        }
        st->bytes += it->key().size() + it->value().size();
        it->Next();
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
  r->note = "bounded iterator + Seek + 10 keys per op";
  return RunReaders(c.threads, reader, r, error);
}

// DeleteRange over a tenth of the collections; then neither scans nor point
// reads may see them, and the others stay whole.
bool VsdbDrop(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  VsdbModel& model = *run->vsdb;
  BenchRandom rnd(SeedFor(c, "vsdb_drop", 0));
  const uint64_t drops = std::max<uint64_t>(1, model.collections().size() / 10);
  std::vector<size_t> victims;
  for (uint64_t i = 0; i < drops; ++i) {
    size_t index = model.RandomCollection(&rnd);
    if (index == SIZE_MAX) break;
    if (std::find(victims.begin(), victims.end(), index) != victims.end()) continue;
    victims.push_back(index);
  }
  bool emulated = false;
  uint64_t keys = 0;
  auto start = Clock::now();
  auto last = start;
  for (size_t index : victims) {
    const VsdbModel::Collection& col = model.collections()[index];
    std::string prefix = VsdbModel::Prefix(col.id);
    keys += col.present;
    EngineStatus s = e->DeleteRange(prefix, PrefixSuccessor(prefix), &emulated);
    if (!s.ok()) return Fail(error, "delete range", s);
    auto now = Clock::now();
    r->latency.Add(NanosBetween(last, now));
    last = now;
  }
  r->seconds = SecondsBetween(start, last);
  r->ops = victims.size();
  r->has_latency = true;
  for (size_t index : victims) model.Drop(index);

  // Untimed checks.
  std::string value;
  for (size_t index : victims) {
    const VsdbModel::Collection& col = model.collections()[index];
    if (!CheckCollectionCount(e, col, "after drop", error)) return false;
    std::string prefix = VsdbModel::Prefix(col.id);
    std::unique_ptr<EngineIterator> it = e->NewBoundedIterator(prefix, PrefixSuccessor(prefix));
    it->SeekToFirst();
    if (it->Valid()) {
      *error = "after drop: bounded iterator of dropped collection " + std::to_string(col.id) +
               " found " + Hex(it->key());
      return false;
    }
    for (uint64_t node : {uint64_t{1}, col.next_node / 2, col.next_node - 1}) {
      EngineStatus s = e->Get(VsdbModel::Key(col.id, node), &value);
      if (!s.IsNotFound()) {
        *error = "after drop: Get of node " + std::to_string(node) + " of dropped collection " +
                 std::to_string(col.id) + " returned " + (s.ok() ? "a value" : s.message);
        return false;
      }
    }
  }
  BenchRandom check(SeedFor(c, "vsdb_drop-check", 0));
  for (int i = 0; i < 8; ++i) {
    size_t index = model.RandomCollection(&check);
    if (index == SIZE_MAX) break;
    if (!CheckCollectionCount(e, model.collections()[index], "after drop", error)) return false;
  }
  r->SetMetric("keys_dropped", static_cast<double>(keys));
  r->note = "ops = collections (" + std::to_string(keys) + " keys)" +
            (emulated ? "; EMULATED: LevelDB has no DeleteRange, deletes key by key" : "") +
            "; verified by scans and Gets";
  return true;
}

// Garbage collection of the dead nodes; reports the SST bytes reclaimed.
bool VsdbGc(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  Engine* e = run->engine();
  VsdbModel& model = *run->vsdb;
  std::vector<std::string> dead = model.DeadKeys();
  EngineStatus s = e->Flush();
  if (!s.ok()) return Fail(error, "flush", s);
  const uint64_t before = e->SstBytes();
  std::string method;
  auto start = Clock::now();
  s = e->GarbageCollect(dead, &method);
  if (!s.ok()) return Fail(error, "garbage collect", s);
  r->seconds = SecondsBetween(start, Clock::now());
  r->ops = dead.size();
  const uint64_t after = e->SstBytes();
  model.CollectDead();

  // Untimed checks: dead nodes are gone, live ones and counts are intact.
  std::string value;
  const size_t stride = std::max<size_t>(1, dead.size() / 1000);
  for (size_t i = 0; i < dead.size(); i += stride) {
    s = e->Get(dead[i], &value);
    if (!s.IsNotFound()) {
      *error = "after gc: Get of dead key " + Hex(dead[i]) + " returned " +
               (s.ok() ? "a value" : s.message);
      return false;
    }
  }
  BenchRandom check(SeedFor(c, "vsdb_gc-check", 0));
  for (int i = 0; i < 1000; ++i) {
    size_t index = 0;
    uint64_t node = 0;
    if (!model.RandomLiveNode(&check, &index, &node)) break;
    s = e->Get(VsdbModel::Key(model.collections()[index].id, node), &value);
    if (!s.ok()) {
      *error = "after gc: Get of live node " + std::to_string(node) + " of collection " +
               std::to_string(model.collections()[index].id) + ": " +
               (s.IsNotFound() ? "NotFound" : s.message);
      return false;
    }
  }
  for (int i = 0; i < 8; ++i) {
    size_t index = model.RandomCollection(&check);
    if (index == SIZE_MAX) break;
    if (!CheckCollectionCount(e, model.collections()[index], "after gc", error)) return false;
  }
  r->SetMetric("sst_bytes_before", static_cast<double>(before));
  r->SetMetric("sst_bytes_after", static_cast<double>(after));
  r->SetMetric("reclaimed_bytes", static_cast<double>(before) - static_cast<double>(after));
  char sizes[96];
  std::snprintf(sizes, sizeof(sizes), "SST %.1f MB -> %.1f MB", static_cast<double>(before) / 1e6,
                static_cast<double>(after) / 1e6);
  r->note = "ops = dead keys; " + method + "; " + sizes + "; verified by Gets and scans";
  return true;
}

}  // namespace

bool EnsureVsdb(const BenchConfig& c, EngineRun* run, WorkloadResult* r, std::string* error) {
  if (run->content == EngineRun::Content::kVsdb && run->engine() != nullptr) return true;
  WorkloadResult ignored;
  if (!VsdbCow(c, run, &ignored, error)) return false;
  r->note = "after an untimed vsdb_cow";
  return true;
}

bool RunVsdbWorkload(std::string_view w, const BenchConfig& c, EngineRun* run, WorkloadResult* r,
                     std::string* error) {
  if (w == "vsdb_cow") return VsdbCow(c, run, r, error);
  if (!EnsureVsdb(c, run, r, error)) return false;
  BeginMeasure();
  std::string note = std::move(r->note);
  r->note.clear();
  bool ok = false;
  if (w == "vsdb_point") {
    ok = VsdbPoint(c, run, r, error);
  } else if (w == "vsdb_prefix_scan") {
    ok = VsdbPrefixScan(c, run, r, error);
  } else if (w == "vsdb_range") {
    ok = VsdbRange(c, run, r, error);
  } else if (w == "vsdb_drop") {
    ok = VsdbDrop(c, run, r, error);
  } else if (w == "vsdb_gc") {
    ok = VsdbGc(c, run, r, error);
  } else {
    *error = "unknown workload '" + std::string(w) + "'";
    return false;
  }
  if (!note.empty()) r->note = r->note.empty() ? note : note + "; " + r->note;
  return ok;
}

}  // namespace mmdb_bench
