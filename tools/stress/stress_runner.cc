// StressRunner: see stress_runner.h.
#include "tools/stress/stress_runner.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "util/random.h"

namespace mmdb::stress {

namespace {

std::mutex print_mu;  // serialises failure reports from worker threads

// Does (found, value) show `state` of `key`?
bool Shows(uint32_t key, uint32_t version, bool exists, bool found, std::string_view value,
           uint32_t max_filler) {
  if (!exists) return !found;
  uint32_t v = 0;
  return found && ExpectedState::ParseValue(key, value, max_filler, &v) && v == version;
}

std::string StateString(const KeyState& s) {
  std::string out = "v" + std::to_string(s.version) + (s.exists ? " exists" : " absent");
  if (s.pending) out += s.pending_exists ? " (pending put)" : " (pending delete)";
  return out;
}

}  // namespace

Options RandomStressOptions(uint64_t seed) {
  Random rnd(seed * 0x9e3779b97f4a7c15ull + 17);
  Options o;
  o.block_size = size_t{512} << rnd.Uniform(6);  // 512 B .. 16 KiB
  const CompressionType codecs[] = {CompressionType::kNone, CompressionType::kLZ4,
                                    CompressionType::kZstd};
  o.compression = codecs[rnd.Uniform(3)];
  o.bloom_bits_per_key = rnd.OneIn(4) ? 0 : static_cast<int>(5 + rnd.Uniform(12));
  o.write_buffer_size = size_t{64 << 10} << rnd.Uniform(5);  // 64 KiB .. 1 MiB
  o.max_write_buffer_number = 2 + static_cast<int>(rnd.Uniform(3));
  o.max_background_compactions = 1 + static_cast<int>(rnd.Uniform(4));
  o.max_subcompactions = 1 + static_cast<int>(rnd.Uniform(4));
  o.l0_compaction_trigger = 2 + static_cast<int>(rnd.Uniform(4));
  o.target_file_size_base = uint64_t{256 << 10} << rnd.Uniform(3);
  o.max_bytes_for_level_base = 4 * o.target_file_size_base;
  o.block_cache_capacity = size_t{1 << 20} << rnd.Uniform(5);
  o.allow_mmap_reads = rnd.OneIn(2);
  o.read_triggered_compaction = !rnd.OneIn(4);
  return o;
}

std::string DescribeOptions(const Options& o) {
  const char* codec = o.compression == CompressionType::kNone  ? "none"
                      : o.compression == CompressionType::kLZ4 ? "lz4"
                                                               : "zstd";
  return "block_size=" + std::to_string(o.block_size) + " compression=" + codec +
         " bloom_bits=" + std::to_string(o.bloom_bits_per_key) +
         " write_buffer=" + std::to_string(o.write_buffer_size) +
         " max_write_buffers=" + std::to_string(o.max_write_buffer_number) +
         " compaction_threads=" + std::to_string(o.max_background_compactions) +
         " subcompactions=" + std::to_string(o.max_subcompactions) +
         " l0_trigger=" + std::to_string(o.l0_compaction_trigger) +
         " target_file=" + std::to_string(o.target_file_size_base) +
         " cache=" + std::to_string(o.block_cache_capacity) +
         " mmap_reads=" + (o.allow_mmap_reads ? "1" : "0") +
         " read_compaction=" + (o.read_triggered_compaction ? "1" : "0");
}

StressRunner::StressRunner(DB* db, ExpectedState* expected, const StressConfig& config,
                           StressStats* stats)
    : db_(db), expected_(expected), config_(config), stats_(stats) {}

void StressRunner::Run() {
  std::vector<std::thread> threads;
  for (int i = 0; i < config_.threads; ++i) threads.emplace_back([this, i] { ThreadLoop(i); });
  const auto start = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (config_.duration_seconds > 0 && elapsed >= config_.duration_seconds) stop_ = true;
  }
  for (auto& t : threads) t.join();
}

void StressRunner::Fail(const std::string& message) {
  stats_->failures.fetch_add(1);
  stop_ = true;
  std::lock_guard<std::mutex> l(print_mu);
  std::fprintf(stderr, "VERIFICATION FAILURE: %s\n", message.c_str());
}

