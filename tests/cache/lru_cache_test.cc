#include "cache/lru_cache.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/cache.h>

#include "cache/block_cache.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

constexpr size_t kOverhead = LRUBlockCache::kEntryOverhead;

BlockCacheKey Key(uint64_t n, uint64_t file = 1) {
  return BlockCacheKey{.cache_id = 7, .file_number = file, .offset = n};
}

CachedBlock Block(size_t size, char fill = 'x') {
  return std::make_shared<const std::string>(size, fill);
}

// A single-shard cache holding exactly `entries` blocks of `block_size` bytes.
std::shared_ptr<LRUBlockCache> SmallCache(size_t entries, size_t block_size = 100) {
  auto cache = std::make_shared<LRUBlockCache>(entries * (block_size + kOverhead));
  EXPECT_EQ(cache->num_shards(), 1);
  return cache;
}

TEST(LRUCacheTest, ShardCountFollowsCapacity) {
  EXPECT_EQ(LRUBlockCache(1000).num_shards(), 1);
  EXPECT_EQ(LRUBlockCache(64 << 20).num_shards(), LRUBlockCache::kMaxShards);
  const int mid = LRUBlockCache(4 * LRUBlockCache::kMinShardCapacity).num_shards();
  EXPECT_EQ(mid, 4);
  LRUBlockCache cache(64 << 20);
  EXPECT_EQ(cache.shard_capacity(), (64u << 20) / LRUBlockCache::kMaxShards);
}

TEST(LRUCacheTest, NewBlockCacheIsAnLRUBlockCache) {
  std::shared_ptr<Cache> cache = NewBlockCache(1 << 20);
  EXPECT_EQ(cache->GetCapacity(), 1u << 20);
  std::shared_ptr<BlockCache> bc = AsBlockCache(cache);
  ASSERT_NE(bc, nullptr);
  bc->Insert(Key(1), Block(10), false);
  EXPECT_EQ(cache->GetUsage(), 10 + kOverhead);
  EXPECT_EQ(AsBlockCache(nullptr), nullptr);
}

TEST(LRUCacheTest, LookupReturnsInsertedBlock) {
  auto cache = SmallCache(4);
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
  cache->Insert(Key(1), Block(100, 'a'), false);
  CachedBlock b = cache->Lookup(Key(1));
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(*b, std::string(100, 'a'));
  // Keys differing in any field are distinct.
  EXPECT_EQ(cache->Lookup(Key(1, 2)), nullptr);
  EXPECT_EQ(cache->Lookup(BlockCacheKey{.cache_id = 8, .file_number = 1, .offset = 1}), nullptr);
  EXPECT_EQ(cache->GetUsage(), 100 + kOverhead);
  EXPECT_EQ(cache->GetPinnedUsage(), 0u);
}

TEST(LRUCacheTest, CapacityRespectedUnderChurn) {
  Random rnd(test::Seed());
  for (size_t capacity : {size_t{10000}, size_t{1} << 20, size_t{8} << 20}) {
    LRUBlockCache cache(capacity);
    for (int i = 0; i < 20000; ++i) {
      cache.Insert(Key(rnd.Uniform(5000)), Block(1 + rnd.Uniform(4096)), false);
      ASSERT_LE(cache.GetUsage(), capacity) << "capacity " << capacity << " i " << i;
    }
    EXPECT_GT(cache.evictions(), 0u);
    EXPECT_EQ(cache.GetPinnedUsage(), 0u);
  }
}

TEST(LRUCacheTest, RecentlyUsedEntriesSurvive) {
  auto cache = SmallCache(10);
  for (int i = 0; i < 10; ++i) cache->Insert(Key(i), Block(100), false);
  // Touch the oldest half: now 5..9 are the least recently used.
  for (int i = 0; i < 5; ++i) ASSERT_NE(cache->Lookup(Key(i)), nullptr);
  for (int i = 10; i < 15; ++i) cache->Insert(Key(i), Block(100), false);
  for (int i = 0; i < 5; ++i) EXPECT_NE(cache->Lookup(Key(i)), nullptr) << i;
  for (int i = 5; i < 10; ++i) EXPECT_EQ(cache->Lookup(Key(i)), nullptr) << i;
  for (int i = 10; i < 15; ++i) EXPECT_NE(cache->Lookup(Key(i)), nullptr) << i;
  EXPECT_EQ(cache->evictions(), 5u);
}

