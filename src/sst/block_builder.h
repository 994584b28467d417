// BlockBuilder: encodes one LevelDB-layout block (data, index, metaindex and
// range-deletion blocks all use it); byte layout at the top of
// block_builder.cc. Keys are stored whole; their order is the caller's
// business (the table builder checks it).
//
// Owner: sst. Thread safety: one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mmdb {

class BlockBuilder {
 public:
  // REQUIRES: restart_interval >= 1 (smaller values are treated as 1).
  explicit BlockBuilder(int restart_interval);
  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  // Appends an entry. REQUIRES: Finish() not called since the last Reset();
  // key and value sizes fit in u32.
  void Add(std::string_view key, std::string_view value);

  // Appends the restart array and its count; returns the finished block,
  // valid until Reset() or destruction. A block without entries still has
  // one restart (at 0).
  std::string_view Finish();

  // Clears the builder for a new block.
  void Reset();

  // Size of the block if Finish() were called now.
  size_t EstimatedSize() const { return buffer_.size() + restarts_.size() * 4 + 4; }
  bool empty() const { return buffer_.empty(); }
  // The key passed to the last Add(), empty after Reset().
  std::string_view last_key() const { return last_key_; }

 private:
  const int restart_interval_;
  std::string buffer_;
  std::vector<uint32_t> restarts_;
  int counter_ = 0;  // entries since the last restart point
  bool finished_ = false;
  std::string last_key_;
};

}  // namespace mmdb
