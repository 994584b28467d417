#include "memtable/memtable.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/write_batch.h>

#include "memtable/memtable_inserter.h"
#include "types/internal_key.h"
#include "types/write_batch_internal.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

// Looks up `key` at `seq` and renders the outcome: "-" (no entry), "DEL@s"
// or "value@s".
std::string GetAt(const MemTable& mem, std::string_view key, SequenceNumber seq) {
  std::string value = "unset";
  Status s;
  SequenceNumber found = 0;
  if (!mem.Get(LookupKey(key, seq), &value, &s, &found)) return "-";
  if (s.IsNotFound()) return "DEL@" + std::to_string(found);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return value + "@" + std::to_string(found);
}

// Every (internal key, value) of an iterator, front to back.
std::vector<std::pair<std::string, std::string>> Scan(InternalIterator* it) {
  std::vector<std::pair<std::string, std::string>> out;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    out.emplace_back(std::string(it->key()), std::string(it->value()));
  }
  EXPECT_OK(it->status());
  return out;
}

TEST(MemTableTest, EmptyTable) {
  auto mem = std::make_shared<MemTable>();
  EXPECT_TRUE(mem->empty());
  EXPECT_EQ(mem->num_entries(), 0u);
  EXPECT_EQ(GetAt(*mem, "a", kMaxSequenceNumber), "-");
  EXPECT_EQ(mem->NewRangeTombstoneIterator(), nullptr);
  auto it = mem->NewIterator();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
}

TEST(MemTableTest, PutGetDeleteOverwriteAtEverySequence) {
  auto mem = std::make_shared<MemTable>();
  mem->Add(1, ValueType::kValue, "k", "v1");
  mem->Add(3, ValueType::kValue, "k", "v3");
  mem->Add(5, ValueType::kDeletion, "k", "");
  mem->Add(7, ValueType::kValue, "k", "v7");
  mem->Add(2, ValueType::kValue, "j", "j2");   // a smaller neighbour key
  mem->Add(4, ValueType::kValue, "kk", "x4");  // a key having "k" as prefix

  EXPECT_EQ(GetAt(*mem, "k", 0), "-");
  EXPECT_EQ(GetAt(*mem, "k", 1), "v1@1");
  EXPECT_EQ(GetAt(*mem, "k", 2), "v1@1");
  EXPECT_EQ(GetAt(*mem, "k", 3), "v3@3");
  EXPECT_EQ(GetAt(*mem, "k", 4), "v3@3");
  EXPECT_EQ(GetAt(*mem, "k", 5), "DEL@5");
  EXPECT_EQ(GetAt(*mem, "k", 6), "DEL@5");
  EXPECT_EQ(GetAt(*mem, "k", 7), "v7@7");
  EXPECT_EQ(GetAt(*mem, "k", kMaxSequenceNumber), "v7@7");
  EXPECT_EQ(GetAt(*mem, "j", 1), "-");
  EXPECT_EQ(GetAt(*mem, "j", 2), "j2@2");
  EXPECT_EQ(GetAt(*mem, "kk", 3), "-");
  EXPECT_EQ(GetAt(*mem, "kk", 9), "x4@4");
  EXPECT_EQ(GetAt(*mem, "", 9), "-");
  EXPECT_EQ(GetAt(*mem, "l", 9), "-");

  EXPECT_EQ(mem->num_entries(), 6u);
  EXPECT_EQ(mem->num_deletions(), 1u);
  EXPECT_EQ(mem->first_seq(), 1u);
  EXPECT_EQ(mem->largest_seq(), 7u);
  EXPECT_FALSE(mem->empty());
}

TEST(MemTableTest, EmptyKeysAndValuesAndLargeValues) {
  auto mem = std::make_shared<MemTable>();
  const std::string big(1 << 20, 'b');
  mem->Add(1, ValueType::kValue, "", "");
  mem->Add(2, ValueType::kValue, "big", big);
  EXPECT_EQ(GetAt(*mem, "", 5), "@1");
  std::string value;
  Status s;
  ASSERT_TRUE(mem->Get(LookupKey("big", 5), &value, &s));
  ASSERT_OK(s);
  EXPECT_EQ(value, big);
  EXPECT_GE(mem->ApproximateMemoryUsage(), big.size());
}

