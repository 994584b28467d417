// Reads the SSTs written by the Rust engine (tests/data/compat, see its
// README.md) and checks that rebuilding them gives the same bytes.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <mmdb/env.h>

#include "sst/filter.h"
#include "sst/format.h"
#include "sst/table_builder.h"
#include "sst/table_reader.h"
#include "sst/table_test_util.h"
#include "util/hash.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

struct GoldenFile {
  std::string dir;  // "plain", "zstd", ...
  std::string path;
  uint64_t number = 0;
  uint64_t size = 0;
};

std::vector<GoldenFile> ListGoldenSsts(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<GoldenFile> out;
  for (const char* dir : {"plain", "zstd", "lz4", "prefix", "tombstones", "vsdb", "wal_tail"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(root) / dir, ec)) {
      if (entry.path().extension() != ".sst") continue;
      out.push_back({dir, entry.path().string(), std::stoull(entry.path().stem().string()),
                     static_cast<uint64_t>(entry.file_size())});
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return out;
}

class GoldenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::GoldenCompatDir();
    ASSERT_FALSE(root_.empty()) << "tests/data/compat is missing";
    files_ = ListGoldenSsts(root_);
    ASSERT_GE(files_.size(), 20u);
  }

  std::shared_ptr<TableReader> Open(const GoldenFile& f, BlockCache* cache = nullptr) {
    std::unique_ptr<RandomAccessFile> file;
    Status s = Env::Default()->NewRandomAccessFile(f.path, &file);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return nullptr;
    // Directories reuse file numbers (lz4 and zstd both have 158757): one
    // cache id per file, as one per DB would be.
    const uint64_t cache_id = cache != nullptr ? cache->NewId() : 0;
    auto r = TableReader::Open({.block_cache = cache, .cache_id = cache_id}, std::move(file),
                               f.size, f.number);
    EXPECT_TRUE(r.ok()) << f.path << ": " << r.status().ToString();
    return r.ok() ? *r : nullptr;
  }

  std::string root_;
  std::vector<GoldenFile> files_;
};

TEST_F(GoldenTest, EveryRustSstReadsFullyInInternalKeyOrder) {
  test::FakeBlockCache cache;
  size_t total = 0;
  int with_tombstones = 0;
  for (const GoldenFile& f : files_) {
    SCOPED_TRACE(f.path);
    auto reader = Open(f, &cache);
    ASSERT_NE(reader, nullptr);
    auto it = reader->NewIterator(true, true);
    std::string prev;
    size_t n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++n) {
      ParsedInternalKey p;
      ASSERT_TRUE(ParseInternalKey(it->key(), &p));
      ASSERT_NE(p.type, ValueType::kRangeDeletion);
      if (n > 0) {
        ASSERT_LT(CompareInternalKey(prev, it->key()), 0);
      }
      prev.assign(it->key());
      (void)it->value();
    }
    ASSERT_OK(it->status());
    ASSERT_GT(n, 0u);
    size_t back = 0;
    for (it->SeekToLast(); it->Valid(); it->Prev()) ++back;
    ASSERT_OK(it->status());
    EXPECT_EQ(back, n);
    total += n;

    // Point lookups find each user key's newest entry.
    std::string last_user_key;
    size_t i = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++i) {
      const bool first_version = i == 0 || ExtractUserKey(it->key()) != last_user_key;
      last_user_key.assign(ExtractUserKey(it->key()));
      if (i % 7 != 0 || !first_version) continue;
      TableGetResult g;
      ASSERT_OK(reader->Get(LookupKey(last_user_key, kMaxSequenceNumber).internal_key(), true, &g));
      ASSERT_NE(g.kind, TableGetResult::Kind::kAbsent);
      EXPECT_EQ(g.internal_key, it->key());
      EXPECT_FALSE(g.filtered_by_bloom);
    }

    EXPECT_TRUE(reader->has_bloom_filter());
    if (f.dir == "prefix" || f.dir == "vsdb") {
      EXPECT_TRUE(reader->has_prefix_filter());
      EXPECT_EQ(reader->prefix_length(), 8u);
    } else {
      EXPECT_FALSE(reader->has_prefix_filter());
    }
    for (const RangeTombstone& t : reader->range_tombstones()) {
      EXPECT_LT(t.begin, t.end);
    }
    with_tombstones += !reader->range_tombstones().empty();
    if (f.dir == "tombstones" && (f.number == 232163 || f.number == 233210)) {
      EXPECT_FALSE(reader->range_tombstones().empty());
    }
  }
  EXPECT_GE(with_tombstones, 4);  // tombstones: 2 files, vsdb: 2 files
  EXPECT_GT(total, 10000u);
}

