#include "sst/block.h"

#include "types/internal_key.h"
#include "util/coding.h"

namespace mmdb {

int CompareKeys(BlockKeyOrder order, std::string_view a, std::string_view b) {
  return order == BlockKeyOrder::kInternalKey ? CompareInternalKey(a, b) : a.compare(b);
}

Result<Block> Block::Parse(std::shared_ptr<const std::string> contents) {
  const std::string_view data = *contents;
  return Parse(data, std::move(contents));
}

Result<Block> Block::Parse(std::string_view d, std::shared_ptr<const void> owner) {
  if (d.size() < 4) {
    return Status::Corruption("block of " + std::to_string(d.size()) +
                              " bytes is too short for a restart count");
  }
  if (d.size() > UINT32_MAX) return Status::Corruption("block larger than 4 GiB");
  const uint32_t num_restarts = DecodeFixed32(d.data() + d.size() - 4);
  const uint64_t max_restarts = (d.size() - 4) / 4;
  if (num_restarts == 0 || num_restarts > max_restarts) {
    return Status::Corruption("block restart count " + std::to_string(num_restarts) +
                              " invalid for a block of " + std::to_string(d.size()) + " bytes");
  }
  const uint32_t restart_offset = static_cast<uint32_t>(d.size() - 4 - 4ull * num_restarts);
  uint32_t prev = 0;
  for (uint32_t i = 0; i < num_restarts; ++i) {
    const uint32_t r = DecodeFixed32(d.data() + restart_offset + 4ull * i);
    if (r > restart_offset || r < prev) {
      return Status::Corruption("block restart point " + std::to_string(i) + " (offset " +
                                std::to_string(r) + ") out of order or out of bounds");
    }
    prev = r;
  }
  return Block(d, std::move(owner), restart_offset, num_restarts);
}

void BlockIter::Init(const Block& block, BlockKeyOrder order) {
  owner_ = block.owner_;
  data_ = block.data_.data();
  order_ = order;
  restart_offset_ = block.restart_offset_;
  num_restarts_ = block.num_restarts_;
  status_ = Status::OK();
  prev_valid_ = false;
  MarkInvalid();
}

void BlockIter::Clear() {
  owner_.reset();
  data_ = nullptr;
  restart_offset_ = 0;
  num_restarts_ = 0;
  current_ = 0;
  restart_index_ = 0;
  key_.clear();
  value_ = {};
  status_ = Status::OK();
  prev_valid_ = false;
}

uint32_t BlockIter::RestartPoint(uint32_t index) const {
  return DecodeFixed32(data_ + restart_offset_ + 4ull * index);
}

void BlockIter::MarkInvalid() {
  current_ = restart_offset_;
  restart_index_ = num_restarts_;
  key_.clear();
  value_ = std::string_view(data_ + restart_offset_, 0);
}

void BlockIter::CorruptionError(std::string_view what) {
  status_ = Status::Corruption(std::string(what));
  MarkInvalid();
}

void BlockIter::SeekToRestartPoint(uint32_t index) {
  key_.clear();
  restart_index_ = index;
  // ParseNextKey() starts at the end of value_: make that the restart point.
  value_ = std::string_view(data_ + RestartPoint(index), 0);
}

namespace {

// Decodes an entry header at [p, limit). Returns the start of the key bytes,
// or nullptr when the header or the bytes it announces do not fit.
const char* DecodeEntry(const char* p, const char* limit, uint32_t* shared, uint32_t* non_shared,
                        uint32_t* value_length) {
  if ((p = GetVarint32Ptr(p, limit, shared)) == nullptr) return nullptr;
  if ((p = GetVarint32Ptr(p, limit, non_shared)) == nullptr) return nullptr;
  if ((p = GetVarint32Ptr(p, limit, value_length)) == nullptr) return nullptr;
  if (static_cast<uint64_t>(limit - p) < static_cast<uint64_t>(*non_shared) + *value_length) {
    return nullptr;
  }
  return p;
}

}  // namespace

bool BlockIter::ParseNextKey() {
  current_ = NextEntryOffset();
  const char* p = data_ + current_;
  const char* limit = data_ + restart_offset_;
  if (p >= limit) {
    MarkInvalid();
    return false;
  }
  uint32_t shared, non_shared, value_length;
  p = DecodeEntry(p, limit, &shared, &non_shared, &value_length);
  if (p == nullptr || key_.size() < shared) {
    CorruptionError("bad entry in block at offset " + std::to_string(current_));
    return false;
  }
  key_.resize(shared);
  key_.append(p, non_shared);
  value_ = std::string_view(p + non_shared, value_length);
  while (restart_index_ + 1 < num_restarts_ && RestartPoint(restart_index_ + 1) < current_) {
    ++restart_index_;
  }
  return true;
}

void BlockIter::SeekToFirst() {
  if (data_ == nullptr) return;
  status_ = Status::OK();
  SeekToRestartPoint(0);
  ParseNextKey();
}

void BlockIter::SeekToLast() {
  if (data_ == nullptr) return;
  status_ = Status::OK();
  SeekToRestartPoint(num_restarts_ - 1);
  while (ParseNextKey() && NextEntryOffset() < restart_offset_) {
  }
}

void BlockIter::Seek(std::string_view target) {
  if (data_ == nullptr) return;
  status_ = Status::OK();
  // Binary search for the last restart point whose key is < target.
  uint32_t left = 0;
  uint32_t right = num_restarts_ - 1;
  const char* limit = data_ + restart_offset_;
  while (left < right) {
    const uint32_t mid = left + (right - left + 1) / 2;
    const uint32_t region = RestartPoint(mid);
    uint32_t shared, non_shared, value_length;
    const char* key_ptr = DecodeEntry(data_ + region, limit, &shared, &non_shared, &value_length);
    if (key_ptr == nullptr || shared != 0) {
      CorruptionError("bad restart entry in block at offset " + std::to_string(region));
      return;
    }
    if (CompareKeys(order_, std::string_view(key_ptr, non_shared), target) < 0) {
      left = mid;
    } else {
      right = mid - 1;
    }
  }
  SeekToRestartPoint(left);
  while (ParseNextKey()) {
    if (CompareKeys(order_, key_, target) >= 0) return;
  }
}

void BlockIter::SeekForPrev(std::string_view target) {
  if (data_ == nullptr) return;
  Seek(target);
  if (!status_.ok()) return;
  if (!Valid()) {
    SeekToLast();
    return;
  }
  while (Valid() && CompareKeys(order_, key_, target) > 0) Prev();
}

void BlockIter::Next() {
  if (!Valid()) return;
  ParseNextKey();
}

void BlockIter::Prev() {
  if (!Valid()) return;
  const uint32_t original = current_;
  // Inside an interval decoded by an earlier Prev: step back in the cache.
  if (prev_valid_ && prev_pos_ > 0 && prev_pos_ < prev_entries_.size() &&
      prev_entries_[prev_pos_].offset == original) {
    const PrevEntry& e = prev_entries_[--prev_pos_];
    current_ = e.offset;
    key_.assign(prev_keys_, e.key_offset, e.key_size);
    value_ = e.value;
    return;
  }
  // Back up to a restart point before the current entry, then scan forward,
  // keeping what is decoded.
  while (RestartPoint(restart_index_) >= original) {
    if (restart_index_ == 0) {
      MarkInvalid();
      return;
    }
    --restart_index_;
  }
  const uint32_t interval = restart_index_;
  SeekToRestartPoint(interval);
  prev_valid_ = false;
  prev_entries_.clear();
  prev_keys_.clear();
  do {
    if (!ParseNextKey()) return;
    prev_entries_.push_back(PrevEntry{current_, static_cast<uint32_t>(prev_keys_.size()),
                                      static_cast<uint32_t>(key_.size()), value_});
    prev_keys_.append(key_);
  } while (NextEntryOffset() < original);
  // Only a corrupt block can make the scan step over `original`.
  if (current_ >= original) {
    CorruptionError("inconsistent restart points in block");
    return;
  }
  // ParseNextKey may have advanced restart_index_ past the interval when
  // the scan crossed it; every cached entry lies in [interval, original).
  prev_pos_ = prev_entries_.size() - 1;
  prev_valid_ = true;
}

}  // namespace mmdb
