#include <thread>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "db/db_test_util.h"
#include "util/random.h"

namespace mmdb {

class DBBasicTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("db"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }
  void Open(const Options& o = test::TinyOptions()) {
    db_.reset();
    ASSERT_OK(DB::Open(o, dir_, &db_));
  }

  std::string dir_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBBasicTest, PutGetDeleteOverwrite) {
  Open();
  EXPECT_EQ(test::Get(db_.get(), "a"), "NOT_FOUND");
  ASSERT_OK(db_->Put("a", "1"));
  ASSERT_OK(db_->Put("b", "2"));
  EXPECT_EQ(test::Get(db_.get(), "a"), "1");
  ASSERT_OK(db_->Put("a", "3"));
  EXPECT_EQ(test::Get(db_.get(), "a"), "3");
  ASSERT_OK(db_->Delete("a"));
  EXPECT_EQ(test::Get(db_.get(), "a"), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), "b"), "2");
  ASSERT_OK(db_->Delete("never-there"));
}

TEST_F(DBBasicTest, EmptyKeysBinaryKeysAndEmptyValues) {
  Open();
  const std::string nul_key("a\0b", 3);
  ASSERT_OK(db_->Put("", "empty-key"));
  ASSERT_OK(db_->Put(nul_key, std::string("v\0v", 3)));
  ASSERT_OK(db_->Put("e", ""));
  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_EQ(test::Get(db_.get(), ""), "empty-key");
    EXPECT_EQ(test::Get(db_.get(), nul_key), std::string("v\0v", 3));
    EXPECT_EQ(test::Get(db_.get(), std::string("a", 1)), "NOT_FOUND");
    EXPECT_EQ(test::Get(db_.get(), "e"), "");
    ASSERT_OK(db_->Flush());  // second pass reads the same from an SST
  }
  auto all = test::Scan(db_.get());
  EXPECT_EQ(all.size(), 3u);
  EXPECT_EQ(all.begin()->first, "");
}

TEST_F(DBBasicTest, LargeKeysAndValues) {
  Open();
  const std::string big_key(64 << 10, 'k');
  // FORMAT.md caps one entry at 64 MiB - 72 bytes (key + value).
  const std::string big_value((64 << 20) - 1024, 'v');
  ASSERT_OK(db_->Put(big_key, "x"));
  ASSERT_OK(db_->Put("big", big_value));
  EXPECT_EQ(test::Get(db_.get(), big_key), "x");
  EXPECT_EQ(test::Get(db_.get(), "big").size(), big_value.size());
  ASSERT_OK(db_->Flush());
  EXPECT_EQ(test::Get(db_.get(), big_key), "x");
  EXPECT_TRUE(test::Get(db_.get(), "big") == big_value);
  Open();
  EXPECT_TRUE(test::Get(db_.get(), "big") == big_value);
}

TEST_F(DBBasicTest, OversizedInputIsInvalidArgument) {
  Open();
  const std::string too_long_key((8 << 20) + 1, 'k');
  EXPECT_TRUE(db_->Put(too_long_key, "v").IsInvalidArgument());
  const std::string huge_value(64 << 20, 'v');  // key + value > 64 MiB - 72
  EXPECT_TRUE(db_->Put("k", huge_value).IsInvalidArgument());
  WriteBatch b;
  b.Put("ok", "1");
  b.Put(too_long_key, "v");
  EXPECT_TRUE(db_->Write(&b).IsInvalidArgument());
  EXPECT_EQ(test::Get(db_.get(), "ok"), "NOT_FOUND");  // the batch is all or nothing
}

TEST_F(DBBasicTest, WriteBatchIsAtomicAndOrdered) {
  Open();
  WriteBatch b;
  b.Put("x", "1");
  b.Delete("x");
  b.Put("y", "2");
  b.Put("y", "3");
  b.DeleteRange("a", "a");  // empty: dropped
  EXPECT_EQ(b.Count(), 4u);
  ASSERT_OK(db_->Write(&b));
  EXPECT_EQ(test::Get(db_.get(), "x"), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), "y"), "3");
}

TEST_F(DBBasicTest, ReopenWithDataInWalOnly) {
  Open();
  ASSERT_OK(db_->Put("k1", "v1"));
  ASSERT_OK(db_->Delete("k1"));
  ASSERT_OK(db_->Put("k2", "v2"));
  // A copy taken while open is what a process crash leaves: WAL, no flush.
  const std::string crashed = dir_ + "_crash";
  test::CopyDir(dir_, crashed);
  db_.reset();
  ASSERT_OK(DB::Open(test::TinyOptions(), crashed, &db_));
  EXPECT_EQ(test::Get(db_.get(), "k1"), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), "k2"), "v2");
  // The replayed WAL is an immutable memtable, flushed in the background
  // (Flush waits for it): one L0 file.
  ASSERT_OK(db_->Flush());
  std::string files;
  ASSERT_TRUE(db_->GetProperty("mmdb.num-files-at-level0", &files));
  EXPECT_EQ(files, "1");
  db_.reset();
  test::RemoveTree(crashed);
}