TEST_F(GoldenTest, PrefixFilterAnswersForStoredPrefixes) {
  for (const GoldenFile& f : files_) {
    if (f.dir != "prefix") continue;
    SCOPED_TRACE(f.path);
    auto reader = Open(f);
    ASSERT_NE(reader, nullptr);
    auto it = reader->NewIterator(true, true);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string_view uk = ExtractUserKey(it->key());
      if (uk.size() >= 8) {
        ASSERT_TRUE(reader->PrefixMayMatch(uk.substr(0, 8)));
        ASSERT_TRUE(reader->PrefixMayMatch(uk));
      }
      ASSERT_TRUE(reader->KeyMayMatch(uk));
    }
    ASSERT_OK(it->status());
  }
}

// Rebuilding each Rust SST from its contents with the Rust engine's options
// must reproduce the file byte for byte (blocks, cut points, filters,
// metaindex, index, footer). The codec is tried in turn: a golden directory
// mixes them (trivially moved files keep theirs).
TEST_F(GoldenTest, RebuildingGivesByteIdenticalFiles) {
  int identical = 0;
  for (const GoldenFile& f : files_) {
    SCOPED_TRACE(f.path);
    auto reader = Open(f);
    ASSERT_NE(reader, nullptr);
    test::Entries entries;
    auto it = reader->NewIterator(true, true);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      entries.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    ASSERT_OK(it->status());
    for (const RangeTombstone& t : reader->range_tombstones()) {
      entries.emplace_back(MakeInternalKey(t.begin, t.sequence, ValueType::kRangeDeletion), t.end);
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return CompareInternalKey(a.first, b.first) < 0;
    });
    std::string original;
    ASSERT_OK(ReadFileToString(Env::Default().get(), f.path, &original));
    bool match = false;
    for (CompressionType c :
         {CompressionType::kNone, CompressionType::kLZ4, CompressionType::kZstd}) {
      TableBuilderOptions opts{.block_size = f.dir == "vsdb" ? size_t{16384} : size_t{4096},
                               .block_restart_interval = 16,
                               .bloom_bits_per_key = 10,
                               .prefix_length = reader->prefix_length(),
                               .compression = c};
      test::StringSink sink;
      TableBuilder b(opts, &sink);
      for (const auto& [k, v] : entries) ASSERT_OK(b.Add(k, v));
      ASSERT_OK(b.Finish().status());
      if (sink.contents() == original) {
        match = true;
        break;
      }
    }
    EXPECT_TRUE(match) << "no codec reproduces " << f.path;
    identical += match;
  }
  EXPECT_EQ(identical, static_cast<int>(files_.size()));
}

TEST_F(GoldenTest, BloomFiltersMatchRebuiltFilters) {
  for (const GoldenFile& f : files_) {
    if (f.dir != "prefix" && f.dir != "plain") continue;
    SCOPED_TRACE(f.path);
    auto reader = Open(f);
    ASSERT_NE(reader, nullptr);
    std::vector<uint32_t> hashes;
    std::vector<uint32_t> prefix_hashes;
    std::string last_prefix;
    auto it = reader->NewIterator(true, true);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string_view uk = ExtractUserKey(it->key());
      hashes.push_back(BloomHash(uk));  // one per entry, duplicates included
      if (uk.size() >= 8 && (prefix_hashes.empty() || uk.substr(0, 8) != last_prefix)) {
        last_prefix.assign(uk.substr(0, 8));
        prefix_hashes.push_back(BloomHash(last_prefix));
      }
    }
    EXPECT_EQ(BuildBloomFilter(hashes, 10), reader->bloom_filter());
    if (reader->has_prefix_filter()) {
      EXPECT_EQ(BuildBloomFilter(prefix_hashes, 10), reader->prefix_filter());
    }
  }
}

}  // namespace
}  // namespace mmdb
