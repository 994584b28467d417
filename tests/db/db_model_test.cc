// Model-based randomized test: a seeded sequence of puts, deletes, range
// deletes, batches, snapshots, gets, iterations (both directions, random
// bounds and prefixes), flushes, range compactions and reopens, checked
// after every read against an in-memory model that keeps every version.
//
// MMDB_MODEL_OPS sets the operations per seed (default 4000) and
// MMDB_MODEL_SEEDS the number of seeds (default 4); `make soak` runs the
// Slow* test below, a million operations. A failure prints the seed and the
// step.
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"
#include "util/random.h"

namespace mmdb {

namespace {

// Every version of every key, so any snapshot can be answered.
class VersionedModel {
 public:
  void Put(const std::string& k, const std::string& v, uint64_t seq) { h_[k].push_back({seq, v}); }
  void Delete(const std::string& k, uint64_t seq) { h_[k].push_back({seq, std::nullopt}); }
  void DeleteRange(const std::string& b, const std::string& e, uint64_t seq) {
    for (auto it = h_.lower_bound(b); it != h_.end() && it->first < e; ++it) {
      it->second.push_back({seq, std::nullopt});
    }
  }
  std::optional<std::string> Get(const std::string& k, uint64_t snap) const {
    auto it = h_.find(k);
    if (it == h_.end()) return std::nullopt;
    std::optional<std::string> v;
    for (const auto& [seq, val] : it->second) {
      if (seq <= snap) v = val;
    }
    return v;
  }
  std::map<std::string, std::string> View(uint64_t snap, const std::optional<std::string>& lo,
                                          const std::optional<std::string>& hi) const {
    std::map<std::string, std::string> out;
    for (const auto& [k, versions] : h_) {
      if ((lo && k < *lo) || (hi && k >= *hi)) continue;
      if (auto v = Get(k, snap)) out[k] = *v;
    }
    return out;
  }

 private:
  std::map<std::string, std::vector<std::pair<uint64_t, std::optional<std::string>>>> h_;
};

uint64_t EnvOr(const char* name, uint64_t dflt) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : dflt;
}

std::string RandomKey(Random* rnd) {
  // ~400 keys in 8 "collections"; some keys are prefixes of others.
  std::string k = "c" + std::to_string(rnd->Uniform(8)) + "/";
  k += std::to_string(rnd->Uniform(50));
  if (rnd->OneIn(10)) k.pop_back();
  return k;
}

using Config = test::NamedOptions;

std::vector<Config> Configs() { return test::RandomizedTestShapes(); }

void RunModel(const Config& config, uint64_t seed, uint64_t ops) {
  // Half the seeds write range tombstones as the Rust engine does (whole, in
  // the output file of their begin key), so that a tombstone of one file
  // reaches into the next files of its level.
  Options options = config.options;
  options.rust_tombstone_layout = test::RustTombstoneLayoutFor(seed);
  SCOPED_TRACE(std::string("config ") + config.name + " seed " + std::to_string(seed) +
               (options.rust_tombstone_layout ? " rust_tombstone_layout" : ""));
  const std::string dir = test::TempDir(std::string("model_") + config.name);
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(options, dir, &db));
  Random rnd(seed);
  VersionedModel model;
  uint64_t seq = 0;  // the model's sequence: one per applied operation
  struct Snap {
    std::shared_ptr<const Snapshot> db;
    uint64_t seq;
  };
  std::vector<Snap> snaps;

  auto check_get = [&](uint64_t step) {
    const std::string k = RandomKey(&rnd);
    ReadOptions ro;
    uint64_t at = seq;
    if (!snaps.empty() && rnd.OneIn(2)) {
      const Snap& s = snaps[rnd.Uniform(snaps.size())];
      ro.snapshot = s.db.get();
      at = s.seq;
    }
    std::string v;
    Status st = db->Get(ro, k, &v);
    auto want = model.Get(k, at);
    ASSERT_TRUE(st.ok() || st.IsNotFound()) << st.ToString();
    ASSERT_EQ(st.ok(), want.has_value()) << "step " << step << " key " << k;
    if (want) {
      ASSERT_EQ(v, *want) << "step " << step << " key " << k;
    }
  };

