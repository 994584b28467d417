// Internal keys and lookup keys: ordering and the encodings readers rely on.
#include "types/internal_key.h"

#include <string>

#include <gtest/gtest.h>

#include "util/coding.h"

namespace mmdb {
namespace {

// Both storage paths (inline and heap) give the same encodings.
TEST(LookupKeyTest, EncodesInternalAndMemtableKeysForShortAndLongKeys) {
  for (size_t len : {size_t{0}, size_t{3}, size_t{100}, size_t{200}, size_t{65536}}) {
    const std::string user(len, 'k');
    const LookupKey lk(user, 42);
    EXPECT_EQ(lk.internal_key(), MakeInternalKey(user, 42, kValueTypeForSeek));
    EXPECT_EQ(lk.user_key(), user);
    std::string_view mem(lk.memtable_key(), lk.internal_key().size() + 5);
    uint32_t n = 0;
    ASSERT_TRUE(GetVarint32(&mem, &n));
    EXPECT_EQ(n, lk.internal_key().size());
    EXPECT_EQ(mem.substr(0, n), lk.internal_key());
  }
}

// The lookup key sorts before every version of its user key at or below
// its sequence, and after every newer version.
TEST(LookupKeyTest, SortsBetweenNewerAndVisibleVersions) {
  const LookupKey lk("key", 10);
  EXPECT_LT(CompareInternalKey(lk.internal_key(), MakeInternalKey("key", 10, ValueType::kValue)),
            0);
  EXPECT_LT(CompareInternalKey(lk.internal_key(), MakeInternalKey("key", 9, ValueType::kDeletion)),
            0);
  EXPECT_GT(CompareInternalKey(lk.internal_key(), MakeInternalKey("key", 11, ValueType::kValue)),
            0);
  EXPECT_GT(CompareInternalKey(lk.internal_key(), MakeInternalKey("kex", 1, ValueType::kValue)), 0);
}

}  // namespace
}  // namespace mmdb