TEST(MemTableTest, RangeTombstonesAreKeptApart) {
  auto mem = std::make_shared<MemTable>();
  mem->Add(1, ValueType::kValue, "b", "vb");
  mem->Add(2, ValueType::kRangeDeletion, "a", "z");
  mem->Add(3, ValueType::kValue, "c", "vc");
  mem->Add(4, ValueType::kRangeDeletion, "b", "d");

  // Point lookups do not apply (nor trip over) tombstones.
  EXPECT_EQ(GetAt(*mem, "b", 10), "vb@1");
  EXPECT_EQ(GetAt(*mem, "a", 10), "-");
  EXPECT_EQ(GetAt(*mem, "c", 10), "vc@3");

  auto points = mem->NewIterator();
  auto got = Scan(points.get());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, MakeInternalKey("b", 1, ValueType::kValue));
  EXPECT_EQ(got[1].first, MakeInternalKey("c", 3, ValueType::kValue));

  auto tombstones = mem->NewRangeTombstoneIterator();
  ASSERT_NE(tombstones, nullptr);
  got = Scan(tombstones.get());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, MakeInternalKey("a", 2, ValueType::kRangeDeletion));
  EXPECT_EQ(got[0].second, "z");
  EXPECT_EQ(got[1].first, MakeInternalKey("b", 4, ValueType::kRangeDeletion));
  EXPECT_EQ(got[1].second, "d");

  EXPECT_EQ(mem->num_entries(), 4u);
  EXPECT_EQ(mem->num_range_deletions(), 2u);
  EXPECT_EQ(mem->num_deletions(), 0u);
}

// Model: internal key -> value, ordered like the memtable.
struct InternalKeyLess {
  bool operator()(const std::string& a, const std::string& b) const {
    return CompareInternalKey(a, b) < 0;
  }
};
using Model = std::map<std::string, std::string, InternalKeyLess>;

TEST(MemTableTest, IteratorMatchesModelInBothDirections) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  auto mem = std::make_shared<MemTable>();
  Model model;
  SequenceNumber seq = 0;
  for (int i = 0; i < 3000; ++i) {
    // Short keys, some prefixes of others, to exercise user-key-then-sequence order.
    std::string key(1 + rnd.Uniform(3), 'a');
    for (char& c : key) c = static_cast<char>('a' + rnd.Uniform(4));
    const ValueType type = rnd.OneIn(4) ? ValueType::kDeletion : ValueType::kValue;
    const std::string value = type == ValueType::kValue ? "v" + std::to_string(i) : "";
    mem->Add(++seq, type, key, value);
    model[MakeInternalKey(key, seq, type)] = value;
  }

  auto it = mem->NewIterator();
  auto got = Scan(it.get());
  ASSERT_EQ(got.size(), model.size());
  size_t i = 0;
  for (const auto& [k, v] : model) {
    ASSERT_EQ(got[i].first, k) << i;
    ASSERT_EQ(got[i].second, v) << i;
    ++i;
  }
  // Backward.
  auto m = model.rbegin();
  for (it->SeekToLast(); it->Valid(); it->Prev(), ++m) {
    ASSERT_NE(m, model.rend());
    ASSERT_EQ(it->key(), m->first);
  }
  EXPECT_EQ(m, model.rend());

  // Seek / SeekForPrev to random lookup keys, then wander.
  for (int n = 0; n < 500; ++n) {
    std::string key(1 + rnd.Uniform(3), 'a');
    for (char& c : key) c = static_cast<char>('a' + rnd.Uniform(4));
    const std::string t = std::string(LookupKey(key, rnd.Uniform(seq + 2)).internal_key());
    auto ge = model.lower_bound(t);
    it->Seek(t);
    if (ge == model.end()) {
      ASSERT_FALSE(it->Valid());
    } else {
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), ge->first);
    }
    auto le = model.upper_bound(t);
    it->SeekForPrev(t);
    if (le == model.begin()) {
      ASSERT_FALSE(it->Valid());
      continue;
    }
    --le;
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), le->first);
    // Next then Prev returns to the same entry.
    it->Next();
    if (it->Valid()) {
      it->Prev();
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), le->first);
    }
  }
  EXPECT_EQ(mem->num_entries(), model.size());
}

