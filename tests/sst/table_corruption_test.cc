// Corruption handling and the deferred ("lazy") block read of TableIterator.
#include <memory>
#include <string>

#include "sst/format.h"
#include "sst/table_reader.h"
#include "sst/table_test_util.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using test::BuildTable;
using test::Entries;
using test::IKey;
using test::OpenTable;

Entries ManyEntries(int n) {
  Entries e;
  for (int i = 0; i < n; ++i) {
    char uk[16];
    std::snprintf(uk, sizeof(uk), "key%05d", i);
    e.emplace_back(IKey(uk, 100), "value-" + std::to_string(i));
  }
  return e;
}

Footer ReadFooterOf(const std::string& bytes) {
  auto f = Footer::DecodeFrom(std::string_view(bytes).substr(bytes.size() - kFooterSize), "x");
  EXPECT_TRUE(f.ok());
  return f.ok() ? *f : Footer();
}

TEST(TableCorruptionTest, FlippedDataBlockByteIsCorruptionOnScanAndGet) {
  const Entries e = ManyEntries(200);
  auto t = BuildTable({.block_size = 256}, e);
  std::string bad = t.bytes;
  bad[10] ^= 0x40;  // inside the first data block
  auto reader = OpenTable(bad);
  ASSERT_OK(reader.status());  // data blocks are not read on open
  auto it = (*reader)->NewIterator(true, true);
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  EXPECT_FALSE(it->Valid());
  ASSERT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  EXPECT_NE(it->status().ToString().find("000007.sst"), std::string::npos);
  EXPECT_LE(n, 1);  // at most the first key, which comes from the index
  TableGetResult g;
  EXPECT_TRUE((*reader)->Get(e[0].first, true, &g).IsCorruption());
  // The rest of the file still reads.
  it->Seek(e[150].first);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), e[150].second);
  ASSERT_OK((*reader)->Get(e[150].first, true, &g));
  EXPECT_EQ(g.kind, TableGetResult::Kind::kValue);
}

TEST(TableCorruptionTest, BadIndexFooterOrTruncationFailsOpen) {
  auto t = BuildTable({.block_size = 256}, ManyEntries(100));
  const Footer footer = ReadFooterOf(t.bytes);
  std::string bad_index = t.bytes;
  bad_index[footer.index_handle.offset + 3] ^= 1;
  EXPECT_TRUE(OpenTable(bad_index).status().IsCorruption());
  std::string bad_meta = t.bytes;
  bad_meta[footer.metaindex_handle.offset] ^= 1;
  EXPECT_TRUE(OpenTable(bad_meta).status().IsCorruption());
  std::string bad_magic = t.bytes;
  bad_magic[bad_magic.size() - 1] ^= 1;
  auto r = OpenTable(bad_magic);
  ASSERT_TRUE(r.status().IsCorruption());
  EXPECT_NE(r.status().ToString().find("magic"), std::string::npos);
  std::string bad_handle = t.bytes;
  bad_handle[bad_handle.size() - kFooterSize + 16 + 7] = '\x7f';  // index offset huge
  EXPECT_TRUE(OpenTable(bad_handle).status().IsCorruption());
  for (size_t keep : {size_t{0}, size_t{10}, size_t{47}, t.bytes.size() / 2, t.bytes.size() - 1}) {
    EXPECT_TRUE(OpenTable(t.bytes.substr(0, keep)).status().IsCorruption()) << keep;
  }
}

TEST(TableCorruptionTest, EveryFlippedByteIsDetectedOrHarmlessNeverACrash) {
  Entries e = ManyEntries(30);
  e.emplace_back(IKey("zz", 5, ValueType::kRangeDeletion), "zzz");
  std::sort(e.begin(), e.end(),
            [](const auto& a, const auto& b) { return CompareInternalKey(a.first, b.first) < 0; });
  auto t = BuildTable({.block_size = 128, .block_restart_interval = 4, .prefix_length = 3}, e);
  for (bool verify : {true, false}) {
    int detected = 0;
    for (size_t i = 0; i < t.bytes.size(); ++i) {
      std::string bad = t.bytes;
      bad[i] ^= 0x21;
      auto reader = OpenTable(bad, {.verify_checksums = verify});
      if (!reader.ok()) {
        ++detected;
        continue;
      }
      auto it = (*reader)->NewIterator(true, verify);
      size_t n = 0;
      bool bad_status = false;
      for (it->SeekToFirst(); it->Valid() && n < 10 * e.size(); it->Next(), ++n) {
        (void)it->value();
      }
      bad_status |= !it->status().ok();
      for (it->SeekToLast(); it->Valid() && n < 20 * e.size(); it->Prev(), ++n) {
      }
      bad_status |= !it->status().ok();
      it->Seek(IKey("key00015", 100));
      if (it->Valid()) (void)it->value();
      bad_status |= !it->status().ok();
      if (bad_status) ++detected;
      TableGetResult g;
      (void)(*reader)->Get(IKey("key00007", 100), true, &g);  // any status; must not crash
    }
    if (verify) {
      EXPECT_GT(detected, static_cast<int>(t.bytes.size() * 9 / 10));
    }
  }
}

