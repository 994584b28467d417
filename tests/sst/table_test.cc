#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "sst/block.h"
#include "sst/block_builder.h"
#include "sst/filter.h"
#include "sst/format.h"
#include "sst/table_builder.h"
#include "sst/table_reader.h"
#include "sst/table_test_util.h"
#include "util/coding.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using test::BuildTable;
using test::Entries;
using test::IKey;
using test::OpenTable;
using Model = std::map<std::string, std::string, test::InternalKeyLess>;

// Versions of user keys "k000".."k{n}", newest first, some deletions.
Model RandomModel(Random* rnd, int user_keys, int max_versions) {
  Model m;
  for (int i = 0; i < user_keys; ++i) {
    char uk[16];
    std::snprintf(uk, sizeof(uk), "k%05d", i * 3);
    const int versions = 1 + static_cast<int>(rnd->Uniform(max_versions));
    for (int v = 0; v < versions; ++v) {
      const SequenceNumber seq = 1 + rnd->Uniform(1000);
      const bool del = rnd->OneIn(5);
      m[IKey(uk, seq, del ? ValueType::kDeletion : ValueType::kValue)] =
          del ? "" : std::string(rnd->Uniform(40), static_cast<char>('a' + rnd->Uniform(26)));
    }
  }
  return m;
}

Entries ToEntries(const Model& m) { return Entries(m.begin(), m.end()); }

TEST(TableTest, EmptyTableIsValid) {
  auto t = BuildTable({}, {});
  EXPECT_TRUE(t.result.smallest_key.empty());
  EXPECT_EQ(t.result.num_entries, 0u);
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  EXPECT_FALSE((*reader)->has_bloom_filter());
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_TRUE(test::ScanAll(it.get()).empty());
  it->SeekToLast();
  EXPECT_FALSE(it->Valid());
  it->Seek(IKey("a", 1));
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev(IKey("a", 1));
  EXPECT_FALSE(it->Valid());
  EXPECT_OK(it->status());
  TableGetResult r;
  ASSERT_OK((*reader)->Get(LookupKey("a", 5).internal_key(), true, &r));
  EXPECT_EQ(r.kind, TableGetResult::Kind::kAbsent);
}

// Sequential scans ask the file for readahead in growing windows; point
// reads and scattered seeks do not.
TEST(TableTest, SequentialScansPrefetchInGrowingWindows) {
  TableBuilderOptions bo;
  bo.block_size = 256;
  Entries entries;
  for (int i = 0; i < 4000; ++i) {
    char k[16];
    std::snprintf(k, sizeof(k), "k%06d", i);
    entries.emplace_back(IKey(k, 1), std::string(40, 'v'));
  }
  auto t = BuildTable(bo, entries);
  auto source = std::make_unique<test::StringSource>(t.bytes);
  auto prefetches = source->prefetches();
  auto reader = TableReader::Open({}, std::move(source), t.bytes.size(), 7);
  ASSERT_OK(reader.status());

  // Scattered seeks: no sequential run, no readahead.
  auto it = (*reader)->NewIterator(/*fill_cache=*/false, true);
  for (int i = 0; i < 4000; i += 397) {
    char k[16];
    std::snprintf(k, sizeof(k), "k%06d", i);
    it->Seek(IKey(k, 1));
    ASSERT_TRUE(it->Valid());
    (void)it->value();
  }
  EXPECT_TRUE(prefetches->empty());

  // A full scan: windows start after two back-to-back blocks, grow, and
  // move forward through the file.
  EXPECT_EQ(test::ScanAll(it.get()).size(), entries.size());
  ASSERT_GE(prefetches->size(), 3u);
  for (size_t i = 1; i < prefetches->size(); ++i) {
    EXPECT_GT((*prefetches)[i].first, (*prefetches)[i - 1].first);
    EXPECT_GE((*prefetches)[i].second, (*prefetches)[i - 1].second);
  }
  EXPECT_GT(prefetches->back().second, prefetches->front().second);
  EXPECT_LE(prefetches->back().second, 256u << 10);
}

const char* CodecName(CompressionType t) {
  return t == CompressionType::kNone ? "none" : t == CompressionType::kLZ4 ? "lz4" : "zstd";
}

}  // namespace

// Names the codec in ctest listings (found by argument-dependent lookup).
void PrintTo(CompressionType t, std::ostream* os) { *os << CodecName(t); }

