// SkipList: the sorted, concurrent index under each memtable.
//
// Nodes live in an Arena and are never removed, so a node pointer stays valid
// as long as the arena. Heights are 1..kMaxHeight (12), each extra level with
// probability 1/kBranching (1/4).
//
// Thread safety: ONE writer at a time (the caller serialises Insert calls, as
// the DB's write path does); any number of readers concurrently with it and
// with each other, without locks. A writer fully builds a node (key and its
// own next pointers) before publishing it with a release store into its
// predecessors; readers load next pointers with acquire, so a reader that
// reaches a node sees it fully formed. The list height is a relaxed atomic: a
// reader seeing a stale (smaller) height only searches from a lower level; a
// reader seeing a larger one finds null links in the head (initialised null).
//
// Key is a small trivially copyable handle (the memtable uses const char*);
// Comparator is a callable object: int operator()(const Key&, const Key&).
// Owner: memtable.
#pragma once

#include <atomic>
#include <cassert>
#include <cstdint>
#include <new>
#include <type_traits>

#include "memtable/arena.h"
#include "util/invariant.h"
#include "util/random.h"

namespace mmdb {

template <typename Key, class Comparator>
class SkipList {
 private:
  struct Node;

 public:
  static constexpr int kMaxHeight = 12;
  static constexpr uint32_t kBranching = 4;

  // `arena` must outlive the list. `seed` drives the node heights.
  SkipList(Comparator cmp, Arena* arena, uint64_t seed = 0xdeadbeef);
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // Adds `key`. REQUIRES: no key comparing equal is in the list; external
  // serialisation against other Insert calls.
  void Insert(const Key& key);

  // True if a key comparing equal to `key` is in the list.
  bool Contains(const Key& key) const;

  // Checks that level 0 is strictly ascending and that every higher level is
  // a sorted sublist of the level below. Linear time; for tests and the
  // invariants build. Safe to call concurrently with the writer.
  bool CheckInvariants() const;

  // A cursor over the list. Sees every key inserted before the iterator's
  // current position was reached, maybe some inserted later.
  class Iterator {
   public:
    // The list must outlive the iterator. Initially not Valid().
    explicit Iterator(const SkipList* list) : list_(list) {}

    bool Valid() const { return node_ != nullptr; }
    // REQUIRES: Valid().
    const Key& key() const {
      assert(Valid());
      return node_->key;
    }
    // REQUIRES: Valid().
    void Next() {
      assert(Valid());
      node_ = node_->Next(0);
    }
    // REQUIRES: Valid(). Walks from the head (no back links): O(log n).
    void Prev() {
      assert(Valid());
      node_ = list_->FindLessThan(node_->key);
      if (node_ == list_->head_) node_ = nullptr;
    }
    // First key >= target.
    void Seek(const Key& target) { node_ = list_->FindGreaterOrEqual(target, nullptr); }
    // Last key <= target.
    void SeekForPrev(const Key& target) {
      Seek(target);
      if (!Valid()) {
        SeekToLast();
      } else if (list_->compare_(node_->key, target) > 0) {
        Prev();
      }
    }
    void SeekToFirst() { node_ = list_->head_->Next(0); }
    void SeekToLast() {
      node_ = list_->FindLast();
      if (node_ == list_->head_) node_ = nullptr;
    }

   private:
    const SkipList* list_;
    Node* node_ = nullptr;
  };

 private:
  // A node is followed in its arena allocation by `height` next pointers
  // (links()[0] is level 0).
  struct alignas(alignof(std::atomic<Node*>)) Node {
    explicit Node(const Key& k) : key(k) {}
    const Key key;

    std::atomic<Node*>* links() { return reinterpret_cast<std::atomic<Node*>*>(this + 1); }
    // Acquire: pairs with the release in SetNext, so the node read is built.
    Node* Next(int level) {
      assert(level >= 0);
      return links()[level].load(std::memory_order_acquire);
    }
    // Release: publishes everything written to the node before.
    void SetNext(int level, Node* x) { links()[level].store(x, std::memory_order_release); }
    // Relaxed, for the writer's own reads and for links not yet published.
    Node* NextRelaxed(int level) { return links()[level].load(std::memory_order_relaxed); }
    void SetNextRelaxed(int level, Node* x) { links()[level].store(x, std::memory_order_relaxed); }
  };
  static_assert(sizeof(Node) % alignof(std::atomic<Node*>) == 0);
  static_assert(std::is_trivially_copyable_v<Key>, "Key must be a small handle");

  Node* NewNode(const Key& key, int height);
  int RandomHeight();
  int max_height() const { return max_height_.load(std::memory_order_relaxed); }
  bool KeyIsAfterNode(const Key& key, Node* n) const {
    return n != nullptr && compare_(n->key, key) < 0;
  }
  // First node >= key, or null. When prev is non-null, fills prev[level] with
  // the last node < key at every level below max_height().
  Node* FindGreaterOrEqual(const Key& key, Node** prev) const;
  // Last node < key, or head_.
  Node* FindLessThan(const Key& key) const;
  // Last node, or head_ when empty.
  Node* FindLast() const;

