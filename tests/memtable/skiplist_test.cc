#include "memtable/skiplist.h"

#include <atomic>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "util/coding.h"
#include "util/invariant.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

struct U64Cmp {
  int operator()(uint64_t a, uint64_t b) const { return a < b ? -1 : (a > b ? 1 : 0); }
};
using IntList = SkipList<uint64_t, U64Cmp>;

// A forward scan of `list` yields exactly the keys of `model`, in order.
::testing::AssertionResult ForwardScanMatches(const IntList& list,
                                              const std::set<uint64_t>& model) {
  IntList::Iterator it(&list);
  it.SeekToFirst();
  for (uint64_t want : model) {
    if (!it.Valid()) return ::testing::AssertionFailure() << "scan ended before " << want;
    if (it.key() != want) {
      return ::testing::AssertionFailure() << "got " << it.key() << ", want " << want;
    }
    it.Next();
  }
  if (it.Valid()) return ::testing::AssertionFailure() << "extra key " << it.key();
  return ::testing::AssertionSuccess();
}

TEST(SkipListTest, Empty) {
  Arena arena;
  IntList list(U64Cmp{}, &arena);
  EXPECT_FALSE(list.Contains(10));
  IntList::Iterator it(&list);
  EXPECT_FALSE(it.Valid());
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  it.Seek(100);
  EXPECT_FALSE(it.Valid());
  it.SeekToLast();
  EXPECT_FALSE(it.Valid());
  it.SeekForPrev(100);
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(list.CheckInvariants());
}

TEST(SkipListTest, RandomOpsMatchStdSet) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  Arena arena;
  IntList list(U64Cmp{}, &arena, seed);
  std::set<uint64_t> model;
  constexpr uint64_t kRange = 5000;

  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 1000; ++i) {
      const uint64_t k = rnd.Uniform(kRange) * 2 + 1;  // odd keys only: evens are gaps
      if (model.insert(k).second) list.Insert(k);
    }
    MMDB_INVARIANT(list.CheckInvariants());
    ASSERT_TRUE(list.CheckInvariants());

    for (int i = 0; i < 500; ++i) {
      const uint64_t k = rnd.Uniform(2 * kRange + 2);
      ASSERT_EQ(list.Contains(k), model.count(k) > 0) << k;
    }
    // Forward.
    ASSERT_TRUE(ForwardScanMatches(list, model));
    IntList::Iterator it(&list);
    // Backward.
    it.SeekToLast();
    for (auto r = model.rbegin(); r != model.rend(); ++r) {
      ASSERT_TRUE(it.Valid());
      ASSERT_EQ(it.key(), *r);
      it.Prev();
    }
    EXPECT_FALSE(it.Valid());
    // Seeks, each followed by a few steps in a random direction.
    for (int i = 0; i < 500; ++i) {
      const uint64_t target = rnd.Uniform(2 * kRange + 2);
      auto ge = model.lower_bound(target);
      it.Seek(target);
      if (ge == model.end()) {
        ASSERT_FALSE(it.Valid());
      } else {
        ASSERT_TRUE(it.Valid());
        ASSERT_EQ(it.key(), *ge);
      }
      auto le = model.upper_bound(target);
      it.SeekForPrev(target);
      if (le == model.begin()) {
        ASSERT_FALSE(it.Valid());
        continue;
      }
      --le;
      ASSERT_TRUE(it.Valid());
      ASSERT_EQ(it.key(), *le);
      for (int step = 0; step < 5 && it.Valid(); ++step) {
        if (rnd.OneIn(2)) {
          it.Next();
          ++le;
        } else {
          it.Prev();
          if (le == model.begin()) {
            le = model.end();
          } else {
            --le;
          }
        }
        if (le == model.end()) {
          ASSERT_FALSE(it.Valid());
        } else {
          ASSERT_TRUE(it.Valid());
          ASSERT_EQ(it.key(), *le);
        }
      }
    }
  }
}

// Concurrent test: keys are pointers to arena records written by the writer.
// A record holds its key, the key's complement and a 16-byte pattern; a reader
// that reaches a half-built record (missing release/acquire) would see a
// mismatch.
struct Record {
  uint64_t key;
  uint64_t check;
  char pattern[16];
};

struct RecordCmp {
  int operator()(const Record* a, const Record* b) const {
    if (a == b) return 0;
    return a->key < b->key ? -1 : (a->key > b->key ? 1 : 0);
  }
};
using RecordList = SkipList<const Record*, RecordCmp>;

bool WellFormed(const Record* r) {
  if (r->check != ~r->key) return false;
  for (char c : r->pattern) {
    if (c != static_cast<char>(r->key & 0x7f)) return false;
  }
  return true;
}

