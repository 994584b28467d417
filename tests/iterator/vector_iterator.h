// test::VectorIterator: an InternalIterator over a sorted vector of
// (internal key, value) pairs, for testing iterators that consume others.
// It can be told to fail: every move (Seek* included) after the first
// `fail_after_moves` leaves it invalid with an IOError.
// Thread safety: one thread at a time.
#pragma once

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>
#include <vector>

#include "types/internal_iterator.h"
#include "types/internal_key.h"

namespace mmdb::test {

class VectorIterator final : public InternalIterator {
 public:
  using Entry = std::pair<std::string, std::string>;

  // REQUIRES: `entries` sorted by CompareInternalKey.
  explicit VectorIterator(std::vector<Entry> entries, int fail_after_moves = -1)
      : entries_(std::move(entries)), fail_after_moves_(fail_after_moves) {}

  bool Valid() const override { return status_.ok() && pos_ < entries_.size(); }
  void SeekToFirst() override { Positioned(0); }
  void SeekToLast() override { Positioned(entries_.empty() ? kInvalid : entries_.size() - 1); }
  void Seek(std::string_view target) override { Positioned(LowerBound(target)); }
  void SeekForPrev(std::string_view target) override {
    size_t i = LowerBound(target);
    if (i < entries_.size() && CompareInternalKey(entries_[i].first, target) == 0) {
      Positioned(i);
    } else {
      Positioned(i == 0 ? kInvalid : i - 1);
    }
  }
  void Next() override {
    assert(Valid());
    Moved(pos_ + 1);
  }
  void Prev() override {
    assert(Valid());
    Moved(pos_ == 0 ? kInvalid : pos_ - 1);
  }
  std::string_view key() const override {
    assert(Valid());
    return entries_[pos_].first;
  }
  std::string_view value() const override {
    assert(Valid());
    return entries_[pos_].second;
  }
  Status status() const override { return status_; }

  int moves() const { return moves_; }

 private:
  static constexpr size_t kInvalid = static_cast<size_t>(-1);

  size_t LowerBound(std::string_view target) const {
    auto it = std::lower_bound(
        entries_.begin(), entries_.end(), target,
        [](const Entry& e, std::string_view t) { return CompareInternalKey(e.first, t) < 0; });
    return static_cast<size_t>(it - entries_.begin());
  }
  void Positioned(size_t pos) {
    status_ = Status::OK();
    Moved(pos);
  }
  void Moved(size_t pos) {
    pos_ = pos >= entries_.size() ? kInvalid : pos;
    if (fail_after_moves_ >= 0 && moves_++ >= fail_after_moves_) {
      status_ = Status::IOError("injected VectorIterator failure");
    }
  }

  std::vector<Entry> entries_;
  size_t pos_ = kInvalid;
  Status status_;
  int fail_after_moves_;
  int moves_ = 0;
};

}  // namespace mmdb::test