TEST(MemTableTest, IteratorKeepsTheMemTableAlive) {
  auto mem = std::make_shared<MemTable>();
  mem->Add(1, ValueType::kValue, "a", "1");
  mem->Add(2, ValueType::kRangeDeletion, "b", "c");
  auto it = mem->NewIterator();
  auto rt = mem->NewRangeTombstoneIterator();
  it->SeekToFirst();
  const std::string_view key = it->key();  // stays valid: arena memory never moves
  std::weak_ptr<MemTable> weak = mem;
  mem.reset();
  EXPECT_FALSE(weak.expired());
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(key, MakeInternalKey("a", 1, ValueType::kValue));
  EXPECT_EQ(it->value(), "1");
  rt->SeekToFirst();
  ASSERT_TRUE(rt->Valid());
  EXPECT_EQ(rt->value(), "c");
  it.reset();
  EXPECT_FALSE(weak.expired());
  rt.reset();
  EXPECT_TRUE(weak.expired());
}

TEST(MemTableTest, InsertBatchUsesConsecutiveSequences) {
  auto mem = std::make_shared<MemTable>();
  WriteBatch b;
  b.Put("a", "a100");
  b.Delete("b");
  b.DeleteRange("c", "e");
  b.Put("a", "a103");
  WriteBatchInternal::SetSequence(&b, 100);
  ASSERT_OK(InsertBatchInto(b, mem.get()));

  EXPECT_EQ(GetAt(*mem, "a", 99), "-");
  EXPECT_EQ(GetAt(*mem, "a", 100), "a100@100");
  EXPECT_EQ(GetAt(*mem, "a", 102), "a100@100");
  EXPECT_EQ(GetAt(*mem, "a", 103), "a103@103");
  EXPECT_EQ(GetAt(*mem, "b", 200), "DEL@101");
  auto rt = mem->NewRangeTombstoneIterator();
  ASSERT_NE(rt, nullptr);
  auto got = Scan(rt.get());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, MakeInternalKey("c", 102, ValueType::kRangeDeletion));
  EXPECT_EQ(got[0].second, "e");
  EXPECT_EQ(mem->num_entries(), 4u);
  EXPECT_EQ(mem->first_seq(), 100u);
  EXPECT_EQ(mem->largest_seq(), 103u);
}

TEST(MemTableTest, CorruptOrOverflowingBatchAddsNothing) {
  auto mem = std::make_shared<MemTable>();
  WriteBatch b;
  b.Put("a", "1");
  b.Put("b", "2");
  std::string rep(b.Data());
  rep.pop_back();  // truncate the last value
  WriteBatch bad;
  bad.SetContents(rep);
  EXPECT_TRUE(InsertBatchInto(bad, mem.get()).IsCorruption());
  EXPECT_TRUE(mem->empty());

  WriteBatchInternal::SetSequence(&b, kMaxSequenceNumber);
  EXPECT_TRUE(InsertBatchInto(b, mem.get()).IsInvalidArgument());
  EXPECT_TRUE(mem->empty());
  WriteBatchInternal::SetSequence(&b, kMaxSequenceNumber - 1);
  ASSERT_OK(InsertBatchInto(b, mem.get()));
  EXPECT_EQ(GetAt(*mem, "b", kMaxSequenceNumber), "2@" + std::to_string(kMaxSequenceNumber));
}

TEST(MemTableTest, ConcurrentGetsDuringAdds) {
  // One writer adds key i at sequence i with value "v<i>"; readers check that a
  // lookup at the published sequence always finds exactly that value.
  auto mem = std::make_shared<MemTable>();
  constexpr int kN = 20000;
  std::atomic<int> published{0};
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> started{0};
  auto key_of = [](int i) { return "key" + std::to_string(i % 997); };
  auto reader = [&](uint64_t seed) {
    Random rnd(seed);
    started.fetch_add(1);
    while (!done.load(std::memory_order_acquire)) {
      const int n = published.load(std::memory_order_acquire);
      if (n == 0) continue;
      const int i = 1 + static_cast<int>(rnd.Uniform(n));
      // The newest version of key_of(i) at or below sequence i is i itself.
      std::string value;
      Status s;
      SequenceNumber found = 0;
      if (!mem->Get(LookupKey(key_of(i), i), &value, &s, &found) || !s.ok() ||
          found != static_cast<SequenceNumber>(i) || value != "v" + std::to_string(i)) {
        failures.fetch_add(1);
      }
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) readers.emplace_back(reader, test::Seed() + r);
  while (started.load() < 2) std::this_thread::yield();
  for (int i = 1; i <= kN; ++i) {
    mem->Add(i, ValueType::kValue, key_of(i), "v" + std::to_string(i));
    published.store(i, std::memory_order_release);
  }
  done.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace mmdb
