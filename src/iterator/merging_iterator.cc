#include "iterator/merging_iterator.h"

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "types/internal_key.h"
#include "util/invariant.h"

namespace mmdb {

namespace {

enum class Direction : uint8_t { kForward, kReverse };

// Entries are ordered by internal key, then by child index, so that equal
// keys in two children (never produced by the engine) still have one total
// order: forward yields them in child order, reverse in the opposite order.
int CompareEntries(std::string_view key_a, uint32_t index_a, std::string_view key_b,
                   uint32_t index_b) {
  const int c = CompareInternalKey(key_a, key_b);
  if (c != 0) return c;
  return index_a < index_b ? -1 : (index_a > index_b ? 1 : 0);
}

class MergingIterator final : public SourceMergingIterator {
 public:
  explicit MergingIterator(std::vector<std::unique_ptr<InternalIterator>> children)
      : children_(std::move(children)) {
    heap_.reserve(children_.size());
  }

  bool Valid() const override { return !error_ && !heap_.empty(); }

  void SeekToFirst() override {
    for (auto& c : children_) c->SeekToFirst();
    Rebuild(Direction::kForward);
  }
  void SeekToLast() override {
    for (auto& c : children_) c->SeekToLast();
    Rebuild(Direction::kReverse);
  }
  void Seek(std::string_view target) override {
    for (auto& c : children_) c->Seek(target);
    Rebuild(Direction::kForward);
  }
  void SeekForPrev(std::string_view target) override {
    for (auto& c : children_) c->SeekForPrev(target);
    Rebuild(Direction::kReverse);
  }
  void Next() override { Step(Direction::kForward); }
  void Prev() override { Step(Direction::kReverse); }

  std::string_view key() const override {
    assert(Valid());
    return heap_[0].key;
  }

  size_t current_source() const override {
    assert(Valid());
    return heap_[0].index;
  }

  void SkipSourcesForward(size_t first, std::string_view end) override {
    if (direction_ != Direction::kForward || error_) return;
    seek_key_.clear();
    AppendInternalKey(&seek_key_, end, kMaxSequenceNumber, kValueTypeForSeek);
    bool moved = false;
    for (size_t i = first; i < children_.size(); ++i) {
      InternalIterator* c = children_[i].get();
      if (c->Valid() && ExtractUserKey(c->key()) < end) {
        c->Seek(seek_key_);
        moved = true;
      }
    }
    if (moved) Rebuild(Direction::kForward);
  }

  void SkipSourcesBackward(size_t first, std::string_view begin) override {
    if (direction_ != Direction::kReverse || error_) return;
    // The smallest internal key of `begin`: entries at or before it have a
    // smaller user key (no entry carries the maximal trailer).
    seek_key_.clear();
    AppendInternalKey(&seek_key_, begin, kMaxSequenceNumber, kValueTypeForSeek);
    bool moved = false;
    for (size_t i = first; i < children_.size(); ++i) {
      InternalIterator* c = children_[i].get();
      if (c->Valid() && ExtractUserKey(c->key()) >= begin) {
        c->SeekForPrev(seek_key_);
        if (c->Valid() && ExtractUserKey(c->key()) >= begin) c->Prev();
        moved = true;
      }
    }
    if (moved) Rebuild(Direction::kReverse);
  }
  std::string_view value() const override {
    assert(Valid());
    return heap_[0].iter->value();
  }
  Status status() const override {
    for (const auto& c : children_) {
      Status s = c->status();
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

 private:
  struct HeapItem {
    InternalIterator* iter;
    std::string_view key;  // iter->key(), refreshed whenever iter moves
    uint32_t index;        // in children_
  };

  // True when `a` belongs nearer the top of the heap than `b`.
  bool Before(const HeapItem& a, const HeapItem& b) const {
    const int c = CompareEntries(a.key, a.index, b.key, b.index);
    return direction_ == Direction::kForward ? c < 0 : c > 0;
  }

  void SiftDown(size_t i) {
    const size_t n = heap_.size();
    HeapItem item = heap_[i];
    while (true) {
      size_t best = 2 * i + 1;
      if (best >= n) break;
      if (best + 1 < n && Before(heap_[best + 1], heap_[best])) ++best;
      if (!Before(heap_[best], item)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = item;
  }

  // Rebuilds the heap from every valid child after all were repositioned.
  void Rebuild(Direction direction) {
    direction_ = direction;
    heap_.clear();
    error_ = false;
    for (size_t i = 0; i < children_.size(); ++i) {
      InternalIterator* c = children_[i].get();
      if (c->Valid()) {
        heap_.push_back(HeapItem{c, c->key(), static_cast<uint32_t>(i)});
      } else if (!c->status().ok()) {
        error_ = true;
      }
    }
    for (size_t i = heap_.size() / 2; i > 0; --i) SiftDown(i - 1);
  }

  // Positions every child but the current one just past the current entry in
  // `direction` (in the order of CompareEntries), so that the heap in that
  // direction has the current entry on top.
  void SwitchDirection(Direction direction) {
    const HeapItem cur = heap_[0];  // cur.iter does not move: cur.key stays valid
    const bool forward = direction == Direction::kForward;
    for (size_t i = 0; i < children_.size(); ++i) {
      if (i == cur.index) continue;
      InternalIterator* c = children_[i].get();
      if (forward) {
        c->Seek(cur.key);  // first entry >= cur.key
      } else {
        c->SeekForPrev(cur.key);  // last entry <= cur.key
      }
      // An equal key is on the far side only if its child comes later in
      // this direction's order.
      if (c->Valid() && CompareInternalKey(c->key(), cur.key) == 0 &&
          (forward ? i < cur.index : i > cur.index)) {
        if (forward) {
          c->Next();
        } else {
          c->Prev();
        }
      }
    }
    Rebuild(direction);
  }

  void Step(Direction direction) {
    assert(Valid());
#if MMDB_INVARIANTS_ENABLED
    const std::string prev_key(heap_[0].key);
    const uint32_t prev_index = heap_[0].index;
#endif
    if (direction != direction_) {
      SwitchDirection(direction);
      if (!Valid()) return;  // a child failed while repositioning
    }
    HeapItem& top = heap_[0];
    if (direction == Direction::kForward) {
      top.iter->Next();
    } else {
      top.iter->Prev();
    }
    if (top.iter->Valid()) {
      top.key = top.iter->key();
      SiftDown(0);
    } else {
      if (!top.iter->status().ok()) error_ = true;
      heap_[0] = heap_.back();
      heap_.pop_back();
      if (!heap_.empty()) SiftDown(0);
    }
#if MMDB_INVARIANTS_ENABLED
    if (Valid()) {
      const int c = CompareEntries(heap_[0].key, heap_[0].index, prev_key, prev_index);
      MMDB_INVARIANT(direction == Direction::kForward ? c > 0 : c < 0);
    }
#endif
  }

  std::vector<std::unique_ptr<InternalIterator>> children_;
  // The valid children; heap_[0] is the current entry.
  std::vector<HeapItem> heap_;
  Direction direction_ = Direction::kForward;
  bool error_ = false;    // a child reported a non-OK status since the last Seek*
  std::string seek_key_;  // scratch for SkipSources*
};

}  // namespace

std::unique_ptr<SourceMergingIterator> NewSourceMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children) {
  return std::make_unique<MergingIterator>(std::move(children));
}

std::unique_ptr<InternalIterator> NewMergingIterator(
    std::vector<std::unique_ptr<InternalIterator>> children) {
  std::erase(children, nullptr);
  if (children.empty()) return NewEmptyInternalIterator();
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<MergingIterator>(std::move(children));
}

}  // namespace mmdb
