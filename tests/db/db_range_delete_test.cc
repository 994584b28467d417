// Range deletions must not make reads slow: these tests count the work a read
// does (internal entries a DB iterator looks at, tombstone re-seeks, blocks
// read) with and without tombstones, rather than timing it.
#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "db/db_test_util.h"

namespace mmdb {
namespace {

constexpr int kKeys = 10000;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%06d", i);
  return buf;
}

// Where the covered data and the tombstone live.
enum class Layout {
  kTombstoneInMemtableOverL0,  // data flushed to L0, tombstone in the memtable
  kTombstoneInL0OverL1,        // data compacted to L1, tombstone flushed to L0
};
void PrintTo(Layout l, std::ostream* os) {
  *os << (l == Layout::kTombstoneInMemtableOverL0 ? "tombstone in the memtable over L0"
                                                  : "tombstone in L0 over L1");
}

class RangeDeleteWorkTest : public ::testing::TestWithParam<Layout> {
 protected:
  void SetUp() override {
    dir_ = test::TempDir("rdwork");
    options_ = test::TinyOptions();
    options_.write_buffer_size = 4 << 20;  // flushes only when asked
    options_.statistics = CreateDBStatistics();
    stats_ = options_.statistics.get();
    ASSERT_OK(DB::Open(options_, dir_, &db_));
    for (int i = 0; i < kKeys; ++i) ASSERT_OK(db_->Put(Key(i), "value" + std::to_string(i)));
    ASSERT_OK(db_->Flush());
    if (GetParam() != Layout::kTombstoneInMemtableOverL0) {
      ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
    }
    // Hide [k000100, k009900): 9,800 keys.
    ASSERT_OK(db_->DeleteRange(Key(100), Key(kKeys - 100)));
    if (GetParam() != Layout::kTombstoneInMemtableOverL0) {
      ASSERT_OK(db_->Flush());
    }
  }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }

  // Entries visited by a fresh iterator that runs `body`.
  template <typename Body>
  uint64_t Visited(Body body) {
    const uint64_t before = stats_->GetTickerCount(kIterEntriesVisited);
    {
      auto it = db_->NewIterator(ReadOptions());
      body(it.get());
      EXPECT_OK(it->status());
    }
    return stats_->GetTickerCount(kIterEntriesVisited) - before;
  }

  std::string dir_;
  Options options_;
  Statistics* stats_ = nullptr;
  std::unique_ptr<DB> db_;
};

TEST_P(RangeDeleteWorkTest, ForwardScanSkipsTheDeletedRange) {
  int seen = 0;
  const uint64_t visited = Visited([&](Iterator* it) {
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++seen;
  });
  EXPECT_EQ(seen, 200);
  // Without re-seeking, the scan would look at all 10,000 entries.
  EXPECT_LT(visited, 400u) << "entries visited";
  EXPECT_GE(stats_->GetTickerCount(kIterTombstoneReseeks), 1u);
}

TEST_P(RangeDeleteWorkTest, ReverseScanSkipsTheDeletedRange) {
  int seen = 0;
  const uint64_t visited = Visited([&](Iterator* it) {
    for (it->SeekToLast(); it->Valid(); it->Prev()) ++seen;
  });
  EXPECT_EQ(seen, 200);
  // Backward, each returned key costs two visits (the key, then the entry
  // before it that proves the key complete).
  EXPECT_LT(visited, 450u) << "entries visited";
}

TEST_P(RangeDeleteWorkTest, SeekIntoTheDeletedRangeLandsPastIt) {
  const uint64_t visited = Visited([&](Iterator* it) {
    it->Seek(Key(5000));
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), Key(kKeys - 100));
    it->SeekForPrev(Key(5000));
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), Key(99));
  });
  EXPECT_LT(visited, 20u) << "entries visited";
}

TEST_P(RangeDeleteWorkTest, DirectionSwitchesAroundTheRangeStayExact) {
  auto it = db_->NewIterator(ReadOptions());
  it->Seek(Key(99));
  ASSERT_TRUE(it->Valid());
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), Key(kKeys - 100));
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), Key(99));
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), Key(kKeys - 100));
  ASSERT_OK(it->status());
}