namespace {

// Round trip over every codec and block sizes from 64 bytes to 16 KiB.
class TableRoundTripTest : public ::testing::TestWithParam<std::tuple<CompressionType, size_t>> {};

TEST_P(TableRoundTripTest, ScansSeeksAndGetsMatchTheModel) {
  const auto [codec, block_size] = GetParam();
  const uint64_t seed = test::Seed();
  SCOPED_TRACE("seed=" + std::to_string(seed));
  Random rnd(seed ^ block_size);
  const Model model = RandomModel(&rnd, 400, 3);
  TableBuilderOptions opts{.block_size = block_size, .compression = codec};
  auto t = BuildTable(opts, ToEntries(model));
  EXPECT_EQ(t.result.num_entries, model.size());
  EXPECT_EQ(t.result.smallest_key, model.begin()->first);
  EXPECT_EQ(t.result.largest_key, model.rbegin()->first);
  auto opened = OpenTable(t.bytes);
  ASSERT_OK(opened.status());
  const auto& reader = *opened;
  auto it = reader->NewIterator(true, true);

  // Forward and backward.
  EXPECT_EQ(test::ScanAll(it.get()), ToEntries(model));
  auto r = model.rbegin();
  for (it->SeekToLast(); it->Valid(); it->Prev(), ++r) {
    ASSERT_NE(r, model.rend());
    ASSERT_EQ(it->key(), r->first);
    ASSERT_EQ(it->value(), r->second);
  }
  EXPECT_EQ(r, model.rend());
  ASSERT_OK(it->status());

  // Seek to every key exactly (block edges included), step both ways.
  for (auto m = model.begin(); m != model.end(); ++m) {
    it->Seek(m->first);
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), m->first);
    it->Prev();
    if (m == model.begin()) {
      ASSERT_FALSE(it->Valid());
    } else {
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), std::prev(m)->first);
      ASSERT_EQ(it->value(), std::prev(m)->second);
    }
    it->SeekForPrev(m->first);
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), m->first);
    it->Next();
    if (std::next(m) == model.end()) {
      ASSERT_FALSE(it->Valid());
    } else {
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), std::next(m)->first);
      ASSERT_EQ(it->value(), std::next(m)->second);
    }
  }
  // Seeks between keys and past the ends.
  for (int i = 0; i < 300; ++i) {
    char uk[16];
    std::snprintf(uk, sizeof(uk), "k%05d", static_cast<int>(rnd.Uniform(1300)));
    const std::string target = IKey(uk, rnd.Uniform(1100), kValueTypeForSeek);
    auto lb = model.lower_bound(target);
    it->Seek(target);
    if (lb == model.end()) {
      ASSERT_FALSE(it->Valid());
    } else {
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), lb->first);
      ASSERT_EQ(it->value(), lb->second);
    }
    auto ub = model.upper_bound(target);
    it->SeekForPrev(target);
    if (ub == model.begin()) {
      ASSERT_FALSE(it->Valid());
    } else {
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), std::prev(ub)->first);
      ASSERT_EQ(it->value(), std::prev(ub)->second);
    }
    // Get: the newest version at or below the sequence.
    TableGetResult g;
    ASSERT_OK(reader->Get(target, true, &g));
    if (lb != model.end() && ExtractUserKey(lb->first) == ExtractUserKey(target)) {
      ASSERT_NE(g.kind, TableGetResult::Kind::kAbsent);
      EXPECT_EQ(g.internal_key, lb->first);
      EXPECT_EQ(g.sequence, ExtractSequence(lb->first));
      if (ExtractValueType(lb->first) == ValueType::kValue) {
        EXPECT_EQ(g.kind, TableGetResult::Kind::kValue);
        EXPECT_EQ(g.value, lb->second);
      } else {
        EXPECT_EQ(g.kind, TableGetResult::Kind::kDeletion);
      }
    } else {
      EXPECT_EQ(g.kind, TableGetResult::Kind::kAbsent);
    }
  }
  it->Seek(IKey("z", 1));
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev(IKey("", kMaxSequenceNumber));
  EXPECT_FALSE(it->Valid());
  EXPECT_OK(it->status());
}

