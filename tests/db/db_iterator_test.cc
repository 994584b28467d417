// DB iterators against a std::map model: every move, bounds, prefixes,
// snapshots, and data spread over memtables and SSTs.
#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "db/db_test_util.h"
#include "util/random.h"

namespace mmdb {

namespace {

using Model = std::map<std::string, std::string>;

// Checks that `it` is positioned where the model says (end() = invalid).
void ExpectAt(Iterator* it, const Model& m, Model::const_iterator pos) {
  if (pos == m.end()) {
    ASSERT_FALSE(it->Valid()) << "at " << it->key();
  } else {
    ASSERT_TRUE(it->Valid()) << "want " << pos->first;
    ASSERT_EQ(it->key(), pos->first);
    ASSERT_EQ(it->value(), pos->second);
  }
}

Model::const_iterator ModelSeekForPrev(const Model& m, const std::string& t) {
  auto it = m.upper_bound(t);
  if (it == m.begin()) return m.end();
  return std::prev(it);
}

}  // namespace

class DBIteratorTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { dir_ = test::TempDir("iter"); }
  void TearDown() override {
    db_.reset();
    test::RemoveTree(dir_);
  }
  std::string dir_;
  std::unique_ptr<DB> db_;
};

// Random moves (Seek, SeekForPrev, Next, Prev, ends) compared step by step,
// with bounds; the parameter picks where the data lives.
TEST_P(DBIteratorTest, RandomMovesMatchModel) {
  const int layout = GetParam();  // 0: memtable, 1: SSTs, 2: mixed
  Options o = test::TinyOptions();
  o.block_size = 256;
  ASSERT_OK(DB::Open(o, dir_, &db_));
  Random rnd(test::Seed() + static_cast<uint64_t>(layout));
  Model model;
  auto key = [&](uint64_t i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "k%05llu", static_cast<unsigned long long>(i));
    return std::string(buf);
  };
  for (int i = 0; i < 4000; ++i) {
    const std::string k = key(rnd.Uniform(1500));
    if (rnd.OneIn(4)) {
      ASSERT_OK(db_->Delete(k));
      model.erase(k);
    } else {
      const std::string v = "v" + std::to_string(i);
      ASSERT_OK(db_->Put(k, v));
      model[k] = v;
    }
    if (layout == 2 && i % 1000 == 999) {
      ASSERT_OK(db_->Flush());
    }
  }
  if (layout == 1) {
    ASSERT_OK(db_->Flush());
  }

  for (int round = 0; round < 40; ++round) {
    ReadOptions ro;
    Model view = model;
    if (rnd.OneIn(2)) {
      const std::string lo = key(rnd.Uniform(1500)), hi = key(rnd.Uniform(1500));
      ro.iterate_lower_bound = lo;
      ro.iterate_upper_bound = hi;
      std::erase_if(view, [&](const auto& kv) { return kv.first < lo || kv.first >= hi; });
    }
    auto it = db_->NewIterator(ro);
    auto pos = view.cend();  // a new iterator is not positioned
    std::string trace = ro.iterate_lower_bound ? "bounds [" + *ro.iterate_lower_bound + ", " +
                                                     *ro.iterate_upper_bound + ")"
                                               : "unbounded";
    for (int step = 0; step < 200; ++step) {
      switch (rnd.Uniform(6)) {
        case 0:
          trace += " First";
          it->SeekToFirst();
          pos = view.cbegin();
          break;
        case 1:
          trace += " Last";
          it->SeekToLast();
          pos = view.empty() ? view.cend() : std::prev(view.cend());
          break;
        case 2: {
          const std::string t = key(rnd.Uniform(1600));
          trace += " Seek(" + t + ")";
          it->Seek(t);
          pos = view.lower_bound(t);
          break;
        }
        case 3: {
          const std::string t = key(rnd.Uniform(1600));
          trace += " SeekForPrev(" + t + ")";
          it->SeekForPrev(t);
          pos = ModelSeekForPrev(view, t);
          break;
        }
        case 4:
          if (pos == view.end()) continue;
          trace += " Next";
          it->Next();
          ++pos;
          break;
        case 5:
          if (pos == view.end()) continue;
          trace += " Prev";
          it->Prev();
          pos = pos == view.begin() ? view.cend() : std::prev(pos);
          break;
      }
      ASSERT_NO_FATAL_FAILURE(ExpectAt(it.get(), view, pos)) << "round " << round << ": " << trace;
    }
    ASSERT_OK(it->status());
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, DBIteratorTest, ::testing::Values(0, 1, 2));

