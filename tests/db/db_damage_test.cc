// A damaged DB directory never opens as a smaller valid one, and never loses
// files to an Open: a lost CURRENT, a bad or truncated MANIFEST, a missing
// table, unexplained tables, damage in the WAL with paranoid checks off, and
// an entry at the size limit (db/directory_audit.h, VersionSet::Recover).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"
#include "types/internal_key.h"
#include "wal/reader.h"

namespace mmdb {

namespace {

namespace fs = std::filesystem;

std::vector<std::string> Names(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(suffix)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ManifestPath(const std::string& dir) {
  std::ifstream in(dir + "/CURRENT");
  std::string name;
  std::getline(in, name);
  return dir + "/" + name;
}

// File offsets just past each whole record of a log file.
std::vector<uint64_t> RecordEnds(const std::string& path) {
  std::unique_ptr<SequentialFile> file;
  EXPECT_OK(Env::Default()->NewSequentialFile(path, &file));
  wal::Reader reader(std::move(file), nullptr, true);
  std::vector<uint64_t> ends;
  std::string scratch;
  std::string_view record;
  while (reader.ReadRecord(&record, &scratch)) ends.push_back(reader.last_record_end_offset());
  return ends;
}

using test::XorByte;

std::string Key(int i) { return "key" + std::to_string(10000 + i); }
std::string Value(int i) { return std::string(200, static_cast<char>('a' + i % 26)); }

}  // namespace

class DBDamageTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("damage"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }

  // Several flushes in one session, so the MANIFEST holds a snapshot and a
  // delta edit per flush, each moving the log number on (and the WALs the
  // flushes covered are gone). Automatic compactions are off so that each
  // flush stays one L0 table.
  void FillInFlushes(int flushes, Options o = test::TinyOptions()) {
    o.l0_compaction_trigger = 100;  // no automatic compaction
    o.l0_slowdown_writes_trigger = 100;
    o.l0_stop_writes_trigger = 100;
    o.read_triggered_compaction = false;
    ASSERT_OK(DB::Open(o, dir_, &db_));
    for (int f = 0; f < flushes; ++f) {
      for (int i = f * 100; i < (f + 1) * 100; ++i) ASSERT_OK(db_->Put(Key(i), Value(i)));
      ASSERT_OK(db_->Flush());
    }
    ASSERT_OK(db_->Close());
    db_.reset();
    keys_ = flushes * 100;
  }

  // Every key reads back with its value (ASSERTs), by Get and by a scan.
  void ExpectAllData() {
    for (int i = 0; i < keys_; ++i) ASSERT_EQ(test::Get(db_.get(), Key(i)), Value(i)) << Key(i);
    EXPECT_EQ(test::Scan(db_.get()).size(), static_cast<size_t>(keys_));
  }