INSTANTIATE_TEST_SUITE_P(CodecsAndBlockSizes, TableRoundTripTest,
                         ::testing::Combine(::testing::Values(CompressionType::kNone,
                                                              CompressionType::kLZ4,
                                                              CompressionType::kZstd),
                                            ::testing::Values(size_t{64}, size_t{200}, size_t{1024},
                                                              size_t{4096}, size_t{16384})),
                         [](const auto& info) {
                           return std::string(CodecName(std::get<0>(info.param))) + "_" +
                                  std::to_string(std::get<1>(info.param));
                         });

TEST(TableTest, OneEntryTableHasPinnedBytes) {
  // The worked example of docs/format/sst.md: ("a", seq 1, value) -> "v",
  // no filters, no compression. data block @0 (21 bytes), metaindex @26
  // (8 bytes), index @39 (49 bytes), footer @93.
  auto t = BuildTable({.bloom_bits_per_key = 0}, {{IKey("a", 1), "v"}});
  EXPECT_EQ(ToHex(t.bytes),
            "00090161fffffffffffffefe7600000000010000000060e3b4e1000000000100"
            "0000001e3d69db00091d61fffffffffffffefe00000000000000001500000000"
            "0000000900000061fffffffffffffefe00000000010000000093c17fc61a0000"
            "0000000000080000000000000027000000000000003100000000000000000000"
            "00000000000054535342444d4d");
}

TEST(TableTest, GetDistinguishesValueDeletionAndAbsence) {
  Entries e = {{IKey("a", 9), "a9"},
               {IKey("a", 5, ValueType::kDeletion), ""},
               {IKey("a", 2), "a2"},
               {IKey("b", 4), "b4"}};
  auto t = BuildTable({}, e);
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  TableGetResult r;
  ASSERT_OK((*reader)->Get(LookupKey("a", 100).internal_key(), true, &r));
  EXPECT_EQ(r.kind, TableGetResult::Kind::kValue);
  EXPECT_EQ(r.value, "a9");
  EXPECT_EQ(r.sequence, 9u);
  ASSERT_OK((*reader)->Get(LookupKey("a", 8).internal_key(), true, &r));
  EXPECT_EQ(r.kind, TableGetResult::Kind::kDeletion);
  EXPECT_EQ(r.sequence, 5u);
  ASSERT_OK((*reader)->Get(LookupKey("a", 4).internal_key(), true, &r));
  EXPECT_EQ(r.value, "a2");
  ASSERT_OK((*reader)->Get(LookupKey("a", 1).internal_key(), true, &r));
  EXPECT_EQ(r.kind, TableGetResult::Kind::kAbsent);
  ASSERT_OK((*reader)->Get(LookupKey("b", 3).internal_key(), true, &r));
  EXPECT_EQ(r.kind, TableGetResult::Kind::kAbsent);
  ASSERT_OK((*reader)->Get(LookupKey("c", 3).internal_key(), true, &r));
  EXPECT_EQ(r.kind, TableGetResult::Kind::kAbsent);
  EXPECT_TRUE((*reader)->Get("short", true, &r).IsInvalidArgument());
}

TEST(TableTest, BloomFilterSkipsMostAbsentKeys) {
  Entries e;
  for (int i = 0; i < 1000; ++i)
    e.emplace_back(IKey("key" + std::to_string(i * 2 + 100000), 1), "v");
  std::sort(e.begin(), e.end(),
            [](const auto& a, const auto& b) { return CompareInternalKey(a.first, b.first) < 0; });
  auto t = BuildTable({.bloom_bits_per_key = 10}, e);
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  EXPECT_TRUE((*reader)->has_bloom_filter());
  int skipped = 0;
  for (int i = 0; i < 1000; ++i) {
    TableGetResult r;
    ASSERT_OK((*reader)->Get(LookupKey("key" + std::to_string(i * 2 + 100001), 5).internal_key(),
                             true, &r));
    EXPECT_EQ(r.kind, TableGetResult::Kind::kAbsent);
    skipped += r.filtered_by_bloom;
  }
  EXPECT_GT(skipped, 970);
  for (const auto& [k, v] : e) EXPECT_TRUE((*reader)->KeyMayMatch(ExtractUserKey(k)));

  auto t0 = BuildTable({.bloom_bits_per_key = 0, .prefix_length = 3}, e);
  auto r0 = OpenTable(t0.bytes);
  ASSERT_OK(r0.status());
  EXPECT_FALSE((*r0)->has_bloom_filter());
  EXPECT_FALSE((*r0)->has_prefix_filter());
  EXPECT_TRUE((*r0)->KeyMayMatch("nope"));
}

