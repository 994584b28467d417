// Issue 13: range tombstones in directories written by the Rust engine.
//
// The Rust engine keeps a range tombstone only in the SST holding its begin
// key and does not widen that file's bounds, so a tombstone can reach past
// its file's largest key, into later files of the same level whose entries
// may be newer than it (tests/data/compat/README.md, tombstone_reach and
// tombstone_ro). Every open mode must read exactly the expected content:
// read-only, writable, writable after forced compactions, and writable while
// background compactions move the files around; then again after a reopen.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "util/coding.h"
#include "util/golden.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using Model = std::map<std::string, std::string>;

Options BaseOptions() {
  Options o;
  o.create_if_missing = false;
  o.block_size = 4096;
  o.target_file_size_base = 8 << 10;  // as the Rust engine wrote tombstone_reach
  return o;
}

std::string Key(uint64_t collection, uint64_t id) {
  std::string k;
  PutFixed64(&k, 40960000 + collection);
  PutFixed64(&k, id);
  return k;
}

// Gets of every expected key and of every key(0..2, 0..127) (so deleted keys
// too), seeks to each of those, and full scans in both directions.
void ExpectContent(DB* db, const Model& expected, const std::string& when) {
  SCOPED_TRACE(when);
  for (const auto& [k, v] : expected) {
    std::string got;
    Status s = db->Get(ReadOptions(), k, &got);
    ASSERT_TRUE(s.ok()) << ToHex(k) << ": " << s.ToString();
    ASSERT_EQ(got, v) << ToHex(k);
  }
  auto it = db->NewIterator(ReadOptions());
  for (uint64_t c = 0; c < 3; ++c) {
    for (uint64_t id = 0; id < 128; ++id) {
      const std::string k = Key(c, id);
      std::string got;
      Status s = db->Get(ReadOptions(), k, &got);
      ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
      EXPECT_EQ(s.ok(), expected.count(k) == 1) << "Get " << ToHex(k);
      it->Seek(k);
      auto want = expected.lower_bound(k);
      ASSERT_EQ(it->Valid(), want != expected.end()) << "Seek " << ToHex(k);
      if (want != expected.end()) {
        EXPECT_EQ(ToHex(it->key()), ToHex(want->first)) << "Seek " << ToHex(k);
      }
    }
  }
  Model forward;
  for (it->SeekToFirst(); it->Valid(); it->Next()) forward[std::string(it->key())] = it->value();
  ASSERT_OK(it->status());
  EXPECT_EQ(forward.size(), expected.size());
  EXPECT_TRUE(forward == expected) << "forward scan differs";
  auto want = expected.rbegin();
  for (it->SeekToLast(); it->Valid(); it->Prev(), ++want) {
    ASSERT_NE(want, expected.rend()) << "backward scan has extra key " << ToHex(it->key());
    ASSERT_EQ(ToHex(it->key()), ToHex(want->first)) << "backward scan";
    ASSERT_EQ(it->value(), want->second);
  }
  ASSERT_OK(it->status());
  EXPECT_EQ(want, expected.rend()) << "backward scan misses keys";
}

// Checks `db` and, alongside it, a read-only open of `dir` (which must see
// the same: a read-only open next to a writer reads what the writer made).
void ExpectBoth(DB* db, const std::string& dir, const Model& expected, const std::string& when) {
  ASSERT_NO_FATAL_FAILURE(ExpectContent(db, expected, when));
  std::unique_ptr<DB> ro;
  ASSERT_OK(DB::OpenForReadOnly(BaseOptions(), dir, &ro));
  ASSERT_NO_FATAL_FAILURE(ExpectContent(ro.get(), expected, when + " (read-only open beside)"));
}

enum class Mode { kReadOnly, kWritable, kForcedCompactions, kBackgroundCompactions };

struct TombstoneCase {
  const char* name;
  size_t expected_keys;
  Mode mode;
};
void PrintTo(const TombstoneCase& c, std::ostream* os) {
  *os << c.name << " mode " << static_cast<int>(c.mode);
}

std::string CaseName(const ::testing::TestParamInfo<TombstoneCase>& info) {
  static const char* const kModes[] = {"ReadOnly", "Writable", "ForcedCompactions",
                                       "BackgroundCompactions"};
  return std::string(info.param.name) + "_" + kModes[static_cast<int>(info.param.mode)];
}

// The current "mmdb.sstables" listing and whether no compaction runs.
std::string Files(DB* db, bool* idle) {
  std::string files, running;
  EXPECT_TRUE(db->GetProperty("mmdb.sstables", &files));
  EXPECT_TRUE(db->GetProperty("mmdb.num-running-compactions", &running));
  *idle = running == "0";
  return files;
}

