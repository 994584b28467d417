#include "sst/block.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sst/block_builder.h"
#include "sst/sst_test_util.h"
#include "util/coding.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using test::IKey;

std::shared_ptr<const std::string> Share(std::string_view bytes) {
  return std::make_shared<const std::string>(bytes);
}

Block ParseOrDie(std::string_view bytes) {
  Result<Block> b = Block::Parse(Share(bytes));
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

TEST(BlockBuilderTest, SmallBlockHasExactLevelDbBytes) {
  BlockBuilder b(16);
  b.Add("ab", "1");
  b.Add("ac", "2");
  const std::string expected(
      "\x00\x02\x01"
      "ab1"
      "\x01\x01\x01"
      "c2"
      "\x00\x00\x00\x00"
      "\x01\x00\x00\x00",
      19);
  EXPECT_EQ(b.EstimatedSize(), expected.size());
  EXPECT_EQ(b.Finish(), expected);
}

TEST(BlockBuilderTest, RestartIntervalStartsEntriesOverWithSharedZero) {
  BlockBuilder b(2);
  b.Add("aaa", "1");  // offset 0, restart
  b.Add("aab", "2");  // offset 7: shared 2
  b.Add("aac", "3");  // offset 12: restart, shared 0
  const std::string_view out = b.Finish();
  ASSERT_EQ(out.size(), 12u + 7u + 3u * 4u);
  EXPECT_EQ(out[12], '\0');  // shared = 0 at the restart
  EXPECT_EQ(out[13], '\3');
  EXPECT_EQ(DecodeFixed32(out.data() + 19), 0u);
  EXPECT_EQ(DecodeFixed32(out.data() + 23), 12u);
  EXPECT_EQ(DecodeFixed32(out.data() + 27), 2u);
}

TEST(BlockBuilderTest, EmptyBlockHasOneRestart) {
  BlockBuilder b(16);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.Finish(), std::string("\x00\x00\x00\x00\x01\x00\x00\x00", 8));
  b.Reset();
  EXPECT_TRUE(b.empty());
  b.Add("k", "v");
  EXPECT_FALSE(b.empty());
  EXPECT_EQ(b.last_key(), "k");
}

TEST(BlockTest, EmptyBlockIteratesNothing) {
  BlockBuilder b(16);
  Block block = ParseOrDie(b.Finish());
  BlockIter it(block, BlockKeyOrder::kInternalKey);
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  it.SeekToLast();
  EXPECT_FALSE(it.Valid());
  it.Seek(IKey("a", 1));
  EXPECT_FALSE(it.Valid());
  it.SeekForPrev(IKey("a", 1));
  EXPECT_FALSE(it.Valid());
  EXPECT_OK(it.status());
}

TEST(BlockTest, RejectsMalformedRestartArrays) {
  EXPECT_TRUE(Block::Parse(Share("")).status().IsCorruption());
  EXPECT_TRUE(Block::Parse(Share("abc")).status().IsCorruption());
  // Zero restarts.
  EXPECT_TRUE(Block::Parse(Share(std::string(4, '\0'))).status().IsCorruption());
  // More restarts than fit.
  EXPECT_TRUE(Block::Parse(Share(std::string("\x00\x00\x00\x00\x05\x00\x00\x00", 8)))
                  .status()
                  .IsCorruption());
  // Restart offset past the entries.
  EXPECT_TRUE(Block::Parse(Share(std::string("\x09\x00\x00\x00\x01\x00\x00\x00", 8)))
                  .status()
                  .IsCorruption());
  // Huge count (overflow bait).
  EXPECT_TRUE(Block::Parse(Share(std::string("\xff\xff\xff\xff", 4))).status().IsCorruption());
}

