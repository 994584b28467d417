// DBIter: turns a merged internal iterator (memtables + SSTs) into the public
// Iterator: collapses the versions of each user key to the newest one at the
// read sequence, hides point deletions and range-deleted keys, and honours
// the lower (inclusive) and upper (exclusive) bounds.
//
// Forward, the inner iterator sits on the entry being returned. Backward,
// it sits just before all entries of the returned key, whose newest visible
// value is copied into saved_key_/saved_value_ (LevelDB's DBIter scheme).
//
// Range tombstones: the tombstones covering the current key, and the key
// interval where that answer holds, are cached (RangeTombstoneView::Cover),
// so a scan queries the tombstone lists once per interval, not once per key.
// When an entry turns out hidden by a tombstone of a newer source, every
// older source is re-sought past the tombstone's fragment in one step (see
// RangeTombstoneView for why that is safe): a scan over a deleted range costs
// a few seeks, not one step per deleted entry.
//
// Thread safety: one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <mmdb/iterator.h>
#include <mmdb/statistics.h>

#include "iterator/merging_iterator.h"
#include "iterator/range_tombstones.h"
#include "types/internal_iterator.h"
#include "types/internal_key.h"

namespace mmdb {

struct DBIterOptions {
  SequenceNumber sequence = 0;             // read at this sequence
  std::optional<std::string> lower_bound;  // inclusive
  std::optional<std::string> upper_bound;  // exclusive
  // Range tombstones of every source the inner iterator reads, tagged with
  // the source's child index in `merger`.
  RangeTombstoneView tombstones;
  // When the inner iterator is a SourceMergingIterator (it is, or owns, it),
  // the DB iterator re-seeks older sources past covering range tombstones
  // instead of stepping over every entry they hide. May be null.
  SourceMergingIterator* merger = nullptr;
  // Work counters (kIterEntriesVisited, kIterTombstoneReseeks) are added
  // here when the iterator is destroyed. May be null.
  Statistics* stats = nullptr;
  // Kept alive as long as the iterator (memtables, version, table readers).
  std::shared_ptr<const void> pinned_state;
  // Read sampling for read-triggered compaction, when set: called with the
  // key the iterator lands on after one seek in kSeekSamplePeriod (per
  // thread; `seeks` = kSeekSamplePeriod), and about once per
  // kReadBytesPeriod bytes of keys and values stepped over (`seeks` = 1, as
  // LevelDB samples scans).
  std::function<void(std::string_view user_key, uint32_t seeks)> read_sampler;
  static constexpr uint32_t kSeekSamplePeriod = 8;
  static constexpr uint64_t kReadBytesPeriod = 1u << 20;
};

std::unique_ptr<Iterator> NewDBIterator(std::unique_ptr<InternalIterator> inner,
                                        DBIterOptions options);

}  // namespace mmdb
