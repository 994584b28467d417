// SstFileWriter + DB::IngestExternalFile: ingested data is visible in order,
// newer than everything before it (but not to older snapshots), survives a
// reopen, and bad inputs are rejected.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/sst_file_writer.h>

#include "db/db_test_util.h"

namespace mmdb {

namespace {

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%05d", i);
  return buf;
}

std::string Property(DB* db, const std::string& name) {
  std::string v;
  EXPECT_TRUE(db->GetProperty(name, &v)) << name;
  return v;
}

}  // namespace

class DBIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::TempDir("ingest");
    dbdir_ = dir_ + "/db";
    ASSERT_OK(DB::Open(test::TinyOptions(), dbdir_, &db_));
  }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }
  void Reopen() {
    db_.reset();
    ASSERT_OK(DB::Open(test::TinyOptions(), dbdir_, &db_));
  }
  // Writes keys [from, to) with values "<tag><i>" into dir_/<name>.
  std::string WriteSst(const std::string& name, int from, int to, const std::string& tag) {
    const std::string path = dir_ + "/" + name;
    SstFileWriter w(test::TinyOptions());
    EXPECT_OK(w.Open(path));
    for (int i = from; i < to; ++i) EXPECT_OK(w.Put(Key(i), tag + std::to_string(i)));
    EXPECT_OK(w.Finish());
    return path;
  }

  std::string dir_, dbdir_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBIngestTest, IntoAnEmptyDbGoesToTheLastLevelAndSurvivesReopen) {
  const std::string sst = WriteSst("a.sst", 0, 500, "v");
  ASSERT_OK(db_->IngestExternalFile({sst}));
  EXPECT_EQ(Property(db_.get(), "mmdb.num-files-at-level6"), "1");
  EXPECT_EQ(Property(db_.get(), "mmdb.last-sequence"), "1");
  EXPECT_TRUE(std::filesystem::exists(sst));  // the input is left alone
  for (int pass = 0; pass < 2; ++pass) {
    auto all = test::Scan(db_.get());
    ASSERT_EQ(all.size(), 500u);
    int i = 0;
    for (const auto& [k, v] : all) {  // in order, every key once
      EXPECT_EQ(k, Key(i));
      EXPECT_EQ(v, "v" + std::to_string(i));
      ++i;
    }
    Reopen();
  }
  ASSERT_OK(db_->Put(Key(7), "newer"));  // later writes win over ingested data
  EXPECT_EQ(test::Get(db_.get(), Key(7)), "newer");
  ASSERT_OK(db_->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(test::Get(db_.get(), Key(7)), "newer");
  EXPECT_EQ(test::Get(db_.get(), Key(8)), "v8");
}

TEST_F(DBIngestTest, NewerThanExistingDataButInvisibleToOlderSnapshots) {
  for (int i = 0; i < 100; ++i) ASSERT_OK(db_->Put(Key(i), "old"));
  ASSERT_OK(db_->Flush());
  ASSERT_OK(db_->Put(Key(50), "memtable"));  // overlaps the file: flushed first
  ASSERT_OK(db_->Put(Key(99), "untouched"));
  auto before = db_->GetSnapshot();

  const std::string path = dir_ + "/b.sst";
  SstFileWriter w(test::TinyOptions());
  ASSERT_OK(w.Open(path));
  ASSERT_OK(w.DeleteRange(Key(10), Key(20)));  // deletes existing data in the range...
  ASSERT_OK(w.Put(Key(15), "ingested"));       // ...but not the file's own entries
  ASSERT_OK(w.Delete(Key(30)));
  ASSERT_OK(w.Put(Key(50), "ingested"));
  ASSERT_OK(w.Finish());
  EXPECT_EQ(w.NumEntries(), 4u);
  EXPECT_GT(w.FileSize(), 0u);
  ASSERT_OK(db_->IngestExternalFile({path}));
  EXPECT_EQ(Property(db_.get(), "mmdb.num-files-at-level0"), "3");  // old, flushed memtable, file

  for (int pass = 0; pass < 2; ++pass) {
    EXPECT_EQ(test::Get(db_.get(), Key(15)), "ingested");
    EXPECT_EQ(test::Get(db_.get(), Key(12)), "NOT_FOUND");
    EXPECT_EQ(test::Get(db_.get(), Key(30)), "NOT_FOUND");
    EXPECT_EQ(test::Get(db_.get(), Key(50)), "ingested");
    EXPECT_EQ(test::Get(db_.get(), Key(99)), "untouched");
    EXPECT_EQ(test::Scan(db_.get()).size(), 100u - 10 + 1 - 1);
    if (pass == 0) {
      // The snapshot taken before the ingestion sees none of it.
      EXPECT_EQ(test::Get(db_.get(), Key(15), before.get()), "old");
      EXPECT_EQ(test::Get(db_.get(), Key(12), before.get()), "old");
      EXPECT_EQ(test::Get(db_.get(), Key(50), before.get()), "memtable");
      ReadOptions ro;
      ro.snapshot = before.get();
      EXPECT_EQ(test::Scan(db_.get(), ro).size(), 100u);
      before.reset();
      Reopen();
    }
  }
}

TEST_F(DBIngestTest, SeveralFilesAtOnceInAnyOrder) {
  ASSERT_OK(db_->Put(Key(5), "old"));
  const std::string a = WriteSst("a.sst", 0, 10, "a");
  const std::string b = WriteSst("b.sst", 10, 20, "b");
  const std::string c = WriteSst("c.sst", 20, 30, "c");
  ASSERT_OK(db_->IngestExternalFile({c, a, b}));
  auto all = test::Scan(db_.get());
  ASSERT_EQ(all.size(), 30u);
  EXPECT_EQ(all[Key(5)], "a5");
  EXPECT_EQ(all[Key(15)], "b15");
  EXPECT_EQ(all[Key(29)], "c29");
  EXPECT_EQ(Property(db_.get(), "mmdb.last-sequence"), "4");  // one write + one per file
  ASSERT_OK(db_->IngestExternalFile({}));                     // nothing to do
}

TEST_F(DBIngestTest, BadInputsAreRejectedAndChangeNothing) {
  ASSERT_OK(db_->Put("x", "1"));
  const std::string a = WriteSst("a.sst", 0, 10, "a");
  const std::string b = WriteSst("b.sst", 5, 15, "b");  // overlaps a
  Status s = db_->IngestExternalFile({a, b});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  s = db_->IngestExternalFile({a, a});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  s = db_->IngestExternalFile({dir_ + "/missing.sst"});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  {
    std::ofstream junk(dir_ + "/junk.sst");
    junk << std::string(200, 'j');
  }
  s = db_->IngestExternalFile({dir_ + "/junk.sst"});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  // A range deletion reaching into the next file's keys is an overlap too.
  SstFileWriter w(test::TinyOptions());
  ASSERT_OK(w.Open(dir_ + "/r.sst"));
  ASSERT_OK(w.DeleteRange("j", Key(3)));
  ASSERT_OK(w.Finish());
  s = db_->IngestExternalFile({dir_ + "/r.sst", a});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();

  // A DB's own SST holding two versions of one key (kept for a snapshot):
  // re-stamping would make them identical, so it is refused.
  {
    std::unique_ptr<DB> other;
    ASSERT_OK(DB::Open(test::TinyOptions(), dir_ + "/other", &other));
    ASSERT_OK(other->Put("dup", "1"));
    auto pin = other->GetSnapshot();
    ASSERT_OK(other->Put("dup", "2"));
    ASSERT_OK(other->Flush());
    std::string sst;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/other")) {
      if (e.path().extension() == ".sst") sst = e.path().string();
    }
    ASSERT_FALSE(sst.empty());
    s = db_->IngestExternalFile({sst});
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.ToString().find("repeats"), std::string::npos) << s.ToString();
  }

  EXPECT_EQ(Property(db_.get(), "mmdb.last-sequence"), "1");
  const std::map<std::string, std::string> want{{"x", "1"}};
  EXPECT_EQ(test::Scan(db_.get()), want);
}

