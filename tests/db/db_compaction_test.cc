// Leveled compaction through the public API: CompactRange, trivial moves,
// snapshot preservation, tombstone and filter GC, lazy deletes, automatic
// compaction with backpressure, and errors during compaction.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include <mmdb/compaction_filter.h>
#include <mmdb/db.h>
#include <mmdb/statistics.h>

#include "db/db_test_util.h"
#include "env/mem_env.h"
#include "util/random.h"

namespace mmdb {

namespace {

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}

uint64_t Prop(DB* db, const std::string& name) {
  std::string v;
  EXPECT_TRUE(db->GetProperty(name, &v)) << name;
  return std::stoull(v);
}

int FilesAt(DB* db, int level) {
  return static_cast<int>(Prop(db, "mmdb.num-files-at-level" + std::to_string(level)));
}

int TotalFiles(DB* db) {
  int n = 0;
  for (int level = 0; level < 7; ++level) n += FilesAt(db, level);
  return n;
}

Options CompactionOptions() {
  Options o = test::TinyOptions();
  o.target_file_size_base = 64 << 10;
  o.max_bytes_for_level_base = 256 << 10;
  o.l0_compaction_trigger = 4;
  return o;
}

class DBCompactionTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("compact"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }
  void Open(const Options& o = CompactionOptions()) {
    db_.reset();
    ASSERT_OK(DB::Open(o, dir_, &db_));
  }
  void Fill(int from, int to, const std::string& tag) {
    for (int i = from; i < to; ++i) ASSERT_OK(db_->Put(Key(i), tag + std::to_string(i)));
  }
  std::string dir_;
  std::unique_ptr<DB> db_;
};

}  // namespace

TEST_F(DBCompactionTest, CompactRangeMovesEverythingToTheDeepestLevelWithData) {
  Open();
  Fill(0, 3000, "a");
  ASSERT_OK(db_->Flush());
  Fill(1500, 4500, "b");
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  // Only L0 held data: everything lands in L1, not in empty levels below.
  EXPECT_EQ(FilesAt(db_.get(), 0), 0);
  EXPECT_GT(FilesAt(db_.get(), 1), 0);
  EXPECT_EQ(FilesAt(db_.get(), 1), TotalFiles(db_.get()));
  for (int i = 0; i < 4500; i += 7) {
    ASSERT_EQ(test::Get(db_.get(), Key(i)), (i >= 1500 ? "b" : "a") + std::to_string(i));
  }
  EXPECT_EQ(test::Scan(db_.get()).size(), 4500u);
  Open();
  EXPECT_EQ(test::Scan(db_.get()).size(), 4500u);
}

TEST_F(DBCompactionTest, CompactRangeGathersDataAtTheDeepestLevelHoldingAny) {
  Open();
  // Enough data for background compaction to push some of it below L1.
  auto below_l1 = [&] {
    int n = 0;
    for (int level = 2; level < 7; ++level) n += FilesAt(db_.get(), level);
    return n;
  };
  int rounds = 0;
  for (; rounds < 40 && below_l1() == 0; ++rounds) {
    Fill(rounds * 2000, rounds * 2000 + 2000, "r");
    ASSERT_OK(db_->Flush());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GT(below_l1(), 0) << "background compaction never reached L2";
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  int deepest = 0;
  for (int level = 0; level < 7; ++level) {
    if (FilesAt(db_.get(), level) > 0) deepest = level;
  }
  ASSERT_GE(deepest, 2) << "the fill should have reached L2";
  EXPECT_EQ(FilesAt(db_.get(), deepest), TotalFiles(db_.get()));
  EXPECT_EQ(test::Scan(db_.get()).size(), static_cast<size_t>(rounds) * 2000u);
}

TEST_F(DBCompactionTest, TrivialMoveKeepsTheFileNumber) {
  Open();
  Fill(0, 100, "a");
  ASSERT_OK(db_->Flush());
  std::string before, after;
  ASSERT_TRUE(db_->GetProperty("mmdb.sstables", &before));
  const std::string number =
      before.substr(before.find('\n') + 1, before.find(':') - before.find('\n') - 1);
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  ASSERT_TRUE(db_->GetProperty("mmdb.sstables", &after));
  EXPECT_NE(after.find("level 1"), std::string::npos) << after;
  EXPECT_NE(after.find("\n" + number + ":"), std::string::npos) << before << after;
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("mmdb.stats", &stats));
  EXPECT_NE(stats.find("trivial moves 1"), std::string::npos) << stats;
}

// Sequential loads: L0 files that overlap neither each other nor L1 move
// down together by a MANIFEST edit, with no rewrite.
TEST_F(DBCompactionTest, DisjointL0FilesMoveDownTogether) {
  Options o = CompactionOptions();
  o.l0_compaction_trigger = 3;
  Open(o);
  for (int f = 0; f < 3; ++f) {
    Fill(f * 100, f * 100 + 100, "s");  // disjoint key ranges
    ASSERT_OK(db_->Flush());
  }
  // Wait for the background L0 -> L1 pick.
  for (int i = 0; i < 500 && FilesAt(db_.get(), 0) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(FilesAt(db_.get(), 0), 0);
  EXPECT_EQ(FilesAt(db_.get(), 1), 3);
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("mmdb.stats", &stats));
  EXPECT_NE(stats.find("trivial moves 3"), std::string::npos) << stats;
  EXPECT_EQ(test::Scan(db_.get()).size(), 300u);
}

