// LeveledPicker and Compaction: scores and level targets, the L0 pick,
// round-robin L1+ picks, files being compacted, trivial moves, bottommost
// detection, manual range picks and deletion-triggered picks.
#include "compaction/leveled_picker.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compaction/compaction.h"
#include "manifest/version_builder.h"
#include "types/internal_key.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

struct FileSpec {
  int level;
  uint64_t number;
  std::string smallest;
  std::string largest;
  uint64_t size = 100;
  bool range_deletions = false;
  uint64_t entries = 0;
  uint64_t deletions = 0;
  std::string range_del_end = "";  // how far its range tombstones reach, if known
};

std::shared_ptr<const Version> Build(const std::vector<FileSpec>& specs, int num_levels = 4) {
  VersionEdit edit;
  for (const auto& s : specs) {
    FileMetaData f;
    f.number = s.number;
    f.file_size = s.size;
    f.smallest = MakeInternalKey(s.smallest, 100, ValueType::kValue);
    f.largest = MakeInternalKey(s.largest, 1, ValueType::kValue);
    f.has_range_deletions = s.range_deletions;
    f.num_entries = s.entries;
    f.num_deletions = s.deletions;
    f.range_del_end = s.range_del_end;
    edit.AddFile(s.level, f);
  }
  VersionBuilder b(Version::Empty(num_levels));
  EXPECT_OK(b.Apply(edit));
  auto r = b.Finish();
  EXPECT_OK(r.status());
  return r.ok() ? std::move(r).value() : Version::Empty(num_levels);
}

// 4 levels; L1 targets 1000 bytes, L2 10000; output files of 100 bytes.
Options TestOptions() {
  Options o;
  o.num_levels = 4;
  o.l0_compaction_trigger = 4;
  o.max_bytes_for_level_base = 1000;
  o.max_bytes_for_level_multiplier = 10;
  o.target_file_size_base = 100;
  return o;
}

std::vector<uint64_t> Numbers(const Compaction::FileList& files) {
  std::vector<uint64_t> r;
  for (const auto& f : files) r.push_back(f->number);
  return r;
}

std::shared_ptr<FileMetaData> FileNumbered(const Version& v, uint64_t number) {
  for (int l = 0; l < v.num_levels(); ++l) {
    for (const auto& f : v.files(l)) {
      if (f->number == number) return f;
    }
  }
  ADD_FAILURE() << "no file " << number;
  return std::make_shared<FileMetaData>();
}

using Nums = std::vector<uint64_t>;

TEST(LeveledPickerTest, LevelTargets) {
  LeveledPicker p(TestOptions());
  EXPECT_EQ(p.MaxBytesForLevel(1), 1000u);
  EXPECT_EQ(p.MaxBytesForLevel(2), 10000u);
  EXPECT_EQ(p.MaxBytesForLevel(3), 100000u);
}

TEST(LeveledPickerTest, ScoresCountL0FilesAndL1PlusBytes) {
  auto v = Build({{0, 10, "a", "b"},
                  {0, 11, "a", "b"},
                  {1, 20, "a", "c", 900},
                  {1, 21, "d", "f", 600},
                  {2, 30, "a", "z", 5000},
                  {3, 40, "a", "z", 999999}});
  LeveledPicker p(TestOptions());
  auto s = p.Scores(*v);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_DOUBLE_EQ(s[0], 0.5);
  EXPECT_DOUBLE_EQ(s[1], 1.5);
  EXPECT_DOUBLE_EQ(s[2], 0.5);
  EXPECT_DOUBLE_EQ(s[3], 0.0);  // the last level is never a size source
  // Files being compacted do not count.
  FileNumbered(*v, 10)->being_compacted = true;
  FileNumbered(*v, 21)->being_compacted = true;
  s = p.Scores(*v);
  EXPECT_DOUBLE_EQ(s[0], 0.25);
  EXPECT_DOUBLE_EQ(s[1], 0.9);
}

