#include "iterator/merging_iterator.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "iterator/vector_iterator.h"
#include "types/internal_key.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using Entry = test::VectorIterator::Entry;

// The expected merge: every entry with its child, in (internal key, child)
// order, and a cursor over it with the InternalIterator contract.
class Reference {
 public:
  explicit Reference(const std::vector<std::vector<Entry>>& children) {
    for (size_t c = 0; c < children.size(); ++c) {
      for (const auto& e : children[c]) all_.push_back({e.first, e.second, c});
    }
    std::sort(all_.begin(), all_.end(), [](const Item& a, const Item& b) {
      const int c = CompareInternalKey(a.key, b.key);
      return c != 0 ? c < 0 : a.child < b.child;
    });
  }

  bool Valid() const { return pos_ >= 0 && pos_ < static_cast<int>(all_.size()); }
  void SeekToFirst() { pos_ = 0; }
  void SeekToLast() { pos_ = static_cast<int>(all_.size()) - 1; }
  void Seek(std::string_view t) {
    pos_ = 0;
    while (Valid() && CompareInternalKey(all_[pos_].key, t) < 0) ++pos_;
  }
  void SeekForPrev(std::string_view t) {
    pos_ = static_cast<int>(all_.size()) - 1;
    while (Valid() && CompareInternalKey(all_[pos_].key, t) > 0) --pos_;
  }
  void Next() { ++pos_; }
  void Prev() { --pos_; }
  const std::string& key() const { return all_[pos_].key; }
  const std::string& value() const { return all_[pos_].value; }
  size_t size() const { return all_.size(); }

 private:
  struct Item {
    std::string key;
    std::string value;
    size_t child;
  };
  std::vector<Item> all_;
  int pos_ = -1;
};

std::string UserKey(uint64_t n) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%04d", static_cast<int>(n));
  return buf;
}

// `n` children of random sizes over a small key space, so that user keys
// repeat across children. Sequence numbers are unique unless `duplicates`,
// in which case some internal keys appear in several children.
std::vector<std::vector<Entry>> RandomChildren(Random* rnd, int n, bool duplicates = false) {
  std::vector<std::vector<Entry>> children(n);
  const uint64_t key_space = 1 + rnd->Uniform(200);
  uint64_t seq = 1;
  for (auto& child : children) {
    const uint64_t size = rnd->OneIn(5) ? 0 : rnd->Uniform(100);
    for (uint64_t i = 0; i < size; ++i) {
      const uint64_t s = duplicates ? 1 + rnd->Uniform(3) : seq++;
      const auto type = rnd->OneIn(4) ? ValueType::kDeletion : ValueType::kValue;
      std::string k = MakeInternalKey(UserKey(rnd->Uniform(key_space)), s, type);
      child.emplace_back(std::move(k), "v" + std::to_string(rnd->Next64()));
    }
    std::sort(child.begin(), child.end(), [](const Entry& a, const Entry& b) {
      return CompareInternalKey(a.first, b.first) < 0;
    });
    // One child never holds an internal key twice.
    child.erase(std::unique(child.begin(), child.end(),
                            [](const Entry& a, const Entry& b) { return a.first == b.first; }),
                child.end());
  }
  return children;
}

std::unique_ptr<InternalIterator> Merge(const std::vector<std::vector<Entry>>& children) {
  std::vector<std::unique_ptr<InternalIterator>> iters;
  for (const auto& c : children) iters.push_back(std::make_unique<test::VectorIterator>(c));
  return NewMergingIterator(std::move(iters));
}

// A seek target: an existing key, or a random (user key, sequence, type).
std::string RandomTarget(Random* rnd, const std::vector<std::vector<Entry>>& children) {
  if (rnd->OneIn(2)) {
    const auto& c = children[rnd->Uniform(children.size())];
    if (!c.empty()) return c[rnd->Uniform(c.size())].first;
  }
  const auto type = static_cast<ValueType>(rnd->Uniform(3));
  return MakeInternalKey(UserKey(rnd->Uniform(220)), rnd->Uniform(400), type);
}