TEST(DBIteratorBasicTest, InvalidIteratorIsHarmless) {
  const std::string dir = test::TempDir("inv");
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir, &db));
  auto it = db->NewIterator();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->key().empty());
  EXPECT_TRUE(it->value().empty());
  it->Next();
  it->Prev();
  EXPECT_FALSE(it->Valid());
  ReadOptions ro;
  ro.iterate_lower_bound = "z";
  ro.iterate_upper_bound = "a";
  ASSERT_OK(db->Put("m", "1"));
  auto empty = db->NewIterator(ro);
  empty->SeekToFirst();
  EXPECT_FALSE(empty->Valid());
  empty->SeekToLast();
  EXPECT_FALSE(empty->Valid());
  db.reset();
  test::RemoveTree(dir);
}

TEST(DBIteratorBasicTest, SnapshotsAndIteratorsSeeOnePointInTime) {
  const std::string dir = test::TempDir("snap");
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir, &db));
  ASSERT_OK(db->Put("a", "1"));
  ASSERT_OK(db->Put("b", "1"));
  auto snap = db->GetSnapshot();
  auto it = db->NewIterator();
  ASSERT_OK(db->Put("a", "2"));
  ASSERT_OK(db->Delete("b"));
  ASSERT_OK(db->Put("c", "2"));
  ASSERT_OK(db->Flush());
  EXPECT_EQ(test::Get(db.get(), "a", snap.get()), "1");
  EXPECT_EQ(test::Get(db.get(), "b", snap.get()), "1");
  EXPECT_EQ(test::Get(db.get(), "c", snap.get()), "NOT_FOUND");
  EXPECT_EQ(test::Get(db.get(), "b"), "NOT_FOUND");
  std::map<std::string, std::string> seen;
  for (it->SeekToFirst(); it->Valid(); it->Next()) seen[std::string(it->key())] = it->value();
  EXPECT_EQ(seen, (std::map<std::string, std::string>{{"a", "1"}, {"b", "1"}}));
  ReadOptions ro;
  ro.snapshot = snap.get();
  EXPECT_EQ(test::Scan(db.get(), ro), seen);
  EXPECT_EQ(test::Scan(db.get()), (std::map<std::string, std::string>{{"a", "2"}, {"c", "2"}}));
  it.reset();
  db.reset();
  test::RemoveTree(dir);
}

TEST(DBRangeDeleteTest, HidesOlderKeysInEveryPlace) {
  const std::string dir = test::TempDir("rd");
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(test::TinyOptions(), dir, &db));
  for (char c = 'a'; c <= 'z'; ++c) ASSERT_OK(db->Put(std::string(1, c), "old"));
  ASSERT_OK(db->Flush());  // old values in an SST
  auto before = db->GetSnapshot();
  ASSERT_OK(db->DeleteRange("f", "p"));  // tombstone in the memtable
  ASSERT_OK(db->Put("h", "new"));        // newer than the tombstone
  ASSERT_OK(db->DeleteRange("x", "x"));  // empty: no-op
  ASSERT_OK(db->DeleteRange("z", "a"));  // inverted: no-op
  for (int pass = 0; pass < 3; ++pass) {
    EXPECT_EQ(test::Get(db.get(), "e"), "old");
    EXPECT_EQ(test::Get(db.get(), "f"), "NOT_FOUND");
    EXPECT_EQ(test::Get(db.get(), "h"), "new");
    EXPECT_EQ(test::Get(db.get(), "o"), "NOT_FOUND");
    EXPECT_EQ(test::Get(db.get(), "p"), "old");
    EXPECT_EQ(test::Get(db.get(), "g", before.get()), "old");
    auto all = test::Scan(db.get());
    EXPECT_EQ(all.size(), 26u - 10u + 1u);
    EXPECT_EQ(all["h"], "new");
    ReadOptions ro;
    ro.snapshot = before.get();
    EXPECT_EQ(test::Scan(db.get(), ro).size(), 26u);
    if (pass == 0) {
      ASSERT_OK(db->Flush());
    }  // tombstone into an SST
    if (pass == 1) {
      before.reset();
      db.reset();
      ASSERT_OK(DB::Open(test::TinyOptions(), dir, &db));  // and across reopen
      before = nullptr;
      break;
    }
  }
  EXPECT_EQ(test::Get(db.get(), "g"), "NOT_FOUND");
  EXPECT_EQ(test::Get(db.get(), "h"), "new");
  db.reset();
  test::RemoveTree(dir);
}

