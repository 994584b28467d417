#include "memtable/arena.h"

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

TEST(ArenaTest, EmptyUsesNothing) {
  Arena arena;
  EXPECT_EQ(arena.MemoryUsage(), 0u);
}

TEST(ArenaTest, AllocationsKeepTheirBytesAndAlignment) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  Arena arena;
  std::vector<std::pair<size_t, char*>> allocated;
  size_t total = 0;
  for (int i = 0; i < 5000; ++i) {
    size_t n;
    if (i % 500 == 0) {
      n = 6000 + rnd.Uniform(10000);  // bigger than a block
    } else if (rnd.OneIn(10)) {
      n = 1 + rnd.Uniform(2000);
    } else {
      n = 1 + rnd.Uniform(40);
    }
    const bool aligned = rnd.OneIn(2);
    char* p = aligned ? arena.AllocateAligned(n) : arena.Allocate(n);
    if (aligned) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % Arena::kAlign, 0u);
    }
    std::memset(p, static_cast<int>(i % 256), n);
    allocated.emplace_back(n, p);
    total += n;
    EXPECT_GE(arena.MemoryUsage(), total);
    EXPECT_LE(arena.MemoryUsage(), 2 * total + 2 * Arena::kBlockSize);
  }
  for (size_t i = 0; i < allocated.size(); ++i) {
    const auto& [n, p] = allocated[i];
    for (size_t j = 0; j < n; ++j) {
      ASSERT_EQ(static_cast<unsigned char>(p[j]), i % 256) << "allocation " << i;
    }
  }
}

TEST(ArenaTest, BigAllocationDoesNotWasteTheCurrentBlock) {
  Arena arena;
  char* a = arena.Allocate(10);
  const size_t usage = arena.MemoryUsage();
  char* big = arena.Allocate(100000);
  EXPECT_NE(big, nullptr);
  EXPECT_GE(arena.MemoryUsage(), usage + 100000);
  // The next small allocation continues the first block.
  char* b = arena.Allocate(10);
  EXPECT_EQ(b, a + 10);
}

}  // namespace
}  // namespace mmdb
