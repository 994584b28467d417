// The block cache and table cache as the DB uses them: L0 metadata pinning,
// blocks of deleted files dropped, fill_cache=false, a cache shared by
// several DBs, and table-cache eviction under open iterators.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/cache.h>
#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "db/db_test_util.h"

namespace mmdb {
namespace {

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%06d", i);
  return buf;
}

uint64_t Prop(DB* db, const std::string& name) {
  std::string v;
  EXPECT_TRUE(db->GetProperty(name, &v)) << name;
  return v.empty() ? 0 : std::stoull(v);
}

class DBCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("dbcache"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }
  Options Base() {
    Options o = test::TinyOptions();
    o.write_buffer_size = 4 << 20;  // flush only when asked
    o.l0_compaction_trigger = 100;  // keep files in L0 until CompactRange
    o.l0_slowdown_writes_trigger = 200;
    o.l0_stop_writes_trigger = 300;
    o.statistics = CreateDBStatistics();
    return o;
  }
  // `files` L0 files of `per_file` keys each.
  void FillL0(int files, int per_file) {
    for (int f = 0; f < files; ++f) {
      for (int i = 0; i < per_file; ++i) {
        ASSERT_OK(db_->Put(Key(f * per_file + i), std::string(100, static_cast<char>('a' + f))));
      }
      ASSERT_OK(db_->Flush());
    }
  }
  std::string dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBCacheTest, L0MetadataIsPinnedAndReleasedWhenItLeavesL0) {
  Options o = Base();
  ASSERT_OK(DB::Open(o, dir_, &db_));
  EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-pinned-usage"), 0u);
  FillL0(1, 500);
  const uint64_t one = Prop(db_.get(), "mmdb.block-cache-pinned-usage");
  EXPECT_GT(one, 0u);
  FillL0(3, 500);
  const uint64_t three = Prop(db_.get(), "mmdb.block-cache-pinned-usage");
  EXPECT_GT(three, 2 * one) << "each L0 file pins its own metadata";
  EXPECT_GE(Prop(db_.get(), "mmdb.block-cache-usage"), three);
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(Prop(db_.get(), "mmdb.num-files-at-level0"), 0u);
  EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-pinned-usage"), 0u);
}

TEST_F(DBCacheTest, NothingIsPinnedWhenTheOptionIsOff) {
  Options o = Base();
  o.pin_l0_filter_and_index_blocks_in_cache = false;
  ASSERT_OK(DB::Open(o, dir_, &db_));
  FillL0(2, 500);
  EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-pinned-usage"), 0u);
}

TEST_F(DBCacheTest, PinnedMetadataSurvivesCachePressure) {
  Options o = Base();
  o.block_cache_capacity = 16 << 10;  // far smaller than the data
  ASSERT_OK(DB::Open(o, dir_, &db_));
  FillL0(4, 1000);
  const uint64_t pinned = Prop(db_.get(), "mmdb.block-cache-pinned-usage");
  ASSERT_GT(pinned, 0u);
  // Churn the cache with full scans and point reads.
  for (int pass = 0; pass < 3; ++pass) {
    EXPECT_EQ(test::Scan(db_.get()).size(), 4000u);
    for (int i = 0; i < 4000; i += 37) ASSERT_NE(test::Get(db_.get(), Key(i)), "NOT_FOUND");
  }
  EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-pinned-usage"), pinned);
  EXPECT_GT(o.statistics->GetTickerCount(kBlockCacheMiss), 0u);
  // Unpinned usage stays within the capacity.
  EXPECT_LE(Prop(db_.get(), "mmdb.block-cache-usage") - pinned, o.block_cache_capacity);
}

TEST_F(DBCacheTest, BlocksOfDeletedFilesLeaveTheCache) {
  Options o = Base();
  o.block_cache_capacity = 64 << 20;
  o.pin_l0_filter_and_index_blocks_in_cache = false;
  ASSERT_OK(DB::Open(o, dir_, &db_));
  // Four L0 files over the same key range, so CompactRange merges (and
  // deletes) them instead of moving them down.
  for (int f = 0; f < 4; ++f) {
    for (int i = 0; i < 1000; ++i) ASSERT_OK(db_->Put(Key(i * 4 + f), std::string(100, 'v')));
    ASSERT_OK(db_->Flush());
  }
  EXPECT_EQ(test::Scan(db_.get()).size(), 4000u);  // every data block cached
  const uint64_t before = Prop(db_.get(), "mmdb.block-cache-usage");
  ASSERT_GT(before, 4000u * 100u);
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));  // the L0 files are deleted
  const uint64_t after = Prop(db_.get(), "mmdb.block-cache-usage");
  EXPECT_LT(after, before / 4) << "before " << before << " after " << after;
}

TEST_F(DBCacheTest, FillCacheFalseScansLeaveTheCacheAlone) {
  Options o = Base();
  ASSERT_OK(DB::Open(o, dir_, &db_));
  FillL0(2, 1000);
  const uint64_t usage = Prop(db_.get(), "mmdb.block-cache-usage");
  const uint64_t adds = o.statistics->GetTickerCount(kBlockCacheAdd);
  ReadOptions ro;
  ro.fill_cache = false;
  EXPECT_EQ(test::Scan(db_.get(), ro).size(), 2000u);
  std::string v;
  ASSERT_OK(db_->Get(ro, Key(5), &v));
  EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-usage"), usage);
  EXPECT_EQ(o.statistics->GetTickerCount(kBlockCacheAdd), adds);
  // The same scan with fill_cache on fills it.
  EXPECT_EQ(test::Scan(db_.get()).size(), 2000u);
  EXPECT_GT(Prop(db_.get(), "mmdb.block-cache-usage"), usage);
  EXPECT_GT(o.statistics->GetTickerCount(kBlockCacheAdd), adds);
}

