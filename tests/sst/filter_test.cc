#include "sst/filter.h"

#include <string>
#include <vector>

#include "util/coding.h"
#include "util/hash.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

std::string Build(const std::vector<std::string>& keys, int bits_per_key) {
  std::vector<uint32_t> hashes;
  for (const auto& k : keys) hashes.push_back(BloomHash(k));
  return BuildBloomFilter(hashes, bits_per_key);
}

TEST(FilterTest, NumProbesIsRoundedBitsTimesLn2Clamped) {
  EXPECT_EQ(BloomNumProbes(10), 7);
  EXPECT_EQ(BloomNumProbes(1), 1);
  EXPECT_EQ(BloomNumProbes(0), 1);
  EXPECT_EQ(BloomNumProbes(5), 3);   // 3.47
  EXPECT_EQ(BloomNumProbes(13), 9);  // 9.01
  EXPECT_EQ(BloomNumProbes(100), 30);
}

TEST(FilterTest, SizeIsAtLeast64BitsPlusTheKByte) {
  EXPECT_EQ(BloomFilterSize(0, 10), 9u);
  EXPECT_EQ(BloomFilterSize(6, 10), 9u);   // 60 bits -> 64
  EXPECT_EQ(BloomFilterSize(7, 10), 10u);  // 70 bits -> 9 bytes
  EXPECT_EQ(BloomFilterSize(100, 10), 126u);
  EXPECT_EQ(Build({}, 10).size(), 9u);
}

TEST(FilterTest, ExactBytesForAFewKeys) {
  // Pinned; the same construction reproduces the Rust engine's filter blocks
  // byte for byte (GoldenTest.BloomFiltersMatchRebuiltFilters).
  const std::string f = Build({"hello", "world", "foo", "bar"}, 10);
  ASSERT_EQ(f.size(), 9u);
  EXPECT_EQ(f.back(), '\x07');
  EXPECT_EQ(ToHex(f), "200056208822fb9307");
}

TEST(FilterTest, EmptyFilterMatchesNothing) {
  const std::string f = Build({}, 10);
  EXPECT_FALSE(BloomKeyMayMatch("anything", f));
  EXPECT_FALSE(BloomKeyMayMatch("", f));
}

TEST(FilterTest, DegenerateFiltersMayMatchEverything) {
  EXPECT_TRUE(BloomKeyMayMatch("x", ""));
  EXPECT_TRUE(BloomKeyMayMatch("x", std::string(1, '\0')));
  std::string f(9, '\0');
  f.back() = 31;  // k > 30: reserved
  EXPECT_TRUE(BloomKeyMayMatch("x", f));
  f.back() = 0;  // k = 0: no probe fails
  EXPECT_TRUE(BloomKeyMayMatch("x", f));
}

TEST(FilterTest, NoFalseNegativesIncludingBinaryAndEmptyKeys) {
  std::vector<std::string> keys = {"", std::string("\0\0\0", 3), "\xff\xff", "abc"};
  for (int i = 0; i < 1000; ++i) keys.push_back("key" + std::to_string(i));
  for (int bpk : {1, 5, 10, 20}) {
    const std::string f = Build(keys, bpk);
    for (const auto& k : keys) EXPECT_TRUE(BloomKeyMayMatch(k, f)) << bpk;
  }
}

TEST(FilterTest, FalsePositiveRateAtTenBitsPerKeyIsUnderTwoPercent) {
  std::vector<std::string> keys;
  for (int i = 0; i < 10000; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "key_%06d", i);
    keys.push_back(buf);
  }
  const std::string f = Build(keys, 10);
  int fp = 0;
  for (int i = 10000; i < 20000; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "key_%06d", i);
    if (BloomKeyMayMatch(buf, f)) ++fp;
  }
  EXPECT_LT(fp, 200) << "false positives: " << fp << " / 10000";
}

TEST(FilterTest, DuplicateHashesAreHarmless) {
  const std::string once = Build({"same"}, 10);
  const std::string many = Build(std::vector<std::string>(100, "same"), 10);
  EXPECT_TRUE(BloomKeyMayMatch("same", many));
  EXPECT_GT(many.size(), once.size());  // sized by hashes added, like Rust
}

}  // namespace
}  // namespace mmdb
