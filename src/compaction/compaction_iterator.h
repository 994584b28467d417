// CompactionIterator: applies the garbage-collection rules of compaction to
// the merged stream of input entries (internal-key order), yielding exactly
// the point entries to write out.
//
// Rules (docs/compaction.md):
//   - Snapshot stripes: the live snapshot sequences split the sequence space
//     into stripes; of the versions of one user key that fall into the same
//     stripe only the newest is kept (older ones are invisible to everyone).
//   - A version covered by a range tombstone of the same stripe (tombstone
//     seq > version seq, and no snapshot between them) is dropped.
//   - At the bottommost level a deletion marker that no snapshot needs
//     (its seq <= the oldest snapshot, or no snapshots) is dropped.
//   - The compaction filter and the lazy-delete set are consulted for the
//     newest version of each key when no snapshot protects it (its seq is
//     above every live snapshot): kRemove turns it into a deletion marker, or
//     drops it at the bottommost level; kChangeValue rewrites the value.
//     Lazy-deleted keys are removed only at the bottommost level and only
//     when no snapshot is alive.
//
// An entry repeated exactly (same user key, sequence and type) is written
// once; any other disorder in the input is Corruption.
//
// Range tombstones themselves are not part of this stream: the job handles
// them (CompactionJob writes the ones still needed into the outputs).
//
// Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <mmdb/compaction_filter.h>
#include <mmdb/snapshot.h>

#include "compaction/lazy_delete_set.h"
#include "iterator/range_tombstones.h"
#include "types/internal_iterator.h"
#include "types/internal_key.h"

namespace mmdb {

struct CompactionIteratorOptions {
  // Live snapshot sequences, ascending.
  std::vector<SequenceNumber> snapshots{};
  bool bottommost = false;
  int level = 0;                             // passed to the filter
  const CompactionFilter* filter = nullptr;  // may be null
  LazyDeleteSet* lazy_deletes = nullptr;     // may be null
  // Range tombstones of every input; may be empty.
  RangeTombstoneView tombstones{};
};

struct CompactionIteratorStats {
  uint64_t input_entries = 0;
  uint64_t dropped_shadowed = 0;   // older versions in the same stripe
  uint64_t dropped_covered = 0;    // covered by a range tombstone
  uint64_t dropped_deletions = 0;  // markers dropped at the bottom
  uint64_t filter_removed = 0;
  uint64_t filter_changed = 0;
  uint64_t lazy_deleted = 0;
  // Exact repeats (same user key, sequence and type), written once: two
  // inputs may hold the same entry after a repair (a WAL replayed into a
  // table beside the table its memtable was already flushed to).
  uint64_t dropped_repeats = 0;
};

class CompactionIterator {
 public:
  // `input` yields point entries only, in internal-key order.
  CompactionIterator(std::unique_ptr<InternalIterator> input, CompactionIteratorOptions options);

  // Positions at the first output entry.
  void SeekToFirst();
  // Positions at the first output entry with user key >= user_key (for
  // subcompaction slices).
  void Seek(std::string_view user_key);
  bool Valid() const;
  void Next();
  // The entry to write: internal key and value, valid until Next().
  std::string_view key() const;
  std::string_view value() const;
  Status status() const;
  const CompactionIteratorStats& stats() const;

 private:
  static constexpr size_t kNoStripe = static_cast<size_t>(-1);

  // Moves the input forward (starting at its current entry) to the next
  // entry to emit, applying the rules; sets valid_, key_, value_, status_.
  void FindNextOutput();
  // Decides the fate of the input's current entry (already parsed); true
  // when it is emitted (key_/value_ set).
  bool Decide(const ParsedInternalKey& ikey, bool newest_of_key, size_t stripe);
  // Bookkeeping when the versions of user_key_ end: unregisters a lazily
  // deleted key none of whose versions survived.
  void FinishUserKey();
  void ResetKeyState();
  // Index of the first snapshot >= seq, or snapshots.size() (above all).
  size_t StripeOf(SequenceNumber seq) const;
  // The largest sequence a reader of stripe `stripe` reads at.
  SequenceNumber StripeTop(size_t stripe) const;

  std::unique_ptr<InternalIterator> input_;
  CompactionIteratorOptions options_;
  CompactionIteratorStats stats_;
  Status status_;
  bool valid_ = false;

  // The user key whose versions are being read.
  bool has_user_key_ = false;
  std::string user_key_;
  SequenceNumber last_sequence_ = 0;         // of the previous version of user_key_
  ValueType last_type_ = ValueType::kValue;  // of the previous version of user_key_
  size_t last_stripe_ = kNoStripe;           // stripe of the previous version
  bool drop_whole_key_ = false;              // lazy-deleted: every version goes
  bool emitted_any_ = false;                 // some version of user_key_ was emitted

  // The current output: views into the input (valid until it moves, which
  // only Next/Seek* do) or into the buffers below.
  std::string_view key_;
  std::string_view value_;
  std::string key_buf_;
  std::string value_buf_;
};

}  // namespace mmdb