TEST(LeveledPickerTest, NothingToDo) {
  LeveledPicker p(TestOptions());
  EXPECT_EQ(p.Pick(*Version::Empty(4)), nullptr);
  auto v = Build({{0, 10, "a", "b"}, {1, 20, "a", "c", 900}});
  EXPECT_EQ(p.Pick(*v), nullptr);
}

TEST(LeveledPickerTest, L0PickTakesAllL0AndOverlappingL1) {
  auto v = Build({{0, 10, "c", "e"},
                  {0, 11, "d", "g"},
                  {0, 12, "e", "e"},
                  {0, 13, "c", "d"},
                  {1, 20, "a", "b"},
                  {1, 21, "c", "d"},
                  {1, 22, "f", "h"},
                  {1, 23, "i", "k"}});
  LeveledPicker p(TestOptions());
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level(), 0);
  EXPECT_EQ(c->output_level(), 1);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{13, 12, 11, 10}));
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{21, 22}));
  EXPECT_EQ(c->smallest_user_key(), "c");
  EXPECT_EQ(c->largest_user_key(), "h");
  EXPECT_EQ(c->num_input_files(), 6u);
  EXPECT_EQ(c->TotalInputBytes(), 600u);
  EXPECT_EQ(c->max_output_file_size(), 100u);
  EXPECT_NE(c->reason().find("L0"), std::string::npos) << c->reason();
  EXPECT_FALSE(c->IsTrivialMove());
  EXPECT_TRUE(c->bottommost());

  VersionEdit e;
  c->AddInputDeletions(&e);
  std::vector<std::pair<int, uint64_t>> want = {{0, 13}, {0, 12}, {0, 11},
                                                {0, 10}, {1, 21}, {1, 22}};
  EXPECT_EQ(e.deleted_files(), want);
}

TEST(LeveledPickerTest, OneL0CompactionAtATime) {
  std::vector<FileSpec> specs = {{0, 10, "a", "b"}, {0, 11, "a", "b"}, {0, 12, "a", "b"},
                                 {0, 13, "a", "b"}, {0, 14, "a", "b"}, {1, 20, "b", "c"}};
  {
    auto v = Build(specs);
    FileNumbered(*v, 10)->being_compacted = true;  // 4 others still score 1.0
    LeveledPicker p(TestOptions());
    EXPECT_EQ(p.Scores(*v)[0], 1.0);
    EXPECT_EQ(p.Pick(*v), nullptr);
  }
  {
    auto v = Build(specs);
    FileNumbered(*v, 20)->being_compacted = true;  // the L1 file it would merge with
    LeveledPicker p(TestOptions());
    EXPECT_EQ(p.Pick(*v), nullptr);
  }
}

TEST(LeveledPickerTest, HighestScoreFirst) {
  auto v = Build({{0, 10, "a", "b"},
                  {0, 11, "a", "b"},
                  {0, 12, "a", "b"},
                  {0, 13, "a", "b"},  // L0 score 1
                  {1, 20, "a", "b", 500},
                  {2, 30, "c", "d", 30000}});  // L2 score 3
  LeveledPicker p(TestOptions());
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level(), 2);
  EXPECT_EQ(c->output_level(), 3);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{30}));
}

TEST(LeveledPickerTest, RoundRobinAdvancesAndWraps) {
  auto v = Build({{1, 20, "a", "b", 600},
                  {1, 21, "c", "d", 600},
                  {1, 22, "e", "f", 600},
                  {2, 30, "c", "c5"},
                  {2, 31, "d5", "e"}});
  LeveledPicker p(TestOptions());
  std::vector<uint64_t> picked;
  for (int i = 0; i < 4; ++i) {
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->level(), 1);
    picked.push_back(c->inputs(0)[0]->number);
    if (picked.back() == 21) {
      EXPECT_EQ(Numbers(c->inputs(1)), (Nums{30}));
    } else if (picked.back() == 22) {
      EXPECT_EQ(Numbers(c->inputs(1)), (Nums{31}));
    }
  }
  EXPECT_EQ(picked, (Nums{20, 21, 22, 20}));
}