void ExpectSame(const InternalIterator& it, const Reference& ref, const std::string& what) {
  ASSERT_EQ(it.Valid(), ref.Valid()) << what;
  if (!ref.Valid()) return;
  ASSERT_EQ(InternalKeyDebugString(it.key()), InternalKeyDebugString(ref.key())) << what;
  ASSERT_EQ(it.value(), ref.value()) << what;
}

TEST(MergingIteratorTest, NoChildrenIsEmpty) {
  auto it = NewMergingIterator({});
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev(MakeInternalKey("a", 1, ValueType::kValue));
  EXPECT_FALSE(it->Valid());
  ASSERT_OK(it->status());
}

TEST(MergingIteratorTest, SingleChildIsReturnedItself) {
  auto child = std::make_unique<test::VectorIterator>(
      std::vector<Entry>{{MakeInternalKey("a", 1, ValueType::kValue), "x"}});
  InternalIterator* raw = child.get();
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(std::move(child));
  children.push_back(nullptr);  // ignored
  auto it = NewMergingIterator(std::move(children));
  EXPECT_EQ(it.get(), raw);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "x");
}

TEST(MergingIteratorTest, NewerVersionOfAKeyComesFirst) {
  auto it = Merge({{{MakeInternalKey("a", 1, ValueType::kValue), "old"},
                    {MakeInternalKey("b", 5, ValueType::kValue), "b"}},
                   {{MakeInternalKey("a", 3, ValueType::kDeletion), ""}},
                   {{MakeInternalKey("a", 2, ValueType::kValue), "mid"}}});
  it->SeekToFirst();
  std::vector<std::string> got;
  for (; it->Valid(); it->Next()) got.push_back(InternalKeyDebugString(it->key()));
  EXPECT_EQ(got, (std::vector<std::string>{"a#3,DEL", "a#2,PUT", "a#1,PUT", "b#5,PUT"}));
  ASSERT_OK(it->status());
}

TEST(MergingIteratorTest, RandomForwardAndBackwardScans) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE(seed);
  Random rnd(seed);
  for (int round = 0; round < 200; ++round) {
    auto children = RandomChildren(&rnd, 2 + static_cast<int>(rnd.Uniform(7)));
    Reference ref(children);
    auto it = Merge(children);
    it->SeekToFirst();
    ref.SeekToFirst();
    size_t n = 0;
    for (; ref.Valid(); ref.Next(), it->Next(), ++n) ExpectSame(*it, ref, "forward");
    ExpectSame(*it, ref, "forward end");
    EXPECT_EQ(n, ref.size());
    it->SeekToLast();
    ref.SeekToLast();
    for (; ref.Valid(); ref.Prev(), it->Prev()) ExpectSame(*it, ref, "backward");
    ExpectSame(*it, ref, "backward end");
    ASSERT_OK(it->status());
  }
}

TEST(MergingIteratorTest, RandomSeeks) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE(seed);
  Random rnd(seed);
  for (int round = 0; round < 100; ++round) {
    auto children = RandomChildren(&rnd, 2 + static_cast<int>(rnd.Uniform(5)));
    Reference ref(children);
    auto it = Merge(children);
    for (int i = 0; i < 50; ++i) {
      const std::string target = RandomTarget(&rnd, children);
      const bool forward = rnd.OneIn(2);
      if (forward) {
        it->Seek(target);
        ref.Seek(target);
      } else {
        it->SeekForPrev(target);
        ref.SeekForPrev(target);
      }
      const std::string what =
          (forward ? "Seek " : "SeekForPrev ") + InternalKeyDebugString(target);
      ExpectSame(*it, ref, what);
      for (int step = 0; step < 3 && ref.Valid(); ++step) {
        if (forward) {
          it->Next();
          ref.Next();
        } else {
          it->Prev();
          ref.Prev();
        }
        ExpectSame(*it, ref, what + " then a step");
      }
    }
  }
}