TEST_F(DBIngestTest, SstFileWriterRejectsOutOfOrderCalls) {
  SstFileWriter w(test::TinyOptions());
  EXPECT_TRUE(w.Put("a", "1").IsInvalidArgument());  // not open
  ASSERT_OK(w.Open(dir_ + "/w.sst"));
  EXPECT_TRUE(w.Open(dir_ + "/other.sst").IsInvalidArgument());
  ASSERT_OK(w.DeleteRange("m", "p"));
  ASSERT_OK(w.DeleteRange("b", "c"));  // range deletions in any order before the keys
  ASSERT_OK(w.DeleteRange("b", "e"));  // same begin: merged
  ASSERT_OK(w.Put("b", "1"));
  EXPECT_TRUE(w.Put("b", "2").IsInvalidArgument());  // duplicate
  EXPECT_TRUE(w.Put("a", "2").IsInvalidArgument());  // decreasing
  EXPECT_TRUE(w.Delete("b").IsInvalidArgument());
  EXPECT_TRUE(w.DeleteRange("a", "z").IsInvalidArgument());  // begins before the last key
  EXPECT_TRUE(w.DeleteRange("z", "y").IsInvalidArgument());  // inverted
  ASSERT_OK(w.DeleteRange("y", "y"));                        // empty: no-op
  ASSERT_OK(w.Put("c", "3"));                                // still usable
  ASSERT_OK(w.Finish());
  EXPECT_EQ(w.NumEntries(), 4u);

  ASSERT_OK(db_->Put("d", "old"));
  ASSERT_OK(db_->Put("n", "old"));
  ASSERT_OK(db_->Put("q", "kept"));
  ASSERT_OK(db_->IngestExternalFile({dir_ + "/w.sst"}));
  const std::map<std::string, std::string> want{{"b", "1"}, {"c", "3"}, {"q", "kept"}};
  EXPECT_EQ(test::Scan(db_.get()), want);

  SstFileWriter empty(test::TinyOptions());
  ASSERT_OK(empty.Open(dir_ + "/empty.sst"));
  EXPECT_TRUE(empty.Finish().IsInvalidArgument());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/empty.sst"));
  {
    SstFileWriter abandoned(test::TinyOptions());
    ASSERT_OK(abandoned.Open(dir_ + "/abandoned.sst"));
    ASSERT_OK(abandoned.Put("a", "1"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/abandoned.sst"));
}

TEST_F(DBIngestTest, WritesGoOnDuringIngestion) {
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      if (!db_->Put("w" + std::to_string(i), std::string(100, 'w')).ok()) break;
      written.store(i + 1);
    }
  });
  for (int f = 0; f < 5; ++f) {
    ASSERT_OK(db_->IngestExternalFile(
        {WriteSst("f" + std::to_string(f) + ".sst", f * 100, f * 100 + 100, "f")}));
  }
  stop = true;
  writer.join();
  auto all = test::Scan(db_.get());
  EXPECT_EQ(all.size(), 500u + static_cast<size_t>(written.load()));
  EXPECT_EQ(all[Key(250)], "f250");
  Reopen();
  EXPECT_EQ(test::Scan(db_.get()), all);
}

}  // namespace mmdb