TEST(LeveledPickerTest, FilesBeingCompactedAreNeverPicked) {
  auto v = Build(
      {{1, 20, "a", "b", 600}, {1, 21, "c", "d", 600}, {1, 22, "e", "f", 600}, {2, 30, "c", "c5"}});
  FileNumbered(*v, 20)->being_compacted = true;  // an input itself
  FileNumbered(*v, 30)->being_compacted = true;  // what file 21 would merge with
  LeveledPicker p(TestOptions());
  for (int i = 0; i < 3; ++i) {
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(Numbers(c->inputs(0)), (Nums{22}));
  }
  FileNumbered(*v, 22)->being_compacted = true;
  EXPECT_EQ(p.Pick(*v), nullptr);
}

TEST(LeveledPickerTest, TrivialMove) {
  LeveledPicker p(TestOptions());
  {
    // Nothing overlaps in L2 and little in L3: move.
    auto v = Build({{1, 20, "a", "b", 1500}, {3, 40, "a", "z", 1000}});
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->IsTrivialMove());
    EXPECT_EQ(Numbers(c->grandparents()), (Nums{40}));
    EXPECT_FALSE(c->bottommost());
  }
  {
    // Grandparent overlap above 10 x 100 bytes: rewrite instead.
    auto v = Build({{1, 20, "a", "b", 1500}, {3, 40, "a", "z", 1001}});
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->IsTrivialMove());
  }
  {
    // An overlapping L2 file: merge.
    auto v = Build({{1, 20, "a", "b", 1500}, {2, 30, "b", "c"}});
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->IsTrivialMove());
  }
  {
    // A single L0 file with nothing in L1 moves too; compaction in place never does.
    Compaction::FileList one = {std::make_shared<FileMetaData>()};
    Compaction l0(0, 1, one, {}, {}, true, 100, "test");
    EXPECT_TRUE(l0.IsTrivialMove());
    Compaction in_place(3, 3, one, {}, {}, true, 100, "test");
    EXPECT_FALSE(in_place.IsTrivialMove());
  }
}

TEST(LeveledPickerTest, BottommostDetection) {
  LeveledPicker p(TestOptions());
  {
    auto v = Build({{1, 20, "c", "d", 1500}, {3, 40, "d", "z"}});
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->bottommost());  // L3 holds keys in [c, d]
  }
  {
    auto v = Build({{1, 20, "c", "d", 1500}, {3, 40, "e", "z"}, {3, 41, "a", "b"}});
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->bottommost());
  }
  {
    // Range tombstones may reach past the file's largest key.
    auto v = Build({{1, 20, "c", "d", 1500, /*range_deletions=*/true}, {3, 40, "e", "z"}});
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->bottommost());
  }
}

TEST(LeveledPickerTest, PickRangeInTheMiddle) {
  auto v = Build({{1, 20, "a", "b"},
                  {1, 21, "c", "d"},
                  {1, 22, "e", "f"},
                  {2, 30, "b", "c5"},
                  {2, 31, "x", "y"},
                  {3, 40, "a", "a"}});
  LeveledPicker p(TestOptions());
  auto c = p.PickRange(*v, 1, "c", "d");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level(), 1);
  EXPECT_EQ(c->output_level(), 2);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{21}));
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{30}));
  EXPECT_EQ(c->reason(), "manual");
  EXPECT_TRUE(c->bottommost());  // L3 only holds "a"

  c = p.PickRange(*v, 1, std::nullopt, std::nullopt);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{20, 21, 22}));
  EXPECT_FALSE(c->bottommost());

  EXPECT_EQ(p.PickRange(*v, 1, "g", "w"), nullptr);  // nothing overlaps
  EXPECT_EQ(p.PickRange(*v, 0, std::nullopt, std::nullopt), nullptr);
  FileNumbered(*v, 30)->being_compacted = true;
  EXPECT_EQ(p.PickRange(*v, 1, "c", "c"), nullptr);
}

