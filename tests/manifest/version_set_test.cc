// VersionSet: create, LogAndApply, recover across reopen, MANIFEST rotation,
// CURRENT validation, torn MANIFEST tails, sticky write errors, and replay of
// every golden MANIFEST written by the Rust engine.
#include "manifest/version_set.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "manifest/filename.h"
#include "types/internal_key.h"
#include "util/golden.h"
#include "util/result.h"
#include "util/test_util.h"
#include "wal/log_test_util.h"
#include "wal/reader.h"

namespace mmdb {
namespace {

constexpr int kLevels = 7;

FileMetaData File(uint64_t number, std::string_view small, std::string_view large,
                  bool range_dels = false) {
  FileMetaData f;
  f.number = number;
  f.file_size = number * 10;
  f.smallest = MakeInternalKey(small, 100, ValueType::kValue);
  f.largest = MakeInternalKey(large, 1, ValueType::kValue);
  f.has_range_deletions = range_dels;
  return f;
}

std::vector<uint64_t> Numbers(const Version& v, int level) {
  std::vector<uint64_t> r;
  for (const auto& f : v.files(level)) r.push_back(f->number);
  return r;
}

// Delegates to the POSIX Env; can make writable files fail.
class FlakyEnv final : public Env {
 public:
  class File final : public WritableFile {
   public:
    File(std::unique_ptr<WritableFile> base, const FlakyEnv* env)
        : base_(std::move(base)), env_(env) {}
    Status Append(std::string_view d) override {
      if (env_->fail_appends) return Status::IOError("injected append failure");
      return base_->Append(d);
    }
    Status Flush() override { return base_->Flush(); }
    Status Sync() override {
      if (env_->fail_syncs) return Status::IOError("injected sync failure");
      return base_->Sync();
    }
    Status Close() override { return base_->Close(); }
    uint64_t Size() const override { return base_->Size(); }

   private:
    std::unique_ptr<WritableFile> base_;
    const FlakyEnv* env_;
  };

  Status NewSequentialFile(const std::string& p, std::unique_ptr<SequentialFile>* r) override {
    return base_->NewSequentialFile(p, r);
  }
  Status NewRandomAccessFile(const std::string& p, std::unique_ptr<RandomAccessFile>* r) override {
    return base_->NewRandomAccessFile(p, r);
  }
  Status NewWritableFile(const std::string& p, std::unique_ptr<WritableFile>* r) override {
    std::unique_ptr<WritableFile> f;
    MMDB_RETURN_IF_ERROR(base_->NewWritableFile(p, &f));
    *r = std::make_unique<File>(std::move(f), this);
    return Status::OK();
  }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Status GetChildren(const std::string& d, std::vector<std::string>* r) override {
    return base_->GetChildren(d, r);
  }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status CreateDirIfMissing(const std::string& d) override { return base_->CreateDirIfMissing(d); }
  Status RemoveDir(const std::string& d) override { return base_->RemoveDir(d); }
  Status GetFileSize(const std::string& p, uint64_t* s) override {
    return base_->GetFileSize(p, s);
  }
  Status RenameFile(const std::string& s, const std::string& t) override {
    if (fail_renames) return Status::IOError("injected rename failure");
    return base_->RenameFile(s, t);
  }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Status LockFile(const std::string& p, std::unique_ptr<FileLock>* l) override {
    return base_->LockFile(p, l);
  }
  uint64_t NowMicros() override { return base_->NowMicros(); }
  void SleepForMicroseconds(uint64_t m) override { base_->SleepForMicroseconds(m); }

  bool fail_appends = false;
  bool fail_syncs = false;
  bool fail_renames = false;

 private:
  std::shared_ptr<Env> base_ = Env::Default();
};

class VersionSetTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("db"); }
  void TearDown() override {
    if (!HasFailure()) test::RemoveTree(dir_);
  }
  std::unique_ptr<VersionSet> Open() {
    auto vs = std::make_unique<VersionSet>(dir_, &env_, kLevels);
    Status s = vs->Recover();
    EXPECT_OK(s);
    return s.ok() ? std::move(vs) : nullptr;
  }
  std::string Read(const std::string& path) {
    std::string data;
    EXPECT_OK(ReadFileToString(&env_, path, &data));
    return data;
  }
  void WriteCurrent(std::string_view contents) {
    ASSERT_OK(WriteStringToFile(&env_, contents, CurrentFileName(dir_), false));
  }

