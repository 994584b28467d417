#include "sst/table_iterator.h"

#include <algorithm>

#include "sst/table_reader.h"
#include "types/internal_key.h"

namespace mmdb {

TableIterator::TableIterator(std::shared_ptr<const TableReader> table, bool fill_cache,
                             bool verify_checksums)
    : table_(std::move(table)), fill_cache_(fill_cache), verify_checksums_(verify_checksums) {
  index_iter_.Init(table_->index_block(), BlockKeyOrder::kInternalKey);
}

void TableIterator::SetError(Status s) const {
  if (status_.ok()) status_ = std::move(s);
  state_ = State::kInvalid;
}

void TableIterator::ResetForSeek() {
  status_ = Status::OK();
  state_ = State::kInvalid;
}

bool TableIterator::DecodeIndex(IndexValue* iv) const {
  if (DecodeIndexValue(index_iter_.value(), iv)) return true;
  SetError(Status::Corruption(table_->file_name() + ": bad index entry for " +
                              InternalKeyDebugString(index_iter_.key())));
  return false;
}

bool TableIterator::LoadBlock() const {
  IndexValue iv;
  if (!DecodeIndex(&iv)) return false;
  if (block_loaded_ && loaded_offset_ == iv.handle.offset) return true;
  block_loaded_ = false;
  MaybeReadahead(iv.handle);
  Result<Block> block = table_->ReadDataBlock(iv.handle, fill_cache_, verify_checksums_);
  if (!block.ok()) {
    data_iter_.Clear();
    SetError(block.status());
    return false;
  }
  data_iter_.Init(*block, BlockKeyOrder::kInternalKey);
  block_loaded_ = true;
  loaded_offset_ = iv.handle.offset;
  return true;
}

void TableIterator::MaybeReadahead(const BlockHandle& handle) const {
  if (handle.offset == next_sequential_offset_) {
    ++sequential_blocks_;
  } else {
    sequential_blocks_ = 0;
    readahead_size_ = 0;
    readahead_limit_ = 0;
  }
  next_sequential_offset_ = handle.offset + handle.size + kBlockTrailerSize;
  if (sequential_blocks_ < kReadaheadAfter) return;
  if (next_sequential_offset_ <= readahead_limit_) return;  // already asked for
  readahead_size_ =
      readahead_size_ == 0 ? kMinReadahead : std::min(readahead_size_ * 2, kMaxReadahead);
  table_->Prefetch(handle.offset, readahead_size_);
  readahead_limit_ = handle.offset + readahead_size_;
}

namespace {
std::string BlockContext(const TableReader& t, const IndexValue& iv) {
  return t.file_name() + ": data block at offset " + std::to_string(iv.handle.offset);
}
}  // namespace

bool TableIterator::Materialize() const {
  const bool first = state_ == State::kDeferredFirst;
  // The key the index promised, to check the block against it.
  const std::string_view expected = first ? first_key_ : index_iter_.key();
  if (!LoadBlock()) return false;
  if (first) {
    data_iter_.SeekToFirst();
  } else {
    data_iter_.SeekToLast();
  }
  IndexValue iv;
  (void)DecodeIndexValue(index_iter_.value(), &iv);  // LoadBlock decoded it already
  if (!data_iter_.Valid()) {
    Status s = data_iter_.status();
    if (s.ok()) s = Status::Corruption("empty block listed in the index");
    SetError(s.WithContext(BlockContext(*table_, iv)));
    return false;
  }
  if (data_iter_.key() != expected) {
    SetError(Status::Corruption(BlockContext(*table_, iv) + ": " + (first ? "first" : "last") +
                                " key " + InternalKeyDebugString(data_iter_.key()) +
                                " differs from the index's " + InternalKeyDebugString(expected)));
    return false;
  }
  state_ = State::kInBlock;
  return true;
}

void TableIterator::EnterBlockForward() {
  // Loops only over blocks that turn out empty (possible in files whose
  // index has no first keys).
  while (true) {
    if (!index_iter_.Valid()) {
      if (!index_iter_.status().ok()) {
        SetError(index_iter_.status().WithContext(table_->file_name() + ": index block"));
      }
      state_ = State::kInvalid;
      return;
    }
    IndexValue iv;
    if (!DecodeIndex(&iv)) return;
    if (!iv.first_key.empty()) {
      first_key_ = iv.first_key;
      state_ = State::kDeferredFirst;
      return;
    }
    if (!LoadBlock()) return;
    data_iter_.SeekToFirst();
    state_ = State::kInBlock;
    if (data_iter_.Valid()) return;
    if (!data_iter_.status().ok()) {
      SetError(data_iter_.status().WithContext(BlockContext(*table_, iv)));
      return;
    }
    index_iter_.Next();
  }
}

bool TableIterator::IndexKeyIsLastKey() const {
  const std::string_view k = index_iter_.key();
  return k.size() >= kTrailerSize && ExtractValueType(k) != ValueType::kRangeDeletion;
}

void TableIterator::EnterBlockBackward() {
  // Loops only over blocks that turn out empty.
  while (true) {
    if (!index_iter_.Valid()) {
      if (!index_iter_.status().ok()) {
        SetError(index_iter_.status().WithContext(table_->file_name() + ": index block"));
      }
      state_ = State::kInvalid;
      return;
    }
    if (IndexKeyIsLastKey()) {
      state_ = State::kDeferredLast;
      return;
    }
    // A separator (a range-deletion key the writer added after the block's
    // last entry): the block has to be read to know its last key.
    if (!LoadBlock()) return;
    data_iter_.SeekToLast();
    state_ = State::kInBlock;
    if (data_iter_.Valid()) return;
    if (!data_iter_.status().ok()) {
      IndexValue iv;
      (void)DecodeIndexValue(index_iter_.value(), &iv);
      SetError(data_iter_.status().WithContext(BlockContext(*table_, iv)));
      return;
    }
    index_iter_.Prev();
  }
}

void TableIterator::SkipForward() {
  if (state_ != State::kInBlock || data_iter_.Valid()) return;
  if (!data_iter_.status().ok()) {
    IndexValue iv;
    (void)DecodeIndexValue(index_iter_.value(), &iv);
    SetError(data_iter_.status().WithContext(BlockContext(*table_, iv)));
    return;
  }
  index_iter_.Next();
  EnterBlockForward();
}

void TableIterator::SkipBackward() {
  if (state_ == State::kInBlock && !data_iter_.Valid()) {
    if (!data_iter_.status().ok()) {
      IndexValue iv;
      (void)DecodeIndexValue(index_iter_.value(), &iv);
      SetError(data_iter_.status().WithContext(BlockContext(*table_, iv)));
      return;
    }
    index_iter_.Prev();
    EnterBlockBackward();
  }
}

void TableIterator::SeekToFirst() {
  ResetForSeek();
  index_iter_.SeekToFirst();
  EnterBlockForward();
}

void TableIterator::SeekToLast() {
  ResetForSeek();
  index_iter_.SeekToLast();
  EnterBlockBackward();
}

void TableIterator::Seek(std::string_view target) {
  ResetForSeek();
  index_iter_.Seek(target);  // the first block whose last key >= target
  if (!index_iter_.Valid()) {
    EnterBlockForward();
    return;
  }
  IndexValue iv;
  if (!DecodeIndex(&iv)) return;
  if (!iv.first_key.empty() && CompareInternalKey(target, iv.first_key) <= 0) {
    first_key_ = iv.first_key;
    state_ = State::kDeferredFirst;
    return;
  }
  if (!LoadBlock()) return;
  data_iter_.Seek(target);
  state_ = State::kInBlock;
  if (!data_iter_.Valid()) SkipForward();
}

void TableIterator::SeekForPrev(std::string_view target) {
  ResetForSeek();
  index_iter_.Seek(target);
  if (!index_iter_.Valid()) {
    if (!index_iter_.status().ok()) {
      EnterBlockForward();  // reports the index error
      return;
    }
    index_iter_.SeekToLast();  // every key is < target: the file's last entry
    EnterBlockBackward();
    return;
  }
  if (IndexKeyIsLastKey() && CompareInternalKey(index_iter_.key(), target) == 0) {
    state_ = State::kDeferredLast;
    return;
  }
  IndexValue iv;
  if (!DecodeIndex(&iv)) return;
  if (!iv.first_key.empty() && CompareInternalKey(iv.first_key, target) > 0) {
    index_iter_.Prev();  // the whole block is > target: the previous block's last entry
    EnterBlockBackward();
    return;
  }
  if (!LoadBlock()) return;
  data_iter_.SeekForPrev(target);
  state_ = State::kInBlock;
  if (!data_iter_.Valid()) SkipBackward();
}

void TableIterator::Next() {
  switch (state_) {
    case State::kInvalid:
      return;
    case State::kDeferredFirst:
      if (!Materialize()) return;
      break;
    case State::kDeferredLast:
      index_iter_.Next();
      EnterBlockForward();
      return;
    case State::kInBlock:
      break;
  }
  data_iter_.Next();
  if (!data_iter_.Valid()) SkipForward();
}

void TableIterator::Prev() {
  switch (state_) {
    case State::kInvalid:
      return;
    case State::kDeferredFirst:
      index_iter_.Prev();
      EnterBlockBackward();
      return;
    case State::kDeferredLast:
      if (!Materialize()) return;
      break;
    case State::kInBlock:
      break;
  }
  data_iter_.Prev();
  if (!data_iter_.Valid()) SkipBackward();
}

std::string_view TableIterator::key() const {
  switch (state_) {
    case State::kDeferredFirst:
      return first_key_;
    case State::kDeferredLast:
      return index_iter_.key();
    case State::kInBlock:
      return data_iter_.key();
    case State::kInvalid:
      break;
  }
  return {};
}

std::string_view TableIterator::value() const {
  if (state_ == State::kDeferredFirst || state_ == State::kDeferredLast) {
    if (!Materialize()) return {};
  }
  return state_ == State::kInBlock ? data_iter_.value() : std::string_view();
}

}  // namespace mmdb