TEST(TableTest, PrefixFilterCoversDistinctPrefixesOfLongEnoughKeys) {
  Entries e = {{IKey("", 1), "empty"}, {IKey("ab", 1), "short"}, {IKey("abcd", 3), "x"},
               {IKey("abcd", 2), "x"}, {IKey("abcdef", 1), "x"}, {IKey("wxyz0", 1), "x"}};
  auto t = BuildTable({.bloom_bits_per_key = 10, .prefix_length = 4}, e);
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  const auto& r = *reader;
  ASSERT_TRUE(r->has_prefix_filter());
  EXPECT_EQ(r->prefix_length(), 4u);
  EXPECT_TRUE(r->PrefixMayMatch("abcd"));
  EXPECT_TRUE(r->PrefixMayMatch("abcdzzz"));  // only 4 bytes are tested
  EXPECT_TRUE(r->PrefixMayMatch("wxyz"));
  EXPECT_TRUE(r->PrefixMayMatch("qq"));  // shorter than the prefix length: no answer
  int rejected = 0;
  for (int i = 0; i < 200; ++i) rejected += !r->PrefixMayMatch("n" + std::to_string(100 + i));
  EXPECT_GT(rejected, 190);
}

TEST(TableTest, RangeDeletionsAreExcludedFromDataAndExposedAsTombstones) {
  Entries e = {{IKey("aaa", 10), "val_a"},
               {IKey("bbb", 9, ValueType::kRangeDeletion), "ddd"},
               {IKey("ccc", 8), "val_c"},
               {IKey("ccc", 7, ValueType::kDeletion), ""},
               {IKey("eee", 7, ValueType::kRangeDeletion), "ggg"},
               {IKey("fff", 6), "val_f"}};
  auto t = BuildTable({.block_size = 32}, e);
  EXPECT_TRUE(t.result.has_range_deletions);
  EXPECT_EQ(t.result.num_entries, 6u);
  EXPECT_EQ(t.result.num_range_deletions, 2u);
  EXPECT_EQ(t.result.num_deletions, 1u);
  EXPECT_EQ(t.result.smallest_key, e.front().first);
  EXPECT_EQ(t.result.largest_key, e.back().first);
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  const Entries scanned = test::ScanAll(it.get());
  ASSERT_EQ(scanned.size(), 4u);
  for (const auto& [k, v] : scanned) EXPECT_NE(ExtractValueType(k), ValueType::kRangeDeletion);
  const auto& ts = (*reader)->range_tombstones();
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_EQ(ts[0].begin, "bbb");
  EXPECT_EQ(ts[0].end, "ddd");
  EXPECT_EQ(ts[0].sequence, 9u);
  EXPECT_EQ(ts[1].begin, "eee");
  EXPECT_EQ(ts[1].end, "ggg");
  EXPECT_EQ(ts[1].sequence, 7u);
  // Range tombstones are not in the bloom filter.
  EXPECT_TRUE((*reader)->KeyMayMatch("aaa"));
  EXPECT_GT((*reader)->MetadataMemoryUsage(), 0u);

  // A table of only a range deletion.
  auto only = BuildTable({}, {{IKey("a", 3, ValueType::kRangeDeletion), "b"}});
  EXPECT_EQ(only.result.smallest_key, IKey("a", 3, ValueType::kRangeDeletion));
  auto r2 = OpenTable(only.bytes);
  ASSERT_OK(r2.status());
  EXPECT_EQ((*r2)->range_tombstones().size(), 1u);
  EXPECT_FALSE((*r2)->has_bloom_filter());
  auto it2 = (*r2)->NewIterator(true, true);
  EXPECT_TRUE(test::ScanAll(it2.get()).empty());
}