  FlakyEnv env_;
  std::string dir_;
};

TEST_F(VersionSetTest, CreateNewWritesRustCompatibleFiles) {
  VersionSet vs(dir_, &env_, kLevels);
  ASSERT_OK(vs.CreateNew());
  EXPECT_EQ(vs.manifest_file_number(), 1u);
  EXPECT_EQ(vs.next_file_number(), 2u);
  EXPECT_EQ(vs.LastSequence(), 0u);
  EXPECT_EQ(vs.current()->TotalFiles(), 0u);
  EXPECT_EQ(Read(CurrentFileName(dir_)), "MANIFEST-000001\n");
  const std::string manifest = Read(ManifestFileName(dir_, 1));
  EXPECT_EQ(manifest.size(), 7u + 18u);
  EXPECT_FALSE(env_.FileExists(TempCurrentFileName(dir_, 1)));
  // Byte-identical to the first record of the Rust engine's MANIFEST.
  const std::string golden = test::CompatDir() + "/plain/MANIFEST-000001";
  ASSERT_TRUE(std::filesystem::exists(golden)) << golden;
  EXPECT_EQ(ToHex(manifest), ToHex(Read(golden).substr(0, manifest.size())));
  EXPECT_EQ(vs.NewFileNumber(), 2u);
}

TEST_F(VersionSetTest, RecoverWithoutCurrentIsNotFound) {
  VersionSet vs(dir_, &env_, kLevels);
  EXPECT_TRUE(vs.Recover().IsNotFound());
}

TEST_F(VersionSetTest, LogAndApplySurvivesReopen) {
  {
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.CreateNew());
    const uint64_t wal = vs.NewFileNumber();  // 2
    const uint64_t sst = vs.NewFileNumber();  // 3
    VersionEdit e;
    e.SetLogNumber(wal);
    e.AddFile(0, File(sst, "a", "m"));
    vs.SetLastSequence(50);
    ASSERT_OK(vs.LogAndApply(&e));
    EXPECT_EQ(e.next_file_number(), 4u);  // filled in
    EXPECT_EQ(e.last_sequence(), 50u);
    EXPECT_EQ(vs.log_number(), wal);

    VersionEdit e2;  // flush 5 into L0, then move 3 down (trivial move)
    e2.AddFile(0, File(vs.NewFileNumber(), "c", "z"));
    ASSERT_OK(vs.LogAndApply(&e2));
    VersionEdit move;
    move.AddFile(1, File(sst, "a", "m"));
    move.RemoveFile(0, sst);
    vs.SetLastSequence(70);
    ASSERT_OK(vs.LogAndApply(&move));
    EXPECT_EQ(vs.current()->LevelSummary(), "files[ 1 1 0 0 0 0 0 ]");
    EXPECT_EQ(vs.manifest_file_number(), 1u);  // a fresh DB appends to MANIFEST-000001
    std::set<uint64_t> live;
    vs.AddLiveFiles(&live);
    EXPECT_EQ(live, (std::set<uint64_t>{3, 4}));
  }
  auto vs = Open();
  ASSERT_NE(vs, nullptr);
  EXPECT_EQ(vs->current()->LevelSummary(), "files[ 1 1 0 0 0 0 0 ]");
  EXPECT_EQ(Numbers(*vs->current(), 0), (std::vector<uint64_t>{4}));
  EXPECT_EQ(Numbers(*vs->current(), 1), (std::vector<uint64_t>{3}));
  EXPECT_EQ(vs->log_number(), 2u);
  EXPECT_EQ(vs->LastSequence(), 70u);
  EXPECT_EQ(vs->next_file_number(), 5u);
  EXPECT_EQ(vs->current()->files(1)[0]->smallest, MakeInternalKey("a", 100, ValueType::kValue));
  EXPECT_EQ(vs->current()->files(1)[0]->file_size, 30u);

  // The first edit after Recover starts a new MANIFEST holding a snapshot.
  VersionEdit e;
  e.AddFile(2, File(vs->NewFileNumber(), "x", "y", true));  // 5
  ASSERT_OK(vs->LogAndApply(&e));
  EXPECT_EQ(vs->manifest_file_number(), 6u);
  EXPECT_EQ(Read(CurrentFileName(dir_)), "MANIFEST-000006\n");
  EXPECT_FALSE(env_.FileExists(TempCurrentFileName(dir_, 6)));
  VersionEdit e2;
  e2.RemoveFile(0, 4);
  ASSERT_OK(vs->LogAndApply(&e2));
  EXPECT_EQ(vs->manifest_file_number(), 6u);  // appends from now on
  vs.reset();

  vs = Open();
  ASSERT_NE(vs, nullptr);
  EXPECT_EQ(vs->current()->LevelSummary(), "files[ 0 1 1 0 0 0 0 ]");
  EXPECT_TRUE(vs->current()->files(2)[0]->has_range_deletions);
  EXPECT_EQ(vs->log_number(), 2u);
  EXPECT_EQ(vs->LastSequence(), 70u);
  EXPECT_EQ(vs->next_file_number(), 7u);
}

