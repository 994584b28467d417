// Version and VersionBuilder: level ordering, lookups, and how edits apply
// (deletions keyed by (level, number), trivial moves, rejected edits).
#include "manifest/version.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "manifest/filename.h"
#include "manifest/version_builder.h"
#include "types/internal_key.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

FileMetaData File(uint64_t number, std::string_view small, std::string_view large,
                  uint64_t size = 100) {
  FileMetaData f;
  f.number = number;
  f.file_size = size;
  f.smallest = MakeInternalKey(small, 100, ValueType::kValue);
  f.largest = MakeInternalKey(large, 1, ValueType::kValue);
  return f;
}

std::vector<uint64_t> Numbers(const Version::FileList& files) {
  std::vector<uint64_t> r;
  for (const auto& f : files) r.push_back(f->number);
  return r;
}

std::shared_ptr<const Version> Build(std::shared_ptr<const Version> base,
                                     const std::vector<VersionEdit>& edits, Status* status) {
  VersionBuilder b(std::move(base));
  for (const auto& e : edits) {
    *status = b.Apply(e);
    if (!status->ok()) return nullptr;
  }
  auto r = b.Finish();
  if (!r.ok()) {
    *status = r.status();
    return nullptr;
  }
  *status = Status::OK();
  return std::move(r).value();
}

std::shared_ptr<const Version> MustBuild(std::shared_ptr<const Version> base,
                                         const std::vector<VersionEdit>& edits) {
  Status s;
  auto v = Build(std::move(base), edits, &s);
  EXPECT_OK(s);
  return v;
}

std::shared_ptr<const Version> Sample() {
  VersionEdit e;
  e.AddFile(0, File(20, "a", "z"));
  e.AddFile(0, File(30, "c", "d"));
  e.AddFile(0, File(25, "b", "k"));
  e.AddFile(1, File(12, "m", "p", 300));
  e.AddFile(1, File(11, "a", "c", 100));
  e.AddFile(1, File(13, "q", "t", 200));
  e.AddFile(6, File(5, "a", "z"));
  return MustBuild(Version::Empty(7), {e});
}

TEST(VersionTest, FirstOfOverlappingNamesTheFirstFileAReadSearches) {
  auto v = Sample();  // L0: 30 [c,d], 25 [b,k], 20 [a,z]; L1: 11 [a,c], 12 [m,p], 13 [q,t]; L6: 5
  int level = -1;
  const FileMetaData* f = v->FirstOfOverlapping("c", &level);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->number, 30u);  // newest L0 file first
  EXPECT_EQ(level, 0);
  f = v->FirstOfOverlapping("l", &level);  // only 20 in L0, then L6
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->number, 20u);

  VersionEdit e;
  e.AddFile(1, File(11, "a", "c"));
  e.AddFile(1, File(12, "m", "p"));
  e.AddFile(3, File(40, "n", "z"));
  auto deep = MustBuild(Version::Empty(7), {e});
  f = deep->FirstOfOverlapping("o", &level);  // L1 #12 over L3 #40
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->number, 12u);
  EXPECT_EQ(level, 1);
  EXPECT_EQ(deep->FirstOfOverlapping("b", &level), nullptr);  // only #11 holds it
  EXPECT_EQ(deep->FirstOfOverlapping("q", &level), nullptr);  // only #40
  EXPECT_EQ(deep->FirstOfOverlapping("0", &level), nullptr);  // before every file
  EXPECT_EQ(Version::Empty(7)->FirstOfOverlapping("a", &level), nullptr);
}

TEST(VersionTest, FilesEnteringALevelGetASeekBudgetThatRunsOutOnce) {
  VersionEdit e;
  e.AddFile(1, File(11, "a", "c", 100));          // small: the floor of 100
  e.AddFile(1, File(12, "m", "p", 64ull << 20));  // 64 MiB / 16 KiB = 4096
  auto v = MustBuild(Version::Empty(7), {e});
  EXPECT_EQ(v->files(1)[0]->allowed_seeks.left(), 100);
  EXPECT_EQ(v->files(1)[1]->allowed_seeks.left(), 4096);
  const FileMetaData& f = *v->files(1)[0];
  int exhausted = 0;
  for (int i = 0; i < 30; ++i) exhausted += f.allowed_seeks.Charge(8) ? 1 : 0;  // 240 > 100
  EXPECT_EQ(exhausted, 1);
  // A budget is kept by later Versions sharing the file, and reset when the
  // file is added again (a trivial move).
  VersionEdit keep;
  keep.AddFile(2, File(50, "x", "y"));
  auto v2 = MustBuild(v, {keep});
  EXPECT_LT(v2->files(1)[0]->allowed_seeks.left(), 0);
  VersionEdit move;
  move.RemoveFile(1, 11);
  move.AddFile(2, File(11, "a", "c", 100));
  auto v3 = MustBuild(v2, {move});
  EXPECT_EQ(v3->files(2)[0]->allowed_seeks.left(), 100);
}