TEST(BlockTest, MalformedEntryMakesIteratorInvalidWithCorruption) {
  BlockBuilder b(16);
  b.Add(IKey("a", 1), "value-a");
  b.Add(IKey("b", 1), "value-b");
  std::string bytes(b.Finish());
  bytes[1] = '\x7f';  // unshared length far past the block
  Block block = ParseOrDie(bytes);
  BlockIter it(block, BlockKeyOrder::kInternalKey);
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().IsCorruption());
  it.Seek(IKey("b", 1));
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().IsCorruption());
  // A shared length longer than the previous key.
  BlockBuilder b2(16);
  b2.Add(IKey("a", 1), "x");
  b2.Add(IKey("ab", 1), "y");
  std::string bytes2(b2.Finish());
  const size_t second = 3 + IKey("a", 1).size() + 1;
  bytes2[second] = '\x40';
  Block block2 = ParseOrDie(bytes2);
  BlockIter it2(block2, BlockKeyOrder::kInternalKey);
  it2.SeekToFirst();
  ASSERT_TRUE(it2.Valid());
  it2.Next();
  EXPECT_FALSE(it2.Valid());
  EXPECT_TRUE(it2.status().IsCorruption());
}

TEST(BlockTest, BytewiseOrderForMetaindexKeys) {
  BlockBuilder b(1);
  b.Add("filter.bloom", "1");
  b.Add("filter.prefix", "2");
  b.Add("filter.prefix_len", "3");
  b.Add("rangedelblock", "4");
  Block block = ParseOrDie(b.Finish());
  BlockIter it(block, BlockKeyOrder::kBytewise);
  it.Seek("filter.prefix");
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.value(), "2");
  it.Seek("filter.prefix_");
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), "filter.prefix_len");
  it.Seek("s");
  EXPECT_FALSE(it.Valid());
  it.SeekForPrev("s");
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), "rangedelblock");
}

TEST(BlockTest, InternalKeyOrderIsNotMemcmpOrder) {
  // "a"+trailer vs "ab"+trailer: memcmp would compare trailer bytes with 'b'.
  std::vector<std::string> keys = {IKey("a", 5), IKey("a", 3), IKey("ab", 9), IKey("b", 1)};
  BlockBuilder b(1);
  for (const auto& k : keys) b.Add(k, "v");
  Block block = ParseOrDie(b.Finish());
  BlockIter it(block, BlockKeyOrder::kInternalKey);
  it.Seek(IKey("a", 4));
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), keys[1]);
  it.Seek(IKey("aa", kMaxSequenceNumber));
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), keys[2]);
  it.SeekForPrev(IKey("ab", 10));
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), keys[1]);
}

// Random keys, every restart interval edge, compared with std::map.
class BlockRandomTest : public ::testing::TestWithParam<int> {};

TEST_P(BlockRandomTest, SeekNextPrevMatchStdMap) {
  const int interval = GetParam();
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed=" + std::to_string(seed) + " interval=" + std::to_string(interval));
  Random rnd(seed + static_cast<uint64_t>(interval));
  for (int n : {1, 2, interval - 1, interval, interval + 1, 3 * interval, 200}) {
    if (n <= 0) continue;
    std::map<std::string, std::string, test::InternalKeyLess> model;
    while (static_cast<int>(model.size()) < n) {
      std::string uk;
      const int len = static_cast<int>(rnd.Uniform(6));
      for (int i = 0; i < len; ++i) uk.push_back(static_cast<char>('a' + rnd.Uniform(3)));
      model[IKey(uk, rnd.Uniform(50), rnd.OneIn(4) ? ValueType::kDeletion : ValueType::kValue)] =
          std::string(rnd.Uniform(20), 'v');
    }
    BlockBuilder b(interval);
    for (const auto& [k, v] : model) b.Add(k, v);
    const size_t est = b.EstimatedSize();
    Block block = ParseOrDie(b.Finish());
    EXPECT_EQ(block.size(), est);
    BlockIter it(block, BlockKeyOrder::kInternalKey);

    // Forward and backward full scans.
    auto m = model.begin();
    for (it.SeekToFirst(); it.Valid(); it.Next(), ++m) {
      ASSERT_NE(m, model.end());
      EXPECT_EQ(it.key(), m->first);
      EXPECT_EQ(it.value(), m->second);
    }
    EXPECT_EQ(m, model.end());
    auto r = model.rbegin();
    for (it.SeekToLast(); it.Valid(); it.Prev(), ++r) {
      ASSERT_NE(r, model.rend());
      EXPECT_EQ(it.key(), r->first);
    }
    EXPECT_EQ(r, model.rend());
    EXPECT_OK(it.status());

    // Random seeks, then a few steps either way.
    for (int i = 0; i < 100; ++i) {
      std::string uk;
      const int len = static_cast<int>(rnd.Uniform(6));
      for (int j = 0; j < len; ++j) uk.push_back(static_cast<char>('a' + rnd.Uniform(3)));
      const std::string target = IKey(uk, rnd.Uniform(55), kValueTypeForSeek);
      auto lb = model.lower_bound(target);
      it.Seek(target);
      if (lb == model.end()) {
        EXPECT_FALSE(it.Valid());
      } else {
        ASSERT_TRUE(it.Valid());
        EXPECT_EQ(it.key(), lb->first);
        it.Prev();
        if (lb == model.begin()) {
          EXPECT_FALSE(it.Valid());
        } else {
          ASSERT_TRUE(it.Valid());
          EXPECT_EQ(it.key(), std::prev(lb)->first);
          it.Next();
          ASSERT_TRUE(it.Valid());
          EXPECT_EQ(it.key(), lb->first);
        }
      }
      auto ub = model.upper_bound(target);
      it.SeekForPrev(target);
      if (ub == model.begin()) {
        EXPECT_FALSE(it.Valid());
      } else {
        ASSERT_TRUE(it.Valid());
        EXPECT_EQ(it.key(), std::prev(ub)->first);
      }
      EXPECT_OK(it.status());
    }
  }
}