TEST(DBPrefixIteratorTest, ReturnsOnlyThePrefix) {
  const std::string dir = test::TempDir("prefix");
  Options o = test::TinyOptions();
  o.prefix_length = 4;
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, dir, &db));
  for (int p = 0; p < 50; ++p) {
    for (int i = 0; i < 20; ++i) {
      char k[32];
      std::snprintf(k, sizeof(k), "p%03d/%03d", p, i);
      ASSERT_OK(db->Put(k, "v"));
    }
    if (p % 10 == 9) {
      ASSERT_OK(db->Flush());
    }
  }
  ASSERT_OK(db->Put("p", "short"));
  for (int p : {0, 7, 25, 49}) {
    char prefix[8];
    std::snprintf(prefix, sizeof(prefix), "p%03d", p);
    auto it = db->NewPrefixIterator(ReadOptions(), prefix);
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
      ASSERT_TRUE(it->key().starts_with(prefix));
    }
    EXPECT_EQ(n, 20);
    it->SeekToLast();
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), std::string(prefix) + "/019");
  }
  auto none = db->NewPrefixIterator(ReadOptions(), "q999");
  none->SeekToFirst();
  EXPECT_FALSE(none->Valid());
  db.reset();
  test::RemoveTree(dir);
}

}  // namespace mmdb

namespace mmdb {

// An iterator keeps what it reads alive: it may outlive its DB handle (the
// Rust API boxes iterators as 'static). Before, reading on after the DB was
// destroyed locked the freed block cache's mutex.
TEST(DBIteratorLifetimeTest, IteratorsOutliveTheirDB) {
  for (bool read_only : {false, true}) {
    SCOPED_TRACE(read_only ? "read-only DB" : "writable DB");
    const std::string dir = test::TempDir("iter_lifetime");
    Options o = test::TinyOptions();
    o.block_cache_capacity = 64 << 10;  // blocks keep coming and going
    o.max_open_files = 2;               // so do table readers
    o.pin_l0_filter_and_index_blocks_in_cache = false;
    std::map<std::string, std::string> model;
    std::unique_ptr<DB> db;
    ASSERT_OK(DB::Open(o, dir, &db));
    for (int i = 0; i < 3000; ++i) {
      const std::string key = "k" + std::to_string(100000 + (i * 7919) % 5000);
      const std::string value(100, static_cast<char>('a' + i % 26));
      ASSERT_OK(db->Put(key, value));
      model[key] = value;
      if (i % 1000 == 999) {
        ASSERT_OK(db->Flush());  // tables and a memtable
      }
    }
    if (read_only) {
      ASSERT_OK(db->Close());
      db.reset();
      ASSERT_OK(DB::OpenForReadOnly(o, dir, &db));
    }
    std::unique_ptr<Iterator> all = db->NewIterator(ReadOptions());
    std::unique_ptr<Iterator> prefix = db->NewPrefixIterator(ReadOptions(), "k1012");
    std::unique_ptr<Iterator> seeker = db->NewIterator(ReadOptions());
    db.reset();  // closes and destroys the DB

    size_t n = 0;
    auto expected = model.begin();
    for (all->SeekToFirst(); all->Valid(); all->Next(), ++expected, ++n) {
      ASSERT_EQ(all->key(), expected->first);
      ASSERT_EQ(all->value(), expected->second);
    }
    ASSERT_OK(all->status());
    EXPECT_EQ(n, model.size());
    n = 0;
    for (all->SeekToLast(); all->Valid(); all->Prev()) ++n;
    EXPECT_EQ(n, model.size());
    n = 0;
    for (prefix->SeekToFirst(); prefix->Valid(); prefix->Next()) {
      EXPECT_TRUE(prefix->key().starts_with("k1012"));
      ++n;
    }
    size_t in_prefix = 0;
    for (const auto& [key, value] : model) in_prefix += key.starts_with("k1012") ? 1 : 0;
    EXPECT_GT(in_prefix, 0u);
    EXPECT_EQ(n, in_prefix);
    // Many seeks: read sampling (read-triggered compaction) must not reach
    // the destroyed DB.
    for (int i = 0; i < 2000; ++i) {
      const std::string target = "k" + std::to_string(100000 + (i * 31) % 5000);
      seeker->Seek(target);
      ASSERT_TRUE(seeker->Valid());
      ASSERT_EQ(seeker->value(), model.lower_bound(target)->second);
    }
    all.reset();
    prefix.reset();
    seeker.reset();
    test::RemoveTree(dir);
  }
}

}  // namespace mmdb