TEST(LeveledPickerTest, PickRangeAtLastLevelCompactsInPlace) {
  auto v = Build({{2, 30, "a", "c"}, {3, 40, "a", "b"}, {3, 41, "c", "d"}, {3, 42, "e", "f"}});
  LeveledPicker p(TestOptions());
  auto c = p.PickRange(*v, 3, "b", "c");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level(), 3);
  EXPECT_EQ(c->output_level(), 3);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{40, 41}));
  EXPECT_TRUE(c->inputs(1).empty());
  EXPECT_TRUE(c->grandparents().empty());
  EXPECT_TRUE(c->bottommost());
  EXPECT_FALSE(c->IsTrivialMove());
}

TEST(LeveledPickerTest, PickRangeAtL0WidensOverOverlappingL0Files) {
  auto v = Build({{0, 10, "a", "c"},
                  {0, 11, "b", "e"},
                  {0, 12, "e", "g"},
                  {0, 13, "x", "z"},
                  {1, 20, "f", "h"},
                  {1, 21, "y", "y"}});
  LeveledPicker p(TestOptions());
  auto c = p.PickRange(*v, 0, "a", "a");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{12, 11, 10}));  // chained overlaps, newest first
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{20}));
  EXPECT_EQ(c->output_level(), 1);
}

TEST(LeveledPickerTest, DeletionTriggeredDenseFile) {
  auto v = Build({{1, 20, "a", "b", 100, false, 1000, 100},
                  {2, 30, "c", "d", 100, false, 99, 99},  // too few entries to judge
                  {2, 31, "e", "f", 100, false, 200, 100},
                  {3, 40, "e", "e5"}});
  LeveledPicker p(TestOptions());
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->reason(), "deletion-triggered");
  EXPECT_EQ(c->level(), 2);
  EXPECT_EQ(c->output_level(), 3);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{31}));
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{40}));
  FileNumbered(*v, 40)->being_compacted = true;
  EXPECT_EQ(p.Pick(*v), nullptr);
}

TEST(LeveledPickerTest, DeletionTriggeredAtLastLevelIsInPlaceAndNotRepeated) {
  auto v = Build({{3, 40, "a", "b", 100, false, 100, 60}, {3, 41, "c", "d", 100, false, 100, 70}});
  LeveledPicker p(TestOptions());
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->reason(), "deletion-triggered");
  EXPECT_EQ(c->level(), 3);
  EXPECT_EQ(c->output_level(), 3);
  EXPECT_TRUE(c->bottommost());
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{40}));
  // A snapshot may keep the deletions: no second in-place pick until a
  // size-triggered compaction has run.
  EXPECT_EQ(p.Pick(*v), nullptr);
  auto busy = Build({{1, 20, "a", "b", 5000}, {3, 41, "c", "d", 100, false, 100, 70}});
  ASSERT_NE(p.Pick(*busy), nullptr);  // size-triggered
  FileNumbered(*busy, 20)->being_compacted = true;
  c = p.Pick(*busy);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{41}));
}

TEST(LeveledPickerTest, DeletionTriggeredRangeTombstonesOverOlderData) {
  LeveledPicker p(TestOptions());
  {
    auto v = Build({{1, 20, "a", "b", 100, true}, {3, 40, "m", "n"}});
    auto c = p.Pick(*v);  // tombstones may reach "m"
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->reason(), "deletion-triggered");
    EXPECT_EQ(Numbers(c->inputs(0)), (Nums{20}));
    EXPECT_EQ(c->output_level(), 2);
  }
  {
    auto v = Build({{1, 20, "m", "n", 100, true}, {3, 40, "a", "b"}});
    EXPECT_EQ(p.Pick(*v), nullptr);  // nothing below from "m" on
  }
}

