// Read-triggered compaction through the public API: Gets and iterator seeks
// that keep searching a file in vain charge its seek budget, and the file is
// compacted into the next level once the budget is used up.
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "db/db_test_util.h"
#include "util/random.h"

namespace mmdb {
namespace {

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}

constexpr int kKeys = 3000;

class DBReadCompactionTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("readcompact"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }

  Options Base() {
    Options o = test::TinyOptions();
    o.write_buffer_size = 1 << 20;  // no flush unless asked
    o.statistics = stats_;
    return o;
  }

  // L1 holds keys [0, kKeys) (value "a<i>", padded to `pad` more bytes) and
  // "first"; one L0 file holds every tenth key (value "b<i>") over the same
  // range, so reads of most keys could have to look in both ("first" is
  // only in L1).
  void OpenOverlapping(const Options& o, size_t pad = 0) {
    db_.reset();
    ASSERT_OK(DB::Open(o, dir_, &db_));
    model_["first"] = "only in L1";
    for (int i = 0; i < kKeys; ++i)
      model_[Key(i)] = "a" + std::to_string(i) + std::string(pad, 'x');
    for (const auto& [k, v] : model_) ASSERT_OK(db_->Put(k, v));
    ASSERT_OK(db_->Flush());
    ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
    for (int i = 0; i < kKeys; i += 10) {
      model_[Key(i)] = "b" + std::to_string(i);
      ASSERT_OK(db_->Put(Key(i), model_[Key(i)]));
    }
    ASSERT_OK(db_->Flush());
    ASSERT_EQ(FilesAt(0), 1);
    ASSERT_GT(FilesAt(1), 0);
  }

  int FilesAt(int level) {
    std::string v;
    EXPECT_TRUE(db_->GetProperty("mmdb.num-files-at-level" + std::to_string(level), &v));
    return std::stoi(v);
  }

  // Waits up to 10 s for L0 to empty; true when it did.
  bool WaitForEmptyL0() {
    for (int i = 0; i < 1000; ++i) {
      if (FilesAt(0) == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  uint64_t T(Ticker t) const { return stats_->GetTickerCount(t); }

  std::string dir_;
  std::shared_ptr<Statistics> stats_ = CreateDBStatistics();
  std::unique_ptr<DB> db_;
  std::map<std::string, std::string> model_;
};

TEST_F(DBReadCompactionTest, SeeksWhereFilesOverlapCompactTheNewerFile) {
  OpenOverlapping(Base());
  Random rnd(301);
  // The L0 file is small: its budget is the floor of 100 seeks. Seeks are
  // sampled one in 8 per thread, each sample charging 8.
  for (int i = 0; i < 2000; ++i) {
    auto it = db_->NewIterator(ReadOptions());
    it->Seek(Key(static_cast<int>(rnd.Uniform(kKeys))));
    ASSERT_TRUE(it->Valid());
  }
  ASSERT_TRUE(WaitForEmptyL0()) << "the L0 file was never compacted";
  EXPECT_GE(T(kReadTriggeredCompactions), 1u);
  EXPECT_GE(T(kReadSeekCharges), 100u);
  EXPECT_EQ(test::Scan(db_.get()), model_);
  for (int i = 0; i < kKeys; i += 7) EXPECT_EQ(test::Get(db_.get(), Key(i)), model_[Key(i)]);
}

TEST_F(DBReadCompactionTest, GetsThatSearchTwoFilesChargeTheFirst) {
  Options o = Base();
  o.bloom_bits_per_key = 0;  // every Get of an L1 key searches the L0 file first
  OpenOverlapping(o);
  for (int round = 0; round < 3 && FilesAt(0) > 0; ++round) {
    for (int i = 1; i < kKeys; i += 10) ASSERT_EQ(test::Get(db_.get(), Key(i)), model_[Key(i)]);
  }
  ASSERT_TRUE(WaitForEmptyL0());
  EXPECT_GE(T(kReadTriggeredCompactions), 1u);
  EXPECT_EQ(test::Scan(db_.get()), model_);
}

TEST_F(DBReadCompactionTest, GetsTheBloomFilterAnswersChargeNothing) {
  Options o = Base();
  o.bloom_bits_per_key = 20;  // false positives ~0.01%
  OpenOverlapping(o);
  const uint64_t charges = T(kReadSeekCharges);
  for (int i = 1; i < kKeys; i += 10) ASSERT_EQ(test::Get(db_.get(), Key(i)), model_[Key(i)]);
  // 300 Gets passed by the L0 file; its filter ruled out (nearly) all.
  EXPECT_LE(T(kReadSeekCharges) - charges, 5u);
  EXPECT_EQ(FilesAt(0), 1);
}

TEST_F(DBReadCompactionTest, OffLeavesTheTreeAlone) {
  Options o = Base();
  o.read_triggered_compaction = false;
  o.bloom_bits_per_key = 0;
  OpenOverlapping(o);
  Random rnd(7);
  for (int i = 0; i < 2000; ++i) {
    auto it = db_->NewIterator(ReadOptions());
    it->Seek(Key(static_cast<int>(rnd.Uniform(kKeys))));
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(test::Get(db_.get(), Key(i % kKeys)), model_[Key(i % kKeys)]);
  }
  // Nothing was charged, so nothing can be queued: the shape is unchanged
  // whenever it is looked at.
  EXPECT_EQ(T(kReadSeekCharges), 0u);
  EXPECT_EQ(T(kReadTriggeredCompactions), 0u);
  EXPECT_EQ(FilesAt(0), 1);
}

TEST_F(DBReadCompactionTest, LongScansAreSampledByBytes) {
  OpenOverlapping(Base(), /*pad=*/1000);
  // About one sample per MiB of keys and values stepped over: 100 samples
  // (the budget) need ~100 MiB; a pass is ~2.7 MiB, so ~40 passes. Every
  // pass starts at "first", which only L1 holds, so the seeks charge nothing.
  int passes = 0;
  for (; passes < 400 && T(kReadTriggeredCompactions) == 0; ++passes) {
    auto it = db_->NewIterator(ReadOptions());
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    ASSERT_EQ(n, model_.size());
  }
  EXPECT_GT(T(kReadTriggeredCompactions), 0u) << passes << " passes";
  ASSERT_TRUE(WaitForEmptyL0());
  EXPECT_EQ(test::Scan(db_.get()), model_);
}

}  // namespace
}  // namespace mmdb
