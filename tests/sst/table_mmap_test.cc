// Memory-mapped reads: the POSIX Env's mapped files, and table readers over
// them (blocks read in place, checked, kept alive by their reader, and
// compressed blocks still cached).
#include <map>
#include <memory>
#include <string>

#include <mmdb/env.h>

#include "sst/format.h"
#include "sst/table_reader.h"
#include "sst/table_test_util.h"
#include "util/random.h"
#include "util/test_util.h"

namespace mmdb {
namespace {

using test::BuildTable;
using test::Entries;
using test::IKey;

class MmapTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::TempDir("mmap"); }
  void TearDown() override { test::RemoveTree(dir_); }

  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    EXPECT_OK(WriteStringToFile(env_.get(), bytes, path, /*sync=*/false));
    return path;
  }

  std::unique_ptr<RandomAccessFile> Map(const std::string& path) {
    std::unique_ptr<RandomAccessFile> f;
    EXPECT_OK(env_->NewMmapReadableFile(path, &f));
    return f;
  }

  Result<std::shared_ptr<TableReader>> OpenMapped(const std::string& bytes,
                                                  const TableReaderOptions& options = {}) {
    auto file = Map(Write("t.sst", bytes));
    EXPECT_TRUE(file->ReadsInPlace());
    return TableReader::Open(options, std::move(file), bytes.size(), 7);
  }

  std::shared_ptr<Env> env_ = Env::Default();
  std::string dir_;
};

Entries RandomEntries(Random* rnd, int n) {
  Entries e;
  for (int i = 0; i < n; ++i) {
    char uk[16];
    std::snprintf(uk, sizeof(uk), "k%05d", i);
    e.emplace_back(IKey(uk, 100 + i), std::string(1 + rnd->Uniform(60), 'a' + i % 26));
  }
  return e;
}

TEST_F(MmapTest, MappedFileReadsInPlaceLikePread) {
  std::string bytes;
  for (int i = 0; i < 10000; ++i) bytes.push_back(static_cast<char>(i * 7));
  const std::string path = Write("f", bytes);
  auto mapped = Map(path);
  std::unique_ptr<RandomAccessFile> plain;
  ASSERT_OK(env_->NewRandomAccessFile(path, &plain));
  EXPECT_TRUE(mapped->ReadsInPlace());
  EXPECT_FALSE(plain->ReadsInPlace());
  for (uint64_t offset : {0ull, 1ull, 4095ull, 9990ull, 9999ull, 10000ull, 20000ull}) {
    std::string_view a;
    std::string_view b;
    char scratch[64];
    char unused[64];
    ASSERT_OK(mapped->Read(offset, 20, &a, unused));
    EXPECT_TRUE(a.empty() || a.data() != unused);  // in place
    ASSERT_OK(plain->Read(offset, 20, &b, scratch));
    EXPECT_EQ(a, b) << offset;  // short at the end, empty past it
  }
  mapped->Prefetch(4000, 3000);  // advisory
  mapped->Prefetch(50000, 10);   // past the end: ignored
}

TEST_F(MmapTest, EmptyFileFallsBackToPread) {
  auto f = Map(Write("empty", ""));
  EXPECT_FALSE(f->ReadsInPlace());
  std::string_view r;
  char scratch[8];
  ASSERT_OK(f->Read(0, 8, &r, scratch));
  EXPECT_TRUE(r.empty());
}

TEST_F(MmapTest, MissingFileIsNotFound) {
  std::unique_ptr<RandomAccessFile> f;
  EXPECT_TRUE(env_->NewMmapReadableFile(dir_ + "/nope", &f).IsNotFound());
}

TEST_F(MmapTest, TableOverMappedFileMatchesAndSkipsTheCacheForPlainBlocks) {
  Random rnd(test::Seed());
  const Entries e = RandomEntries(&rnd, 2000);
  auto t = BuildTable({.block_size = 512}, e);
  test::FakeBlockCache cache;
  auto reader = OpenMapped(t.bytes, {.block_cache = &cache, .cache_id = cache.NewId()});
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()), e);
  for (size_t i = 0; i < e.size(); i += 37) {
    TableGetResult g;
    ASSERT_OK((*reader)->Get(e[i].first, true, &g));
    ASSERT_EQ(g.kind, TableGetResult::Kind::kValue);
    EXPECT_EQ(g.value, e[i].second);
  }
  EXPECT_EQ(cache.entries(), 0u);  // the page cache holds plain blocks
}

TEST_F(MmapTest, CompressedBlocksOfAMappedFileAreCached) {
  Random rnd(test::Seed());
  Entries e;
  for (int i = 0; i < 2000; ++i) {
    char uk[16];
    std::snprintf(uk, sizeof(uk), "k%05d", i);
    e.emplace_back(IKey(uk, 5), std::string(100, 'x'));  // compresses well
  }
  auto t = BuildTable({.block_size = 512, .compression = CompressionType::kLZ4}, e);
  test::FakeBlockCache cache;
  auto reader = OpenMapped(t.bytes, {.block_cache = &cache, .cache_id = cache.NewId()});
  ASSERT_OK(reader.status());
  auto it = (*reader)->NewIterator(true, true);
  EXPECT_EQ(test::ScanAll(it.get()), e);
  EXPECT_GT(cache.entries(), 1u);
}

TEST_F(MmapTest, ResultsKeepTheMappingAliveAfterTheReaderIsDropped) {
  Random rnd(test::Seed());
  const Entries e = RandomEntries(&rnd, 500);
  auto t = BuildTable({.block_size = 256}, e);
  auto opened = OpenMapped(t.bytes);
  ASSERT_OK(opened.status());
  std::shared_ptr<TableReader> reader = std::move(opened).value();
  TableGetResult g;
  ASSERT_OK(reader->Get(e[123].first, true, &g));
  auto it = reader->NewIterator(true, true);
  it->Seek(e[400].first);
  ASSERT_TRUE(it->Valid());
  reader.reset();  // the result and the iterator are the only owners left
  // The value and the iterator still point into a live mapping (a
  // use-after-unmap would fault, and ASan checks the bookkeeping).
  EXPECT_EQ(g.value, e[123].second);
  size_t n = 0;
  for (; it->Valid(); it->Next()) ++n;
  EXPECT_EQ(n, 100u);
}

TEST_F(MmapTest, CorruptBlockOfAMappedFileIsCorruption) {
  Random rnd(test::Seed());
  const Entries e = RandomEntries(&rnd, 500);
  auto t = BuildTable({.block_size = 256}, e);
  std::string bad = t.bytes;
  bad[100] ^= 0x20;  // inside the first data block
  auto reader = OpenMapped(bad);
  ASSERT_OK(reader.status());  // metadata is intact
  auto it = (*reader)->NewIterator(true, /*verify_checksums=*/true);
  // The first key may come from the index; the value needs the block.
  it->SeekToFirst();
  if (it->Valid()) (void)it->value();
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  TableGetResult g;
  EXPECT_TRUE((*reader)->Get(e[0].first, true, &g).IsCorruption());
}

}  // namespace
}  // namespace mmdb
