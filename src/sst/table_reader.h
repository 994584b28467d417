// TableReader: an open SST file (FORMAT.md "SST file"), answering point
// lookups, filter checks and iterators.
//
// Open() reads the footer, the metaindex, the index block, the bloom
// filters and the range-deletion block once; the reader owns them, so they
// stay pinned for its whole life (MetadataMemoryUsage() reports the bytes).
// Data blocks are read on demand, through the block cache when one is
// given (key {cache_id, file_number, block offset}).
//
// Owner: sst. Thread safety: after Open, every const method may be called
// from any number of threads at once (the state is immutable; the file's
// Read and the block cache are thread-safe). Iterators are one-thread-each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/snapshot.h>
#include <mmdb/statistics.h>
#include <mmdb/status.h>

#include "cache/block_cache.h"
#include "sst/block.h"
#include "sst/format.h"
#include "types/internal_iterator.h"
#include "util/result.h"

namespace mmdb {

struct TableReaderOptions {
  // Cache for data blocks; null = read every block from the file. Not owned:
  // it must outlive the reader. Default: null.
  BlockCache* block_cache = nullptr;
  // This DB's id in a shared cache (BlockCache::NewId()). Default: 0.
  uint64_t cache_id = 0;
  // Keep index and filter blocks in memory. The reader always owns them, so
  // they are pinned either way; kept for the caller's accounting. Default: true.
  bool pin_metadata = true;
  // TableCache opens files with Env::NewMmapReadableFile (the reader itself
  // only asks the file whether it ReadsInPlace). Default: false.
  bool mmap_reads = false;
  // Verify block checksums on Open (metadata blocks) and Get. Default: true.
  bool verify_checksums = true;
  // Block cache and block read tickers go here. Not owned. Default: null.
  Statistics* statistics = nullptr;
};

// A range tombstone of the file: user keys [begin, end) deleted at `sequence`.
struct RangeTombstone {
  std::string begin;
  std::string end;
  SequenceNumber sequence = 0;
};

// What Get() found in this file.
struct TableGetResult {
  enum class Kind : uint8_t {
    kAbsent = 0,    // no entry of the user key at or below the sequence here
    kValue = 1,     // a value: see `value`
    kDeletion = 2,  // a point deletion (or a range deletion stored as a point)
  };
  Kind kind = Kind::kAbsent;
  SequenceNumber sequence = 0;  // of the entry found
  std::string internal_key;     // the entry found, empty when absent
  // The value, a view into `block`, which keeps the bytes alive (no copy).
  std::string_view value;
  std::shared_ptr<const void> block;
  // True when the whole-key bloom filter ruled the key out (no block read).
  bool filtered_by_bloom = false;
};

class TableReader : public std::enable_shared_from_this<TableReader> {
 private:
  struct PrivateTag {};  // keeps the constructor for Open() (via make_shared)

 public:
  // Opens the table in `file` of `file_size` bytes. Corruption (naming the
  // file, e.g. "000123.sst: bad SST magic ...") on a short file, a bad
  // footer, a bad metadata block or an invalid range tombstone; the IOError
  // of a failed read.
  static Result<std::shared_ptr<TableReader>> Open(const TableReaderOptions& options,
                                                   std::unique_ptr<RandomAccessFile> file,
                                                   uint64_t file_size, uint64_t file_number);

  // Use Open(). Takes the validated index block.
  TableReader(PrivateTag, const TableReaderOptions& options, std::unique_ptr<RandomAccessFile> file,
              uint64_t file_size, uint64_t file_number, Block index_block);
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;
  ~TableReader();

  // Looks up the first entry >= `lookup_internal_key` (a LookupKey: user key,
  // sequence, kValueTypeForSeek) with the same user key, i.e. the newest
  // entry of that user key at or below the sequence. Reads at most one data
  // block, none when the bloom filter rules the key out. Range tombstones are
  // not consulted (see range_tombstones()). *result is reset first.
  // REQUIRES: lookup_internal_key.size() >= kTrailerSize.
  Status Get(std::string_view lookup_internal_key, bool fill_cache, TableGetResult* result) const;