TEST_F(DBCompactionTest, SnapshotKeepsOldVersionsUntilReleased) {
  Open();
  ASSERT_OK(db_->Put("k", "v1"));
  auto snap = db_->GetSnapshot();
  ASSERT_OK(db_->Put("k", "v2"));
  ASSERT_OK(db_->Delete("gone"));
  for (int round = 0; round < 3; ++round) {
    ASSERT_OK(db_->Put("filler" + std::to_string(round), "x"));
    ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
    EXPECT_EQ(test::Get(db_.get(), "k", snap.get()), "v1");
    EXPECT_EQ(test::Get(db_.get(), "k"), "v2");
  }
  // k twice, the deletion of "gone" (newer than the snapshot) and 3 fillers.
  EXPECT_EQ(Prop(db_.get(), "mmdb.estimate-num-keys"), 6u);
  snap.reset();
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(Prop(db_.get(), "mmdb.estimate-num-keys"), 4u);  // v1 and the marker are gone
  EXPECT_EQ(test::Get(db_.get(), "k"), "v2");
}

TEST_F(DBCompactionTest, DeleteRangeThenCompactReclaimsSpace) {
  Open();
  Fill(0, 5000, "a");
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  const uint64_t full = Prop(db_.get(), "mmdb.total-sst-files-size");
  ASSERT_GT(full, 30000u);
  ASSERT_OK(db_->DeleteRange(Key(0), Key(4000)));
  ASSERT_OK(db_->Delete(Key(4500)));
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  const uint64_t after = Prop(db_.get(), "mmdb.total-sst-files-size");
  EXPECT_LT(after, full / 3) << "space was not reclaimed";
  EXPECT_EQ(test::Scan(db_.get()).size(), 999u);
  EXPECT_EQ(test::Get(db_.get(), Key(3999)), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), Key(4000)), "a4000");
}

TEST_F(DBCompactionTest, CompactRangeOnSubRangeLeavesOtherFilesAlone) {
  Options o = CompactionOptions();
  o.l0_compaction_trigger = 100;  // no automatic compaction
  o.l0_slowdown_writes_trigger = 100;
  o.l0_stop_writes_trigger = 100;
  Open(o);
  Fill(0, 1000, "a");
  ASSERT_OK(db_->Flush());
  Fill(5000, 6000, "b");
  ASSERT_OK(db_->Flush());
  ASSERT_EQ(FilesAt(db_.get(), 0), 2);
  ASSERT_OK(db_->CompactRange(Key(5000), Key(5999)));
  EXPECT_EQ(FilesAt(db_.get(), 0), 1);  // the [0, 1000) file was not touched
  EXPECT_EQ(test::Get(db_.get(), Key(10)), "a10");
  EXPECT_EQ(test::Get(db_.get(), Key(5010)), "b5010");
}

namespace {
class DropOddAppendX final : public CompactionFilter {
 public:
  Decision Filter(int, std::string_view key, std::string_view value,
                  std::string* new_value) const override {
    const int n = std::stoi(std::string(key.substr(3)));
    if (n % 2 == 1) return Decision::kRemove;
    if (n % 10 == 0) {
      *new_value = std::string(value) + "X";
      return Decision::kChangeValue;
    }
    return Decision::kKeep;
  }
  const char* Name() const override { return "DropOddAppendX"; }
};
}  // namespace

TEST_F(DBCompactionTest, CompactionFilterRemovesAndChanges) {
  Options o = CompactionOptions();
  o.compaction_filter = std::make_shared<DropOddAppendX>();
  Open(o);
  Fill(0, 200, "v");
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(test::Get(db_.get(), Key(1)), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), Key(2)), "v2");
  EXPECT_EQ(test::Get(db_.get(), Key(10)), "v10X");
  EXPECT_EQ(test::Scan(db_.get()).size(), 100u);
}

TEST_F(DBCompactionTest, LazyDeletedKeysVanishAtBottommostWithoutSnapshots) {
  Open();
  Fill(0, 100, "v");
  ASSERT_OK(db_->Flush());
  db_->LazyDeleteBatch({Key(1), Key(2)});
  db_->LazyDelete(Key(3));
  EXPECT_EQ(db_->DeadKeyCount(), 3u);
  {
    auto snap = db_->GetSnapshot();  // a live snapshot protects them
    ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
    EXPECT_EQ(test::Get(db_.get(), Key(1)), "v1");
  }
  ASSERT_OK(db_->Put("other", "x"));  // something to compact again
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(test::Get(db_.get(), Key(1)), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), Key(3)), "NOT_FOUND");
  EXPECT_EQ(test::Get(db_.get(), Key(4)), "v4");
  EXPECT_EQ(db_->DeadKeyCount(), 0u);  // pruned once dropped
  db_->LazyDelete("x");
  db_->ClearDeadKeys();
  EXPECT_EQ(db_->DeadKeyCount(), 0u);
}