void StressRunner::WriteFailed(const Status& s, const char* what) {
  Fail(std::string(what) + " failed: " + s.ToString());
}

void StressRunner::ThreadLoop(int thread_index) {
  Random rnd(config_.seed * 1000003 + static_cast<uint64_t>(thread_index) + 1);
  const uint32_t n = expected_->num_keys();
  while (!stop_.load(std::memory_order_relaxed)) {
    const uint64_t r = rnd.Uniform(1000);
    const uint32_t key = static_cast<uint32_t>(rnd.Uniform(n));
    if (r < 300) {
      DoGet(key);
    } else if (r < 550) {
      DoPut(rnd.Next64(), key);
    } else if (r < 650) {
      DoDelete(key);
    } else if (r < 690) {
      DoDeleteRange(key, 1 + static_cast<uint32_t>(rnd.Uniform(16)));
    } else if (r < 800) {
      DoBatch(rnd.Next64());
    } else if (r < 900) {
      DoIterate(key, 1 + static_cast<uint32_t>(rnd.Uniform(64)), rnd.OneIn(3));
    } else if (r < 997) {
      DoSnapshotCheck(rnd.Next64(), key);
    } else if (r < 999) {
      Status s = db_->Flush();
      if (!s.ok()) WriteFailed(s, "Flush");
      stats_->flushes.fetch_add(1);
    } else {
      const std::string b = ExpectedState::KeyName(key);
      const std::string e = ExpectedState::KeyName(key + 200);
      Status s = db_->CompactRange(b, e);
      if (!s.ok()) WriteFailed(s, "CompactRange");
      stats_->compactions.fetch_add(1);
    }
    stats_->ops.fetch_add(1, std::memory_order_relaxed);
  }
}

void StressRunner::DoPut(uint64_t r, uint32_t key) {
  KeyLocks::Guard g(&locks_, {key});
  const uint32_t version = expected_->SetPending(key, true);
  WriteOptions wo;
  wo.sync = r % 64 == 0;
  Status s = db_->Put(wo, ExpectedState::KeyName(key),
                      ExpectedState::ValueFor(key, version, config_.max_filler));
  if (!s.ok()) return WriteFailed(s, "Put");
  expected_->Commit(key);
  stats_->puts.fetch_add(1, std::memory_order_relaxed);
}

void StressRunner::DoDelete(uint32_t key) {
  KeyLocks::Guard g(&locks_, {key});
  expected_->SetPending(key, false);
  Status s = db_->Delete(ExpectedState::KeyName(key));
  if (!s.ok()) return WriteFailed(s, "Delete");
  expected_->Commit(key);
  stats_->deletes.fetch_add(1, std::memory_order_relaxed);
}

void StressRunner::DoDeleteRange(uint32_t key, uint32_t len) {
  const uint32_t end = std::min(expected_->num_keys(), key + len);
  std::vector<uint32_t> keys;
  for (uint32_t k = key; k < end; ++k) keys.push_back(k);
  KeyLocks::Guard g(&locks_, keys);
  for (uint32_t k : keys) expected_->SetPending(k, false);
  Status s = db_->DeleteRange(ExpectedState::KeyName(key), ExpectedState::KeyName(end));
  if (!s.ok()) return WriteFailed(s, "DeleteRange");
  for (uint32_t k : keys) expected_->Commit(k);
  stats_->delete_ranges.fetch_add(1, std::memory_order_relaxed);
}

void StressRunner::DoBatch(uint64_t r) {
  Random rnd(r);
  std::map<uint32_t, bool> ops;  // key -> put (true) or delete; one op per key
  const int n = 2 + static_cast<int>(rnd.Uniform(8));
  for (int i = 0; i < n; ++i) {
    ops[static_cast<uint32_t>(rnd.Uniform(expected_->num_keys()))] = !rnd.OneIn(4);
  }
  std::vector<uint32_t> keys;
  for (const auto& [k, put] : ops) keys.push_back(k);
  KeyLocks::Guard g(&locks_, keys);
  WriteBatch batch;
  for (const auto& [k, put] : ops) {
    const uint32_t version = expected_->SetPending(k, put);
    if (put) {
      batch.Put(ExpectedState::KeyName(k), ExpectedState::ValueFor(k, version, config_.max_filler));
    } else {
      batch.Delete(ExpectedState::KeyName(k));
    }
  }
  WriteOptions wo;
  wo.sync = rnd.OneIn(64);
  Status s = db_->Write(wo, &batch);
  if (!s.ok()) return WriteFailed(s, "Write(batch)");
  for (uint32_t k : keys) expected_->Commit(k);
  stats_->batches.fetch_add(1, std::memory_order_relaxed);
}