// Random walks mixing Next and Prev (Prev reuses the entries it decoded for
// the steps that follow inside one restart interval), checked against the
// model's order at every step, values included.
TEST_P(BlockRandomTest, RandomWalksMatchStdMap) {
  const int interval = GetParam();
  Random rnd(test::Seed() * 31 + static_cast<uint64_t>(interval));
  std::vector<std::pair<std::string, std::string>> entries;
  {
    std::map<std::string, std::string, test::InternalKeyLess> model;
    while (model.size() < 300) {
      std::string uk = "key" + std::to_string(rnd.Uniform(1000));
      model[IKey(uk, rnd.Uniform(50), ValueType::kValue)] = std::to_string(rnd.Next64());
    }
    entries.assign(model.begin(), model.end());
  }
  BlockBuilder b(interval);
  for (const auto& [k, v] : entries) b.Add(k, v);
  Block block = ParseOrDie(b.Finish());
  BlockIter it(block, BlockKeyOrder::kInternalKey);
  long pos = -1;  // -1 or entries.size(): invalid
  for (int step = 0; step < 5000; ++step) {
    const uint64_t op = rnd.Uniform(10);
    if (op == 0) {
      it.SeekToFirst();
      pos = 0;
    } else if (op == 1) {
      it.SeekToLast();
      pos = static_cast<long>(entries.size()) - 1;
    } else if (op == 2) {
      pos = static_cast<long>(rnd.Uniform(entries.size()));
      it.Seek(entries[static_cast<size_t>(pos)].first);
    } else if (pos >= 0 && pos < static_cast<long>(entries.size())) {
      // Mostly Prev runs, with some Next in between.
      if (op < 8) {
        it.Prev();
        --pos;
      } else {
        it.Next();
        ++pos;
      }
    } else {
      continue;
    }
    if (pos < 0 || pos >= static_cast<long>(entries.size())) {
      ASSERT_FALSE(it.Valid()) << "step " << step;
      pos = -1;
      continue;
    }
    ASSERT_TRUE(it.Valid()) << "step " << step;
    ASSERT_EQ(it.key(), entries[static_cast<size_t>(pos)].first) << "step " << step;
    ASSERT_EQ(it.value(), entries[static_cast<size_t>(pos)].second) << "step " << step;
  }
  EXPECT_OK(it.status());
}

INSTANTIATE_TEST_SUITE_P(RestartIntervals, BlockRandomTest, ::testing::Values(1, 2, 3, 16, 64));

TEST(BlockTest, IteratorKeepsBytesAliveAfterBlockIsDropped) {
  BlockBuilder b(16);
  b.Add(IKey("k", 1), "value");
  BlockIter it;
  {
    Block block = ParseOrDie(b.Finish());
    it.Init(block, BlockKeyOrder::kInternalKey);
  }
  b.Reset();
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.value(), "value");
}

}  // namespace
}  // namespace mmdb
