// Helpers shared by the DB tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/db.h>

#include "util/test_util.h"

namespace mmdb::test {

// Small buffers so tests exercise flushes and many blocks.
inline Options TinyOptions() {
  Options o;
  o.write_buffer_size = 64 << 10;
  o.block_size = 1024;
  o.block_cache_capacity = 1 << 20;
  return o;
}

// A DB shape for randomized tests.
struct NamedOptions {
  const char* name;
  Options options;
};

// The shapes the randomized tests (versioned model, RocksDB oracle) run:
// tiny buffers, so flushes and compactions happen every few operations, read
// through mmap (uncompressed blocks in place); and zstd without a bloom
// filter, with a prefix filter, parallel compactions and subcompactions,
// read through pread and the block cache.
inline std::vector<NamedOptions> RandomizedTestShapes() {
  std::vector<NamedOptions> out;
  Options tiny = TinyOptions();
  tiny.write_buffer_size = 8 << 10;
  tiny.block_size = 128;
  tiny.target_file_size_base = 16 << 10;
  tiny.max_bytes_for_level_base = 64 << 10;
  tiny.l0_compaction_trigger = 2;
  tiny.allow_mmap_reads = true;
  out.push_back({"tiny", tiny});
  Options zstd = tiny;
  zstd.allow_mmap_reads = false;
  zstd.compression = CompressionType::kZstd;
  zstd.bloom_bits_per_key = 0;
  zstd.prefix_length = 3;
  zstd.max_background_compactions = 4;
  zstd.max_subcompactions = 3;
  out.push_back({"zstd_nobloom_prefix", zstd});
  return out;
}

// Whether a randomized run with `seed` writes Rust-layout range tombstones
// (Options::rust_tombstone_layout): the odd seeds, so consecutive seeds
// cover both layouts.
inline bool RustTombstoneLayoutFor(uint64_t seed) { return seed % 2 == 1; }

inline std::string Get(DB* db, std::string_view key, const Snapshot* snap = nullptr) {
  ReadOptions ro;
  ro.snapshot = snap;
  std::string v;
  Status s = db->Get(ro, key, &v);
  if (s.IsNotFound()) return "NOT_FOUND";
  if (!s.ok()) return "ERROR: " + s.ToString();
  return v;
}

inline std::map<std::string, std::string> Scan(DB* db, const ReadOptions& ro = ReadOptions()) {
  std::map<std::string, std::string> out;
  auto it = db->NewIterator(ro);
  for (it->SeekToFirst(); it->Valid(); it->Next()) out[std::string(it->key())] = it->value();
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  return out;
}

// Copies every file of `src` to `dst` as it is now: what a process crash
// (not a power loss) of an open DB leaves on disk.
inline void CopyDir(const std::string& src, const std::string& dst) {
  std::filesystem::remove_all(dst);
  std::filesystem::create_directories(dst);
  for (const auto& e : std::filesystem::directory_iterator(src)) {
    std::filesystem::copy_file(e.path(), std::filesystem::path(dst) / e.path().filename());
  }
}

// Flips the bits of `mask` in the byte at `offset` of the file at `path`.
inline void XorByte(const std::string& path, uint64_t offset, uint8_t mask) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ mask);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
}

}  // namespace mmdb::test
