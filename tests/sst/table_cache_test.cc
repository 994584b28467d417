#include "sst/table_cache.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <mmdb/env.h>

#include "sst/table_test_util.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using test::IKey;

class TableCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("tc"); }
  void TearDown() override { test::RemoveTree(dir_); }

  // Writes table `number` holding one key "k<number>"; returns its size.
  uint64_t WriteTable(uint64_t number) {
    auto t = test::BuildTable({}, {{IKey("k" + std::to_string(number), 1), "v"}});
    Status s =
        WriteStringToFile(Env::Default().get(), t.bytes, dir_ + "/" + TableFileName(number), false);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return t.bytes.size();
  }

  std::string dir_;
};

TEST_F(TableCacheTest, HitReturnsTheSameReader) {
  const uint64_t size = WriteTable(5);
  TableCache cache(Env::Default().get(), dir_, {}, 10);
  auto a = cache.Get(5, size);
  ASSERT_OK(a.status());
  auto b = cache.Get(5, size);
  ASSERT_OK(b.status());
  EXPECT_EQ(a->get(), b->get());
  EXPECT_EQ((*a)->file_number(), 5u);
  EXPECT_EQ(cache.size(), 1u);
  cache.Evict(5);
  EXPECT_EQ(cache.size(), 0u);
  // The evicted reader still works for its holder.
  auto it = (*a)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()).size(), 1u);
  cache.Evict(5);  // absent: no-op
}

TEST_F(TableCacheTest, MissingOrCorruptFileIsAnErrorThatIsNotCached) {
  TableCache cache(Env::Default().get(), dir_, {}, 10);
  EXPECT_FALSE(cache.Get(9, 100).ok());
  ASSERT_OK(WriteStringToFile(Env::Default().get(), std::string(100, 'x'),
                              dir_ + "/" + TableFileName(9), false));
  EXPECT_TRUE(cache.Get(9, 100).status().IsCorruption());
  const uint64_t size = WriteTable(9);
  ASSERT_OK(cache.Get(9, size).status());
}

TEST_F(TableCacheTest, LruEvictsOnlyReadersNobodyHolds) {
  std::vector<uint64_t> sizes;
  for (uint64_t n = 1; n <= 4; ++n) sizes.push_back(WriteTable(n));
  TableCache cache(Env::Default().get(), dir_, {}, 2);
  auto held = cache.Get(1, sizes[0]);
  ASSERT_OK(held.status());
  ASSERT_OK(cache.Get(2, sizes[1]).status());
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_OK(cache.Get(3, sizes[2]).status());  // evicts 2 (1 is held)
  EXPECT_EQ(cache.size(), 2u);
  auto again = cache.Get(1, sizes[0]);
  ASSERT_OK(again.status());
  EXPECT_EQ(held->get(), again->get());  // 1 survived
  {
    auto h3 = cache.Get(3, sizes[2]);
    auto h4 = cache.Get(4, sizes[3]);  // every other reader is held: over the bound
    ASSERT_OK(h4.status());
    EXPECT_EQ(cache.size(), 3u);
  }
}

TEST_F(TableCacheTest, UnlimitedAndConcurrentGets) {
  std::vector<uint64_t> sizes;
  for (uint64_t n = 1; n <= 8; ++n) sizes.push_back(WriteTable(n));
  TableCache cache(Env::Default().get(), dir_, {}, -1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        for (uint64_t n = 1; n <= 8; ++n) {
          auto r = cache.Get(n, sizes[n - 1]);
          ASSERT_TRUE(r.ok());
          TableGetResult g;
          ASSERT_TRUE(
              (*r)->Get(LookupKey("k" + std::to_string(n), 10).internal_key(), true, &g).ok());
          ASSERT_EQ(g.kind, TableGetResult::Kind::kValue);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(cache.size(), 8u);
}

}  // namespace
}  // namespace mmdb