TEST(LRUCacheTest, PinnedEntriesSurvivePressure) {
  auto cache = SmallCache(10);
  for (int i = 0; i < 3; ++i) cache->Insert(Key(100 + i), Block(100), true);
  EXPECT_EQ(cache->GetPinnedUsage(), 3 * (100 + kOverhead));
  for (int i = 0; i < 100; ++i) cache->Insert(Key(i), Block(100), false);
  for (int i = 0; i < 3; ++i) EXPECT_NE(cache->Lookup(Key(100 + i)), nullptr);
  EXPECT_EQ(cache->GetPinnedUsage(), 3 * (100 + kOverhead));
  EXPECT_LE(cache->GetUsage(), cache->GetCapacity());
  // Pins may exceed the capacity; then no unpinned entry stays.
  for (int i = 0; i < 20; ++i) cache->Insert(Key(200 + i), Block(100), true);
  EXPECT_EQ(cache->GetPinnedUsage(), 23 * (100 + kOverhead));
  EXPECT_EQ(cache->GetUsage(), cache->GetPinnedUsage());
  for (int i = 0; i < 20; ++i) EXPECT_NE(cache->Lookup(Key(200 + i)), nullptr);
}

TEST(LRUCacheTest, UnpinMakesEntriesEvictable) {
  auto cache = SmallCache(4);
  cache->Insert(Key(1), Block(100), true);
  cache->Unpin(Key(1));
  cache->Unpin(Key(1));   // already unpinned: no-op
  cache->Unpin(Key(99));  // absent: no-op
  EXPECT_EQ(cache->GetPinnedUsage(), 0u);
  EXPECT_EQ(cache->GetUsage(), 100 + kOverhead);
  for (int i = 10; i < 14; ++i) cache->Insert(Key(i), Block(100), false);
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
}

TEST(LRUCacheTest, UnpinOverCapacityEvicts) {
  auto cache = SmallCache(2);
  for (int i = 0; i < 4; ++i) cache->Insert(Key(i), Block(100), true);
  EXPECT_EQ(cache->GetUsage(), 4 * (100 + kOverhead));
  for (int i = 0; i < 4; ++i) cache->Unpin(Key(i));
  EXPECT_EQ(cache->GetUsage(), 2 * (100 + kOverhead));
  EXPECT_EQ(cache->GetPinnedUsage(), 0u);
}

TEST(LRUCacheTest, Erase) {
  auto cache = SmallCache(4);
  cache->Insert(Key(1), Block(100), false);
  cache->Insert(Key(2), Block(100), true);
  cache->Erase(Key(1));
  cache->Erase(Key(2));
  cache->Erase(Key(3));  // absent: no-op
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
  EXPECT_EQ(cache->Lookup(Key(2)), nullptr);
  EXPECT_EQ(cache->GetUsage(), 0u);
  EXPECT_EQ(cache->GetPinnedUsage(), 0u);
  EXPECT_EQ(cache->evictions(), 0u);  // erasing is not evicting
}

TEST(LRUCacheTest, HeldBlockStaysValidAfterEviction) {
  auto cache = SmallCache(2);
  cache->Insert(Key(1), Block(100, 'h'), false);
  CachedBlock held = cache->Lookup(Key(1));
  for (int i = 10; i < 20; ++i) cache->Insert(Key(i), Block(100), false);
  cache->Erase(Key(1));
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(*held, std::string(100, 'h'));
  EXPECT_EQ(held.use_count(), 1);  // the cache let go of it
}

TEST(LRUCacheTest, HitMissInsertCounters) {
  auto cache = SmallCache(4);
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
  cache->Insert(Key(1), Block(100), false);
  EXPECT_NE(cache->Lookup(Key(1)), nullptr);
  EXPECT_NE(cache->Lookup(Key(1)), nullptr);
  EXPECT_EQ(cache->Lookup(Key(2)), nullptr);
  EXPECT_EQ(cache->hits(), 2u);
  EXPECT_EQ(cache->misses(), 2u);
  EXPECT_EQ(cache->inserts(), 1u);
  EXPECT_EQ(cache->evictions(), 0u);
}

TEST(LRUCacheTest, InsertReplacesExistingKey) {
  auto cache = SmallCache(4);
  cache->Insert(Key(1), Block(100, 'a'), false);
  cache->Insert(Key(1), Block(50, 'b'), false);
  EXPECT_EQ(*cache->Lookup(Key(1)), std::string(50, 'b'));
  EXPECT_EQ(cache->GetUsage(), 50 + kOverhead);
  // Unpinned -> pinned.
  cache->Insert(Key(1), Block(60, 'c'), true);
  EXPECT_EQ(*cache->Lookup(Key(1)), std::string(60, 'c'));
  EXPECT_EQ(cache->GetUsage(), 60 + kOverhead);
  EXPECT_EQ(cache->GetPinnedUsage(), 60 + kOverhead);
  // Pins are sticky: an unpinned insert over a pinned entry stays pinned.
  cache->Insert(Key(1), Block(70, 'd'), false);
  EXPECT_EQ(*cache->Lookup(Key(1)), std::string(70, 'd'));
  EXPECT_EQ(cache->GetUsage(), 70 + kOverhead);
  EXPECT_EQ(cache->GetPinnedUsage(), 70 + kOverhead);
  cache->Unpin(Key(1));
  EXPECT_EQ(cache->GetPinnedUsage(), 0u);
  EXPECT_EQ(cache->GetUsage(), 70 + kOverhead);
  // A null block erases.
  cache->Insert(Key(1), nullptr, false);
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
  EXPECT_EQ(cache->GetUsage(), 0u);
}