TEST(TableIteratorTest, SeekReadsNoDataBlockUntilTheValueIsNeeded) {
  const Entries e = ManyEntries(300);
  auto t = BuildTable({.block_size = 256}, e);
  auto reads = std::make_shared<std::atomic<int>>(0);
  auto reader = OpenTable(t.bytes, {}, reads);
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  reads->store(0);

  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), e[0].first);
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), e.back().first);
  // Find a block boundary from the index: the first key of the second block.
  BlockIter index((*reader)->index_block(), BlockKeyOrder::kInternalKey);
  index.SeekToFirst();
  index.Next();
  IndexValue iv;
  ASSERT_TRUE(DecodeIndexValue(index.value(), &iv));
  const std::string second_first(iv.first_key);
  size_t pos = 0;
  while (e[pos].first != second_first) ++pos;
  it->Seek(second_first);
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), second_first);
  // Seek to a key between blocks lands on the next block's first key too.
  it->Seek(IKey(ExtractUserKey(e[pos - 1].first), 50));
  EXPECT_EQ(it->key(), second_first);
  // Crossing the boundary backwards and forwards from deferred positions.
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), e[pos - 1].first);
  it->Next();
  EXPECT_EQ(it->key(), second_first);
  it->SeekForPrev(IKey(ExtractUserKey(e[pos - 1].first), 50));
  EXPECT_EQ(it->key(), e[pos - 1].first);
  EXPECT_EQ(reads->load(), 0) << "no data block may be read yet";

  EXPECT_EQ(it->value(), e[pos - 1].second);
  EXPECT_EQ(reads->load(), 1);
  it->Seek(second_first);
  EXPECT_EQ(it->value(), e[pos].second);
  EXPECT_EQ(reads->load(), 2);
  it->Next();  // inside the loaded block: no read
  EXPECT_EQ(it->key(), e[pos + 1].first);
  EXPECT_EQ(reads->load(), 2);
  // A seek inside a block must read it.
  it->Seek(e[pos + 2].first);
  EXPECT_EQ(it->key(), e[pos + 2].first);
  EXPECT_EQ(reads->load(), 2);  // the same block is still loaded
  it->Seek(e[5].first);
  EXPECT_EQ(reads->load(), 3);
  EXPECT_OK(it->status());
}

TEST(TableIteratorTest, IndexThatDisagreesWithTheBlockIsCorruption) {
  // Build two tables whose data blocks have identical sizes, then splice one
  // table's first data block into the other: the block checksums fine but
  // its first key differs from the index's first key.
  Entries a = {{IKey("aaaa", 1), "v"}, {IKey("bbbb", 1), "v"}};
  Entries b = {{IKey("aaab", 1), "v"}, {IKey("bbbb", 1), "v"}};
  auto ta = BuildTable({.bloom_bits_per_key = 0}, a);
  auto tb = BuildTable({.bloom_bits_per_key = 0}, b);
  ASSERT_EQ(ta.bytes.size(), tb.bytes.size());
  const Footer f = ReadFooterOf(ta.bytes);
  std::string spliced =
      tb.bytes.substr(0, f.metaindex_handle.offset) + ta.bytes.substr(f.metaindex_handle.offset);
  auto reader = OpenTable(spliced);
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), a[0].first);  // from the index
  EXPECT_EQ(it->value(), "");        // reading the block finds the mismatch
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
  it->SeekToFirst();  // a new seek clears the error
  EXPECT_OK(it->status());
}

TEST(TableIteratorTest, IteratorKeepsTheReaderAlive) {
  const Entries e = ManyEntries(50);
  auto t = BuildTable({.block_size = 128}, e);
  std::unique_ptr<InternalIterator> it;
  {
    auto reader = OpenTable(t.bytes);
    ASSERT_OK(reader.status());
    it = (*reader)->NewIterator(true, true);
  }
  EXPECT_EQ(test::ScanAll(it.get()), e);
}

}  // namespace
}  // namespace mmdb