void StressRunner::Check(uint32_t key, const KeyState& before, const KeyState& after, bool found,
                         std::string_view value, const char* what) {
  const uint32_t f = config_.max_filler;
  if (before == after) {
    bool ok = Shows(key, before.version, before.exists, found, value, f);
    if (!ok && before.pending)
      ok = Shows(key, before.version + 1, before.pending_exists, found, value, f);
    if (ok) {
      stats_->verified.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  } else {
    // A write finished during the read: any version in the window will do.
    stats_->racy.fetch_add(1, std::memory_order_relaxed);
    uint32_t v = 0;
    if (!found) return;  // some version in the window may be a delete
    if (ExpectedState::ParseValue(key, value, f, &v) && v >= before.version &&
        v <= after.version + 1) {
      return;
    }
  }
  Fail(std::string(what) + " of " + ExpectedState::KeyName(key) + ": got " +
       (found ? "\"" + std::string(value.substr(0, 40)) + "\"" : std::string("not found")) +
       ", expected " + StateString(before) + (before == after ? "" : " .. " + StateString(after)));
}

void StressRunner::DoGet(uint32_t key) {
  const KeyState before = expected_->Get(key);
  std::string value;
  Status s = db_->Get(ExpectedState::KeyName(key), &value);
  const KeyState after = expected_->Get(key);
  stats_->gets.fetch_add(1, std::memory_order_relaxed);
  if (!s.ok() && !s.IsNotFound()) return Fail("Get: " + s.ToString());
  Check(key, before, after, s.ok(), value, "Get");
}

void StressRunner::DoIterate(uint32_t key, uint32_t len, bool reverse) {
  const uint32_t end = std::min(expected_->num_keys(), key + len);
  std::vector<KeyState> before(end - key);
  for (uint32_t k = key; k < end; ++k) before[k - key] = expected_->Get(k);
  ReadOptions ro;
  ro.iterate_lower_bound = ExpectedState::KeyName(key);
  ro.iterate_upper_bound = ExpectedState::KeyName(end);
  auto it = db_->NewIterator(ro);
  std::map<uint32_t, std::string> seen;
  std::string last;
  if (reverse) {
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      const std::string k(it->key());
      if (!last.empty() && k >= last) return Fail("reverse iterator out of order at " + k);
      last = k;
      seen[static_cast<uint32_t>(std::stoul(k.substr(3)))] = std::string(it->value());
    }
  } else {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string k(it->key());
      if (!last.empty() && k <= last) return Fail("iterator out of order at " + k);
      last = k;
      seen[static_cast<uint32_t>(std::stoul(k.substr(3)))] = std::string(it->value());
    }
  }
  if (!it->status().ok()) return Fail("iterator: " + it->status().ToString());
  stats_->iterators.fetch_add(1, std::memory_order_relaxed);
  for (const auto& [k, v] : seen) {
    if (k < key || k >= end)
      return Fail("iterator returned " + std::to_string(k) + " out of bounds");
  }
  for (uint32_t k = key; k < end; ++k) {
    const KeyState after = expected_->Get(k);
    auto found = seen.find(k);
    Check(k, before[k - key], after, found != seen.end(),
          found != seen.end() ? std::string_view(found->second) : std::string_view(),
          reverse ? "reverse iterator" : "iterator");
    if (stop_.load()) return;
  }
}