TEST_F(DBCompactionTest, AutomaticCompactionBoundsL0AndKeepsData) {
  Options o = CompactionOptions();
  o.l0_slowdown_writes_trigger = 6;
  o.l0_stop_writes_trigger = 10;
  o.statistics = CreateDBStatistics();
  Open(o);
  Random rnd(test::Seed());
  std::map<std::string, std::string> model;
  std::vector<std::thread> writers;
  std::mutex model_mu;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      Random r(test::Seed() + static_cast<uint64_t>(t));
      for (int i = 0; i < 15000; ++i) {
        const std::string k = Key(static_cast<int>(r.Uniform(20000)) * 2 + t);
        const std::string v(50 + r.Uniform(100), static_cast<char>('a' + t));
        ASSERT_OK(db_->Put(k, v));
        std::lock_guard<std::mutex> l(model_mu);
        model[k] = v;
      }
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_LT(FilesAt(db_.get(), 0), 10);
  EXPECT_GT(TotalFiles(db_.get()) - FilesAt(db_.get(), 0), 0);  // data reached L1+
  EXPECT_EQ(test::Scan(db_.get()), model);
  Open(o);
  EXPECT_EQ(test::Scan(db_.get()), model);
}

TEST_F(DBCompactionTest, NoSlowdownWritesGetBusyInsteadOfWaiting) {
  Options o = CompactionOptions();
  o.l0_compaction_trigger = 2;
  o.l0_slowdown_writes_trigger = 2;
  o.l0_stop_writes_trigger = 3;
  o.rate_limit_bytes_per_sec = 64 << 10;  // compaction is slow: L0 piles up
  Open(o);
  bool busy = false;
  for (int i = 0; i < 200000 && !busy; ++i) {
    Status s = db_->Put(WriteOptions{.no_slowdown = true}, Key(i), std::string(100, 'x'));
    if (s.IsBusy()) {
      busy = true;
    } else {
      ASSERT_OK(s);
    }
  }
  EXPECT_TRUE(busy);
  // Ordinary writes still go through (they wait instead).
  ASSERT_OK(db_->Put("after", "1"));
}

TEST_F(DBCompactionTest, CompactionErrorIsReportedAndReopenRecovers) {
  auto env = std::make_shared<MemEnv>();
  Options o = CompactionOptions();
  o.env = env;
  o.l0_compaction_trigger = 100;
  o.l0_slowdown_writes_trigger = 100;
  o.l0_stop_writes_trigger = 100;
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, "/db", &db));
  for (int pass = 0; pass < 2; ++pass) {  // two overlapping L0 files: a real merge
    for (int i = 0; i < 3000; ++i) ASSERT_OK(db->Put(Key(i), "v" + std::to_string(i)));
    ASSERT_OK(db->Flush());
  }
  env->FailNth(MemEnv::Op::kWrite, 3, Status::IOError("injected write error"));
  Status s = db->CompactRange(std::nullopt, std::nullopt);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_GE(Prop(db.get(), "mmdb.background-errors"), 1u);
  EXPECT_FALSE(db->Put("more", "x").ok());       // read-only until reopened
  EXPECT_EQ(test::Get(db.get(), Key(5)), "v5");  // reads still work
  (void)db->Close();                             // reports the same error
  db.reset();
  env->ClearFaults();
  ASSERT_OK(DB::Open(o, "/db", &db));
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(test::Get(db.get(), Key(i)), "v" + std::to_string(i));
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(test::Scan(db.get()).size(), 3000u);
}

TEST_F(DBCompactionTest, FilesHeldByAReaderAreDeletedWhenItLetsGoEvenWithoutWrites) {
  Open();
  Fill(0, 3000, "a");
  ASSERT_OK(db_->Flush());
  auto sst_count = [&] {
    std::vector<std::string> children;
    EXPECT_OK(Env::Default()->GetChildren(dir_, &children));
    return std::count_if(children.begin(), children.end(),
                         [](const std::string& n) { return n.ends_with(".sst"); });
  };
  const auto before = sst_count();
  auto reader = db_->NewIterator(ReadOptions());  // holds the flushed files
  reader->SeekToFirst();
  Fill(0, 3000, "b");
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  EXPECT_GT(sst_count(), before) << "the old files stay while the iterator reads them";
  ASSERT_EQ(reader->value(), "a0");
  reader.reset();
  // No write, flush or compaction follows: the background sweep must find
  // the released Version by itself.
  const int live = TotalFiles(db_.get());
  bool swept = false;
  for (int i = 0; i < 500 && !swept; ++i) {
    swept = sst_count() == live;
    if (!swept) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(swept) << sst_count() << " .sst files on disk, " << live << " live";
  EXPECT_EQ(test::Get(db_.get(), Key(5)), "b5");
}

}  // namespace mmdb
