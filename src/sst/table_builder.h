// TableBuilder: writes one SST file (FORMAT.md "SST file") by streaming
// sorted entries into a WritableFile.
//
// Memory is O(one data block) + the index entries + 4 bytes per point entry
// (its bloom hash) + the distinct key prefixes + the range tombstones; never
// O(file). On disk, in order: data blocks, whole-key bloom block, prefix
// bloom block, range-deletion block, metaindex, index, footer. Every block
// goes through "compress if smaller" with the configured codec.
//
// Owner: sst. Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/env.h>
#include <mmdb/options.h>
#include <mmdb/status.h>

#include "sst/block_builder.h"
#include "sst/format.h"
#include "util/result.h"

namespace mmdb {

struct TableBuilderOptions {
  // Uncompressed size at which a data block is cut. Default: 4096.
  size_t block_size = 4096;
  // Entries between restart points in data and range-deletion blocks. Default: 16.
  int block_restart_interval = 16;
  // Bloom bits per key; 0 disables both filters. Default: 10.
  int bloom_bits_per_key = 10;
  // Length of the prefixes put in the prefix filter; 0 = no prefix filter. Default: 0.
  size_t prefix_length = 0;
  // Codec for every block (kept per block only when it makes it smaller). Default: none.
  CompressionType compression = CompressionType::kNone;
};

struct TableBuildResult {
  uint64_t file_size = 0;
  // Smallest / largest internal key over every entry added, range-deletion
  // begin keys included (as the Rust builder does). Empty for an empty table.
  std::string smallest_key;
  std::string largest_key;
  bool has_range_deletions = false;
  // The largest end (exclusive user key) over the range deletions; empty
  // when there are none. Tombstones may reach this far past largest_key.
  std::string range_del_end;
  uint64_t num_entries = 0;          // every Add(), range deletions included
  uint64_t num_deletions = 0;        // kDeletion entries
  uint64_t num_range_deletions = 0;  // kRangeDeletion entries
  uint64_t raw_key_bytes = 0;        // sum of internal key sizes
  uint64_t raw_value_bytes = 0;      // sum of value sizes
};

class TableBuilder {
 public:
  // Writes to `file` (not owned; the caller closes it after Finish or
  // Abandon). REQUIRES: file is empty and outlives the builder.
  TableBuilder(const TableBuilderOptions& options, WritableFile* file);
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;
  ~TableBuilder();

  // Adds an entry. REQUIRES: internal keys strictly increasing in
  // CompareInternalKey order; Finish/Abandon not called. kRangeDeletion
  // entries (value = exclusive end user key) go to the range-deletion block.
  // InvalidArgument, leaving the builder unchanged, for a malformed internal
  // key, a key out of order, a user key over kMaxUserKeySize or an entry over
  // kMaxEntrySize. An I/O error is returned by this and every later call.
  Status Add(std::string_view internal_key, std::string_view value);

  // Writes the remaining blocks and the footer, then syncs the file. A table
  // without entries is valid. REQUIRES: Finish/Abandon not called.
  Result<TableBuildResult> Finish();

  // Stops building; the caller deletes the file. REQUIRES: Finish/Abandon not called.
  void Abandon();

  // Entries added so far (every kind).
  uint64_t NumEntries() const { return result_.num_entries; }
  // Bytes written so far plus the open data block: the file size if
  // Finish() cut here, without the metadata blocks.
  uint64_t EstimatedFileSize() const { return offset_ + data_block_.EstimatedSize(); }
  // The first I/O error seen, or OK.
  Status status() const { return status_; }

 private:
  Status CheckEntry(std::string_view internal_key, std::string_view value) const;
  // Compresses if smaller, appends block ‖ trailer, advances offset_.
  Status WriteBlock(std::string_view raw, BlockHandle* handle);
  Status FlushDataBlock();

  const TableBuilderOptions options_;
  WritableFile* const file_;
  uint64_t offset_ = 0;
  Status status_;
  bool closed_ = false;

  BlockBuilder data_block_;
  std::string data_block_first_key_;
  BlockBuilder index_block_;  // filled as data blocks are cut (restart interval 1)
  BlockBuilder range_del_block_;
  std::vector<uint32_t> key_hashes_;   // one BloomHash per point entry
  std::vector<std::string> prefixes_;  // distinct, ascending (keys arrive sorted)
  std::string last_key_;               // last internal key added (any kind)
  std::string compressed_scratch_;
  std::string trailer_;
  TableBuildResult result_;
};

// Ends a table being written to `file`: Finish when `status` is OK (the
// builder is done after Finish, failed or not), Abandon otherwise; then
// closes the file. Returns the first error (`status`, Finish's, Close's) and
// fills *result on success. The caller removes the file on error.
Status FinishOrAbandon(TableBuilder* builder, Status status, WritableFile* file,
                       TableBuildResult* result);

}  // namespace mmdb