  Comparator const compare_;
  Arena* const arena_;
  Node* const head_;
  // Highest level in use; written only by the writer (relaxed, see top).
  std::atomic<int> max_height_{1};
  Random rnd_;  // writer only
  // Writer only: the predecessor at every level of a key inserted just after
  // the last one (all head_ while the list is empty). Insert uses it when the
  // new key fits there (SpliceFits), else searches from the head.
  Node* splice_[kMaxHeight];
  bool SpliceFits(const Key& key) const;
};

template <typename Key, class Comparator>
SkipList<Key, Comparator>::SkipList(Comparator cmp, Arena* arena, uint64_t seed)
    : compare_(cmp), arena_(arena), head_(NewNode(Key{}, kMaxHeight)), rnd_(seed) {
  for (int i = 0; i < kMaxHeight; ++i) head_->SetNextRelaxed(i, nullptr);
  for (int i = 0; i < kMaxHeight; ++i) splice_[i] = head_;
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::NewNode(const Key& key,
                                                                             int height) {
  const size_t bytes = sizeof(Node) + sizeof(std::atomic<Node*>) * static_cast<size_t>(height);
  char* mem = arena_->AllocateAligned(bytes);
  Node* node = new (mem) Node(key);
  for (int i = 0; i < height; ++i) new (&node->links()[i]) std::atomic<Node*>(nullptr);
  return node;
}

template <typename Key, class Comparator>
int SkipList<Key, Comparator>::RandomHeight() {
  int height = 1;
  while (height < kMaxHeight && rnd_.OneIn(kBranching)) ++height;
  return height;
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindGreaterOrEqual(
    const Key& key, Node** prev) const {
  Node* x = head_;
  int level = max_height() - 1;
  // The node that stopped the walk one level up: key <= its key, so meeting
  // it again below needs no comparison.
  Node* last_bigger = nullptr;
  while (true) {
    Node* next = x->Next(level);
    if (next != last_bigger && KeyIsAfterNode(key, next)) {
      x = next;
      continue;
    }
    if (prev != nullptr) prev[level] = x;
    if (level == 0) return next;
    last_bigger = next;
    --level;
  }
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindLessThan(
    const Key& key) const {
  Node* x = head_;
  int level = max_height() - 1;
  while (true) {
    Node* next = x->Next(level);
    if (next != nullptr && compare_(next->key, key) < 0) {
      x = next;
    } else if (level == 0) {
      return x;
    } else {
      --level;
    }
  }
}

template <typename Key, class Comparator>
typename SkipList<Key, Comparator>::Node* SkipList<Key, Comparator>::FindLast() const {
  Node* x = head_;
  int level = max_height() - 1;
  while (true) {
    Node* next = x->Next(level);
    if (next != nullptr) {
      x = next;
    } else if (level == 0) {
      return x;
    } else {
      --level;
    }
  }
}

template <typename Key, class Comparator>
bool SkipList<Key, Comparator>::SpliceFits(const Key& key) const {
  // Level 0 decides: if the key falls between splice_[0] and its successor,
  // no node lies between them at any level, and every splice_[i] precedes
  // splice_[0] (or is the head), so the whole splice is the key's.
  Node* const before = splice_[0];
  if (before != head_ && compare_(before->key, key) >= 0) return false;
  Node* const after = before->NextRelaxed(0);
  return after == nullptr || compare_(key, after->key) < 0;
}

template <typename Key, class Comparator>
void SkipList<Key, Comparator>::Insert(const Key& key) {
  Node* prev[kMaxHeight];
  if (SpliceFits(key)) {
    // Ascending inserts (sequential keys, a sorted batch) land right after
    // the previous one: no search from the head.
    for (int i = 0; i < kMaxHeight; ++i) prev[i] = splice_[i];
  } else {
    Node* found = FindGreaterOrEqual(key, prev);
    assert(found == nullptr || compare_(key, found->key) != 0);
    (void)found;
    for (int i = max_height(); i < kMaxHeight; ++i) prev[i] = head_;
  }

  const int height = RandomHeight();
  const int old_height = max_height();
  if (height > old_height) {
    for (int i = old_height; i < height; ++i) prev[i] = head_;
    // Readers that see the new height before the node find null head links
    // there and simply drop a level.
    max_height_.store(height, std::memory_order_relaxed);
  }

  Node* node = NewNode(key, height);
  for (int i = 0; i < height; ++i) {
    // The node is not reachable yet: a relaxed store suffices for its links.
    node->SetNextRelaxed(i, prev[i]->NextRelaxed(i));
    // Publishing: release, so readers see the key and links set above.
    prev[i]->SetNext(i, node);
  }
  MMDB_INVARIANT(prev[0] == head_ || compare_(prev[0]->key, key) < 0);
  // The splice of a key just after this one: the new node where it stands,
  // this key's predecessors above its height.
  for (int i = 0; i < height; ++i) splice_[i] = node;
  for (int i = height; i < kMaxHeight; ++i) splice_[i] = prev[i];
}

template <typename Key, class Comparator>
bool SkipList<Key, Comparator>::Contains(const Key& key) const {
  Node* x = FindGreaterOrEqual(key, nullptr);
  return x != nullptr && compare_(key, x->key) == 0;
}

template <typename Key, class Comparator>
bool SkipList<Key, Comparator>::CheckInvariants() const {
  const int height = max_height();
  for (int level = 0; level < height; ++level) {
    Node* below = head_->Next(0);  // walks level 0 alongside, for the sublist check
    for (Node* x = head_->Next(level); x != nullptr; x = x->Next(level)) {
      Node* next = x->Next(level);
      if (next != nullptr && compare_(x->key, next->key) >= 0) return false;
      if (level > 0) {
        while (below != nullptr && below != x && compare_(below->key, x->key) < 0) {
          below = below->Next(0);
        }
        if (below != x) {
          // `below` may predate x's insertion (a concurrent writer linked x
          // before it). x is linked on level 0 before any higher level, so a
          // fresh search from the head must find it.
          below = head_->Next(0);
          while (below != nullptr && compare_(below->key, x->key) < 0) below = below->Next(0);
          if (below != x) return false;  // not on level 0
        }
      }
    }
  }
  return true;
}

}  // namespace mmdb
