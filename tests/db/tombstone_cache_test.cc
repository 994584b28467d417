// TombstoneCache: per-memtable fragmented tombstones kept up to date as
// tombstones arrive, without re-fragmenting everything on every read.
#include "db/tombstone_cache.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "memtable/memtable.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

std::string Key(uint64_t i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%05llu", static_cast<unsigned long long>(i));
  return buf;
}

TEST(MemTableRangeTombstoneLogTest, CursorYieldsEachTombstoneOnceInInsertionOrder) {
  auto mem = std::make_shared<MemTable>();
  MemTable::RangeTombstoneCursor cursor;
  std::vector<SequenceNumber> seen;
  auto collect = [&] {
    mem->ForEachRangeTombstoneSince(
        &cursor, [&](std::string_view, std::string_view, SequenceNumber s) { seen.push_back(s); });
  };
  collect();
  EXPECT_TRUE(seen.empty());
  mem->Add(10, ValueType::kRangeDeletion, "m", "p");
  mem->Add(11, ValueType::kValue, "a", "v");  // point entries are not in the log
  mem->Add(12, ValueType::kRangeDeletion, "a", "c");
  collect();
  EXPECT_EQ(seen, (std::vector<SequenceNumber>{10, 12}));
  collect();
  EXPECT_EQ(seen.size(), 2u);
  mem->Add(13, ValueType::kRangeDeletion, "x", "z");
  collect();
  EXPECT_EQ(seen, (std::vector<SequenceNumber>{10, 12, 13}));
  EXPECT_EQ(cursor.consumed_count(), 3u);
}

// Tombstones arrive one at a time between reads: the lists stay few
// (logarithmic) and always answer exactly like a reference over all of them.
TEST(TombstoneCacheTest, MemTableListsStayFewAndExactUnderInterleavedReads) {
  TombstoneCache cache;
  auto mem = std::make_shared<MemTable>();
  EXPECT_EQ(cache.ForMemTable(mem), nullptr);
  Random rnd(test::Seed());
  struct T {
    uint64_t begin, end;
    SequenceNumber seq;
  };
  std::vector<T> all;
  for (SequenceNumber seq = 1; seq <= 1000; ++seq) {
    const uint64_t b = rnd.Uniform(2000);
    const uint64_t e = b + 1 + rnd.Uniform(20);
    mem->Add(seq, ValueType::kRangeDeletion, Key(b), Key(e));
    all.push_back({b, e, seq});
    auto lists = cache.ForMemTable(mem);
    ASSERT_NE(lists, nullptr);
    const size_t bound = static_cast<size_t>(std::log2(static_cast<double>(seq))) + 2;
    ASSERT_LE(lists->size(), bound) << "after " << seq << " tombstones";
    if (seq % 97 != 0) continue;
    for (uint64_t k = 0; k < 2030; k += 3) {
      for (SequenceNumber read : {seq, seq / 2}) {
        SequenceNumber want = 0;
        for (const T& t : all) {
          if (t.begin <= k && k < t.end && t.seq <= read) want = std::max(want, t.seq);
        }
        SequenceNumber got = 0;
        for (const auto& l : *lists) got = std::max(got, l->MaxCoveringSeq(Key(k), read));
        ASSERT_EQ(got, want) << "key " << k << " read " << read;
      }
    }
  }
  // Without new tombstones a read gets the very same lists (no rebuild).
  EXPECT_EQ(cache.ForMemTable(mem), cache.ForMemTable(mem));
}

}  // namespace
}  // namespace mmdb
