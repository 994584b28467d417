// MemTable: the in-memory, sorted buffer of recent writes.
//
// Entries live in an Arena as
//   varint32 internal_key_len ‖ internal_key ‖ varint32 value_len ‖ value
// ordered by CompareInternalKey (user key ascending, then sequence
// descending). Point entries (kValue, kDeletion) and range tombstones
// (kRangeDeletion: user key = begin, value = end) are kept in two separate
// skiplists, so point lookups and point iteration never step over tombstones;
// the caller applies tombstones (src/iterator/range_tombstones.h).
//
// Lifetime: held by std::shared_ptr<MemTable>. Iterators made from a
// shared-owned memtable hold a reference to it, so their views (key(),
// value()) stay valid for the iterator's life, not only until its next move:
// arena memory never moves.
//
// Owner: memtable. Thread safety: Add from one thread at a time (the DB's
// write path serialises it); Get, iterators and the counters from any number
// of threads concurrently with Add and each other, without locks.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <mmdb/status.h>

#include "memtable/arena.h"
#include "memtable/skiplist.h"
#include "types/internal_iterator.h"
#include "types/internal_key.h"

namespace mmdb {

class MemTable : public std::enable_shared_from_this<MemTable> {
 public:
  MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;
  ~MemTable() = default;

  // Adds an entry. kValue/kDeletion: (user_key, value) is a point entry (value
  // ignored and stored empty for a deletion). kRangeDeletion: deletes
  // [user_key, value) — user_key is begin, value is end. REQUIRES: no entry
  // with the same (user_key, seq, type) was added; seq <= kMaxSequenceNumber;
  // one Add at a time.
  void Add(SequenceNumber seq, ValueType type, std::string_view user_key, std::string_view value);

  // Looks up the newest point entry of key.user_key() with sequence <= the
  // lookup sequence. Returns false if there is none. Otherwise returns true
  // and sets *found_seq (if non-null) to its sequence and *s to OK with
  // *value = the value (kValue), or to NotFound (kDeletion). Range tombstones
  // are not consulted.
  bool Get(const LookupKey& key, std::string* value, Status* s,
           SequenceNumber* found_seq = nullptr) const;

  // Iterator over point entries: key() is the internal key, value() the
  // value. Views stay valid while the memtable lives (see top).
  std::unique_ptr<InternalIterator> NewIterator() const;
  // Iterator over range tombstones: key() = internal key (begin, seq,
  // kRangeDeletion), value() = end. nullptr when there are none.
  std::unique_ptr<InternalIterator> NewRangeTombstoneIterator() const;

  // Range tombstones in the order they were added, for readers that keep an
  // incrementally updated view of them (db/tombstone_cache.h). A cursor
  // remembers how far a reader got; it belongs to one memtable.
  class RangeTombstoneCursor {
   private:
    friend class MemTable;
    const void* last = nullptr;  // the last log node consumed
    uint64_t consumed = 0;

   public:
    uint64_t consumed_count() const { return consumed; }
  };
  // Calls fn(begin, end, seq) for every range tombstone added after
  // *cursor's position, oldest first, and advances the cursor. Safe
  // concurrently with Add.
  void ForEachRangeTombstoneSince(
      RangeTombstoneCursor* cursor,
      const std::function<void(std::string_view begin, std::string_view end, SequenceNumber seq)>&
          fn) const;

  // Bytes allocated by the arena (an upper bound on the entries' size).
  size_t ApproximateMemoryUsage() const { return arena_.MemoryUsage(); }

  // Counters (entries of every type, kDeletion only, kRangeDeletion only).
  uint64_t num_entries() const { return num_entries_.load(std::memory_order_relaxed); }
  uint64_t num_deletions() const { return num_deletions_.load(std::memory_order_relaxed); }
  uint64_t num_range_deletions() const {
    return num_range_deletions_.load(std::memory_order_acquire);
  }
  bool empty() const { return num_entries() == 0; }
  // Smallest and largest sequence added; 0 while empty.
  SequenceNumber first_seq() const { return first_seq_.load(std::memory_order_relaxed); }
  SequenceNumber largest_seq() const { return largest_seq_.load(std::memory_order_relaxed); }

 private:
  // Orders arena entries (pointers to their varint32 key length) by internal key.
  struct EntryComparator {
    int operator()(const char* a, const char* b) const;
  };
  using Table = SkipList<const char*, EntryComparator>;
  class Iter;

  // Copies the entry into the arena and returns it.
  const char* EncodeEntry(SequenceNumber seq, ValueType type, std::string_view user_key,
                          std::string_view value);

  // One node per range tombstone, in insertion order (arena-allocated,
  // linked by the single writer, read lock-free: release on link, acquire on
  // follow).
  struct RangeDelNode {
    const char* entry;
    std::atomic<const RangeDelNode*> next{nullptr};
  };

  Arena arena_;
  Table table_;            // kValue and kDeletion entries
  Table range_del_table_;  // kRangeDeletion entries
  std::atomic<const RangeDelNode*> range_del_head_{nullptr};
  RangeDelNode* range_del_tail_ = nullptr;  // writer only
  // Written by the single writer, read by anyone. Relaxed: statistics, except
  // num_range_deletions_ (release on Add / acquire on read) so that a reader
  // seeing a nonzero count also sees the tombstone in range_del_table_.
  std::atomic<uint64_t> num_entries_{0};
  std::atomic<uint64_t> num_deletions_{0};
  std::atomic<uint64_t> num_range_deletions_{0};
  std::atomic<SequenceNumber> first_seq_{0};
  std::atomic<SequenceNumber> largest_seq_{0};
};

}  // namespace mmdb