TEST(LeveledPickerTest, ReadTriggeredPicksTheFileAndWhatItOverlapsBelow) {
  LeveledPicker p(TestOptions());
  auto v = Build({{1, 20, "a", "c"}, {1, 21, "m", "p"}, {2, 30, "b", "d"}, {2, 31, "n", "o"}});
  EXPECT_EQ(p.Pick(*v), nullptr);  // no level over its target
  p.AddReadCompaction(1, 21);
  EXPECT_EQ(p.num_read_requests(), 1u);
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->read_triggered());
  EXPECT_EQ(c->level(), 1);
  EXPECT_EQ(c->output_level(), 2);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{21}));
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{31}));
  EXPECT_NE(c->reason().find("read-triggered"), std::string::npos) << c->reason();
  EXPECT_EQ(p.num_read_requests(), 0u);
  EXPECT_EQ(p.Pick(*v), nullptr);  // asked once, picked once
}

TEST(LeveledPickerTest, ReadTriggeredAtL0TakesEveryL0File) {
  LeveledPicker p(TestOptions());
  auto v = Build({{0, 10, "a", "k"}, {0, 11, "c", "z"}, {1, 20, "b", "d"}, {1, 21, "x", "y"}});
  p.AddReadCompaction(0, 11);
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->read_triggered());
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{11, 10}));
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{20, 21}));
}

TEST(LeveledPickerTest, ReadTriggeredRequestsWaitForBusyInputsAndDropMovedFiles) {
  LeveledPicker p(TestOptions());
  auto v = Build({{1, 20, "a", "c"}, {1, 21, "m", "p"}, {2, 31, "n", "o"}});
  p.AddReadCompaction(1, 21);
  p.AddReadCompaction(1, 99);  // not in the Version: dropped
  p.AddReadCompaction(3, 31);  // the last level: nowhere to go, never queued
  EXPECT_EQ(p.num_read_requests(), 2u);
  FileNumbered(*v, 31)->being_compacted = true;
  EXPECT_EQ(p.Pick(*v), nullptr);
  EXPECT_EQ(p.num_read_requests(), 1u);  // #21 waits, #99 is gone
  FileNumbered(*v, 31)->being_compacted = false;
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{21}));
  // Once the file has left L1 the request is moot.
  p.AddReadCompaction(1, 21);
  auto after = Build({{1, 20, "a", "c"}, {2, 40, "m", "p"}});
  EXPECT_EQ(p.Pick(*after), nullptr);
  EXPECT_EQ(p.num_read_requests(), 0u);
  // The queue is bounded.
  for (uint64_t n = 0; n < 2 * LeveledPicker::kMaxReadRequests; ++n) p.AddReadCompaction(1, n);
  EXPECT_EQ(p.num_read_requests(), LeveledPicker::kMaxReadRequests);
}

TEST(LeveledPickerTest, SizeTriggeredGoesBeforeReadTriggered) {
  LeveledPicker p(TestOptions());
  auto v = Build({{1, 20, "a", "c", 5000}, {1, 21, "m", "p"}, {2, 31, "n", "o"}});
  p.AddReadCompaction(1, 21);
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_FALSE(c->read_triggered());
  EXPECT_EQ(p.num_read_requests(), 1u);
}

// Issue 13. File 20's tombstone [b, k) reaches past its largest key "d"
// into file 21 [e, g], whose entries may be newer than the tombstone (the
// Rust engine writes such levels). Whatever triggers a pick of file 21, it
// must not move below file 20 alone: the pick takes file 20 along (or does
// not happen while file 20 is busy).
std::vector<FileSpec> ReachingTombstoneLevel() {
  return {{1, 20, "b", "d", 600, true, 0, 0, "k"},
          {1, 21, "e", "g", 600, false, 200, 150},  // dense with deletions
          {1, 22, "m", "p", 100},
          {2, 30, "h", "i"}};
}

