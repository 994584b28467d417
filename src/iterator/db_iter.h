// DBIter: turns a merged internal iterator (memtables + SSTs) into the public
// Iterator: collapses the versions of each user key to the newest one at the
// read sequence, hides point deletions and range-deleted keys, and honours
// the lower (inclusive) and upper (exclusive) bounds.
//
// Forward, the inner iterator sits on the entry being returned. Backward,
// it sits just before all entries of the returned key, whose newest visible
// value is copied into saved_key_/saved_value_ (LevelDB's DBIter scheme).
//
// Thread safety: one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <mmdb/iterator.h>

#include "iterator/range_tombstones.h"
#include "types/internal_iterator.h"
#include "types/internal_key.h"

namespace mmdb {

struct DBIterOptions {
  SequenceNumber sequence = 0;             // read at this sequence
  std::optional<std::string> lower_bound;  // inclusive
  std::optional<std::string> upper_bound;  // exclusive
  // Range tombstones of every source the inner iterator reads.
  RangeTombstoneView tombstones;
  // Kept alive as long as the iterator (memtables, version, table readers).
  std::shared_ptr<const void> pinned_state;
};

std::unique_ptr<Iterator> NewDBIterator(std::unique_ptr<InternalIterator> inner,
                                        DBIterOptions options);

}  // namespace mmdb
