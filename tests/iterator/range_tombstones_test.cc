#include "iterator/range_tombstones.h"

#include <gtest/gtest.h>

#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {

namespace {
// Brute force: the largest seq <= read among tombstones covering key.
SequenceNumber Reference(const std::vector<RangeTombstone>& ts, const std::string& key,
                         SequenceNumber read) {
  SequenceNumber best = 0;
  for (const auto& t : ts) {
    if (t.begin <= key && key < t.end && t.sequence <= read && t.sequence > best) best = t.sequence;
  }
  return best;
}
}  // namespace

TEST(FragmentedRangeTombstonesTest, OverlapsNestingAndEdges) {
  std::vector<RangeTombstone> ts = {
      {"b", "f", 10}, {"d", "h", 20}, {"a", "z", 5}, {"k", "k", 99}, {"m", "c", 99}};
  FragmentedRangeTombstones f(ts);
  EXPECT_EQ(f.MaxCoveringSeq("a", 100), 5u);
  EXPECT_EQ(f.MaxCoveringSeq("b", 100), 10u);
  EXPECT_EQ(f.MaxCoveringSeq("e", 100), 20u);
  EXPECT_EQ(f.MaxCoveringSeq("e", 15), 10u);  // the newer tombstone is not visible yet
  EXPECT_EQ(f.MaxCoveringSeq("e", 7), 5u);
  EXPECT_EQ(f.MaxCoveringSeq("e", 4), 0u);
  EXPECT_EQ(f.MaxCoveringSeq("h", 100), 5u);  // end is exclusive
  EXPECT_EQ(f.MaxCoveringSeq("k", 100), 5u);  // empty and inverted ranges are ignored
  EXPECT_EQ(f.MaxCoveringSeq("z", 100), 0u);
  EXPECT_EQ(f.MaxCoveringSeq("", 100), 0u);
}

TEST(FragmentedRangeTombstonesTest, RandomAgainstBruteForce) {
  Random rnd(test::Seed());
  for (int round = 0; round < 50; ++round) {
    std::vector<RangeTombstone> ts;
    const int n = static_cast<int>(rnd.Uniform(30));
    for (int i = 0; i < n; ++i) {
      std::string a(1, static_cast<char>('a' + rnd.Uniform(20)));
      std::string b(1, static_cast<char>('a' + rnd.Uniform(20)));
      if (rnd.OneIn(3)) a += "x";
      ts.push_back({a, b, 1 + rnd.Uniform(50)});
    }
    FragmentedRangeTombstones f(ts);
    for (char c = 'a'; c <= 'u'; ++c) {
      for (std::string key :
           {std::string(1, c), std::string(1, c) + "x", std::string(1, c) + "y"}) {
        for (SequenceNumber read : {0ull, 10ull, 25ull, 60ull}) {
          ASSERT_EQ(f.MaxCoveringSeq(key, read), Reference(ts, key, read))
              << "round " << round << " key " << key << " read " << read;
        }
      }
    }
  }
}

}  // namespace mmdb