TEST(VersionTest, OrderingAndSummary) {
  auto v = Sample();
  EXPECT_EQ(Numbers(v->files(0)), (std::vector<uint64_t>{30, 25, 20}));  // newest first
  EXPECT_EQ(Numbers(v->files(1)), (std::vector<uint64_t>{11, 12, 13}));  // by smallest key
  EXPECT_EQ(v->LevelSummary(), "files[ 3 3 0 0 0 0 1 ]");
  EXPECT_EQ(v->NumLevelBytes(1), 600u);
  EXPECT_EQ(v->TotalFiles(), 7u);
  EXPECT_OK(v->CheckConsistency());
  EXPECT_EQ(Version::Empty(3)->LevelSummary(), "files[ 0 0 0 ]");
}

TEST(VersionTest, FindFile) {
  auto v = Sample();
  auto ik = [](std::string_view k) { return MakeInternalKey(k, 50, ValueType::kValue); };
  EXPECT_EQ(v->FindFile(1, ik("0")), 0u);
  EXPECT_EQ(v->FindFile(1, ik("b")), 0u);
  EXPECT_EQ(v->FindFile(1, ik("c")), 0u);  // largest is c@1, c@50 sorts before it
  EXPECT_EQ(v->FindFile(1, MakeInternalKey("c", 0, ValueType::kDeletion)), 1u);
  EXPECT_EQ(v->FindFile(1, ik("n")), 1u);
  EXPECT_EQ(v->FindFile(1, ik("q")), 2u);
  EXPECT_EQ(v->FindFile(1, ik("u")), 3u);
  EXPECT_EQ(v->FindFile(2, ik("a")), 0u);  // empty level
}

TEST(VersionTest, OverlappingFiles) {
  auto v = Sample();
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "b", "n")), (std::vector<uint64_t>{11, 12}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "c", "c")), (std::vector<uint64_t>{11}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "d", "l")), (std::vector<uint64_t>{}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "p", std::nullopt)), (std::vector<uint64_t>{12, 13}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, std::nullopt, "m")), (std::vector<uint64_t>{11, 12}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, std::nullopt, std::nullopt)),
            (std::vector<uint64_t>{11, 12, 13}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(0, "e", "f")), (std::vector<uint64_t>{25, 20}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(0, "zz", std::nullopt)), (std::vector<uint64_t>{}));
}

TEST(VersionBuilderTest, TrivialMoveInEitherOrder) {
  for (bool add_first : {true, false}) {
    auto base = Sample();
    VersionEdit e;
    if (add_first) e.AddFile(2, File(12, "m", "p", 300));
    e.RemoveFile(1, 12);
    if (!add_first) e.AddFile(2, File(12, "m", "p", 300));
    auto v = MustBuild(base, {e});
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(Numbers(v->files(1)), (std::vector<uint64_t>{11, 13}));
    EXPECT_EQ(Numbers(v->files(2)), (std::vector<uint64_t>{12}));
    EXPECT_EQ(v->TotalFiles(), base->TotalFiles());
    // The base is untouched.
    EXPECT_EQ(Numbers(base->files(1)), (std::vector<uint64_t>{11, 12, 13}));
  }
}

TEST(VersionBuilderTest, SharesUnchangedFilesWithTheBase) {
  auto base = Sample();
  VersionEdit e;
  e.RemoveFile(0, 30);
  auto v = MustBuild(base, {e});
  EXPECT_EQ(v->files(6)[0].get(), base->files(6)[0].get());
  EXPECT_EQ(Numbers(v->files(0)), (std::vector<uint64_t>{25, 20}));
}