TEST_P(RangeDeleteWorkTest, NewerWritesInsideTheRangeStayVisible) {
  ASSERT_OK(db_->Put(Key(5000), "reborn"));
  ASSERT_OK(db_->Put(Key(7000), "reborn"));
  if (GetParam() != Layout::kTombstoneInMemtableOverL0) {
    ASSERT_OK(db_->Flush());
  }
  std::vector<std::string> inside;
  auto it = db_->NewIterator(ReadOptions());
  for (it->Seek(Key(100)); it->Valid() && it->key() < Key(kKeys - 100); it->Next()) {
    inside.emplace_back(it->key());
  }
  EXPECT_EQ(inside, (std::vector<std::string>{Key(5000), Key(7000)}));
  inside.clear();
  for (it->SeekForPrev(Key(kKeys - 101)); it->Valid() && it->key() >= Key(100); it->Prev()) {
    inside.emplace_back(it->key());
  }
  EXPECT_EQ(inside, (std::vector<std::string>{Key(7000), Key(5000)}));
  EXPECT_EQ(test::Get(db_.get(), Key(5000)), "reborn");
  EXPECT_EQ(test::Get(db_.get(), Key(5001)), "NOT_FOUND");
}

TEST_P(RangeDeleteWorkTest, SnapshotBeforeASecondTombstoneSeesWhatWasLeft) {
  auto snap = db_->GetSnapshot();
  ASSERT_OK(db_->DeleteRange(Key(0), Key(kKeys)));
  ReadOptions ro;
  ro.snapshot = snap.get();
  auto it = db_->NewIterator(ro);
  int seen = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++seen;
  EXPECT_EQ(seen, 200);
  auto now = db_->NewIterator(ReadOptions());
  now->SeekToFirst();
  EXPECT_FALSE(now->Valid());
  ASSERT_OK(now->status());
}

INSTANTIATE_TEST_SUITE_P(Layouts, RangeDeleteWorkTest,
                         ::testing::Values(Layout::kTombstoneInMemtableOverL0,
                                           Layout::kTombstoneInL0OverL1),
                         [](const ::testing::TestParamInfo<Layout>& info) {
                           switch (info.param) {
                             case Layout::kTombstoneInMemtableOverL0:
                               return std::string("MemtableOverL0");
                             case Layout::kTombstoneInL0OverL1:
                               return std::string("L0OverL1");
                           }
                           return std::string("unknown");
                         });

// Point lookups with thousands of tombstones present read no more blocks and
// consult no more tombstone lists than a handful: the cost stays within a
// small factor of the cost without tombstones.
TEST(RangeDeleteGetTest, ThousandsOfTombstonesKeepGetsCheap) {
  const std::string dir = test::TempDir("rdget");
  Options options = test::TinyOptions();
  options.statistics = CreateDBStatistics();
  Statistics* stats = options.statistics.get();
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(options, dir, &db));
  // Keys k000000..k019999 at even numbers; 5,000 tombstones each hiding one
  // odd "gap" key range [2i+1, 2i+2) that holds no key.
  for (int i = 0; i < 20000; i += 2) ASSERT_OK(db->Put(Key(i), "v"));
  ASSERT_OK(db->Flush());
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));

  auto block_reads = [&] {
    return stats->GetTickerCount(kBlockCacheHit) + stats->GetTickerCount(kBlockCacheMiss);
  };
  auto measure = [&] {
    const uint64_t before = block_reads();
    for (int i = 0; i < 20000; i += 40) EXPECT_EQ(test::Get(db.get(), Key(i)), "v");
    return block_reads() - before;
  };
  const uint64_t without = measure();
  for (int i = 1; i < 10000; i += 2) ASSERT_OK(db->DeleteRange(Key(i), Key(i + 1)));
  const uint64_t in_memtable = measure();
  ASSERT_OK(db->Flush());
  const uint64_t in_sst = measure();
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
  const uint64_t compacted = measure();
  EXPECT_GT(without, 0u);
  EXPECT_LE(in_memtable, without * 2);
  EXPECT_LE(in_sst, without * 2);
  EXPECT_LE(compacted, without * 2);
  // The tombstones still work.
  ASSERT_OK(db->Put(Key(1), "x"));
  ASSERT_OK(db->DeleteRange(Key(1), Key(2)));
  EXPECT_EQ(test::Get(db.get(), Key(1)), "NOT_FOUND");
  db.reset();
  test::RemoveTree(dir);
}

}  // namespace
}  // namespace mmdb