TEST(TableTest, RangeDeletionIndexSeparatorsIterateBothWays) {
  // Range deletions right after each block's last point entry make the index
  // key a kRangeDeletion separator (as the Rust builder writes it).
  Model points;
  Entries all;
  for (int i = 0; i < 60; ++i) {
    char uk[16];
    std::snprintf(uk, sizeof(uk), "k%03d", i);
    all.emplace_back(IKey(uk, 10), "value" + std::to_string(i));
    points[IKey(uk, 10)] = "value" + std::to_string(i);
    if (i % 3 == 2) {
      all.emplace_back(IKey(std::string(uk) + "a", 9, ValueType::kRangeDeletion),
                       std::string(uk) + "b");
    }
  }
  auto t = BuildTable({.block_size = 48}, all);
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  BlockIter index((*reader)->index_block(), BlockKeyOrder::kInternalKey);
  int separators = 0;
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    separators += ExtractValueType(index.key()) == ValueType::kRangeDeletion;
  }
  EXPECT_GT(separators, 3);
  EXPECT_EQ((*reader)->range_tombstones().size(), 20u);
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()), ToEntries(points));
  auto r = points.rbegin();
  for (it->SeekToLast(); it->Valid(); it->Prev(), ++r) {
    ASSERT_NE(r, points.rend());
    ASSERT_EQ(it->key(), r->first);
    ASSERT_EQ(it->value(), r->second);
  }
  EXPECT_EQ(r, points.rend());
  ASSERT_OK(it->status());
  for (const auto& [k, v] : all) {
    // Seeking to a range-deletion key lands on the next point entry.
    auto lb = points.lower_bound(k);
    it->Seek(k);
    ASSERT_EQ(it->Valid(), lb != points.end());
    if (lb != points.end()) {
      EXPECT_EQ(it->key(), lb->first);
      EXPECT_EQ(it->value(), lb->second);
    }
    auto ub = points.upper_bound(k);
    it->SeekForPrev(k);
    ASSERT_EQ(it->Valid(), ub != points.begin());
    if (ub != points.begin()) {
      EXPECT_EQ(it->key(), std::prev(ub)->first);
      EXPECT_EQ(it->value(), std::prev(ub)->second);
    }
  }
  EXPECT_OK(it->status());
}

TEST(TableTest, BuilderRejectsBadEntriesAndStaysUsable) {
  test::StringSink sink;
  TableBuilder b({}, &sink);
  ASSERT_OK(b.Add(IKey("b", 5), "v"));
  EXPECT_TRUE(b.Add(IKey("b", 5), "dup").IsInvalidArgument());
  EXPECT_TRUE(b.Add(IKey("b", 6), "older seq sorts first").IsInvalidArgument());
  EXPECT_TRUE(b.Add(IKey("a", 1), "smaller").IsInvalidArgument());
  EXPECT_TRUE(b.Add("short", "v").IsInvalidArgument());
  std::string bad_type = IKey("c", 1);
  bad_type.back() = static_cast<char>(~7);  // type 7
  EXPECT_TRUE(b.Add(bad_type, "v").IsInvalidArgument());
  EXPECT_TRUE(b.Add(IKey(std::string(kMaxUserKeySize + 1, 'x'), 1), "").IsInvalidArgument());
  EXPECT_TRUE(b.Add(IKey("d", 1), std::string(kMaxEntrySize, 'v')).IsInvalidArgument());
  ASSERT_OK(b.Add(IKey("c", 1), "v"));
  auto r = b.Finish();
  ASSERT_OK(r.status());
  EXPECT_EQ(r->num_entries, 2u);
  auto reader = OpenTable(sink.contents());
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()).size(), 2u);
}

TEST(TableTest, BlocksAreCutWhenEstimatedSizeReachesBlockSize) {
  Random rnd(test::Seed());
  const Model model = RandomModel(&rnd, 300, 2);
  for (size_t block_size : {size_t{1}, size_t{100}, size_t{999}, size_t{4096}}) {
    // The expected cut points, by the FORMAT.md rule.
    std::vector<std::string> expected_last_keys;
    BlockBuilder sim(16);
    std::string last;
    for (const auto& [k, v] : model) {
      if (!sim.empty() && sim.EstimatedSize() >= block_size) {
        expected_last_keys.push_back(last);
        sim.Reset();
      }
      sim.Add(k, v);
      last = k;
    }
    expected_last_keys.push_back(last);
    auto t = BuildTable({.block_size = block_size}, ToEntries(model));
    auto reader = OpenTable(t.bytes);
    ASSERT_OK(reader.status());
    BlockIter index((*reader)->index_block(), BlockKeyOrder::kInternalKey);
    std::vector<std::string> last_keys;
    for (index.SeekToFirst(); index.Valid(); index.Next()) last_keys.emplace_back(index.key());
    EXPECT_EQ(last_keys, expected_last_keys) << "block_size " << block_size;
  }
}