TEST(VersionBuilderTest, RejectsBadEdits) {
  auto base = Sample();
  Status s;
  VersionEdit wrong_level;
  wrong_level.RemoveFile(2, 12);  // live at level 1
  EXPECT_TRUE(Build(base, {wrong_level}, &s) == nullptr && s.IsCorruption()) << s.ToString();
  VersionEdit not_live;
  not_live.RemoveFile(1, 99);
  EXPECT_TRUE(Build(base, {not_live}, &s) == nullptr && s.IsCorruption());
  VersionEdit duplicate;
  duplicate.AddFile(3, File(13, "x", "y"));  // 13 is live at level 1
  EXPECT_TRUE(Build(base, {duplicate}, &s) == nullptr && s.IsCorruption());
  VersionEdit overlap;
  overlap.AddFile(1, File(40, "p", "q"));  // touches 12 (..p) and 13 (q..)
  EXPECT_TRUE(Build(base, {overlap}, &s) == nullptr && s.IsCorruption());
  VersionEdit level_out_of_range;
  level_out_of_range.AddFile(7, File(41, "a", "b"));
  EXPECT_TRUE(Build(base, {level_out_of_range}, &s) == nullptr && s.IsCorruption());
  VersionEdit same_user_key_boundary;
  same_user_key_boundary.AddFile(1, File(42, "t", "u"));  // 13 ends at user key t
  EXPECT_TRUE(Build(base, {same_user_key_boundary}, &s) == nullptr && s.IsCorruption());
  VersionEdit fine;
  fine.AddFile(1, File(43, "u", "v"));
  EXPECT_NE(Build(base, {fine}, &s), nullptr);
}

TEST(VersionBuilderTest, AddDeleteAcrossEdits) {
  VersionEdit a, b, c;
  a.AddFile(0, File(7, "a", "b"));
  b.AddFile(1, File(8, "a", "b"));
  b.RemoveFile(0, 7);
  c.RemoveFile(1, 8);
  c.AddFile(0, File(9, "c", "d"));
  auto v = MustBuild(Version::Empty(7), {a, b, c});
  EXPECT_EQ(v->LevelSummary(), "files[ 1 0 0 0 0 0 0 ]");
  EXPECT_EQ(v->files(0)[0]->number, 9u);
}

TEST(FileNameTest, NamesAndParsing) {
  EXPECT_EQ(ManifestFileName("/d", 1), "/d/MANIFEST-000001");
  EXPECT_EQ(WalFileName("/d", 246910), "/d/246910.wal");
  EXPECT_EQ(TableFileName("/d", 1234567), "/d/1234567.sst");
  EXPECT_EQ(TempCurrentFileName("/d", 5), "/d/CURRENT.tmp.5");
  EXPECT_EQ(CurrentFileName("/d"), "/d/CURRENT");
  EXPECT_EQ(LockFileName("/d"), "/d/LOCK");

  struct Case {
    const char* name;
    uint64_t number;
    FileType type;
  };
  for (const Case& c :
       {Case{"CURRENT", 0, FileType::kCurrent}, Case{"LOCK", 0, FileType::kLock},
        Case{"MANIFEST-000001", 1, FileType::kManifest}, Case{"000003.wal", 3, FileType::kWal},
        Case{"215144.sst", 215144, FileType::kTable},
        Case{"1234567.sst", 1234567, FileType::kTable},
        Case{"CURRENT.tmp.12", 12, FileType::kTempCurrent}}) {
    uint64_t n = 99;
    FileType t = FileType::kLock;
    ASSERT_TRUE(ParseFileName(c.name, &n, &t)) << c.name;
    EXPECT_EQ(n, c.number) << c.name;
    EXPECT_EQ(t, c.type) << c.name;
  }
  for (const char* bad : {"", "CURRENT.tmp.", "CURRENT.tmp.x", "CURRENT.tmp.01", "MANIFEST-",
                          "MANIFEST-1", "MANIFEST-0000001", "12.sst", ".sst", "000012.log",
                          "00001a.wal", "LOCK2", "99999999999999999999999.sst", "x000012.sst"}) {
    uint64_t n;
    FileType t;
    EXPECT_FALSE(ParseFileName(bad, &n, &t)) << bad;
  }
  uint64_t m = 0;
  EXPECT_TRUE(ParseCurrentContents("MANIFEST-000001\n", &m));
  EXPECT_EQ(m, 1u);
  EXPECT_TRUE(ParseCurrentContents("MANIFEST-1234567\n", &m));
  EXPECT_EQ(m, 1234567u);
  for (const char* bad : {"MANIFEST-000001", "MANIFEST-000001\n\n", "MANIFEST-000001\r\n",
                          "MANIFEST-1\n", "MANIFEST-0000001\n", "../MANIFEST-000001\n", "", "\n",
                          "MANIFEST-00000a\n", " MANIFEST-000001\n"}) {
    EXPECT_FALSE(ParseCurrentContents(bad, &m)) << bad;
  }
}

}  // namespace
}  // namespace mmdb
