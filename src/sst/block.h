// Block: a parsed, immutable LevelDB-layout block (see block_builder.cc for
// the bytes) over shared bytes, so a block-cache entry (or a block of a
// memory-mapped file) is iterated without a copy; BlockIter: its
// InternalIterator.
//
// Parse() validates the restart array, and the iterator checks every entry
// against the block's bounds: malformed bytes give Corruption, never an
// out-of-bounds read.
//
// Owner: sst. Thread safety: a Block is immutable and may be shared by any
// number of threads; a BlockIter belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <mmdb/status.h>

#include "types/internal_iterator.h"
#include "util/result.h"

namespace mmdb {

// How a block's keys are ordered.
enum class BlockKeyOrder : uint8_t {
  kInternalKey = 0,  // CompareInternalKey: data, index and range-deletion blocks
  kBytewise = 1,     // plain memcmp order: the metaindex block
};

int CompareKeys(BlockKeyOrder order, std::string_view a, std::string_view b);

class Block {
 public:
  // Validates the trailer of the block bytes (restart count >= 1, the
  // restart array inside the block, offsets non-decreasing and inside the
  // entry area). Corruption otherwise. REQUIRES: contents != nullptr.
  static Result<Block> Parse(std::shared_ptr<const std::string> contents);
  // The same over `data`, which `owner` keeps alive (e.g. a view into a
  // memory-mapped file, owned by its table reader).
  static Result<Block> Parse(std::string_view data, std::shared_ptr<const void> owner);

  size_t size() const { return data_.size(); }
  uint32_t num_restarts() const { return num_restarts_; }
  std::string_view data() const { return data_; }
  // Keeps data() alive; iterators and Get results share it.
  const std::shared_ptr<const void>& owner() const { return owner_; }

 private:
  friend class BlockIter;
  Block(std::string_view data, std::shared_ptr<const void> owner, uint32_t restart_offset,
        uint32_t num_restarts)
      : data_(data),
        owner_(std::move(owner)),
        restart_offset_(restart_offset),
        num_restarts_(num_restarts) {}

  std::string_view data_;
  std::shared_ptr<const void> owner_;
  uint32_t restart_offset_;  // where the restart array starts = end of entries
  uint32_t num_restarts_;
};

// Iterator over one block. It holds a reference to the block's bytes, so it
// stays usable after the Block (or the cache entry) is dropped. key() and
// value() stay valid until the next move; value() points into the block.
class BlockIter final : public InternalIterator {
 public:
  // An iterator over nothing (Valid() is false) until Init().
  BlockIter() = default;
  BlockIter(const Block& block, BlockKeyOrder order) { Init(block, order); }

  // Points the iterator at `block`, unpositioned.
  void Init(const Block& block, BlockKeyOrder order);
  // Drops the block reference; the iterator becomes empty.
  void Clear();

  bool Valid() const override { return current_ < restart_offset_; }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  void SeekForPrev(std::string_view target) override;
  // Next/Prev on an invalid iterator do nothing.
  void Next() override;
  void Prev() override;
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  Status status() const override { return status_; }

 private:
  uint32_t RestartPoint(uint32_t index) const;
  void SeekToRestartPoint(uint32_t index);
  uint32_t NextEntryOffset() const {
    return static_cast<uint32_t>(value_.data() + value_.size() - data_);
  }
  // Decodes the entry at NextEntryOffset(). False at the end or on corruption.
  bool ParseNextKey();
  void MarkInvalid();
  void CorruptionError(std::string_view what);

  std::shared_ptr<const void> owner_;  // keeps data_ alive
  const char* data_ = nullptr;
  BlockKeyOrder order_ = BlockKeyOrder::kInternalKey;
  uint32_t restart_offset_ = 0;
  uint32_t num_restarts_ = 0;
  uint32_t current_ = 0;  // offset of the current entry; >= restart_offset_ when invalid
  uint32_t restart_index_ = 0;
  std::string key_;
  std::string_view value_;
  Status status_;

  // Prev cache: a backward step must re-decode its restart interval from the
  // start (keys are prefix-compressed), so the entries decoded on the way are
  // kept and the following Prev calls inside the same interval take them
  // from here: O(1) per step instead of O(restart interval).
  struct PrevEntry {
    uint32_t offset;      // of the entry in the block
    uint32_t key_offset;  // of its full key in prev_keys_
    uint32_t key_size;
    std::string_view value;
  };
  std::vector<PrevEntry> prev_entries_;
  std::string prev_keys_;
  size_t prev_pos_ = 0;      // index of the current entry in prev_entries_
  bool prev_valid_ = false;  // prev_entries_ belongs to this block
};

}  // namespace mmdb