  // False only when the whole-key filter proves `user_key` absent.
  bool KeyMayMatch(std::string_view user_key) const;
  // False only when the prefix filter proves that no key starts with
  // `prefix`. Uses the filter only when the file has one and
  // prefix.size() >= prefix_length() (only the first prefix_length() bytes
  // are tested).
  bool PrefixMayMatch(std::string_view prefix) const;

  // An iterator over the point entries (range tombstones excluded). Its Seek
  // reads no data block until the entry's value (or a move within a block)
  // needs one: a key at a block boundary comes from the index. The iterator
  // keeps this reader alive. REQUIRES: the reader is owned by a shared_ptr
  // (Open returns one).
  std::unique_ptr<InternalIterator> NewIterator(bool fill_cache, bool verify_checksums) const;

  // The file's range tombstones in the order stored (begin ascending).
  const std::vector<RangeTombstone>& range_tombstones() const { return range_tombstones_; }

  // Bytes held for the index, filters and tombstones.
  size_t MetadataMemoryUsage() const;
  // The index and filter blocks the reader holds, with their file offsets:
  // the DB charges them to the block cache (pinned, for L0 files) by
  // inserting these very buffers, so the charge is real and nothing is copied.
  struct MetadataBlock {
    uint64_t offset = 0;
    std::shared_ptr<const std::string> bytes;
  };
  const std::vector<MetadataBlock>& metadata_blocks() const { return metadata_blocks_; }
  // Offsets of every data block (from the index), to drop a deleted file's
  // blocks from the block cache. Stops at the first undecodable entry.
  std::vector<uint64_t> DataBlockOffsets() const;
  // Approximate file offset where `internal_key` would be: the offset of the
  // block that would hold it, or the metaindex offset when past the last block.
  uint64_t ApproximateOffsetOf(std::string_view internal_key) const;

  uint64_t file_number() const { return file_number_; }
  uint64_t file_size() const { return file_size_; }
  const std::string& file_name() const { return file_name_; }
  bool has_bloom_filter() const { return !bloom_filter_.empty(); }
  bool has_prefix_filter() const { return !prefix_filter_.empty(); }
  // The raw filter bytes (empty when absent), for tools and tests.
  std::string_view bloom_filter() const { return bloom_filter_; }
  std::string_view prefix_filter() const { return prefix_filter_; }
  // The prefix filter's prefix length; 0 when there is no prefix filter.
  size_t prefix_length() const { return prefix_length_; }

  // For TableIterator: the index block, and a data block read through the
  // cache (fill_cache = false reads without inserting) or, for an
  // uncompressed block of a memory-mapped file, in place. Corruption names
  // the file and offset.
  const Block& index_block() const { return index_block_; }
  // Readahead hint for [offset, offset + n) (RandomAccessFile::Prefetch).
  void Prefetch(uint64_t offset, size_t n) const { file_->Prefetch(offset, n); }
  Result<Block> ReadDataBlock(const BlockHandle& handle, bool fill_cache,
                              bool verify_checksums) const;

 private:
  Status ReadMetaIndex(const Footer& footer);
  // True when the file reads in place and the block's codec byte says it is
  // stored uncompressed.
  bool StoredUncompressed(const BlockHandle& handle) const;
  Status ParseRangeTombstones(const Block& block);

  const TableReaderOptions options_;
  const std::unique_ptr<RandomAccessFile> file_;
  const uint64_t file_size_;
  const uint64_t file_number_;
  const std::string file_name_;
  Block index_block_;
  uint64_t metaindex_offset_ = 0;
  // Filters: views of their blocks, shared with the block cache when pinned.
  std::string_view bloom_filter_;               // empty = none
  std::string_view prefix_filter_;              // empty = none
  std::vector<MetadataBlock> metadata_blocks_;  // index, then filters
  size_t prefix_length_ = 0;
  std::vector<RangeTombstone> range_tombstones_;
};

}  // namespace mmdb
