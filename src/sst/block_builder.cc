// Block layout (LevelDB's, FORMAT.md "Data block"):
//
//   block   := entry* restart* num_restarts
//   entry   := shared (varint32) ‖ unshared (varint32) ‖ value_len (varint32)
//              ‖ key[shared..] (unshared bytes) ‖ value (value_len bytes)
//   restart := u32 LE offset of an entry stored with shared = 0
//   num_restarts := u32 LE, >= 1 (an empty block holds the single restart 0)
//
// `shared` is the length of the prefix this key has in common with the
// previous key; every `restart_interval` entries an entry starts over with
// shared = 0 and its offset is added to the restart array, so a reader can
// binary-search the restart points and decode forward from one.
//
// Example, interval 16, entries ("ab"→"1", "ac"→"2"):
//   00 02 01 'a' 'b' '1'   01 01 01 'c' '2'   00 00 00 00   01 00 00 00
#include "sst/block_builder.h"

#include <algorithm>
#include <cassert>

#include "util/coding.h"

namespace mmdb {

BlockBuilder::BlockBuilder(int restart_interval)
    : restart_interval_(std::max(restart_interval, 1)) {
  restarts_.push_back(0);
}

void BlockBuilder::Reset() {
  buffer_.clear();
  restarts_.clear();
  restarts_.push_back(0);
  counter_ = 0;
  finished_ = false;
  last_key_.clear();
}

void BlockBuilder::Add(std::string_view key, std::string_view value) {
  assert(!finished_);
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    const size_t limit = std::min(key.size(), last_key_.size());
    while (shared < limit && last_key_[shared] == key[shared]) ++shared;
  } else {
    restarts_.push_back(static_cast<uint32_t>(buffer_.size()));
    counter_ = 0;
  }
  const size_t unshared = key.size() - shared;
  PutVarint32(&buffer_, static_cast<uint32_t>(shared));
  PutVarint32(&buffer_, static_cast<uint32_t>(unshared));
  PutVarint32(&buffer_, static_cast<uint32_t>(value.size()));
  buffer_.append(key.data() + shared, unshared);
  buffer_.append(value.data(), value.size());
  last_key_.resize(shared);
  last_key_.append(key.data() + shared, unshared);
  ++counter_;
}

std::string_view BlockBuilder::Finish() {
  if (!finished_) {
    for (uint32_t r : restarts_) PutFixed32(&buffer_, r);
    PutFixed32(&buffer_, static_cast<uint32_t>(restarts_.size()));
    finished_ = true;
  }
  return buffer_;
}

}  // namespace mmdb