// Runs of ascending keys take the insert splice; a key outside the splice
// (before it, far after it, inside an earlier run) must search from the head.
TEST(SkipListTest, AscendingRunsAndJumpsMatchStdSet) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  Arena arena;
  IntList list(U64Cmp{}, &arena, seed);
  std::set<uint64_t> model;
  for (int run = 0; run < 200; ++run) {
    uint64_t k = rnd.Uniform(1000000);
    const int len = 1 + static_cast<int>(rnd.Uniform(rnd.OneIn(4) ? 500 : 20));
    const bool descending = rnd.OneIn(5);
    for (int i = 0; i < len; ++i) {
      if (model.insert(k).second) list.Insert(k);
      k = descending ? (k > 3 ? k - 1 - rnd.Uniform(3) : k + 1000000) : k + 1 + rnd.Uniform(3);
    }
  }
  ASSERT_TRUE(list.CheckInvariants());
  ASSERT_TRUE(ForwardScanMatches(list, model));
  for (int i = 0; i < 2000; ++i) {
    const uint64_t k = rnd.Uniform(2100000);
    ASSERT_EQ(list.Contains(k), model.count(k) > 0) << k;
  }
}

TEST(SkipListTest, ConcurrentReadersSeeSortedFullyFormedEntries) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  constexpr int kKeys = 20000;
  constexpr int kReaders = 3;

  // The writer inserts keys[0..kKeys) in this (random) order.
  std::vector<uint64_t> keys(kKeys);
  {
    Random rnd(seed);
    std::set<uint64_t> seen;
    for (auto& k : keys) {
      do {
        k = rnd.Next64() >> 8;
      } while (!seen.insert(k).second);
    }
  }

  Arena arena;  // allocated from by the writer only
  RecordList list(RecordCmp{}, &arena, seed);
  std::atomic<int> inserted{0};  // release by the writer / acquire by readers
  std::atomic<bool> done{false};
  // Failures by kind.
  std::atomic<uint64_t> missing{0}, malformed{0}, unsorted{0}, broken{0};
  std::atomic<int> started{0};  // the writer starts once every reader runs

  auto reader = [&](uint64_t reader_seed) {
    Random rnd(reader_seed);
    started.fetch_add(1);
    Record probe{};
    while (!done.load(std::memory_order_acquire)) {
      // Every key inserted before this point must be found.
      const int n = inserted.load(std::memory_order_acquire);
      if (n > 0) {
        probe.key = keys[rnd.Uniform(n)];
        if (!list.Contains(&probe)) missing.fetch_add(1);
      }
      // A full scan (or a partial one from a random seek) is sorted and well formed.
      RecordList::Iterator it(&list);
      if (rnd.OneIn(2)) {
        it.SeekToFirst();
      } else {
        probe.key = rnd.Next64() >> 8;
        it.Seek(&probe);
      }
      uint64_t prev = 0;
      bool first = true;
      int steps = 0;
      for (; it.Valid() && steps < 2000; it.Next(), ++steps) {
        const Record* r = it.key();
        if (!WellFormed(r)) malformed.fetch_add(1);
        if (!first && r->key <= prev) unsorted.fetch_add(1);
        prev = r->key;
        first = false;
      }
      if (!list.CheckInvariants()) broken.fetch_add(1);
    }
  };

  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) readers.emplace_back(reader, seed + 1 + i);
  while (started.load() < kReaders) std::this_thread::yield();
  for (int i = 0; i < kKeys; ++i) {
    auto* r = reinterpret_cast<Record*>(arena.AllocateAligned(sizeof(Record)));
    r->key = keys[i];
    r->check = ~keys[i];
    std::memset(r->pattern, static_cast<int>(keys[i] & 0x7f), sizeof(r->pattern));
    list.Insert(r);
    inserted.store(i + 1, std::memory_order_release);
    if (i % 1000 == 0) std::this_thread::yield();
  }
  done.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();
  EXPECT_EQ(missing.load(), 0u) << "inserted keys not found";
  EXPECT_EQ(malformed.load(), 0u) << "entries seen before fully written";
  EXPECT_EQ(unsorted.load(), 0u) << "scans out of order";
  EXPECT_EQ(broken.load(), 0u) << "CheckInvariants failed mid-insert";
  EXPECT_TRUE(list.CheckInvariants());

  RecordList::Iterator it(&list);
  int count = 0;
  for (it.SeekToFirst(); it.Valid(); it.Next()) ++count;
  EXPECT_EQ(count, kKeys);
}

}  // namespace
}  // namespace mmdb