TEST(LRUCacheTest, OversizedBlockIsCachedOnlyWhenPinned) {
  auto cache = SmallCache(2);
  const size_t big = cache->shard_capacity();  // + overhead > capacity
  cache->Insert(Key(1), Block(100), false);
  cache->Insert(Key(2), Block(big), false);
  EXPECT_EQ(cache->Lookup(Key(2)), nullptr);
  EXPECT_NE(cache->Lookup(Key(1)), nullptr);  // nothing was evicted for it
  // Replacing an entry by an oversized block drops the old one.
  cache->Insert(Key(1), Block(big), false);
  EXPECT_EQ(cache->Lookup(Key(1)), nullptr);
  EXPECT_EQ(cache->GetUsage(), 0u);
  cache->Insert(Key(3), Block(big), true);
  EXPECT_NE(cache->Lookup(Key(3)), nullptr);
  EXPECT_EQ(cache->GetPinnedUsage(), big + kOverhead);
  // Once unpinned it is over capacity and goes.
  cache->Unpin(Key(3));
  EXPECT_EQ(cache->Lookup(Key(3)), nullptr);
  EXPECT_EQ(cache->GetUsage(), 0u);
}

TEST(LRUCacheTest, SetCapacityEvicts) {
  auto cache = SmallCache(10);
  for (int i = 0; i < 10; ++i) cache->Insert(Key(i), Block(100), false);
  cache->SetCapacity(3 * (100 + kOverhead));
  EXPECT_EQ(cache->GetCapacity(), 3 * (100 + kOverhead));
  EXPECT_EQ(cache->GetUsage(), 3 * (100 + kOverhead));
  for (int i = 7; i < 10; ++i) EXPECT_NE(cache->Lookup(Key(i)), nullptr);
  EXPECT_EQ(cache->Lookup(Key(0)), nullptr);
  cache->SetCapacity(0);
  EXPECT_EQ(cache->GetUsage(), 0u);
}

TEST(LRUCacheTest, NewIdIsUnique) {
  LRUBlockCache cache(1 << 20);
  uint64_t a = cache.NewId();
  uint64_t b = cache.NewId();
  EXPECT_NE(a, b);
  EXPECT_NE(a, 0u);
}

TEST(LRUCacheTest, ConcurrentLookupsAndInserts) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE(seed);
  LRUBlockCache cache(256 * 1024);
  constexpr int kThreads = 4;
  constexpr int kOps = 20000;
  std::atomic<bool> bad_value{false};
  std::atomic<uint64_t> lookups{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Random rnd(seed + t);
      for (int i = 0; i < kOps; ++i) {
        const uint64_t k = rnd.Uniform(2000);
        // The content of a block names its key, so a wrong hit shows.
        const char fill = static_cast<char>('a' + k % 26);
        switch (rnd.Uniform(10)) {
          case 0:
          case 1:
          case 2:
            cache.Insert(Key(k), Block(1 + rnd.Uniform(2048), fill), rnd.OneIn(50));
            break;
          case 3:
            cache.Erase(Key(k));
            break;
          case 4:
            cache.Unpin(Key(k));
            break;
          default: {
            CachedBlock b = cache.Lookup(Key(k));
            lookups.fetch_add(1, std::memory_order_relaxed);
            if (b != nullptr && (b->empty() || (*b)[0] != fill)) bad_value = true;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(bad_value);
  EXPECT_EQ(cache.hits() + cache.misses(), lookups.load());
  // Quiescent: unpinned usage fits; pinned usage is part of usage.
  EXPECT_LE(cache.GetPinnedUsage(), cache.GetUsage());
  EXPECT_LE(cache.GetUsage() - cache.GetPinnedUsage(), cache.GetCapacity());
  for (uint64_t k = 0; k < 2000; ++k) cache.Unpin(Key(k));
  EXPECT_EQ(cache.GetPinnedUsage(), 0u);
  EXPECT_LE(cache.GetUsage(), cache.GetCapacity());
  for (uint64_t k = 0; k < 2000; ++k) cache.Erase(Key(k));
  EXPECT_EQ(cache.GetUsage(), 0u);
}

}  // namespace
}  // namespace mmdb