TEST_F(VersionSetTest, BadEditIsRejectedWithoutPoisoning) {
  VersionSet vs(dir_, &env_, kLevels);
  ASSERT_OK(vs.CreateNew());
  VersionEdit bad;
  bad.RemoveFile(1, 77);
  EXPECT_TRUE(vs.LogAndApply(&bad).IsCorruption());
  VersionEdit good;
  good.AddFile(1, File(vs.NewFileNumber(), "a", "b"));
  ASSERT_OK(vs.LogAndApply(&good));
  EXPECT_EQ(vs.current()->NumFiles(1), 1u);
}

TEST_F(VersionSetTest, FailedManifestWriteIsSticky) {
  VersionSet vs(dir_, &env_, kLevels);
  ASSERT_OK(vs.CreateNew());
  env_.fail_syncs = true;
  VersionEdit e;
  e.AddFile(0, File(vs.NewFileNumber(), "a", "b"));
  EXPECT_TRUE(vs.LogAndApply(&e).IsIOError());
  EXPECT_EQ(vs.current()->TotalFiles(), 0u);  // not installed
  env_.fail_syncs = false;
  VersionEdit e2;
  e2.SetLastSequence(5);
  EXPECT_TRUE(vs.LogAndApply(&e2).IsIOError());
  EXPECT_FALSE(vs.write_error().ok());
}

TEST_F(VersionSetTest, FailedRotationIsStickyAndLeavesCurrentAlone) {
  {
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.CreateNew());
  }
  auto vs = Open();
  ASSERT_NE(vs, nullptr);
  env_.fail_renames = true;
  VersionEdit e;
  e.AddFile(0, File(vs->NewFileNumber(), "a", "b"));
  EXPECT_TRUE(vs->LogAndApply(&e).IsIOError());
  env_.fail_renames = false;
  EXPECT_EQ(Read(CurrentFileName(dir_)), "MANIFEST-000001\n");
  VersionEdit e2;
  EXPECT_FALSE(vs->LogAndApply(&e2).ok());
  vs = Open();  // the DB reopens from the old MANIFEST
  ASSERT_NE(vs, nullptr);
  EXPECT_EQ(vs->current()->TotalFiles(), 0u);
}

TEST_F(VersionSetTest, BadCurrentIsCorruption) {
  {
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.CreateNew());
  }
  for (const char* bad :
       {"MANIFEST-000001", "MANIFEST-000001\n\n", "MANIFEST-1\n", "MANIFEST-0000001\n",
        "../other\n", "", "MANIFEST-00000x\n", "MANIFEST-000001\r\n"}) {
    WriteCurrent(bad);
    VersionSet vs(dir_, &env_, kLevels);
    Status s = vs.Recover();
    EXPECT_TRUE(s.IsCorruption()) << "'" << bad << "': " << s.ToString();
  }
  WriteCurrent("MANIFEST-000009\n");  // well-formed but missing
  VersionSet vs(dir_, &env_, kLevels);
  EXPECT_TRUE(vs.Recover().IsCorruption());
  WriteCurrent("MANIFEST-000001\n");
  EXPECT_NE(Open(), nullptr);
}