TEST(TableTest, OnDiskLayoutFollowsTheFormatOrder) {
  Entries e = {{IKey("abcd1", 3), "v"},
               {IKey("abcd2", 2, ValueType::kRangeDeletion), "abcd3"},
               {IKey("abcd4", 1), "v"}};
  auto t = BuildTable({.bloom_bits_per_key = 10, .prefix_length = 4}, e);
  const std::string& f = t.bytes;
  Result<Footer> footer = Footer::DecodeFrom(std::string_view(f).substr(f.size() - 48), "x");
  ASSERT_OK(footer.status());
  // Index right before the footer, metaindex right before the index.
  EXPECT_EQ(footer->index_handle.offset + footer->index_handle.size + 5, f.size() - 48);
  EXPECT_EQ(footer->metaindex_handle.offset + footer->metaindex_handle.size + 5,
            footer->index_handle.offset);
  test::StringSource src(f);
  auto meta_bytes = ReadBlock(src, f.size(), footer->metaindex_handle, true, "x");
  ASSERT_OK(meta_bytes.status());
  auto meta = Block::Parse(*meta_bytes);
  ASSERT_OK(meta.status());
  BlockIter it(*meta, BlockKeyOrder::kBytewise);
  std::vector<std::string> names;
  std::vector<uint64_t> offsets;
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    names.emplace_back(it.key());
    std::string_view v = it.value();
    if (it.key() == kMetaFilterPrefixLen) {
      EXPECT_EQ(v, std::string("\x04\0\0\0\0\0\0\0", 8));  // u64 LE
      continue;
    }
    BlockHandle h;
    ASSERT_TRUE(BlockHandle::DecodeFrom(&v, &h));
    offsets.push_back(h.offset);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"filter.bloom", "filter.prefix", "filter.prefix_len",
                                             "rangedelblock"}));
  ASSERT_EQ(offsets.size(), 3u);
  EXPECT_LT(offsets[0], offsets[1]);  // whole-key bloom, then prefix bloom, then range-del
  EXPECT_LT(offsets[1], offsets[2]);
  EXPECT_LT(offsets[2], footer->metaindex_handle.offset);
}

TEST(TableTest, MetaindexAndIndexAreCompressedWithTheCodec) {
  Entries e;
  for (int i = 0; i < 2000; ++i) {
    char uk[64];
    std::snprintf(uk, sizeof(uk), "some-long-common-prefix-%08d", i);
    e.emplace_back(IKey(uk, 1), "value");
  }
  auto t = BuildTable({.block_size = 64, .compression = CompressionType::kZstd}, e);
  Result<Footer> footer =
      Footer::DecodeFrom(std::string_view(t.bytes).substr(t.bytes.size() - 48), "x");
  ASSERT_OK(footer.status());
  const auto& ih = footer->index_handle;
  EXPECT_EQ(static_cast<uint8_t>(t.bytes[ih.offset + ih.size]), 3u);  // index is zstd
  auto reader = OpenTable(t.bytes);
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()).size(), e.size());
}

TEST(TableTest, BlockCacheServesRepeatedReads) {
  Random rnd(test::Seed());
  const Model model = RandomModel(&rnd, 200, 2);
  auto t = BuildTable({.block_size = 256}, ToEntries(model));
  test::FakeBlockCache cache;
  auto reads = std::make_shared<std::atomic<int>>(0);
  TableReaderOptions ro{.block_cache = &cache, .cache_id = cache.NewId()};
  auto reader = OpenTable(t.bytes, ro, reads);
  ASSERT_OK(reader.status());
  // fill_cache = false reads without inserting.
  auto nofill = (*reader)->NewIterator(false, true);
  EXPECT_EQ(test::ScanAll(nofill.get()).size(), model.size());
  EXPECT_EQ(cache.entries(), 0u);
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()).size(), model.size());
  EXPECT_GT(cache.entries(), 1u);
  reads->store(0);
  auto again = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(again.get()).size(), model.size());
  TableGetResult g;
  ASSERT_OK((*reader)->Get(model.begin()->first, true, &g));
  EXPECT_EQ(reads->load(), 0);
  EXPECT_GT(cache.hits(), 0u);
}

}  // namespace
}  // namespace mmdb