  auto check_iter = [&](uint64_t step) {
    ReadOptions ro;
    uint64_t at = seq;
    if (!snaps.empty() && rnd.OneIn(2)) {
      const Snap& s = snaps[rnd.Uniform(snaps.size())];
      ro.snapshot = s.db.get();
      at = s.seq;
    }
    std::optional<std::string> lo, hi;
    std::unique_ptr<Iterator> it;
    if (rnd.OneIn(3)) {
      const std::string prefix = "c" + std::to_string(rnd.Uniform(8));
      lo = prefix;
      hi = prefix;
      hi->back() = static_cast<char>(hi->back() + 1);
      it = db->NewPrefixIterator(ro, prefix);
    } else {
      if (rnd.OneIn(2)) lo = RandomKey(&rnd);
      if (rnd.OneIn(2)) hi = RandomKey(&rnd);
      ro.iterate_lower_bound = lo;
      ro.iterate_upper_bound = hi;
      it = db->NewIterator(ro);
    }
    const auto want =
        (lo && hi && *lo >= *hi) ? std::map<std::string, std::string>() : model.View(at, lo, hi);
    std::map<std::string, std::string> got;
    if (rnd.OneIn(2)) {
      for (it->SeekToFirst(); it->Valid(); it->Next()) got[std::string(it->key())] = it->value();
    } else {
      std::string prev;
      for (it->SeekToLast(); it->Valid(); it->Prev()) {
        if (!got.empty()) {
          ASSERT_LT(it->key(), prev) << "step " << step;
        }
        prev = it->key();
        got[prev] = it->value();
      }
    }
    ASSERT_OK(it->status());
    ASSERT_EQ(got, want) << "step " << step;
    // A seek and a few mixed moves.
    const std::string t = RandomKey(&rnd);
    it->Seek(t);
    auto pos = want.lower_bound(t);
    if (lo && t < *lo) pos = want.lower_bound(*lo);
    for (int i = 0; i < 4; ++i) {
      if (pos == want.end()) {
        ASSERT_FALSE(it->Valid()) << "step " << step;
        break;
      }
      ASSERT_TRUE(it->Valid()) << "step " << step;
      ASSERT_EQ(it->key(), pos->first) << "step " << step;
      if (rnd.OneIn(3) && pos != want.begin()) {
        it->Prev();
        --pos;
      } else {
        it->Next();
        ++pos;
      }
    }
  };

  for (uint64_t step = 0; step < ops; ++step) {
    const uint64_t r = rnd.Uniform(1000);
    if (r < 450) {
      const std::string k = RandomKey(&rnd), v = "v" + std::to_string(step);
      ASSERT_OK(db->Put(k, v));
      model.Put(k, v, ++seq);
    } else if (r < 550) {
      const std::string k = RandomKey(&rnd);
      ASSERT_OK(db->Delete(k));
      model.Delete(k, ++seq);
    } else if (r < 580) {
      std::string b = RandomKey(&rnd), e = RandomKey(&rnd);
      if (b > e) std::swap(b, e);
      ASSERT_OK(db->DeleteRange(b, e));
      if (b < e) model.DeleteRange(b, e, ++seq);
    } else if (r < 650) {
      WriteBatch batch;
      const int n = 1 + static_cast<int>(rnd.Uniform(8));
      std::vector<std::function<void(uint64_t)>> apply;
      for (int i = 0; i < n; ++i) {
        const std::string k = RandomKey(&rnd);
        if (rnd.OneIn(4)) {
          batch.Delete(k);
          apply.push_back([&model, k](uint64_t s) { model.Delete(k, s); });
        } else {
          const std::string v = "b" + std::to_string(step) + "_" + std::to_string(i);
          batch.Put(k, v);
          apply.push_back([&model, k, v](uint64_t s) { model.Put(k, v, s); });
        }
      }
      ASSERT_OK(db->Write(&batch));
      for (auto& f : apply) f(++seq);
    } else if (r < 670) {
      snaps.push_back({db->GetSnapshot(), seq});
    } else if (r < 685) {
      if (!snaps.empty()) snaps.erase(snaps.begin() + static_cast<long>(rnd.Uniform(snaps.size())));
    } else if (r < 850) {
      ASSERT_NO_FATAL_FAILURE(check_get(step));
    } else if (r < 960) {
      ASSERT_NO_FATAL_FAILURE(check_iter(step));
    } else if (r < 975) {
      ASSERT_OK(db->Flush());
    } else if (r < 990) {
      std::optional<std::string> b, e;
      if (rnd.OneIn(2)) b = RandomKey(&rnd);
      if (rnd.OneIn(2)) e = RandomKey(&rnd);
      if (b && e && *b > *e) std::swap(b, e);
      ASSERT_OK(db->CompactRange(b, e));
    } else if (r < 995) {
      snaps.clear();  // snapshots do not survive a reopen
      ASSERT_OK(db->Close());
      db.reset();
      ASSERT_OK(DB::Open(options, dir, &db));
    }
  }
  snaps.clear();
  db.reset();
  test::RemoveTree(dir);
}

}  // namespace

TEST(DBModelTest, RandomOperationsMatchVersionedModel) {
  const uint64_t ops = EnvOr("MMDB_MODEL_OPS", 4000);
  const uint64_t seeds = EnvOr("MMDB_MODEL_SEEDS", 4);
  for (const Config& config : Configs()) {
    for (uint64_t i = 0; i < seeds; ++i) {
      ASSERT_NO_FATAL_FAILURE(RunModel(config, test::Seed() * 1000 + i, ops));
    }
  }
}

// The long run for `make soak` (label slow, from the name): 2 configurations
// x 10 seeds x 50,000 operations = 1,000,000 operations.
TEST(DBModelTest, SlowMillionOperationsMatchVersionedModel) {
  const uint64_t ops = EnvOr("MMDB_MODEL_SOAK_OPS", 50000);
  const uint64_t seeds = EnvOr("MMDB_MODEL_SOAK_SEEDS", 10);
  for (const Config& config : Configs()) {
    for (uint64_t i = 0; i < seeds; ++i) {
      ASSERT_NO_FATAL_FAILURE(RunModel(config, test::Seed() * 1000 + 500 + i, ops));
    }
  }
}

}  // namespace mmdb