  std::string dir_;
  std::unique_ptr<DB> db_;
  int keys_ = 0;
};

TEST_F(DBDamageTest, MissingCurrentIsRefusedAndNothingIsDeleted) {
  FillInFlushes(3);
  const std::vector<std::string> tables = Names(dir_, ".sst");
  ASSERT_FALSE(tables.empty());
  const std::string current = dir_ + "/CURRENT";
  std::string saved;
  {
    std::ifstream in(current);
    std::getline(in, saved);
  }
  fs::remove(current);
  Options o = test::TinyOptions();
  o.create_if_missing = true;
  Status s = DB::Open(o, dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find("CURRENT is missing"), std::string::npos) << s.ToString();
  EXPECT_EQ(Names(dir_, ".sst"), tables);
  EXPECT_FALSE(fs::exists(current));

  // With CURRENT back, every key is there.
  std::ofstream(current) << saved << "\n";
  ASSERT_OK(DB::Open(o, dir_, &db_));
  ExpectAllData();
}

TEST_F(DBDamageTest, ACreationCutShortBeforeCurrentStartsOver) {
  // What a crash inside CreateNew leaves: MANIFEST-000001, no CURRENT.
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  db_.reset();
  for (const std::string& name : Names(dir_, "")) {
    if (name != "MANIFEST-000001") fs::remove(dir_ + "/" + name);
  }
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  ASSERT_OK(db_->Put("a", "1"));
  EXPECT_EQ(test::Get(db_.get(), "a"), "1");
}

TEST_F(DBDamageTest, FlippedByteInTheLastManifestRecordIsCorruption) {
  FillInFlushes(4);
  const std::string manifest = ManifestPath(dir_);
  const std::vector<uint64_t> ends = RecordEnds(manifest);
  ASSERT_GE(ends.size(), 3u);
  const std::vector<std::string> tables = Names(dir_, ".sst");
  // A payload byte in the middle of the last record: whole, checksum wrong.
  const uint64_t begin = ends[ends.size() - 2];
  XorByte(manifest, begin + (ends.back() - begin) / 2, 0x01);
  Status s = DB::Open(test::TinyOptions(), dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(Names(dir_, ".sst"), tables);
  s = DB::OpenForReadOnly(test::TinyOptions(), dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

TEST_F(DBDamageTest, FlippedByteInAFreshSnapshotManifestIsCorruption) {
  FillInFlushes(2);
  // A reopen rewrites the MANIFEST as one snapshot record.
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  ASSERT_OK(db_->Close());
  db_.reset();
  const std::string manifest = ManifestPath(dir_);
  ASSERT_EQ(RecordEnds(manifest).size(), 1u);
  XorByte(manifest, 20, 0x40);
  Status s = DB::Open(test::TinyOptions(), dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

TEST_F(DBDamageTest, TruncatedManifestNeverOpensAsAnOlderState) {
  FillInFlushes(4);
  const std::string manifest = ManifestPath(dir_);
  std::vector<uint64_t> cuts = RecordEnds(manifest);
  ASSERT_GE(cuts.size(), 4u);
  cuts.pop_back();  // the whole file is the healthy case
  cuts.insert(cuts.begin(), 0);
  cuts.push_back(cuts.back() + 5);  // inside the last record
  int refused = 0;
  for (uint64_t cut : cuts) {
    SCOPED_TRACE("truncated to " + std::to_string(cut));
    const std::string copy = dir_ + "_cut";
    test::RemoveTree(copy);
    test::CopyDir(dir_, copy);
    const std::vector<std::string> tables = Names(copy, ".sst");
    fs::resize_file(ManifestPath(copy), cut);
    std::unique_ptr<DB> db;
    Status s = DB::Open(test::TinyOptions(), copy, &db);
    if (s.ok()) {
      // Only a cut that dropped nothing the directory relies on may open,
      // and then every key is there.
      for (int i = 0; i < keys_; ++i) ASSERT_EQ(test::Get(db.get(), Key(i)), Value(i));
    } else {
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      EXPECT_EQ(Names(copy, ".sst"), tables) << "a refused open deleted a table";
      ++refused;
    }
    db.reset();
    test::RemoveTree(copy);
  }
  EXPECT_GE(refused, 4);  // the empty file and every lost flush edit
}

TEST_F(DBDamageTest, MissingTableIsCorruptionOnOpenAndOnRead) {
  FillInFlushes(3);
  const std::vector<std::string> tables = Names(dir_, ".sst");
  ASSERT_EQ(tables.size(), 3u);
  {
    // On open: the MANIFEST lists a table that is not there.
    const std::string copy = dir_ + "_missing";
    test::CopyDir(dir_, copy);
    fs::remove(copy + "/" + tables[1]);
    std::unique_ptr<DB> db;
    Status s = DB::Open(test::TinyOptions(), copy, &db);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(s.ToString().find(tables[1]), std::string::npos) << s.ToString();
    test::RemoveTree(copy);
  }
  // On read: a table vanishes under an open DB whose table cache holds one
  // file, so the read must open it again.
  Options o = test::TinyOptions();
  o.max_open_files = 1;
  o.pin_l0_filter_and_index_blocks_in_cache = false;  // pins keep readers open
  ASSERT_OK(DB::Open(o, dir_, &db_));
  fs::remove(dir_ + "/" + tables[0]);
  int corrupt = 0;
  for (int i = 0; i < keys_; ++i) {
    std::string v;
    Status s = db_->Get(ReadOptions(), Key(i), &v);
    EXPECT_FALSE(s.IsNotFound()) << "a lost table read as a missing key: " << Key(i);
    if (s.IsCorruption()) ++corrupt;
    if (s.ok()) {
      EXPECT_EQ(v, Value(i));
    }
  }
  EXPECT_GT(corrupt, 0);
  auto it = db_->NewIterator(ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
  }
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
}

TEST_F(DBDamageTest, TableOfTheWrongSizeIsCorruptionWithParanoidChecks) {
  FillInFlushes(2);
  const std::vector<std::string> tables = Names(dir_, ".sst");
  std::ofstream(dir_ + "/" + tables[0], std::ios::app) << "extra";
  Options o = test::TinyOptions();
  o.paranoid_checks = true;
  Status s = DB::Open(o, dir_, &db_);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find("the MANIFEST recorded"), std::string::npos) << s.ToString();
}

TEST_F(DBDamageTest, UnexplainedTablesAreMovedToLostAndObsoleteOnesDeleted) {
  FillInFlushes(2);
  const std::vector<std::string> tables = Names(dir_, ".sst");
  // Above the MANIFEST's next file number: nothing explains it.
  fs::copy_file(dir_ + "/" + tables[0], dir_ + "/900000.sst");
  // Below it and in no Version: provably obsolete.
  fs::copy_file(dir_ + "/" + tables[0], dir_ + "/000002.sst");
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  EXPECT_FALSE(fs::exists(dir_ + "/900000.sst"));
  EXPECT_TRUE(fs::exists(dir_ + "/lost/900000.sst"));
  EXPECT_FALSE(fs::exists(dir_ + "/000002.sst"));
  std::string recovery;
  ASSERT_TRUE(db_->GetProperty("mmdb.recovery", &recovery));
  EXPECT_NE(recovery.find("tables-moved-to-lost: 1\n"), std::string::npos) << recovery;
  ExpectAllData();
}

TEST_F(DBDamageTest, WalDamageWithParanoidChecksOffIsCountedNotHidden) {
  Options o = test::TinyOptions();
  o.write_buffer_size = 4 << 20;  // everything stays in one WAL
  ASSERT_OK(DB::Open(o, dir_, &db_));
  for (int i = 0; i < 200; ++i) ASSERT_OK(db_->Put(Key(i), Value(i)));
  // A crash: the directory as it is while the DB is open.
  const std::string copy = dir_ + "_crash";
  test::CopyDir(dir_, copy);
  db_.reset();
  const std::vector<std::string> wals = Names(copy, ".wal");
  ASSERT_EQ(wals.size(), 1u);
  XorByte(copy + "/" + wals[0], 10, 0x01);  // inside the first record
  o.paranoid_checks = false;
  ASSERT_OK(DB::Open(o, copy, &db_));
  std::string recovery;
  ASSERT_TRUE(db_->GetProperty("mmdb.recovery", &recovery));
  EXPECT_NE(recovery.find("records-dropped: 200\n"), std::string::npos) << recovery;
  EXPECT_EQ(recovery.find("bytes-dropped: 0\n"), std::string::npos) << recovery;
  db_.reset();
  test::RemoveTree(copy);
}

TEST_F(DBDamageTest, AnEntryAtTheSizeLimitIsFlushableAndOneByteMoreIsRefused) {
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  const std::string key = "k";
  const std::string at_limit(kMaxEntrySize - key.size(), 'v');
  EXPECT_TRUE(db_->Put(WriteOptions(), key, at_limit + "v").IsInvalidArgument());
  ASSERT_OK(db_->Put(WriteOptions(), key, at_limit));
  ASSERT_OK(db_->Flush());
  ASSERT_OK(db_->Close());
  db_.reset();
  ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
  EXPECT_EQ(test::Get(db_.get(), key).size(), at_limit.size());
}

}  // namespace mmdb

namespace mmdb {

// RepairDB is the way back from each refusal above: the tables and WALs that
// survive become a DB again, with every key.
TEST_F(DBDamageTest, RepairRebuildsWhatOpenRefuses) {
  enum Damage { kNoCurrent, kFlippedManifest, kEmptyManifest, kManifestCutShort };
  for (Damage damage : {kNoCurrent, kFlippedManifest, kEmptyManifest, kManifestCutShort}) {
    SCOPED_TRACE("damage " + std::to_string(damage));
    test::RemoveTree(dir_);
    FillInFlushes(3);
    // More data, some overwritten and deleted, left in the WAL by a crash.
    Options o = test::TinyOptions();
    o.write_buffer_size = 4 << 20;
    ASSERT_OK(DB::Open(o, dir_, &db_));
    for (int i = 0; i < 50; ++i) ASSERT_OK(db_->Put(Key(i), Value(i + 1)));
    ASSERT_OK(db_->Flush());  // a second MANIFEST record, which kManifestCutShort loses
    ASSERT_OK(db_->Delete(Key(60)));
    const std::string crash = dir_ + "_crash";
    test::CopyDir(dir_, crash);
    db_.reset();
    test::RemoveTree(dir_);
    fs::rename(crash, dir_);

    const std::string manifest = ManifestPath(dir_);
    switch (damage) {
      case kNoCurrent:
        fs::remove(dir_ + "/CURRENT");
        break;
      case kFlippedManifest:
        XorByte(manifest, RecordEnds(manifest).back() - 3, 0x10);
        break;
      case kEmptyManifest:
        fs::resize_file(manifest, 0);
        break;
      case kManifestCutShort:
        fs::resize_file(manifest, RecordEnds(manifest)[0]);
        break;
    }
    ASSERT_FALSE(DB::Open(test::TinyOptions(), dir_, &db_).ok());
    RepairSummary summary;
    ASSERT_OK(RepairDB(dir_, test::TinyOptions(), &summary));
    EXPECT_GE(summary.tables_kept, 3u);
    EXPECT_GE(summary.records_recovered, 1u);
    EXPECT_EQ(summary.records_dropped, 0u);
    EXPECT_TRUE(fs::exists(dir_ + "/lost"));
    ASSERT_OK(DB::Open(test::TinyOptions(), dir_, &db_));
    std::map<std::string, std::string> expected;
    for (int i = 0; i < keys_; ++i) expected[Key(i)] = i < 50 ? Value(i + 1) : Value(i);
    expected.erase(Key(60));
    EXPECT_EQ(test::Scan(db_.get()), expected);
    for (const auto& [key, value] : expected) ASSERT_EQ(test::Get(db_.get(), key), value);
    EXPECT_EQ(test::Get(db_.get(), Key(60)), "NOT_FOUND");
    ASSERT_OK(db_->Close());
    db_.reset();
  }
}

}  // namespace mmdb
