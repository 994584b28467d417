// PickIngestLevel: the deepest level with no overlapping file at or above
// it and no running compaction that may write over the range there.
#include <gtest/gtest.h>

#include "db/external_file_ingest.h"
#include "manifest/version_builder.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

// Files as (level, smallest, largest); `reach` gives the first file a
// range_del_end (set before the Version is built, as the DB does).
std::shared_ptr<const Version> MakeVersion(
    const std::vector<std::tuple<int, std::string, std::string>>& files,
    const std::string& reach = "") {
  VersionEdit edit;
  uint64_t number = 10;
  for (const auto& [level, lo, hi] : files) {
    FileMetaData f;
    f.number = number++;
    f.file_size = 100;
    f.smallest = MakeInternalKey(lo, 1, ValueType::kValue);
    f.largest = MakeInternalKey(hi, 1, ValueType::kValue);
    if (number == 11 && !reach.empty()) {
      f.has_range_deletions = true;
      f.range_del_end = reach;
    }
    edit.AddFile(level, f);
  }
  VersionBuilder b(Version::Empty(7));
  EXPECT_OK(b.Apply(edit));
  auto v = b.Finish();
  EXPECT_OK(v.status());
  return std::move(v).value();
}

}  // namespace

TEST(PickIngestLevelTest, DeepestLevelWithNothingOverlappingAtOrAbove) {
  auto v = MakeVersion({{0, "q", "r"}, {1, "a", "c"}, {3, "m", "p"}, {5, "d", "z"}});
  EXPECT_EQ(PickIngestLevel(*Version::Empty(7), "a", "b"), 6);
  EXPECT_EQ(PickIngestLevel(*v, "qq", "qz"), 0);  // L0 overlaps
  EXPECT_EQ(PickIngestLevel(*v, "b", "b"), 0);    // L1 overlaps: stays above it
  EXPECT_EQ(PickIngestLevel(*v, "n", "o"), 2);    // L3 overlaps
  EXPECT_EQ(PickIngestLevel(*v, "e", "f"), 4);    // L5 overlaps
  EXPECT_EQ(PickIngestLevel(*v, "0", "1"), 6);    // nothing overlaps
}

TEST(PickIngestLevelTest, RangeDeletionReachCountsAsOverlap) {
  auto v = MakeVersion({{2, "a", "b"}}, /*reach=*/"k");  // a tombstone [b, k) in the file
  EXPECT_EQ(PickIngestLevel(*v, "e", "f"), 1);
  EXPECT_EQ(PickIngestLevel(*v, "l", "m"), 6);
}

TEST(PickIngestLevelTest, RunningCompactionBlocksItsOutputRange) {
  // An L1 -> L2 compaction of [a..c] and [x..z] may write outputs over [a..z] in L2.
  auto v = MakeVersion({{1, "a", "c"}, {2, "x", "z"}});
  v->files(1)[0]->being_compacted = true;
  v->files(2)[0]->being_compacted = true;
  // Not L2, where the outputs go; L1 (which only loses its input) is fine.
  EXPECT_EQ(PickIngestLevel(*v, "m", "n"), 1);
  EXPECT_EQ(PickIngestLevel(*v, "0", "1"), 6);  // outside the hull
  v->files(1)[0]->being_compacted = false;
  v->files(2)[0]->being_compacted = false;
  EXPECT_EQ(PickIngestLevel(*v, "m", "n"), 6);
}

}  // namespace mmdb