TEST_F(VersionSetTest, TornLastRecordIsTolerated) {
  uint64_t size_before_last = 0;
  {
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.CreateNew());
    for (int i = 0; i < 5; ++i) {
      VersionEdit e;
      const std::string k(1, static_cast<char>('a' + 2 * i));
      e.AddFile(1, File(vs.NewFileNumber(), k, k));
      ASSERT_OK(vs.LogAndApply(&e));
    }
    ASSERT_OK(env_.GetFileSize(ManifestFileName(dir_, 1), &size_before_last));
    VersionEdit last;
    // Long keys: the record spans a 512-byte sector boundary of the file.
    const std::string zz(600, 'z');
    last.AddFile(2, File(vs.NewFileNumber(), zz, zz));
    ASSERT_OK(vs.LogAndApply(&last));
  }
  const std::string path = ManifestFileName(dir_, 1);
  const std::string full = Read(path);
  ASSERT_GT(full.size(), size_before_last);
  for (size_t cut = size_before_last; cut <= full.size(); ++cut) {
    std::filesystem::resize_file(path, cut);
    if (cut > size_before_last) {
      // keep the rest of the cut file's bytes as they were
      ASSERT_OK(WriteStringToFile(&env_, full.substr(0, cut), path, false));
    }
    SCOPED_TRACE("cut " + std::to_string(cut));
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.Recover());
    EXPECT_EQ(vs.current()->NumFiles(1), 5u);
    EXPECT_EQ(vs.current()->NumFiles(2), cut == full.size() ? 1u : 0u) << cut;
  }
  // Lost sectors: the last record's bytes from a sector boundary on read as
  // zeros (then preallocated zeros): a torn tail, tolerated.
  const size_t sector = (size_before_last + 10 + 511) / 512 * 512;
  ASSERT_LT(sector, full.size());
  std::string zeroed = full;
  for (size_t i = sector; i < zeroed.size(); ++i) zeroed[i] = 0;
  ASSERT_OK(WriteStringToFile(&env_, zeroed + std::string(100, '\0'), path, false));
  {
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.Recover());
    EXPECT_EQ(vs.current()->NumFiles(2), 0u);
  }
  // Zeros that cover no sector boundary are not a lost sector.
  zeroed = full;
  const size_t last_boundary = (full.size() - 1) / 512 * 512;
  for (size_t i = std::max(size_before_last + 10, last_boundary + 3); i < zeroed.size(); ++i) {
    zeroed[i] = 0;
  }
  ASSERT_OK(WriteStringToFile(&env_, zeroed, path, false));
  {
    VersionSet vs(dir_, &env_, kLevels);
    EXPECT_TRUE(vs.Recover().IsCorruption());
  }
  // One flipped byte in the whole last record is damage, not a torn tail:
  // taking it for one would silently roll the DB back an edit.
  for (size_t at : {size_before_last + 9, size_before_last + 300, full.size() - 1}) {
    std::string flipped = full;
    flipped[at] ^= 0x04;
    ASSERT_OK(WriteStringToFile(&env_, flipped, path, false));
    VersionSet vs(dir_, &env_, kLevels);
    EXPECT_TRUE(vs.Recover().IsCorruption()) << at;
  }
  // A MANIFEST without one whole record was truncated or overwritten.
  ASSERT_OK(WriteStringToFile(&env_, "", path, false));
  {
    VersionSet vs(dir_, &env_, kLevels);
    EXPECT_TRUE(vs.Recover().IsCorruption());
  }
  // A damaged record in the middle is corruption.
  std::string damaged = full;
  damaged[size_before_last - 20] ^= 0x10;
  ASSERT_OK(WriteStringToFile(&env_, damaged, path, false));
  VersionSet vs(dir_, &env_, kLevels);
  EXPECT_TRUE(vs.Recover().IsCorruption());
}

