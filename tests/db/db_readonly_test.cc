// DB::OpenForReadOnly: reads the MANIFEST's files and the WALs (in memory),
// writes nothing, refuses every mutation, and works beside a live writer.
#include <filesystem>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"

namespace mmdb {

namespace {

// Every file of `dir` with its size: what "writes nothing" is checked against.
std::map<std::string, uintmax_t> Listing(const std::string& dir) {
  std::map<std::string, uintmax_t> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    out[e.path().filename().string()] = std::filesystem::file_size(e.path());
  }
  return out;
}

}  // namespace

class DBReadOnlyTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("ro"); }
  void TearDown() override { test::RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(DBReadOnlyTest, SeesSstAndWalDataAndWritesNothing) {
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db));
  ASSERT_OK(db->Put("a", "sst"));
  ASSERT_OK(db->Put("b", "old"));
  ASSERT_OK(db->Flush());
  ASSERT_OK(db->Put("b", "wal"));        // only in the WAL
  ASSERT_OK(db->DeleteRange("c", "e"));  // a tombstone in the WAL over an SST key
  ASSERT_OK(db->Put("f", "wal"));

  const auto before = Listing(dir_);
  std::unique_ptr<DB> ro;
  ASSERT_OK(DB::OpenForReadOnly(test::TinyOptions(), dir_, &ro));  // beside the writer
  EXPECT_EQ(test::Get(ro.get(), "a"), "sst");
  EXPECT_EQ(test::Get(ro.get(), "b"), "wal");
  EXPECT_EQ(test::Get(ro.get(), "f"), "wal");
  const std::map<std::string, std::string> want{{"a", "sst"}, {"b", "wal"}, {"f", "wal"}};
  EXPECT_EQ(test::Scan(ro.get()), want);
  auto it = ro->NewPrefixIterator(ReadOptions(), "b");
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->Next();
  EXPECT_FALSE(it->Valid());
  it.reset();

  std::string v;
  EXPECT_TRUE(ro->GetProperty("mmdb.num-files-at-level0", &v));
  EXPECT_EQ(v, "1");
  EXPECT_FALSE(ro->GetProperty("mmdb.no-such-property", &v));

  // Later writes of the writer are not seen: the reader is frozen at open.
  ASSERT_OK(db->Put("g", "later"));
  EXPECT_EQ(test::Get(ro.get(), "g"), "NOT_FOUND");
  ASSERT_OK(ro->Close());
  ro.reset();
  auto after = Listing(dir_);
  // The writer's own WAL grew by the "g" write; everything else is identical.
  for (auto& [name, size] : after) {
    if (name.ends_with(".wal")) size = before.count(name) ? before.at(name) : size;
  }
  EXPECT_EQ(after, before);
}

TEST_F(DBReadOnlyTest, EveryMutationIsNotSupported) {
  {
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db));
    ASSERT_OK(db->Put("k", "v"));
  }
  std::unique_ptr<DB> ro;
  ASSERT_OK(DB::OpenForReadOnly(test::TinyOptions(), dir_, &ro));
  WriteBatch batch;
  batch.Put("x", "y");
  EXPECT_TRUE(ro->Put("k", "w").IsNotSupported());
  EXPECT_TRUE(ro->Delete("k").IsNotSupported());
  EXPECT_TRUE(ro->DeleteRange("a", "z").IsNotSupported());
  EXPECT_TRUE(ro->Write(&batch).IsNotSupported());
  EXPECT_TRUE(ro->Flush().IsNotSupported());
  EXPECT_TRUE(ro->CompactRange(std::nullopt, std::nullopt).IsNotSupported());
  EXPECT_TRUE(ro->IngestExternalFile({dir_ + "/none.sst"}).IsNotSupported());
  EXPECT_TRUE(ro->CreateCheckpoint(dir_ + "-ckpt").IsNotSupported());
  EXPECT_EQ(test::Get(ro.get(), "k"), "v");
  auto snap = ro->GetSnapshot();
  EXPECT_EQ(test::Get(ro.get(), "k", snap.get()), "v");
}

TEST_F(DBReadOnlyTest, MissingDbIsInvalidArgumentAndNothingIsCreated) {
  const std::string missing = dir_ + "/nothing-here";
  std::unique_ptr<DB> ro;
  Status s = DB::OpenForReadOnly(Options(), missing, &ro);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(ro, nullptr);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(DBReadOnlyTest, ReopensWhileWriterFlushesAndCompacts) {
  Options o = test::TinyOptions();
  o.write_buffer_size = 16 << 10;  // many flushes and compactions
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, dir_, &db));
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    const std::string value(100, 'v');
    for (int i = 0; !stop.load() && i < 1000000; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "k%07d", i);
      if (!db->Put(key, value).ok()) break;
      written.store(i + 1);
    }
  });
  // Each open sees a prefix of the writer's keys: never an error, never a gap.
  for (int round = 0; round < 20; ++round) {
    while (written.load() < (round + 1) * 200) std::this_thread::yield();
    std::unique_ptr<DB> ro;
    ASSERT_OK(DB::OpenForReadOnly(o, dir_, &ro)) << "round " << round;
    auto it = ro->NewIterator(ReadOptions());
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
      char key[16];
      std::snprintf(key, sizeof(key), "k%07d", n);
      ASSERT_EQ(it->key(), key);
    }
    ASSERT_OK(it->status());
    EXPECT_GE(n, round * 200);
  }
  stop = true;
  writer.join();
}

}  // namespace mmdb