void StressRunner::DoSnapshotCheck(uint64_t r, uint32_t key) {
  Random rnd(r);
  const uint32_t end =
      std::min(expected_->num_keys(), key + 1 + static_cast<uint32_t>(rnd.Uniform(32)));
  std::vector<KeyState> before(end - key);
  for (uint32_t k = key; k < end; ++k) before[k - key] = expected_->Get(k);
  std::shared_ptr<const Snapshot> snap = db_->GetSnapshot();
  std::vector<KeyState> after(end - key);
  for (uint32_t k = key; k < end; ++k) after[k - key] = expected_->Get(k);
  ReadOptions ro;
  ro.snapshot = snap.get();
  // First read at the snapshot: checked like a Get at the moment it was taken.
  std::vector<std::optional<std::string>> first(end - key);
  for (uint32_t k = key; k < end; ++k) {
    std::string v;
    Status s = db_->Get(ro, ExpectedState::KeyName(k), &v);
    if (!s.ok() && !s.IsNotFound()) return Fail("snapshot Get: " + s.ToString());
    if (s.ok()) first[k - key] = v;
    Check(k, before[k - key], after[k - key], s.ok(), v, "snapshot Get");
  }
  // Let other threads write, then read again: nothing at the snapshot moves.
  for (int i = 0; i < 3; ++i)
    DoPut(rnd.Next64(), key + static_cast<uint32_t>(rnd.Uniform(end - key)));
  std::this_thread::yield();
  for (uint32_t k = key; k < end; ++k) {
    std::string v;
    Status s = db_->Get(ro, ExpectedState::KeyName(k), &v);
    if (!s.ok() && !s.IsNotFound()) return Fail("snapshot Get: " + s.ToString());
    const std::optional<std::string> again = s.ok() ? std::optional<std::string>(v) : std::nullopt;
    if (again != first[k - key])
      return Fail("snapshot read of " + ExpectedState::KeyName(k) + " changed");
  }
  ro.iterate_lower_bound = ExpectedState::KeyName(key);
  ro.iterate_upper_bound = ExpectedState::KeyName(end);
  auto it = db_->NewIterator(ro);
  std::vector<std::optional<std::string>> scanned(end - key);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    scanned[std::stoul(std::string(it->key()).substr(3)) - key] = std::string(it->value());
  }
  if (!it->status().ok()) return Fail("snapshot iterator: " + it->status().ToString());
  if (scanned != first) return Fail("snapshot iterator disagrees with snapshot Gets");
  stats_->snapshots.fetch_add(1, std::memory_order_relaxed);
  stats_->verified.fetch_add(end - key, std::memory_order_relaxed);
}

uint64_t VerifyAndResolve(DB* db, ExpectedState* expected, uint32_t max_filler, uint64_t* resolved,
                          std::string* first_error) {
  uint64_t bad = 0;
  *resolved = 0;
  std::map<uint32_t, std::string> present;
  auto it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string k(it->key());
    if (k.size() != 11 || k.compare(0, 3, "key") != 0) {
      if (first_error->empty()) *first_error = "foreign key " + k;
      ++bad;
      continue;
    }
    present[static_cast<uint32_t>(std::stoul(k.substr(3)))] = std::string(it->value());
  }
  if (!it->status().ok()) {
    *first_error = "scan: " + it->status().ToString();
    return bad + 1;
  }
  for (uint32_t k = 0; k < expected->num_keys(); ++k) {
    const KeyState s = expected->Get(k);
    auto p = present.find(k);
    const bool found = p != present.end();
    const std::string_view value = found ? std::string_view(p->second) : std::string_view();
    // Point lookups must agree with the scan.
    std::string got;
    Status g = db->Get(ExpectedState::KeyName(k), &got);
    if (g.ok() != found || (found && got != p->second) || (!g.ok() && !g.IsNotFound())) {
      if (first_error->empty())
        *first_error = "Get disagrees with scan at " + ExpectedState::KeyName(k);
      ++bad;
      continue;
    }
    if (Shows(k, s.version, s.exists, found, value, max_filler)) {
      if (s.pending) {
        expected->Resolve(k, false);
        ++*resolved;
      }
      continue;
    }
    if (s.pending && Shows(k, s.version + 1, s.pending_exists, found, value, max_filler)) {
      expected->Resolve(k, true);
      ++*resolved;
      continue;
    }
    if (first_error->empty()) {
      *first_error = ExpectedState::KeyName(k) + ": got " +
                     (found ? "\"" + std::string(value.substr(0, 40)) + "\"" : "not found") +
                     ", expected " + StateString(s);
    }
    ++bad;
  }
  return bad;
}

}  // namespace mmdb::stress
