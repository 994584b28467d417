// A deterministic write workload for the crash tests, and the model it is
// checked against.
//
// Op number i (1, 2, ...) of a workload with seed s is always the same: a
// single Put, Delete or DeleteRange, or a WriteBatch of 2-6 of them, over a
// bounded key space, with sync on or off. A parent process can therefore
// recompute what a child wrote from the op numbers alone. Every value names
// the op and entry that wrote it, so a value that was never written cannot
// match the model by accident.
//
// Model: a std::map of the expected state. StateHash is an order-independent
// fingerprint (sum of per-entry hashes) kept up to date while ops are applied,
// so the tests can find which prefix of the ops a recovered DB equals without
// rebuilding the map for every prefix.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/write_batch.h>

#include "util/random.h"

namespace mmdb::crashtest {

using Model = std::map<std::string, std::string>;

struct Entry {
  enum class Kind : uint8_t { kPut, kDelete, kDeleteRange };
  Kind kind;
  std::string key;
  std::string value;  // kPut: the value; kDeleteRange: the end key (exclusive)
};

struct Op {
  uint64_t number = 0;
  bool batch = false;  // written as one WriteBatch (else a single call)
  bool sync = false;
  std::vector<Entry> entries;
};

// 64-bit mixer (splitmix64 finaliser).
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

inline uint64_t HashBytes(std::string_view s, uint64_t h) {
  for (unsigned char c : s) h = Mix(h ^ c);
  return h;
}

inline uint64_t EntryHash(const std::string& key, const std::string& value) {
  return HashBytes(value, HashBytes(key, 0x51ed270b27a1f1a5ull) ^ 0xff);
}

struct WorkloadConfig {
  uint64_t seed = 1;
  uint32_t num_keys = 2000;
  uint32_t sync_one_in = 8;  // 0 = never sync, 1 = always
  uint32_t max_value = 300;  // filler bytes per value, at most
};

inline std::string KeyName(uint64_t k) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%06llu", static_cast<unsigned long long>(k));
  return buf;
}

// Op `number` of the workload `cfg`.
inline Op MakeOp(const WorkloadConfig& cfg, uint64_t number) {
  Random rnd(Mix(cfg.seed * 0x100000001b3ull + number));
  Op op;
  op.number = number;
  op.sync = cfg.sync_one_in > 0 && rnd.OneIn(cfg.sync_one_in);
  const uint64_t kind = rnd.Uniform(100);
  op.batch = kind >= 65;
  const int n = op.batch ? 2 + static_cast<int>(rnd.Uniform(5)) : 1;
  for (int e = 0; e < n; ++e) {
    const uint64_t k = rnd.Uniform(cfg.num_keys);
    const uint64_t pick = op.batch ? rnd.Uniform(65) : kind;
    if (pick < 45) {
      std::string v = "v" + std::to_string(number) + "." + std::to_string(e) + "|";
      const uint64_t filler = rnd.Uniform(cfg.max_value + 1);
      for (uint64_t i = 0; i < filler; ++i) v.push_back(static_cast<char>('a' + (number + i) % 26));
      op.entries.push_back({Entry::Kind::kPut, KeyName(k), std::move(v)});
    } else if (pick < 60) {
      op.entries.push_back({Entry::Kind::kDelete, KeyName(k), ""});
    } else {
      const uint64_t end = std::min<uint64_t>(cfg.num_keys, k + 1 + rnd.Uniform(20));
      op.entries.push_back({Entry::Kind::kDeleteRange, KeyName(k), KeyName(end)});
    }
  }
  return op;
}

inline Status WriteOp(DB* db, const Op& op) {
  WriteOptions wo;
  wo.sync = op.sync;
  if (!op.batch) {
    const Entry& e = op.entries[0];
    switch (e.kind) {
      case Entry::Kind::kPut:
        return db->Put(wo, e.key, e.value);
      case Entry::Kind::kDelete:
        return db->Delete(wo, e.key);
      case Entry::Kind::kDeleteRange:
        return db->DeleteRange(wo, e.key, e.value);
    }
  }
  WriteBatch b;
  for (const Entry& e : op.entries) {
    switch (e.kind) {
      case Entry::Kind::kPut:
        b.Put(e.key, e.value);
        break;
      case Entry::Kind::kDelete:
        b.Delete(e.key);
        break;
      case Entry::Kind::kDeleteRange:
        b.DeleteRange(e.key, e.value);
        break;
    }
  }
  return db->Write(wo, &b);
}

// The model plus its fingerprint.
class ModelState {
 public:
  void Apply(const Op& op) {
    for (const Entry& e : op.entries) {
      switch (e.kind) {
        case Entry::Kind::kPut:
          Erase(e.key);
          map_[e.key] = e.value;
          hash_ += EntryHash(e.key, e.value);
          break;
        case Entry::Kind::kDelete:
          Erase(e.key);
          break;
        case Entry::Kind::kDeleteRange: {
          auto it = map_.lower_bound(e.key);
          while (it != map_.end() && it->first < e.value) {
            hash_ -= EntryHash(it->first, it->second);
            it = map_.erase(it);
          }
          break;
        }
      }
    }
  }
  const Model& map() const { return map_; }
  uint64_t hash() const { return hash_; }

 private:
  void Erase(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return;
    hash_ -= EntryHash(it->first, it->second);
    map_.erase(it);
  }

  Model map_;
  uint64_t hash_ = 0;
};

inline uint64_t Fingerprint(const Model& m) {
  uint64_t h = 0;
  for (const auto& [k, v] : m) h += EntryHash(k, v);
  return h;
}

// Every key and value of the DB; *status gets the iterator's status.
inline Model ScanAll(DB* db, Status* status) {
  Model out;
  auto it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) out[std::string(it->key())] = it->value();
  *status = it->status();
  return out;
}

// A readable summary of how `got` differs from `want` (first few keys).
inline std::string Diff(const Model& want, const Model& got) {
  std::string out;
  int shown = 0;
  auto note = [&](const std::string& k, const std::string& w, const std::string& g) {
    if (shown++ < 8) out += "\n  " + k + ": want " + w.substr(0, 24) + " got " + g.substr(0, 24);
  };
  for (const auto& [k, v] : want) {
    auto it = got.find(k);
    if (it == got.end()) {
      note(k, v, "<absent>");
    } else if (it->second != v) {
      note(k, v, it->second);
    }
  }
  for (const auto& [k, v] : got) {
    if (want.count(k) == 0) note(k, "<absent>", v);
  }
  return std::to_string(shown) + " keys differ:" + out;
}

// Scans the DB and compares it with `model`, or `model` plus `maybe` (an op
// that failed and may or may not have landed, but never in part). Sets
// *found to the state found.
inline ::testing::AssertionResult MatchesModel(DB* db, const ModelState& model, const Op* maybe,
                                               ModelState* found) {
  Status s;
  const Model got = ScanAll(db, &s);
  if (!s.ok()) return ::testing::AssertionFailure() << "scan: " << s.ToString();
  if (got == model.map()) {
    *found = model;
    return ::testing::AssertionSuccess();
  }
  if (maybe != nullptr) {
    ModelState with = model;
    with.Apply(*maybe);
    if (got == with.map()) {
      *found = with;
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << Diff(model.map(), got);
}

}  // namespace mmdb::crashtest