void ExpectTakesTheReachingFile(const Compaction* c, const std::string& trigger) {
  SCOPED_TRACE(trigger);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level(), 1);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{20, 21}));
  // Below: what the tombstone reaches, not only the files' own keys.
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{30}));
  EXPECT_FALSE(c->IsTrivialMove());
}

TEST(LeveledPickerTest, TombstoneReachingIntoTheNextFileTravelsWithIt) {
  {
    LeveledPicker p(TestOptions());
    auto v = Build(ReachingTombstoneLevel());
    auto c = p.Pick(*v);  // L1 is over its target: round robin, file 20 first
    ExpectTakesTheReachingFile(c.get(), "size");
  }
  {
    LeveledPicker p(TestOptions());
    auto specs = ReachingTombstoneLevel();
    specs[0].size = specs[1].size = 100;  // no level over target
    auto v = Build(specs);
    p.AddReadCompaction(1, 21);
    auto c = p.Pick(*v);
    ExpectTakesTheReachingFile(c.get(), "read-triggered");
  }
  {
    LeveledPicker p(TestOptions());
    auto specs = ReachingTombstoneLevel();
    specs[0].size = specs[1].size = 100;
    specs.pop_back();  // nothing below file 20: only file 21's density triggers
    auto v = Build(specs);
    auto c = p.Pick(*v);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->reason(), "deletion-triggered");
    EXPECT_EQ(Numbers(c->inputs(0)), (Nums{20, 21}));
    EXPECT_FALSE(c->IsTrivialMove());
  }
  {
    LeveledPicker p(TestOptions());
    auto v = Build(ReachingTombstoneLevel());
    auto c = p.PickRange(*v, 1, "e", "g");
    ExpectTakesTheReachingFile(c.get(), "manual range over file 21");
    // A range only the tombstone reaches still finds the file holding it.
    c = p.PickRange(*v, 1, "h", "h");
    ExpectTakesTheReachingFile(c.get(), "manual range inside the reach");
  }
  {
    // While file 20 is being compacted, file 21 is never picked without it.
    LeveledPicker p(TestOptions());
    auto v = Build(ReachingTombstoneLevel());
    FileNumbered(*v, 20)->being_compacted = true;
    p.AddReadCompaction(1, 21);
    for (int i = 0; i < 3; ++i) {
      auto c = p.Pick(*v);
      if (c == nullptr) continue;
      for (const auto& f : c->inputs(0)) EXPECT_NE(f->number, 21u) << c->reason();
    }
    EXPECT_EQ(p.PickRange(*v, 1, "e", "g"), nullptr);
  }
}

// Below, too: a next-level file whose tombstone reaches into another file of
// its level brings that file along, or a bottommost merge could drop the
// tombstone and revive the entries it hides there.
TEST(LeveledPickerTest, NextLevelInputsTakeTheFilesTheirTombstonesReach) {
  LeveledPicker p(TestOptions());
  auto v = Build({{1, 20, "h", "h", 1500},
                  {2, 30, "g", "g5", 100, true, 0, 0, "p"},
                  {2, 31, "m", "n"},
                  {2, 32, "x", "y"}});
  auto c = p.Pick(*v);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Numbers(c->inputs(0)), (Nums{20}));
  EXPECT_EQ(Numbers(c->inputs(1)), (Nums{30, 31}));
}

// The files of a level whose effective ranges (tombstone reach included)
// meet a key range, even when an earlier file reaches further than later ones.
TEST(LeveledPickerTest, OverlappingFilesCountsTombstoneReachAcrossFiles) {
  auto v = Build(ReachingTombstoneLevel());
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "h", "i")), (Nums{20}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "f", "f")), (Nums{20, 21}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "l", "n")), (Nums{22}));
  EXPECT_EQ(Numbers(v->OverlappingFiles(1, "a", std::nullopt)), (Nums{20, 21, 22}));
}

}  // namespace
}  // namespace mmdb