// Random walks mixing Next and Prev (so every direction switch is exercised)
// with occasional seeks, step by step against the reference.
void RandomWalks(bool duplicates) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE(seed);
  Random rnd(seed);
  for (int round = 0; round < 100; ++round) {
    auto children = RandomChildren(&rnd, 2 + static_cast<int>(rnd.Uniform(6)), duplicates);
    Reference ref(children);
    auto it = Merge(children);
    std::string trace;
    for (int op = 0; op < 300; ++op) {
      if (!ref.Valid() || rnd.OneIn(20)) {
        switch (rnd.Uniform(4)) {
          case 0:
            it->SeekToFirst();
            ref.SeekToFirst();
            trace += " First";
            break;
          case 1:
            it->SeekToLast();
            ref.SeekToLast();
            trace += " Last";
            break;
          case 2: {
            const std::string t = RandomTarget(&rnd, children);
            it->Seek(t);
            ref.Seek(t);
            trace += " Seek(" + InternalKeyDebugString(t) + ")";
            break;
          }
          default: {
            const std::string t = RandomTarget(&rnd, children);
            it->SeekForPrev(t);
            ref.SeekForPrev(t);
            trace += " SeekForPrev(" + InternalKeyDebugString(t) + ")";
          }
        }
      } else if (rnd.OneIn(2)) {
        it->Next();
        ref.Next();
        trace += " Next";
      } else {
        it->Prev();
        ref.Prev();
        trace += " Prev";
      }
      ExpectSame(*it, ref, "round " + std::to_string(round) + ":" + trace);
      if (::testing::Test::HasFatalFailure()) return;
      if (trace.size() > 2000) trace.erase(0, trace.size() - 1000);
    }
    ASSERT_OK(it->status());
  }
}

TEST(MergingIteratorTest, RandomWalksWithDirectionSwitches) { RandomWalks(false); }

TEST(MergingIteratorTest, EqualKeysInTwoChildrenStayOrdered) { RandomWalks(true); }

TEST(MergingIteratorTest, ManyChildren) {
  Random rnd(test::Seed());
  auto children = RandomChildren(&rnd, 40);
  Reference ref(children);
  auto it = Merge(children);
  it->SeekToLast();
  ref.SeekToLast();
  for (; ref.Valid(); ref.Prev(), it->Prev()) ExpectSame(*it, ref, "backward");
  ExpectSame(*it, ref, "end");
}

TEST(MergingIteratorTest, ChildErrorMakesTheMergeInvalid) {
  std::vector<Entry> a, b;
  for (int i = 0; i < 10; ++i) {
    a.emplace_back(MakeInternalKey(UserKey(2 * i), 1, ValueType::kValue), "a");
    b.emplace_back(MakeInternalKey(UserKey(2 * i + 1), 1, ValueType::kValue), "b");
  }
  for (int fail_after = 0; fail_after < 11; ++fail_after) {
    SCOPED_TRACE(fail_after);
    std::vector<std::unique_ptr<InternalIterator>> iters;
    iters.push_back(std::make_unique<test::VectorIterator>(a));
    iters.push_back(std::make_unique<test::VectorIterator>(b, fail_after));
    auto it = NewMergingIterator(std::move(iters));
    int seen = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++seen;
    EXPECT_TRUE(it->status().IsIOError()) << it->status().ToString();
    // The failed child's entries are never silently skipped: the merge stops
    // at (or before) the first entry the failed child would have supplied.
    EXPECT_LE(seen, 2 * fail_after + 1);
    // Backward too, after a fresh seek.
    it->SeekToLast();
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->status().IsIOError());
  }
}

}  // namespace
}  // namespace mmdb