TEST_F(VersionSetTest, RecoverRejectsEditsThatDoNotApply) {
  {
    VersionSet vs(dir_, &env_, kLevels);
    ASSERT_OK(vs.CreateNew());
  }
  // Append a well-framed edit deleting a file that is not live.
  std::string contents = Read(ManifestFileName(dir_, 1));
  {
    wal::Writer w(std::make_unique<test::StringSink>(&contents), contents.size());
    VersionEdit e;
    e.RemoveFile(3, 12345);
    std::string rec;
    e.EncodeTo(&rec);
    ASSERT_OK(w.AddRecord(rec));
  }
  ASSERT_OK(WriteStringToFile(&env_, contents, ManifestFileName(dir_, 1), false));
  VersionSet vs(dir_, &env_, kLevels);
  EXPECT_TRUE(vs.Recover().IsCorruption());
}

TEST_F(VersionSetTest, RotatesTheManifestPastTheThreshold) {
  VersionSet vs(dir_, &env_, kLevels);
  ASSERT_OK(vs.CreateNew());
  vs.SetManifestRotateBytes(300);
  std::set<uint64_t> manifests = {1};
  for (int i = 0; i < 20; ++i) {
    VersionEdit e;
    const std::string k = "k" + std::to_string(100 + i);
    e.AddFile(1, File(vs.NewFileNumber(), k, k));
    if (i % 3 == 2) e.RemoveFile(1, vs.current()->files(1).front()->number);
    vs.SetLastSequence(1000 + i);
    ASSERT_OK(vs.LogAndApply(&e));
    manifests.insert(vs.manifest_file_number());
  }
  EXPECT_GT(manifests.size(), 3u);
  EXPECT_LT(manifests.size(), 15u);  // a big snapshot does not rotate on every edit
  EXPECT_EQ(Read(CurrentFileName(dir_)),
            "MANIFEST-" + FormatFileNumber(vs.manifest_file_number()) + "\n");
  const std::string summary = vs.current()->LevelSummary();
  const uint64_t next = vs.next_file_number();
  VersionSet reopened(dir_, &env_, kLevels);
  ASSERT_OK(reopened.Recover());
  EXPECT_EQ(reopened.current()->LevelSummary(), summary);
  EXPECT_EQ(reopened.LastSequence(), 1019u);
  EXPECT_EQ(reopened.next_file_number(), next);
  for (size_t i = 0; i < vs.current()->NumFiles(1); ++i) {
    EXPECT_EQ(reopened.current()->files(1)[i]->number, vs.current()->files(1)[i]->number);
  }
}

TEST_F(VersionSetTest, MarkFileNumberUsed) {
  VersionSet vs(dir_, &env_, kLevels);
  ASSERT_OK(vs.CreateNew());
  vs.MarkFileNumberUsed(1);
  EXPECT_EQ(vs.next_file_number(), 2u);
  vs.MarkFileNumberUsed(100);
  EXPECT_EQ(vs.NewFileNumber(), 101u);
}

// ---- Golden MANIFESTs written by the Rust engine (tests/data/compat) ----

struct GoldenLayout {
  const char* name;
  std::map<int, std::vector<uint64_t>> levels;  // in Version order (L0 newest first)
  uint64_t log_number;
  std::vector<uint64_t> range_del_files;
};
void PrintTo(const GoldenLayout& g, std::ostream* os) { *os << g.name; }

std::vector<uint64_t> Range(uint64_t a, uint64_t b) {
  std::vector<uint64_t> r;
  for (uint64_t i = a; i <= b; ++i) r.push_back(i);
  return r;
}

class GoldenManifestTest : public ::testing::TestWithParam<GoldenLayout> {};

