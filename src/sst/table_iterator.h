// TableIterator: the two-level iterator over one SST (index block → data
// blocks) behind TableReader::NewIterator.
//
// Deferred block reads: each index entry holds its block's last key (the
// index key; unless it is a range-deletion separator, see
// IndexKeyIsLastKey) and first key, so a Seek/SeekToFirst landing on a
// block's first entry, a SeekToLast/SeekForPrev landing on a block's last
// entry, and a Next/Prev crossing into a neighbouring block are answered
// from the index alone. The data block is read only when value() is asked for or a move
// goes inside the block. Files without first keys in their index read the
// block when positioning on its first entry.
//
// A read or decode error makes the iterator invalid with a Corruption or
// IOError status() (which names the file and block offset) until the next
// Seek*. Note: value() on a deferred position reads the block; if that
// fails, value() returns an empty view and Valid() becomes false.
//
// Owner: sst. Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "sst/block.h"
#include "sst/format.h"
#include "types/internal_iterator.h"

namespace mmdb {

class TableReader;

class TableIterator final : public InternalIterator {
 public:
  // Keeps `table` alive while the iterator lives.
  TableIterator(std::shared_ptr<const TableReader> table, bool fill_cache, bool verify_checksums);

  bool Valid() const override { return state_ != State::kInvalid; }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  void SeekForPrev(std::string_view target) override;
  void Next() override;
  void Prev() override;
  std::string_view key() const override;
  std::string_view value() const override;
  Status status() const override { return status_; }

 private:
  enum class State : uint8_t {
    kInvalid,
    kDeferredFirst,  // at the first entry of the index's current block, not read
    kDeferredLast,   // at the last entry of the index's current block, not read
    kInBlock,        // at data_iter_'s entry
  };

  // Positions at the first entry of the block index_iter_ is on (deferred
  // when the index knows the first key), or invalid past the last block.
  void EnterBlockForward();
  // Positions at the last entry of the block index_iter_ is on (deferred
  // when the index key is that entry), or invalid before the first block.
  void EnterBlockBackward();
  // True when the index key is the block's last key, not a separator: the
  // writer (Rust's and ours) uses the last key added before the cut, which
  // is a kRangeDeletion key when a range deletion followed the block's last
  // point entry; data blocks never hold kRangeDeletion entries.
  bool IndexKeyIsLastKey() const;
  // Makes data_iter_ iterate the block index_iter_ is on. False on error.
  bool LoadBlock() const;
  // Reads the block of a deferred position and puts data_iter_ on that entry.
  bool Materialize() const;
  // After data_iter_ ran off its block: the next / previous block's edge.
  void SkipForward();
  void SkipBackward();
  bool DecodeIndex(IndexValue* iv) const;
  void SetError(Status s) const;
  void ResetForSeek();

  std::shared_ptr<const TableReader> table_;
  const bool fill_cache_;
  const bool verify_checksums_;
  BlockIter index_iter_;
  // Mutable: value() on a deferred position reads the block (the lazy read).
  mutable BlockIter data_iter_;
  mutable bool block_loaded_ = false;
  mutable uint64_t loaded_offset_ = 0;
  // Readahead: after kReadaheadAfter data blocks read back to back going
  // forward, the file is asked to prefetch (posix_fadvise WILLNEED) a window
  // starting at the block, doubling from kMinReadahead to kMaxReadahead
  // while the scan stays sequential. A seek elsewhere resets it.
  static constexpr int kReadaheadAfter = 2;
  static constexpr uint64_t kMinReadahead = 8 << 10;
  static constexpr uint64_t kMaxReadahead = 256 << 10;
  void MaybeReadahead(const BlockHandle& handle) const;
  mutable uint64_t next_sequential_offset_ = 0;  // where the next block would start
  mutable int sequential_blocks_ = 0;
  mutable uint64_t readahead_size_ = 0;
  mutable uint64_t readahead_limit_ = 0;  // prefetched up to here
  mutable State state_ = State::kInvalid;
  mutable std::string_view first_key_;  // kDeferredFirst: into the index block
  mutable Status status_;
};

}  // namespace mmdb
