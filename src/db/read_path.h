// The read path over one SuperVersion: point lookups and the merged
// internal iterator behind DB iterators.
//
// Point lookup order: active memtable, immutable memtables (newest first),
// L0 files (newest first; key-range check + bloom), then one file per L1+
// level (binary search by key range). The first source holding a version of
// the key at or below the read sequence answers, unless a range tombstone
// newer than that version covers the key.
//
// Thread safety: the functions only read the SuperVersion and the caches,
// which are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <mmdb/options.h>
#include <mmdb/statistics.h>

#include "cache/block_cache.h"
#include "db/super_version.h"
#include "db/tombstone_cache.h"
#include "iterator/merging_iterator.h"
#include "iterator/range_tombstones.h"
#include "sst/table_cache.h"
#include "types/internal_iterator.h"
#include "types/internal_key.h"

namespace mmdb {

// What a DB's reads use besides a SuperVersion. The DB and every iterator it
// made own it jointly, so an iterator stays valid after its DB is closed or
// destroyed (include/mmdb/db.h). Members are destroyed in reverse order: the
// caches before the block cache, statistics and Env they use.
struct ReadResources {
  std::shared_ptr<Env> env;
  std::shared_ptr<Statistics> stats;  // may be null
  std::shared_ptr<BlockCache> block_cache;
  std::shared_ptr<TableCache> table_cache;
  std::shared_ptr<TombstoneCache> tombstones;
};

// The state a DB iterator keeps alive: its SuperVersion (memtables, Version)
// and the read resources (DBIterOptions::pinned_state).
std::shared_ptr<const void> PinIteratorState(std::shared_ptr<const SuperVersion> sv,
                                             std::shared_ptr<const ReadResources> resources);

struct ReadContext {
  TableCache* table_cache = nullptr;
  TombstoneCache* tombstones = nullptr;
  Statistics* stats = nullptr;  // may be null
  size_t prefix_length = 0;     // Options::prefix_length
};

// The file a point lookup searched (its bloom filter let the key through)
// without an answer before searching another file: the lookup wasted a read
// there, which read-triggered compaction charges to it.
struct SeekCharge {
  const FileMetaData* file = nullptr;  // null: nothing to charge
  int level = -1;
};

// Get: OK with *value, NotFound, or an error met on the way (Corruption, IO).
// When `charge` is given, it names the file to charge, if any.
Status PointLookup(const ReadContext& ctx, const SuperVersion& sv, const ReadOptions& options,
                   std::string_view user_key, SequenceNumber read_seq, std::string* value,
                   SeekCharge* charge = nullptr);

struct InternalIteratorSpec {
  std::optional<std::string> lower_bound;  // inclusive user key
  std::optional<std::string> upper_bound;  // exclusive user key
  // When set, files whose prefix bloom excludes this prefix are skipped.
  std::optional<std::string> prefix;
  bool fill_cache = true;
  bool verify_checksums = true;
};

// The spec of a DB iterator under `options`; for a prefix iterator the
// bounds are [prefix, successor(prefix)) intersected with the caller's, and
// the prefix filter is used when `prefix` covers `prefix_length` (> 0) bytes.
InternalIteratorSpec IteratorSpecFor(const ReadOptions& options,
                                     std::optional<std::string_view> prefix, size_t prefix_length);

// The merge of every source of `sv` whose key range may meet the bounds (or
// the one source alone), and
// the range tombstones of those sources. Errors opening files surface through
// the iterator's status().
// Sources are the merge's children in newest-first order; `tombstones` gets
// each source's tombstones tagged with its child index.
struct MergedIterator {
  std::unique_ptr<InternalIterator> iter;
  // `iter` as a merge of two or more sources (for DBIter's re-seeks past
  // range tombstones); null when there is a single source and `iter` is
  // that source itself (no merge layer to step through).
  SourceMergingIterator* merger = nullptr;
};
MergedIterator NewMergedIterator(const ReadContext& ctx, const SuperVersion& sv,
                                 const InternalIteratorSpec& spec, RangeTombstoneView* tombstones);

}  // namespace mmdb
