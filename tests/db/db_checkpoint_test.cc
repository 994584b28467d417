// DB::CreateCheckpoint: an openable, independent copy at one point in time,
// taken while writes go on.
#include <atomic>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"
#include "env/mem_env.h"

namespace mmdb {

class DBCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("ckpt"); }
  void TearDown() override { test::RemoveTree(dir_); }
  std::string dir_;
};

TEST_F(DBCheckpointTest, CopyHoldsSstsMemtableAndTombstonesAndIsIndependent) {
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_ + "/db", &db));
  for (int i = 0; i < 100; ++i) ASSERT_OK(db->Put("k" + std::to_string(i), "sst"));
  ASSERT_OK(db->Flush());
  ASSERT_OK(db->Put("k5", "wal"));  // newer than the SST, only in the WAL
  ASSERT_OK(db->DeleteRange("k7", "k8"));
  ASSERT_OK(db->Delete("k1"));
  const auto expected = test::Scan(db.get());

  std::shared_ptr<const Snapshot> at;
  ASSERT_OK(db->CreateCheckpoint(dir_ + "/ckpt", &at));
  ASSERT_NE(at, nullptr);
  std::string seq;
  ASSERT_TRUE(db->GetProperty("mmdb.last-sequence", &seq));
  EXPECT_EQ(std::to_string(at->sequence()), seq);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/ckpt/CURRENT"));
  int ssts = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_ + "/ckpt")) {
    if (e.path().extension() != ".sst") continue;
    ++ssts;
    EXPECT_EQ(std::filesystem::hard_link_count(e.path()), 2u) << e.path();  // shared, not copied
  }
  EXPECT_GE(ssts, 1);

  ASSERT_OK(db->Put("after", "x"));  // not in the copy
  std::unique_ptr<DB> copy;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_ + "/ckpt", &copy));
  EXPECT_EQ(test::Scan(copy.get()), expected);
  EXPECT_EQ(test::Get(copy.get(), "k5"), "wal");
  EXPECT_EQ(test::Get(copy.get(), "k1"), "NOT_FOUND");
  EXPECT_EQ(test::Get(copy.get(), "after"), "NOT_FOUND");

  // Independent: compacting and writing either side leaves the other intact.
  ASSERT_OK(copy->Put("copy-only", "y"));
  ASSERT_OK(copy->CompactRange(std::nullopt, std::nullopt));
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(test::Get(db.get(), "copy-only"), "NOT_FOUND");
  EXPECT_EQ(test::Get(db.get(), "after"), "x");
  ASSERT_OK(copy->Close());
  ASSERT_OK(db->Close());
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_ + "/ckpt", &copy));
  EXPECT_EQ(test::Get(copy.get(), "copy-only"), "y");
  EXPECT_EQ(test::Get(copy.get(), "k5"), "wal");
}

TEST_F(DBCheckpointTest, ExistingDirectoryIsRejected) {
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_ + "/db", &db));
  std::filesystem::create_directories(dir_ + "/taken");
  Status s = db->CreateCheckpoint(dir_ + "/taken");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  s = db->CreateCheckpoint(dir_ + "/no/such/parent/ckpt");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/taken"));
}

// Writers keep going (with flushes and compactions) while the checkpoint is
// taken; the copy must equal the snapshot taken at the same moment.
TEST_F(DBCheckpointTest, UnderConcurrentWritesCopyEqualsSnapshotAtTheSameMoment) {
  Options o = test::TinyOptions();
  o.write_buffer_size = 16 << 10;
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, dir_ + "/db", &db));
  std::atomic<bool> stop{false};
  std::atomic<int> ops{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      const std::string value(64, static_cast<char>('a' + t));
      for (int i = 0; !stop.load(); ++i) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i % 3000);
        Status s = (i % 7 == 3) ? db->Delete(key) : db->Put(key, value + std::to_string(i));
        if (!s.ok()) break;
        ops.fetch_add(1);
      }
    });
  }
  std::vector<std::shared_ptr<const Snapshot>> snaps;
  for (int round = 0; round < 3; ++round) {
    while (ops.load() < (round + 1) * 3000) std::this_thread::yield();
    std::shared_ptr<const Snapshot> at;
    ASSERT_OK(db->CreateCheckpoint(dir_ + "/ckpt" + std::to_string(round), &at));
    snaps.push_back(at);
  }
  stop = true;
  for (auto& w : writers) w.join();

  for (int round = 0; round < 3; ++round) {
    ReadOptions ro;
    ro.snapshot = snaps[round].get();
    const auto want = test::Scan(db.get(), ro);
    std::unique_ptr<DB> copy;
    ASSERT_OK(DB::Open(o, dir_ + "/ckpt" + std::to_string(round), &copy));
    EXPECT_EQ(test::Scan(copy.get()), want) << "round " << round;
    EXPECT_GE(want.size(), 100u);
    std::string seq;
    ASSERT_TRUE(copy->GetProperty("mmdb.last-sequence", &seq));
    EXPECT_EQ(seq, std::to_string(snaps[round]->sequence()));
  }
}

// An Env without hard links (the in-memory one) gets copies of the SSTs.
TEST_F(DBCheckpointTest, CopiesWhenTheEnvCannotLink) {
  auto env = std::make_shared<MemEnv>();
  Options o = test::TinyOptions();
  o.env = env;
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, "/db", &db));
  ASSERT_OK(db->Put("a", "1"));
  ASSERT_OK(db->Flush());
  ASSERT_OK(db->Put("b", "2"));
  ASSERT_OK(db->CreateCheckpoint("/ckpt"));
  ASSERT_OK(db->Close());
  ASSERT_OK(DestroyDB("/db", o));
  std::unique_ptr<DB> copy;
  ASSERT_OK(DB::Open(o, "/ckpt", &copy));
  EXPECT_EQ(test::Get(copy.get(), "a"), "1");
  EXPECT_EQ(test::Get(copy.get(), "b"), "2");
}

}  // namespace mmdb