TEST_F(DBBasicTest, ReopenWithDataInSstsOnlyAndInBoth) {
  Open();
  for (int i = 0; i < 2000; ++i) {
    ASSERT_OK(db_->Put("key" + std::to_string(i), "value" + std::to_string(i)));
  }
  ASSERT_OK(db_->Flush());
  Open();  // SSTs only
  for (int i = 0; i < 2000; i += 37) {
    EXPECT_EQ(test::Get(db_.get(), "key" + std::to_string(i)), "value" + std::to_string(i));
  }
  for (int i = 0; i < 2000; i += 2) ASSERT_OK(db_->Put("key" + std::to_string(i), "new"));
  const std::string crashed = dir_ + "_crash";
  test::CopyDir(dir_, crashed);  // SSTs + WAL
  db_.reset();
  ASSERT_OK(DB::Open(test::TinyOptions(), crashed, &db_));
  for (int i = 0; i < 2000; ++i) {
    EXPECT_EQ(test::Get(db_.get(), "key" + std::to_string(i)),
              i % 2 == 0 ? "new" : "value" + std::to_string(i));
  }
  db_.reset();
  test::RemoveTree(crashed);
}

TEST_F(DBBasicTest, ManyFlushesKeepNewestVersion) {
  Options o = test::TinyOptions();
  auto stats = CreateDBStatistics();
  o.statistics = stats;
  Open(o);
  Random rnd(test::Seed());
  std::map<std::string, std::string> model;
  for (int i = 0; i < 20000; ++i) {
    std::string k = "k" + std::to_string(rnd.Uniform(3000));
    if (rnd.OneIn(5)) {
      ASSERT_OK(db_->Delete(k));
      model.erase(k);
    } else {
      std::string v = std::string(rnd.Uniform(100), 'a' + static_cast<char>(rnd.Uniform(26)));
      ASSERT_OK(db_->Put(k, v));
      model[k] = v;
    }
  }
  EXPECT_GT(stats->GetTickerCount(kFlushes), 3u);  // tiny write buffer: many flushes
  for (const auto& [k, v] : model) ASSERT_EQ(test::Get(db_.get(), k), v);
  EXPECT_EQ(test::Scan(db_.get()), model);
  Open();
  EXPECT_EQ(test::Scan(db_.get()), model);
}

TEST_F(DBBasicTest, SecondOpenOfSameDirectoryFails) {
  Open();
  std::unique_ptr<DB> second;
  Status s = DB::Open(test::TinyOptions(), dir_, &second);
  EXPECT_TRUE(s.IsBusy() || s.IsIOError()) << s.ToString();
  EXPECT_EQ(second, nullptr);
  EXPECT_EQ(test::Get(db_.get(), "a"), "NOT_FOUND");  // the first is unharmed
}

TEST_F(DBBasicTest, CreateIfMissingAndErrorIfExists) {
  Options o = test::TinyOptions();
  o.create_if_missing = false;
  std::unique_ptr<DB> db;
  EXPECT_TRUE(DB::Open(o, dir_ + "/nope", &db).IsInvalidArgument());
  Open();
  db_.reset();
  o.create_if_missing = true;
  o.error_if_exists = true;
  EXPECT_TRUE(DB::Open(o, dir_, &db).IsInvalidArgument());
}

TEST_F(DBBasicTest, CloseIsIdempotentAndLaterCallsAbort) {
  Open();
  ASSERT_OK(db_->Put("a", "1"));
  ASSERT_OK(db_->Close());
  ASSERT_OK(db_->Close());
  EXPECT_TRUE(db_->Put("b", "2").IsAborted());
  std::string v;
  EXPECT_TRUE(db_->Get("a", &v).IsAborted());
  auto it = db_->NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsAborted());
  Open();
  EXPECT_EQ(test::Get(db_.get(), "a"), "1");
}

TEST_F(DBBasicTest, DestroyDBRemovesEverything) {
  Open();
  ASSERT_OK(db_->Put("a", "1"));
  EXPECT_FALSE(DestroyDB(dir_, Options()).ok());  // still open: locked
  db_.reset();
  ASSERT_OK(DestroyDB(dir_, Options()));
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(DBBasicTest, ConcurrentWritersAllLand) {
  Open();
  constexpr int kThreads = 4, kPerThread = 3000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        WriteOptions wo;
        wo.sync = (i % 500 == 0);
        Status s = db_->Put(wo, "t" + std::to_string(t) + "_" + std::to_string(i), "v");
        ASSERT_TRUE(s.ok()) << s.ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(test::Scan(db_.get()).size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(DBBasicTest, PropertiesAnswerAndUnknownIsFalse) {
  Open();
  ASSERT_OK(db_->Put("a", "1"));
  std::string v;
  for (const char* name :
       {"mmdb.num-files-at-level0", "mmdb.levelstats", "mmdb.stats", "mmdb.sstables",
        "mmdb.estimate-num-keys", "mmdb.total-sst-files-size", "mmdb.cur-size-all-mem-tables",
        "mmdb.num-immutable-mem-table", "mmdb.block-cache-usage", "mmdb.block-cache-pinned-usage",
        "mmdb.compaction-pending", "mmdb.num-snapshots", "mmdb.background-errors",
        "mmdb.error-recoveries"}) {
    EXPECT_TRUE(db_->GetProperty(name, &v)) << name;
  }
  EXPECT_FALSE(db_->GetProperty("mmdb.no-such-thing", &v));
  EXPECT_FALSE(db_->GetProperty("mmdb.num-files-at-level99", &v));
  ASSERT_TRUE(db_->GetProperty("mmdb.estimate-num-keys", &v));
  EXPECT_EQ(v, "1");
  auto snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->GetProperty("mmdb.num-snapshots", &v));
  EXPECT_EQ(v, "1");
  snap.reset();
  ASSERT_TRUE(db_->GetProperty("mmdb.num-snapshots", &v));
  EXPECT_EQ(v, "0");
}

}  // namespace mmdb
