// CompactionIterator: the garbage-collection rules, case by case (stripes,
// range tombstones, bottommost deletions, filter, lazy delete), errors, and
// a randomized check that every snapshot and the latest state read the same
// before and after compaction.
#include "compaction/compaction_iterator.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "iterator/vector_iterator.h"
#include "types/internal_key.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

// One input entry: "a@5=v1" is a value, "a@4:DEL" a deletion.
struct Entry {
  std::string key;
  SequenceNumber seq;
  ValueType type;
  std::string value;
};

Entry Put(std::string key, SequenceNumber seq, std::string value) {
  return {std::move(key), seq, ValueType::kValue, std::move(value)};
}
Entry Del(std::string key, SequenceNumber seq) {
  return {std::move(key), seq, ValueType::kDeletion, ""};
}

std::unique_ptr<InternalIterator> Input(std::vector<Entry> entries, int fail_after = -1) {
  std::vector<test::VectorIterator::Entry> v;
  for (const auto& e : entries) v.emplace_back(MakeInternalKey(e.key, e.seq, e.type), e.value);
  std::sort(v.begin(), v.end(),
            [](const auto& a, const auto& b) { return CompareInternalKey(a.first, b.first) < 0; });
  return std::make_unique<test::VectorIterator>(std::move(v), fail_after);
}

RangeTombstoneView Tombstones(std::vector<RangeTombstone> ts) {
  RangeTombstoneView view;
  view.Add(std::make_shared<FragmentedRangeTombstones>(std::move(ts)));
  return view;
}

// CompactionIteratorOptions with every field defaulted, so that tests can
// use designated initializers for the few they set.
struct Opt {
  std::vector<SequenceNumber> snapshots = {};
  bool bottommost = false;
  int level = 0;
  const CompactionFilter* filter = nullptr;
  LazyDeleteSet* lazy_deletes = nullptr;
  std::vector<RangeTombstone> tombstones = {};
};

CompactionIteratorOptions Opts(Opt o) {
  CompactionIteratorOptions r;
  r.snapshots = std::move(o.snapshots);
  r.bottommost = o.bottommost;
  r.level = o.level;
  r.filter = o.filter;
  r.lazy_deletes = o.lazy_deletes;
  r.tombstones = Tombstones(std::move(o.tombstones));
  return r;
}

std::string Format(std::string_view ikey, std::string_view value) {
  ParsedInternalKey p;
  if (!ParseInternalKey(ikey, &p)) return "<bad>";
  std::string s = std::string(p.user_key) + "@" + std::to_string(p.sequence);
  return p.type == ValueType::kDeletion ? s + ":DEL" : s + "=" + std::string(value);
}

std::vector<std::string> Drain(CompactionIterator* it, bool seek_to_first = true) {
  std::vector<std::string> out;
  if (seek_to_first) it->SeekToFirst();
  for (; it->Valid(); it->Next()) out.push_back(Format(it->key(), it->value()));
  EXPECT_OK(it->status());
  return out;
}

struct Case {
  const char* name;
  std::vector<Entry> input;
  std::vector<RangeTombstone> tombstones;
  std::vector<SequenceNumber> snapshots;
  bool bottommost;
  std::vector<std::string> want;
};