TEST_P(GoldenManifestTest, ReplaysToTheDocumentedLayout) {
  const GoldenLayout& g = GetParam();
  const std::string dir = test::CompatDir() + "/" + g.name;
  ASSERT_TRUE(std::filesystem::exists(dir)) << dir << " is missing";
  auto env = Env::Default();
  VersionSet vs(dir, env.get(), kLevels);
  ASSERT_OK(vs.Recover());  // reads only: the golden directories are read-only
  auto v = vs.current();
  for (int level = 0; level < kLevels; ++level) {
    auto it = g.levels.find(level);
    const std::vector<uint64_t> want = it == g.levels.end() ? std::vector<uint64_t>{} : it->second;
    EXPECT_EQ(Numbers(*v, level), want) << g.name << " L" << level << "\n" << v->DebugString();
  }
  EXPECT_OK(v->CheckConsistency());
  EXPECT_EQ(vs.log_number(), g.log_number) << g.name;
  EXPECT_EQ(vs.manifest_file_number(), 1u);
  // Every file named by the version exists, with the recorded size; the WAL
  // the log number names exists; the next number is above all of them.
  for (int level = 0; level < kLevels; ++level) {
    for (const auto& f : v->files(level)) {
      uint64_t size = 0;
      ASSERT_OK(env->GetFileSize(TableFileName(dir, f->number), &size));
      EXPECT_EQ(size, f->file_size) << f->number;
      EXPECT_GT(vs.next_file_number(), f->number);
      bool want_rd = std::find(g.range_del_files.begin(), g.range_del_files.end(), f->number) !=
                     g.range_del_files.end();
      EXPECT_EQ(f->has_range_deletions, want_rd) << f->number;
    }
  }
  EXPECT_TRUE(env->FileExists(WalFileName(dir, g.log_number)));
  EXPECT_GT(vs.next_file_number(), vs.log_number());
  EXPECT_GT(vs.LastSequence(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Compat, GoldenManifestTest,
    ::testing::Values(
        GoldenLayout{
            "plain", {{0, {246911, 246908}}, {1, {11, 12, 13}}, {6, {215144, 215145}}}, 246910, {}},
        GoldenLayout{"wal_tail", {{0, {4}}}, 3, {}},
        GoldenLayout{"zstd", {{0, {158757}}, {1, Range(158748, 158755)}}, 158756, {}},
        GoldenLayout{"lz4", {{0, {158757}}, {1, Range(158748, 158755)}}, 158756, {}},
        GoldenLayout{"tombstones",
                     {{0, {233210}}, {1, {232163}}, {6, {233207, 233208}}},
                     233209,
                     {233210, 232163}},
        GoldenLayout{"prefix", {{0, {53793}}, {1, Range(53788, 53791)}}, 53792, {}},
        GoldenLayout{"vsdb", {{0, {1683}}, {1, {1595}}, {6, {1376}}}, 1682, {1683, 1595}}),
    [](const auto& info) { return std::string(info.param.name); });

// vsdb's MANIFEST holds a trivial move: one edit adding #N at a lower level
// and deleting #N at its old level, the new file first.
TEST(GoldenManifestEditTest, VsdbHoldsATrivialMoveEdit) {
  const std::string path = test::CompatDir() + "/vsdb/MANIFEST-000001";
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing";
  std::unique_ptr<SequentialFile> file;
  ASSERT_OK(Env::Default()->NewSequentialFile(path, &file));
  wal::Reader reader(std::move(file), nullptr, true);
  std::string scratch;
  std::string_view rec;
  int moves = 0, records = 0;
  while (reader.ReadRecord(&rec, &scratch)) {
    ++records;
    VersionEdit e;
    ASSERT_OK(e.DecodeFrom(rec));
    for (const auto& [add_level, f] : e.new_files()) {
      for (const auto& [del_level, number] : e.deleted_files()) {
        if (number == f.number) {
          EXPECT_LT(del_level, add_level);
          EXPECT_EQ(rec[0] == 6 || rec[0] == 1 || rec[0] == 2 || rec[0] == 3, true);
          ++moves;
        }
      }
    }
  }
  EXPECT_EQ(reader.end_state(), wal::Reader::EndState::kEof);
  EXPECT_GT(records, 1);
  EXPECT_GE(moves, 1);
}

}  // namespace
}  // namespace mmdb
