// A golden directory written by the Rust engine, driven through many
// compactions (subcompactions, range tombstones, per-level compression) by
// MMDB, must stay in the format of FORMAT.md: every SST opens and scans with
// all checksums verified and its keys in order, every MANIFEST record decodes
// as a VersionEdit of known tags, and the data equals a model before and
// after a reopen. (The Rust engine itself cannot run here; these are the
// format rules it reads by.)
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <mmdb/db.h>
#include <mmdb/env.h>

#include "manifest/filename.h"
#include "manifest/version_edit.h"
#include "sst/table_reader.h"
#include "types/internal_key.h"
#include "util/coding.h"
#include "util/golden.h"
#include "util/random.h"
#include "util/test_util.h"
#include "wal/reader.h"

namespace mmdb {
namespace {

using Model = std::map<std::string, std::string>;

std::string Prefix(uint64_t i) {
  std::string p;
  PutFixed64(&p, 40960000 + i);
  return p;
}

Model Scan(DB* db) {
  Model out;
  auto it = db->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) out[std::string(it->key())] = it->value();
  EXPECT_OK(it->status());
  return out;
}

// Every SST of `dir`: opens, scans with checksums, keys strictly increasing.
void ExpectSstsInFormat(const std::string& dir, int* checked) {
  std::shared_ptr<Env> env = Env::Default();
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(e.path().filename().string(), &number, &type) || type != FileType::kTable) {
      continue;
    }
    std::unique_ptr<RandomAccessFile> file;
    ASSERT_OK(env->NewRandomAccessFile(e.path().string(), &file));
    auto reader = TableReader::Open(TableReaderOptions(), std::move(file),
                                    std::filesystem::file_size(e.path()), number);
    ASSERT_OK(reader.status()) << e.path();
    auto it = (*reader)->NewIterator(/*fill_cache=*/false, /*verify_checksums=*/true);
    std::string prev;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ParsedInternalKey k;
      ASSERT_TRUE(ParseInternalKey(it->key(), &k)) << e.path();
      ASSERT_TRUE(k.type == ValueType::kValue || k.type == ValueType::kDeletion) << e.path();
      if (!prev.empty()) {
        ASSERT_LT(CompareInternalKey(prev, it->key()), 0) << e.path();
      }
      prev.assign(it->key());
    }
    ASSERT_OK(it->status()) << e.path();
    for (const RangeTombstone& t : (*reader)->range_tombstones()) ASSERT_LT(t.begin, t.end);
    ++*checked;
  }
}

// Every record of the live MANIFEST decodes as a VersionEdit.
void ExpectManifestInFormat(const std::string& dir, int* edits) {
  std::string current;
  {
    std::ifstream in(dir + "/CURRENT");
    std::getline(in, current);
  }
  ASSERT_FALSE(current.empty());
  std::unique_ptr<SequentialFile> file;
  ASSERT_OK(Env::Default()->NewSequentialFile(dir + "/" + current, &file));
  wal::Reader reader(std::move(file), nullptr, /*verify_checksums=*/true);
  std::string scratch;
  std::string_view record;
  while (reader.ReadRecord(&record, &scratch)) {
    VersionEdit edit;
    ASSERT_OK(edit.DecodeFrom(record));
    ++*edits;
  }
  ASSERT_EQ(reader.end_state(), wal::Reader::EndState::kEof);
}

TEST(CompatCompactionTest, GoldenDirectoryStaysInFormatThroughManyCompactions) {
  const std::string root = test::CompatDir();
  ASSERT_FALSE(root.empty()) << "tests/data/compat is missing";
  Model model;
  ASSERT_TRUE(test::LoadExpectedTsv(root + "/vsdb.expected.tsv", &model));
  const std::string dir = test::CopyToTemp(root + "/vsdb", "vsdb_compacted");

  Options o;
  o.create_if_missing = false;
  o.prefix_length = 8;
  o.block_size = 1024;
  o.write_buffer_size = 32 << 10;
  o.target_file_size_base = 16 << 10;
  o.max_bytes_for_level_base = 64 << 10;
  o.l0_compaction_trigger = 2;
  o.max_subcompactions = 3;
  o.compression_per_level = {CompressionType::kNone, CompressionType::kLZ4, CompressionType::kZstd};
  std::unique_ptr<DB> db;
  ASSERT_OK(DB::Open(o, dir, &db));

  Random rnd(test::Seed());
  for (int round = 0; round < 12; ++round) {
    WriteBatch batch;
    for (int i = 0; i < 200; ++i) {
      const uint64_t col = rnd.Uniform(40);
      std::string key = Prefix(col);
      PutFixed64(&key, rnd.Uniform(300));
      if (rnd.OneIn(8)) {
        batch.Delete(key);
        model.erase(key);
      } else {
        std::string value(100 + rnd.Uniform(400), static_cast<char>('a' + round));
        batch.Put(key, value);
        model[key] = value;
      }
    }
    ASSERT_OK(db->Write(&batch));
    if (round % 3 == 2) {  // drop a collection
      const uint64_t col = rnd.Uniform(40);
      ASSERT_OK(db->DeleteRange(Prefix(col), Prefix(col + 1)));
      const std::string lo = Prefix(col), hi = Prefix(col + 1);
      std::erase_if(model, [&](const auto& kv) { return kv.first >= lo && kv.first < hi; });
    }
    if (round % 4 == 3) {
      const std::string lo = Prefix(rnd.Uniform(20)), hi = Prefix(20 + rnd.Uniform(20));
      ASSERT_OK(db->CompactRange(std::string_view(lo), std::string_view(hi)));
    }
  }
  ASSERT_OK(db->CompactRange(std::nullopt, std::nullopt));
  EXPECT_EQ(Scan(db.get()), model);
  std::string files;
  ASSERT_TRUE(db->GetProperty("mmdb.levelstats", &files));
  ASSERT_OK(db->Close());
  db.reset();

  int ssts = 0, edits = 0;
  ExpectSstsInFormat(dir, &ssts);
  ExpectManifestInFormat(dir, &edits);
  EXPECT_GT(ssts, 3) << files;
  EXPECT_GT(edits, 0);
  std::printf("%d SSTs and %d MANIFEST edits checked; levels:\n%s", ssts, edits, files.c_str());

  ASSERT_OK(DB::Open(o, dir, &db));
  EXPECT_EQ(Scan(db.get()), model);
  db.reset();
  test::RemoveTree(dir);
}

}  // namespace
}  // namespace mmdb
