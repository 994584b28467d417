// Opens every golden directory written by the Rust engine and checks that
// MMDB reads exactly its expected content, then that MMDB can keep writing
// to it, and that what it wrote reads back after a reopen.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include <mmdb/db.h>

#include "util/coding.h"
#include "util/golden.h"
#include "util/test_util.h"

namespace mmdb {

namespace {

using Model = std::map<std::string, std::string>;

struct GoldenCase {
  const char* name;
  size_t prefix_length;
  size_t expected_keys;
};
// Test names and ctest listings show the case's name (not its bytes).
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

const GoldenCase kCases[] = {
    {"plain", 0, 4974},     {"wal_tail", 0, 1051}, {"zstd", 0, 3478}, {"lz4", 0, 3478},
    {"tombstones", 0, 591}, {"prefix", 8, 4605},   {"vsdb", 8, 544},
};

std::string Prefix(uint64_t i) {
  std::string p;
  PutFixed64(&p, 40960000 + i);
  return p;
}

Model ScanForward(DB* db, const ReadOptions& ro = ReadOptions()) {
  Model out;
  auto it = db->NewIterator(ro);
  for (it->SeekToFirst(); it->Valid(); it->Next()) out[std::string(it->key())] = it->value();
  EXPECT_OK(it->status());
  return out;
}

void ExpectSameReverse(DB* db, const Model& model) {
  auto it = db->NewIterator();
  auto m = model.rbegin();
  for (it->SeekToLast(); it->Valid(); it->Prev(), ++m) {
    ASSERT_NE(m, model.rend());
    ASSERT_EQ(it->key(), m->first);
    ASSERT_EQ(it->value(), m->second);
  }
  EXPECT_OK(it->status());
  EXPECT_EQ(m, model.rend());
}

Options OptionsFor(const GoldenCase& c) {
  Options o;
  o.prefix_length = c.prefix_length;
  o.block_size = 4096;
  o.create_if_missing = false;
  return o;
}

class CompatTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(CompatTest, ReadsExactlyTheExpectedContent) {
  const GoldenCase& c = GetParam();
  const std::string root = test::CompatDir();
  ASSERT_FALSE(root.empty()) << "tests/data/compat is missing";
  Model expected;
  ASSERT_TRUE(test::LoadExpectedTsv(root + "/" + c.name + ".expected.tsv", &expected));
  ASSERT_EQ(expected.size(), c.expected_keys);

  const std::string dir = test::CopyToTemp(root + "/" + c.name, c.name);
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(OptionsFor(c), dir, &db));
  EXPECT_EQ(ScanForward(db.get()), expected);
  ExpectSameReverse(db.get(), expected);
  for (const auto& [k, v] : expected) {
    std::string got;
    ASSERT_OK(db->Get(k, &got)) << ToHex(k);
    ASSERT_EQ(got, v) << ToHex(k);
  }
  // Prefix iteration returns exactly the keys with that prefix.
  for (uint64_t i : {0, 1, 2, 5, 7, 9, 50, 99, 100, 119, 150, 200}) {
    const std::string p = Prefix(i);
    Model want;
    for (auto it = expected.lower_bound(p); it != expected.end() && it->first.starts_with(p);
         ++it) {
      want.insert(*it);
    }
    Model got;
    auto it = db->NewPrefixIterator(ReadOptions(), p);
    for (it->SeekToFirst(); it->Valid(); it->Next()) got[std::string(it->key())] = it->value();
    ASSERT_OK(it->status());
    EXPECT_EQ(got, want) << c.name << " prefix " << i;
  }
  ASSERT_OK(db->Close());
  test::RemoveTree(dir);
}

TEST_P(CompatTest, KeepsWorkingAfterMoreWritesAndReopen) {
  const GoldenCase& c = GetParam();
  const std::string root = test::CompatDir();
  ASSERT_FALSE(root.empty()) << "tests/data/compat is missing";
  Model model;
  ASSERT_TRUE(test::LoadExpectedTsv(root + "/" + c.name + ".expected.tsv", &model));
  const std::string dir = test::CopyToTemp(root + "/" + c.name, std::string(c.name) + "_w");
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(OptionsFor(c), dir, &db));

  // Overwrite some keys, delete others, drop a whole prefix, add new ones.
  int n = 0;
  for (auto it = model.begin(); it != model.end(); ++n) {
    if (n % 7 == 0) {
      ASSERT_OK(db->Put(it->first, "overwritten-" + std::to_string(n)));
      it->second = "overwritten-" + std::to_string(n);
      ++it;
    } else if (n % 11 == 0) {
      ASSERT_OK(db->Delete(it->first));
      it = model.erase(it);
    } else {
      ++it;
    }
  }
  const std::string p1 = Prefix(1), p2 = Prefix(2);
  ASSERT_OK(db->DeleteRange(p1, p2));
  std::erase_if(model, [&](const auto& kv) { return kv.first >= p1 && kv.first < p2; });
  WriteBatch batch;
  for (int i = 0; i < 100; ++i) {
    std::string k = Prefix(300) + "new-" + std::to_string(i);
    batch.Put(k, std::string(i, 'v'));
    model[k] = std::string(i, 'v');
  }
  ASSERT_OK(db->Write(&batch));
  EXPECT_EQ(ScanForward(db.get()), model);

  // Half in SSTs, half still in the WAL at reopen.
  ASSERT_OK(db->Flush());
  ASSERT_OK(db->Put(Prefix(301), "after-flush"));
  model[Prefix(301)] = "after-flush";
  ASSERT_OK(db->Close());
  db.reset();
  ASSERT_OK(DB::Open(OptionsFor(c), dir, &db));
  EXPECT_EQ(ScanForward(db.get()), model);
  ExpectSameReverse(db.get(), model);
  ASSERT_OK(db->Close());
  test::RemoveTree(dir);
}

INSTANTIATE_TEST_SUITE_P(Golden, CompatTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace

}  // namespace mmdb