class CompatTombstoneTest : public ::testing::TestWithParam<TombstoneCase> {};

TEST_P(CompatTombstoneTest, ReadsExactlyTheExpectedContent) {
  const TombstoneCase& c = GetParam();
  const std::string root = test::CompatDir();
  ASSERT_FALSE(root.empty()) << "tests/data/compat is missing";
  Model expected;
  ASSERT_TRUE(test::LoadExpectedTsv(root + "/" + c.name + ".expected.tsv", &expected));
  ASSERT_EQ(expected.size(), c.expected_keys);
  const std::string dir = test::CopyToTemp(root + "/" + c.name, std::string("tomb_") + c.name);

  std::unique_ptr<DB> db;
  Options o = BaseOptions();
  switch (c.mode) {
    case Mode::kReadOnly:
      ASSERT_OK(DB::OpenForReadOnly(BaseOptions(), dir, &db));
      ASSERT_NO_FATAL_FAILURE(ExpectContent(db.get(), expected, "read-only open"));
      break;
    case Mode::kWritable:
      ASSERT_OK(DB::Open(o, dir, &db));
      ASSERT_NO_FATAL_FAILURE(ExpectBoth(db.get(), dir, expected, "writable open"));
      break;
    case Mode::kForcedCompactions: {
      ASSERT_OK(DB::Open(o, dir, &db));
      // First a range only the later L1 file of collection 0 meets (past the
      // reach of the earlier file's tombstone [k(0,10), k(0,90))), then
      // collection 1 (two L0 files in tombstone_ro), then everything.
      const std::string upper = Key(0, 91), c1 = Key(1, 0), c2 = Key(2, 0);
      ASSERT_NO_FATAL_FAILURE(ExpectBoth(db.get(), dir, expected, "before compacting"));
      ASSERT_OK(db->CompactRange(std::string_view(upper), std::string_view(c1)));
      ASSERT_NO_FATAL_FAILURE(ExpectBoth(db.get(), dir, expected, "after compacting k(0,91)..."));
      ASSERT_OK(db->CompactRange(std::string_view(c1), std::string_view(c2)));
      ASSERT_NO_FATAL_FAILURE(ExpectBoth(db.get(), dir, expected, "after compacting collection 1"));
      ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
      ASSERT_NO_FATAL_FAILURE(ExpectBoth(db.get(), dir, expected, "after compacting everything"));
      break;
    }
    case Mode::kBackgroundCompactions: {
      // Default level targets: the deletion-triggered picks (a file with
      // tombstones over the L6 file) move files down one level at a time,
      // and reads run between and during those moves until the files stop
      // changing.
      ASSERT_OK(DB::Open(o, dir, &db));
      std::string last;
      int unchanged = 0;
      for (int round = 0; round < 200 && unchanged < 3; ++round) {
        bool idle = false;
        const std::string files = Files(db.get(), &idle);
        unchanged = idle && files == last ? unchanged + 1 : 0;
        last = files;
        ASSERT_NO_FATAL_FAILURE(ExpectBoth(
            db.get(), dir, expected,
            "reads during compactions, round " + std::to_string(round) + ", files:\n" + files));
      }
      EXPECT_EQ(unchanged, 3) << "compactions did not settle:\n" << last;
      break;
    }
  }
  ASSERT_OK(db->Close());
  db.reset();
  if (c.mode != Mode::kReadOnly) {
    // What the writable open left on disk, read both ways.
    ASSERT_OK(DB::OpenForReadOnly(BaseOptions(), dir, &db));
    ASSERT_NO_FATAL_FAILURE(ExpectContent(db.get(), expected, "read-only reopen"));
    db.reset();
    ASSERT_OK(DB::Open(BaseOptions(), dir, &db));
    ASSERT_NO_FATAL_FAILURE(ExpectContent(db.get(), expected, "writable reopen"));
    ASSERT_OK(db->Close());
    db.reset();
  }
  test::RemoveTree(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Issue13, CompatTombstoneTest,
    ::testing::Values(TombstoneCase{"tombstone_ro", 0, Mode::kReadOnly},
                      TombstoneCase{"tombstone_ro", 0, Mode::kWritable},
                      TombstoneCase{"tombstone_ro", 0, Mode::kForcedCompactions},
                      TombstoneCase{"tombstone_ro", 0, Mode::kBackgroundCompactions},
                      TombstoneCase{"tombstone_reach", 13, Mode::kReadOnly},
                      TombstoneCase{"tombstone_reach", 13, Mode::kWritable},
                      TombstoneCase{"tombstone_reach", 13, Mode::kForcedCompactions},
                      TombstoneCase{"tombstone_reach", 13, Mode::kBackgroundCompactions}),
    CaseName);

}  // namespace
}  // namespace mmdb