TEST_F(DBCacheTest, SharedCacheServesSeveralDBsAndForgetsAClosedOne) {
  std::shared_ptr<Cache> shared = NewBlockCache(8 << 20);
  Options o = Base();
  o.block_cache = shared;
  const std::string dir2 = test::TempDir("dbcache2");
  std::unique_ptr<DB> other;
  ASSERT_OK(DB::Open(o, dir_, &db_));
  ASSERT_OK(DB::Open(o, dir2, &other));
  FillL0(2, 1000);
  for (int i = 0; i < 1000; ++i) ASSERT_OK(other->Put(Key(i), "other"));
  ASSERT_OK(other->Flush());
  EXPECT_EQ(test::Scan(db_.get()).size(), 2000u);
  EXPECT_EQ(test::Scan(other.get()).size(), 1000u);
  EXPECT_EQ(test::Get(other.get(), Key(3)), "other");  // no cross-DB key collision
  EXPECT_EQ(test::Get(db_.get(), Key(3)), std::string(100, 'a'));
  const size_t pinned_both = shared->GetPinnedUsage();
  EXPECT_GT(pinned_both, 0u);
  EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-usage"), shared->GetUsage());
  other.reset();  // closing one DB releases its pins
  EXPECT_LT(shared->GetPinnedUsage(), pinned_both);
  EXPECT_GT(shared->GetPinnedUsage(), 0u);
  db_.reset();
  EXPECT_EQ(shared->GetPinnedUsage(), 0u);
  test::RemoveTree(dir2);
}

TEST_F(DBCacheTest, TableCacheEvictsUnderOpenIterators) {
  Options o = Base();
  o.max_open_files = 2;
  ASSERT_OK(DB::Open(o, dir_, &db_));
  FillL0(6, 300);
  // Several iterators, each holding all six files, moving in turns.
  std::vector<std::unique_ptr<Iterator>> iters;
  for (int i = 0; i < 3; ++i) {
    iters.push_back(db_->NewIterator(ReadOptions()));
    iters.back()->SeekToFirst();
  }
  for (int step = 0; step < 1800; ++step) {
    for (auto& it : iters) {
      ASSERT_TRUE(it->Valid()) << step;
      ASSERT_EQ(it->key(), Key(step));
      it->Next();
    }
    if (step % 100 == 0) {
      // Point reads open files too, pushing others out of the table cache.
      ASSERT_EQ(test::Get(db_.get(), Key(1799 - step)),
                std::string(100, static_cast<char>('a' + (1799 - step) / 300)));
    }
  }
  for (auto& it : iters) {
    EXPECT_FALSE(it->Valid());
    ASSERT_OK(it->status());
  }
  EXPECT_GT(o.statistics->GetTickerCount(kFilesClosed), 0u);
  EXPECT_GT(o.statistics->GetTickerCount(kFilesOpened), 2u);
}

TEST_F(DBCacheTest, MmapReadsServePlainBlocksInPlaceAndCompressedOnesFromTheCache) {
  for (CompressionType codec : {CompressionType::kNone, CompressionType::kLZ4}) {
    SCOPED_TRACE(static_cast<int>(codec));
    test::RemoveTree(dir_);
    Options o = Base();
    o.allow_mmap_reads = true;
    o.compression = codec;
    o.pin_l0_filter_and_index_blocks_in_cache = false;
    ASSERT_OK(DB::Open(o, dir_, &db_));
    FillL0(2, 1000);
    ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
    // An iterator keeps the compacted files' readers (and mappings) while a
    // second compaction deletes those files.
    auto old = db_->NewIterator(ReadOptions());
    old->SeekToFirst();
    for (int i = 0; i < 2000; ++i) ASSERT_OK(db_->Put(Key(i), "new" + std::to_string(i)));
    ASSERT_OK(db_->Flush());
    ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
    int n = 0;
    for (; old->Valid(); old->Next(), ++n) {
      ASSERT_EQ(old->key(), Key(n));
      ASSERT_EQ(old->value().size(), 100u);
    }
    ASSERT_OK(old->status());
    EXPECT_EQ(n, 2000);
    old.reset();
    for (int i = 0; i < 2000; i += 13)
      ASSERT_EQ(test::Get(db_.get(), Key(i)), "new" + std::to_string(i));
    EXPECT_EQ(test::Scan(db_.get()).size(), 2000u);
    const uint64_t added = o.statistics->GetTickerCount(kBlockCacheAdd);
    if (codec == CompressionType::kNone) {
      EXPECT_EQ(added, 0u);  // the page cache holds them
      EXPECT_EQ(Prop(db_.get(), "mmdb.block-cache-usage"), 0u);
    } else {
      EXPECT_GT(added, 0u);
      EXPECT_GT(Prop(db_.get(), "mmdb.block-cache-usage"), 0u);
    }
    EXPECT_GT(o.statistics->GetTickerCount(kBlockRead), 0u);
    db_.reset();
    ASSERT_OK(DB::Open(o, dir_, &db_));  // and after a reopen
    EXPECT_EQ(test::Get(db_.get(), Key(1999)), "new1999");
    db_.reset();
  }
}

}  // namespace
}  // namespace mmdb