TEST(CompactionIteratorTest, Rules) {
  const std::vector<Case> cases = {
      {"no snapshots: only the newest version",
       {Put("a", 3, "a3"), Put("a", 2, "a2"), Put("a", 1, "a1"), Put("b", 4, "b4")},
       {},
       {},
       false,
       {"a@3=a3", "b@4=b4"}},
      {"snapshots: one version per stripe",
       {Put("a", 9, "a9"), Put("a", 7, "a7"), Put("a", 5, "a5"), Put("a", 4, "a4"),
        Put("a", 1, "a1")},
       {},
       {4, 8},
       false,
       {"a@9=a9", "a@7=a7", "a@4=a4"}},
      {"snapshot at exactly a version's sequence sees it",
       {Put("a", 5, "a5"), Put("a", 4, "a4")},
       {},
       {5},
       true,
       {"a@5=a5"}},
      {"deletion above the oldest snapshot kept at the bottom",
       {Del("a", 6), Put("a", 2, "a2")},
       {},
       {3},
       true,
       {"a@6:DEL", "a@2=a2"}},
      {"bottommost deletion dropped with what it shadows",
       {Del("a", 6), Put("a", 2, "a2"), Put("b", 1, "b1")},
       {},
       {},
       true,
       {"b@1=b1"}},
      {"bottommost deletion below the oldest snapshot dropped",
       {Put("a", 9, "a9"), Del("a", 6), Put("a", 2, "a2")},
       {},
       {7},
       true,
       {"a@9=a9"}},
      {"deletion kept when not bottommost",
       {Del("a", 6), Put("a", 2, "a2")},
       {},
       {},
       false,
       {"a@6:DEL"}},
      {"range tombstone drops covered versions of its stripe",
       {Put("a", 3, "a3"), Put("b", 12, "b12"), Put("b", 4, "b4"), Put("c", 1, "c1")},
       {{"a", "c", 10}},
       {},
       false,
       {"b@12=b12", "c@1=c1"}},
      {"range tombstone does not cover across a snapshot",
       {Put("a", 3, "a3"), Put("b", 4, "b4")},
       {{"a", "c", 10}},
       {5},
       false,
       {"a@3=a3", "b@4=b4"}},
      {"newest tombstone of the stripe counts",
       {Put("a", 8, "a8"), Put("a", 3, "a3")},
       {{"a", "b", 2}, {"a", "b", 9}, {"a", "b", 20}},
       {10},
       true,
       {}},
      {"covered only below a snapshot",
       {Put("a", 12, "a12"), Put("a", 8, "a8"), Put("a", 3, "a3")},
       {{"a", "b", 5}},
       {10},
       false,
       {"a@12=a12", "a@8=a8"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    CompactionIterator it(
        Input(c.input),
        Opts({.snapshots = c.snapshots, .bottommost = c.bottommost, .tombstones = c.tombstones}));
    EXPECT_EQ(Drain(&it), c.want);
  }
}

TEST(CompactionIteratorTest, Stats) {
  CompactionIterator it(
      Input({Put("a", 9, "x"), Put("a", 8, "x"), Put("b", 7, "x"), Del("c", 6), Put("c", 2, "x")}),
      Opts({.bottommost = true, .tombstones = {{"b", "bb", 10}}}));
  EXPECT_EQ(Drain(&it), (std::vector<std::string>{"a@9=x"}));
  EXPECT_EQ(it.stats().input_entries, 5u);
  EXPECT_EQ(it.stats().dropped_shadowed, 2u);
  EXPECT_EQ(it.stats().dropped_covered, 1u);
  EXPECT_EQ(it.stats().dropped_deletions, 1u);
}

// Removes keys starting with "rm", rewrites keys starting with "ch", and
// records every call.
class TestFilter : public CompactionFilter {
 public:
  Decision Filter(int level, std::string_view key, std::string_view value,
                  std::string* new_value) const override {
    calls.push_back(std::to_string(level) + ":" + std::string(key) + "=" + std::string(value));
    if (key.starts_with("rm")) return Decision::kRemove;
    if (key.starts_with("ch")) {
      *new_value = "new-" + std::string(value);
      return Decision::kChangeValue;
    }
    return Decision::kKeep;
  }
  const char* Name() const override { return "TestFilter"; }

  mutable std::vector<std::string> calls;
};

TEST(CompactionIteratorTest, FilterRemoveAndChange) {
  const std::vector<Entry> input = {Put("ch", 5, "v5"),  Put("ch", 3, "v3"), Put("keep", 4, "k"),
                                    Put("rm", 6, "r6"),  Put("rm", 2, "r2"), Del("rmdel", 7),
                                    Put("rmdel", 1, "x")};
  {
    TestFilter f;
    CompactionIterator it(Input(input), Opts({.bottommost = false, .level = 2, .filter = &f}));
    EXPECT_EQ(Drain(&it),
              (std::vector<std::string>{"ch@5=new-v5", "keep@4=k", "rm@6:DEL", "rmdel@7:DEL"}));
    // Only newest versions that are values; deletions are never filtered.
    EXPECT_EQ(f.calls, (std::vector<std::string>{"2:ch=v5", "2:keep=k", "2:rm=r6"}));
    EXPECT_EQ(it.stats().filter_removed, 1u);
    EXPECT_EQ(it.stats().filter_changed, 1u);
  }
  {
    TestFilter f;
    CompactionIterator it(Input(input), Opts({.bottommost = true, .level = 5, .filter = &f}));
    EXPECT_EQ(Drain(&it), (std::vector<std::string>{"ch@5=new-v5", "keep@4=k"}));
  }
}

TEST(CompactionIteratorTest, FilterNotCalledWhenASnapshotProtectsTheKey) {
  TestFilter f;
  CompactionIterator it(Input({Put("ch", 5, "v5"), Put("rm", 9, "r9"), Put("rm", 2, "r2")}),
                        Opts({.snapshots = {5}, .bottommost = true, .filter = &f}));
  // ch@5 is seen by snapshot 5: untouched. rm@9 is above every snapshot, but
  // snapshot 5 still needs rm@2, so the removal becomes a marker.
  EXPECT_EQ(Drain(&it), (std::vector<std::string>{"ch@5=v5", "rm@9:DEL", "rm@2=r2"}));
  EXPECT_EQ(f.calls, (std::vector<std::string>{"0:rm=r9"}));
}

TEST(CompactionIteratorTest, LazyDeleteOnlyAtTheBottomWithoutSnapshots) {
  const std::vector<Entry> input = {Put("a", 5, "a5"), Put("a", 3, "a3"), Put("b", 4, "b4"),
                                    Put("c", 6, "c6")};
  {
    LazyDeleteSet lazy;
    lazy.AddBatch({"a", "c", "zz"});
    CompactionIterator it(Input(input), Opts({.bottommost = false, .lazy_deletes = &lazy}));
    EXPECT_EQ(Drain(&it), (std::vector<std::string>{"a@5=a5", "b@4=b4", "c@6=c6"}));
    EXPECT_EQ(lazy.size(), 3u);
  }
  {
    LazyDeleteSet lazy;
    lazy.AddBatch({"a", "c", "zz"});
    CompactionIterator it(Input(input),
                          Opts({.snapshots = {1}, .bottommost = true, .lazy_deletes = &lazy}));
    EXPECT_EQ(Drain(&it), (std::vector<std::string>{"a@5=a5", "b@4=b4", "c@6=c6"}));
    EXPECT_EQ(lazy.size(), 3u);
  }
  {
    LazyDeleteSet lazy;
    lazy.AddBatch({"a", "c", "zz"});
    TestFilter f;
    CompactionIterator it(Input(input),
                          Opts({.bottommost = true, .filter = &f, .lazy_deletes = &lazy}));
    EXPECT_EQ(Drain(&it), (std::vector<std::string>{"b@4=b4"}));
    EXPECT_EQ(it.stats().lazy_deleted, 3u);  // every version of a and c
    EXPECT_EQ(f.calls, (std::vector<std::string>{"0:b=b4"}));
    EXPECT_FALSE(lazy.Contains("a"));
    EXPECT_FALSE(lazy.Contains("c"));
    EXPECT_TRUE(lazy.Contains("zz"));  // not met by this compaction
  }
}

TEST(CompactionIteratorTest, LazyRegistrationPrunedWhenTheKeyVanishesAnyway) {
  LazyDeleteSet lazy;
  lazy.AddBatch({"a", "b"});
  CompactionIterator it(Input({Del("a", 5), Put("a", 3, "a3"), Put("b", 2, "b2")}),
                        Opts({.snapshots = {6},  // blocks lazy deletion of b
                              .bottommost = true,
                              .lazy_deletes = &lazy}));
  EXPECT_EQ(Drain(&it), (std::vector<std::string>{"b@2=b2"}));
  EXPECT_FALSE(lazy.Contains("a"));
  EXPECT_TRUE(lazy.Contains("b"));
}

TEST(CompactionIteratorTest, SeekStartsAtAUserKey) {
  CompactionIterator it(Input({Put("a", 5, "a5"), Put("b", 7, "b7"), Put("b", 6, "b6"),
                               Put("c", 4, "c4"), Put("d", 1, "d1")}),
                        Opts({}));
  it.Seek("b");
  EXPECT_EQ(Drain(&it, false), (std::vector<std::string>{"b@7=b7", "c@4=c4", "d@1=d1"}));
  it.Seek("bb");
  EXPECT_EQ(Drain(&it, false), (std::vector<std::string>{"c@4=c4", "d@1=d1"}));
  it.Seek("e");
  EXPECT_FALSE(it.Valid());
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(Format(it.key(), it.value()), "a@5=a5");
}

TEST(CompactionIteratorTest, CorruptKeyIsCorruption) {
  std::vector<test::VectorIterator::Entry> v = {{MakeInternalKey("a", 1, ValueType::kValue), "x"},
                                                {"bad", "y"}};
  CompactionIterator it(std::make_unique<test::VectorIterator>(v), {});
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  it.Next();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().IsCorruption()) << it.status().ToString();

  std::vector<test::VectorIterator::Entry> bad_type = {
      {MakeInternalKey("a", 1, ValueType::kRangeDeletion), "z"}};
  CompactionIterator it2(std::make_unique<test::VectorIterator>(bad_type), {});
  it2.SeekToFirst();
  EXPECT_FALSE(it2.Valid());
  EXPECT_TRUE(it2.status().IsCorruption());
}

TEST(CompactionIteratorTest, ExactRepeatsAreWrittenOnceOtherDisorderIsCorruption) {
  // The same entries twice over (as after a repair: a WAL replayed beside
  // the table its memtable was flushed to). Snapshot 4 keeps a@3 visible.
  CompactionIterator it(Input({Put("a", 5, "new"), Put("a", 5, "new"), Put("a", 3, "old"),
                               Put("a", 3, "old"), Del("b", 4), Del("b", 4)}),
                        Opts({.snapshots = {4}}));
  EXPECT_EQ(Drain(&it), (std::vector<std::string>{"a@5=new", "a@3=old", "b@4:DEL"}));
  EXPECT_EQ(it.stats().dropped_repeats, 3u);

  // A key repeated at the same sequence with another type is not a repeat.
  std::vector<test::VectorIterator::Entry> v = {{MakeInternalKey("a", 2, ValueType::kValue), "x"},
                                                {MakeInternalKey("a", 2, ValueType::kDeletion), ""},
                                                {MakeInternalKey("a", 2, ValueType::kValue), "x"}};
  CompactionIterator bad(std::make_unique<test::VectorIterator>(v), {});
  for (bad.SeekToFirst(); bad.Valid(); bad.Next()) {
  }
  EXPECT_TRUE(bad.status().IsCorruption()) << bad.status().ToString();
}

TEST(CompactionIteratorTest, InputErrorStops) {
  CompactionIterator it(Input({Put("a", 3, "x"), Put("b", 2, "y"), Put("c", 1, "z")}, 2), Opts({}));
  std::vector<std::string> seen;
  for (it.SeekToFirst(); it.Valid(); it.Next()) seen.push_back(Format(it.key(), it.value()));
  EXPECT_EQ(seen, (std::vector<std::string>{"a@3=x", "b@2=y"}));
  EXPECT_TRUE(it.status().IsIOError());
}

// ---- Randomized: what every reader sees is unchanged. ----

// What a read of `key` at `read_seq` returns over `entries` + `tombstones`:
// the value, or nullopt for not found.
std::optional<std::string> Read(const std::vector<Entry>& entries,
                                const std::vector<RangeTombstone>& tombstones,
                                const std::string& key, SequenceNumber read_seq) {
  const Entry* newest = nullptr;
  for (const auto& e : entries) {
    if (e.key == key && e.seq <= read_seq && (newest == nullptr || e.seq > newest->seq)) {
      newest = &e;
    }
  }
  if (newest == nullptr || newest->type == ValueType::kDeletion) return std::nullopt;
  for (const auto& t : tombstones) {
    if (t.begin <= key && key < t.end && t.sequence > newest->seq && t.sequence <= read_seq) {
      return std::nullopt;
    }
  }
  return newest->value;
}

SequenceNumber NewestSequence(const std::vector<Entry>& entries, const std::string& key) {
  SequenceNumber newest = 0;
  for (const auto& e : entries) {
    if (e.key == key) newest = std::max(newest, e.seq);
  }
  return newest;
}

class KeyFilter : public CompactionFilter {
 public:
  Decision Filter(int, std::string_view key, std::string_view value,
                  std::string* new_value) const override {
    if (key == "b" || key == "d") return Decision::kRemove;
    if (key != "c") return Decision::kKeep;
    *new_value = "new-" + std::string(value);
    return Decision::kChangeValue;
  }
  const char* Name() const override { return "KeyFilter"; }
};

TEST(CompactionIteratorTest, RandomizedReadersSeeTheSame) {
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  Random rnd(seed);
  const std::vector<std::string> keys = {"a", "b", "c", "d", "e", "f"};
  for (int round = 0; round < 2000; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Distinct sequences 1..n shared by point entries and tombstones.
    const int n = 1 + static_cast<int>(rnd.Uniform(30));
    std::vector<Entry> input;
    std::vector<RangeTombstone> tombstones;
    for (SequenceNumber seq = 1; seq <= static_cast<SequenceNumber>(n); ++seq) {
      const std::string& k = keys[rnd.Uniform(keys.size())];
      const uint64_t kind = rnd.Uniform(10);
      if (kind < 6) {
        input.push_back(Put(k, seq, k + std::to_string(seq)));
      } else if (kind < 9) {
        input.push_back(Del(k, seq));
      } else {
        const std::string& e = keys[rnd.Uniform(keys.size())];
        tombstones.push_back({k, e == k ? e + "z" : e, seq});
      }
    }
    std::vector<SequenceNumber> snapshots;
    for (SequenceNumber s = 0; s <= static_cast<SequenceNumber>(n) + 1; ++s) {
      if (rnd.OneIn(5)) snapshots.push_back(s);
    }
    const bool bottommost = rnd.OneIn(2);
    // Half of the rounds filter: "b" and "d" removed, "c" rewritten.
    const bool filtered = rnd.OneIn(2);
    KeyFilter filter;

    CompactionIterator it(Input(input), Opts({.snapshots = snapshots,
                                              .bottommost = bottommost,
                                              .filter = filtered ? &filter : nullptr,
                                              .tombstones = tombstones}));
    std::vector<Entry> output;
    std::string prev;
    for (it.SeekToFirst(); it.Valid(); it.Next()) {
      ParsedInternalKey p;
      ASSERT_TRUE(ParseInternalKey(it.key(), &p));
      ASSERT_TRUE(prev.empty() || CompareInternalKey(prev, it.key()) < 0);
      prev.assign(it.key());
      output.push_back({std::string(p.user_key), p.sequence, p.type, std::string(it.value())});
    }
    ASSERT_OK(it.status());
    ASSERT_LE(output.size(), input.size());

    // At the bottom the job may drop tombstones no snapshot separates from
    // the data they cover (those of the lowest stripe): both must read alike.
    std::vector<RangeTombstone> remaining;
    for (const auto& t : tombstones) {
      const bool lowest_stripe = snapshots.empty() || t.sequence <= snapshots.front();
      if (!bottommost || !lowest_stripe) remaining.push_back(t);
    }
    std::vector<SequenceNumber> reads = snapshots;
    reads.push_back(kMaxSequenceNumber);
    for (SequenceNumber r : reads) {
      for (const auto& k : keys) {
        auto before = Read(input, tombstones, k, r);
        // The filter sees the latest state, only for versions no snapshot sees.
        const SequenceNumber newest = NewestSequence(input, k);
        if (filtered && r == kMaxSequenceNumber && before.has_value() &&
            (snapshots.empty() || newest > snapshots.back())) {
          if (k == "b" || k == "d") before.reset();
          if (k == "c") before = "new-" + *before;
        }
        ASSERT_EQ(Read(output, tombstones, k, r), before) << "key " << k << " at " << r;
        ASSERT_EQ(Read(output, remaining, k, r), before) << "key " << k << " at " << r;
      }
    }
  }
}

}  // namespace
}  // namespace mmdb
